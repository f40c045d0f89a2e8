/* aj-event.h: one immutable event of the log, and its hash-chain digest. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *id;
  char   *device_id;
  gint64  device_seq;
  char   *author;
  gint64  hlc;
  char   *type;
  char   *subject;
  char   *body;        /* JSON text, hashed and sent exactly as stored */
  char   *prev_hash;
  char   *hash;
  gint64  server_seq;  /* 0 when not yet acknowledged */
  /* Not hashed; set by the server on a pull: the event before this one in its
   * device's chain is not served to this device (outside its scope, or
   * refused), so its absence is no gap in what the device holds. */
  gboolean gap_before;
} AjEvent;

/* The first event of a device chains to this. */
#define AJ_EVENT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

AjEvent *aj_event_new           (void);
AjEvent *aj_event_copy          (const AjEvent *event);
void     aj_event_free          (AjEvent       *event);
char    *aj_event_compute_hash  (const AjEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjEvent, aj_event_free)

G_END_DECLS
