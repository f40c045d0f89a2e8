/* aj-sync.h: the kiosk's side of sync over HTTP (libcurl): enrollment, push of
 * the outbox with photos first, paged pull with a checkpoint, reference data. */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_SYNC_ERROR (aj_sync_error_quark ())

typedef enum
{
  AJ_SYNC_ERROR_NOT_ENROLLED,
  AJ_SYNC_ERROR_NETWORK,      /* the server could not be reached, or the link broke */
  AJ_SYNC_ERROR_AUTH,         /* the token is unknown or revoked */
  AJ_SYNC_ERROR_REFUSED,      /* the server refused the request (4xx) */
  AJ_SYNC_ERROR_SERVER,       /* the server failed (5xx) */
  AJ_SYNC_ERROR_PROTOCOL,     /* the answer was not what the protocol says */
  AJ_SYNC_ERROR_LOCAL,        /* this device's data could not be read or written */
  AJ_SYNC_ERROR_CANCELLED,
  AJ_SYNC_ERROR_QUOTA,        /* this device stored all the photo bytes the server allows it */
  AJ_SYNC_ERROR_RATE_LIMITED, /* this device sent too many records for now: see retry_after */
} AjSyncError;

typedef struct
{
  const char   *blob_dir;
  const char   *checklist_dir;   /* where templates from the server are kept; may be NULL */
  const char   *ca_file;         /* a CA bundle for a server with its own certificate */
  guint         batch_events;    /* 0: the default, 200 */
  gsize         batch_bytes;     /* 0: the default, 1 MiB */
  guint         pull_limit;      /* 0: the default, 200 */
  GCancellable *cancellable;
  void        (*progress)        (const char *message,
                                  gpointer    data);
  gpointer      progress_data;
} AjSyncOptions;

typedef struct
{
  guint    pushed;
  guint    refused;     /* events the server refused this time (see aj_store_list_refused) */
  guint    pulled;
  guint    blobs_sent;
  guint    blobs_fetched;
  guint    blobs_pending;   /* wanted photos the server could not give this time */
  gint64   blob_bytes_sent;
  gboolean reference_changed;
  guint    retry_after;     /* seconds the server asked this device to wait before it sends more */
} AjSyncReport;

GQuark    aj_sync_error_quark      (void);

gboolean  aj_sync_enroll           (AjStore              *store,
                                    const char           *server_url,
                                    const char           *code,
                                    const char           *device_name,
                                    const AjSyncOptions  *options,
                                    GError              **error);
gboolean  aj_sync_run              (AjStore              *store,
                                    const AjSyncOptions  *options,
                                    AjSyncReport         *report,
                                    GError              **error);
guint     aj_sync_want_missing_blobs (AjStore            *store,
                                      const char         *blob_dir,
                                      GError            **error);
gboolean  aj_sync_is_enrolled      (AjStore              *store);
char     *aj_sync_dup_server_url   (AjStore              *store);
gboolean  aj_sync_parse_enroll_qr  (const char           *payload,
                                    char                **server_url,
                                    char                **code);

G_END_DECLS
