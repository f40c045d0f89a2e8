/* aj-event.c: events and the per-device SHA-256 chain over them. */
#include <string.h>

#include "aj-event.h"

AjEvent *
aj_event_new (void)
{
  return g_new0 (AjEvent, 1);
}

AjEvent *
aj_event_copy (const AjEvent *event)
{
  AjEvent *copy = g_new0 (AjEvent, 1);

  copy->id = g_strdup (event->id);
  copy->device_id = g_strdup (event->device_id);
  copy->device_seq = event->device_seq;
  copy->author = g_strdup (event->author);
  copy->hlc = event->hlc;
  copy->type = g_strdup (event->type);
  copy->subject = g_strdup (event->subject);
  copy->body = g_strdup (event->body);
  copy->prev_hash = g_strdup (event->prev_hash);
  copy->hash = g_strdup (event->hash);
  copy->server_seq = event->server_seq;
  copy->gap_before = event->gap_before;
  return copy;
}

void
aj_event_free (AjEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->id);
  g_free (event->device_id);
  g_free (event->author);
  g_free (event->type);
  g_free (event->subject);
  g_free (event->body);
  g_free (event->prev_hash);
  g_free (event->hash);
  g_free (event);
}

/* The digest covers every field that makes the event, and the previous
 * event's digest, so that any edit, insertion or gap breaks the chain.
 * Fields are length-prefixed so that no two events share an encoding. */
char *
aj_event_compute_hash (const AjEvent *event)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *fields[8];
  char seq[32], hlc[32];

  g_snprintf (seq, sizeof seq, "%" G_GINT64_FORMAT, event->device_seq);
  g_snprintf (hlc, sizeof hlc, "%" G_GINT64_FORMAT, event->hlc);
  fields[0] = event->prev_hash;
  fields[1] = event->id;
  fields[2] = event->device_id;
  fields[3] = seq;
  fields[4] = event->author;
  fields[5] = hlc;
  fields[6] = event->type;
  fields[7] = event->subject;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *f = fields[i] ? fields[i] : "";
      char len[24];
      g_snprintf (len, sizeof len, "%zu:", strlen (f));
      g_checksum_update (sum, (const guchar *) len, -1);
      g_checksum_update (sum, (const guchar *) f, -1);
    }
  {
    const char *b = event->body ? event->body : "";
    char len[24];
    g_snprintf (len, sizeof len, "%zu:", strlen (b));
    g_checksum_update (sum, (const guchar *) len, -1);
    g_checksum_update (sum, (const guchar *) b, -1);
  }
  return g_strdup (g_checksum_get_string (sum));
}
