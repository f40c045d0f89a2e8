/* aj-location.c: GeoClue is asked once, in the background. A device without
 * GPS or without GeoClue simply has no location: nothing is made up, and the
 * photo's event then carries none. */
#include "config.h"

#include <geoclue.h>

#include "aj-location.h"

static GClueSimple *simple;
static gboolean     started;

static void
on_simple_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GError) error = NULL;

  simple = gclue_simple_new_finish (result, &error);
  if (simple == NULL)
    g_debug ("No location: %s", error->message);
}

void
aj_location_start (void)
{
  if (started || g_getenv ("ANJIAN_NO_LOCATION") != NULL)
    return;
  started = TRUE;
  gclue_simple_new (APP_ID, GCLUE_ACCURACY_LEVEL_EXACT, NULL, on_simple_ready, NULL);
}

gboolean
aj_location_get (double *latitude,
                 double *longitude,
                 double *accuracy)
{
  GClueLocation *location;

  if (simple == NULL || (location = gclue_simple_get_location (simple)) == NULL)
    return FALSE;
  *latitude = gclue_location_get_latitude (location);
  *longitude = gclue_location_get_longitude (location);
  *accuracy = gclue_location_get_accuracy (location);
  return TRUE;
}
