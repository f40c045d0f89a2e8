/* aj-location.h: where the device is, from GeoClue, when the device can tell. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     aj_location_start (void);
gboolean aj_location_get   (double *latitude,
                            double *longitude,
                            double *accuracy);

G_END_DECLS
