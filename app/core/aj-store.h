/* aj-store.h: the kiosk's (and later the server's) one SQLite file: the event log,
 * its hash chain and the projections that are a pure function of it. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aj-event.h"
#include "aj-scope.h"

G_BEGIN_DECLS

#define AJ_TYPE_STORE (aj_store_get_type ())
G_DECLARE_FINAL_TYPE (AjStore, aj_store, AJ, STORE, GObject)

#define AJ_STORE_SCHEMA_VERSION 23

AjStore     *aj_store_open                 (const char  *path,
                                            GError     **error);
const char  *aj_store_get_path             (AjStore     *self);
const char  *aj_store_get_device_id        (AjStore     *self);
int          aj_store_get_schema_version   (AjStore     *self);

gboolean     aj_store_begin                (AjStore     *self,
                                            GError     **error);
gboolean     aj_store_commit               (AjStore     *self,
                                            GError     **error);
void         aj_store_rollback             (AjStore     *self);

char        *aj_store_append               (AjStore     *self,
                                            const char  *type,
                                            const char  *subject,
                                            const char  *author,
                                            JsonObject  *body,
                                            GError     **error);

GPtrArray   *aj_store_list_events          (AjStore     *self,
                                            const char  *subject,
                                            GError     **error);
GPtrArray   *aj_store_list_device_events   (AjStore     *self,
                                            const char  *device_id,
                                            GError     **error);
gint64       aj_store_count_events         (AjStore     *self);
gint64       aj_store_count_unsynced       (AjStore     *self);

gboolean     aj_store_verify_chain         (AjStore     *self,
                                            const char  *device_id,
                                            GError     **error);
gboolean     aj_store_rebuild_projections  (AjStore     *self,
                                            GError     **error);
char        *aj_store_dump_projections     (AjStore     *self,
                                            GError     **error);

gboolean     aj_store_insert_remote        (AjStore        *self,
                                            const AjEvent  *event,
                                            gboolean        number_it,
                                            gboolean       *inserted,
                                            gint64         *server_seq,
                                            GError        **error);
GPtrArray   *aj_store_list_outbox          (AjStore     *self,
                                            guint        limit,
                                            gsize        max_bytes,
                                            GError     **error);
/* An event the server refused, with its stable code and message. */
typedef struct
{
  AjEvent *event;
  char    *code;
  char    *message;
} AjRefusedEvent;

void         aj_refused_event_free         (AjRefusedEvent *refused);
gboolean     aj_store_mark_refused         (AjStore        *self,
                                            const char     *event_id,
                                            const char     *code,
                                            const char     *message,
                                            GError        **error);
gboolean     aj_store_insert_refused       (AjStore        *self,
                                            const AjEvent  *event,
                                            const char     *code,
                                            const char     *message,
                                            GError        **error);
gboolean     aj_store_want_blob            (AjStore        *self,
                                            const char     *sha256,
                                            GError        **error);
GPtrArray   *aj_store_list_wanted_blobs    (AjStore        *self,
                                            guint           limit,
                                            GError        **error);
gboolean     aj_store_blob_attempted       (AjStore        *self,
                                            const char     *sha256,
                                            const char     *message,
                                            GError        **error);
gboolean     aj_store_blob_is_wanted       (AjStore        *self,
                                            const char     *sha256);
gint64       aj_store_count_wanted_blobs   (AjStore        *self);
GPtrArray   *aj_store_list_named_blobs     (AjStore        *self,
                                            GError        **error);
gboolean     aj_store_lookup_event         (AjStore        *self,
                                            const char     *id,
                                            gint64         *server_seq,
                                            char          **refused_code,
                                            char          **refused_message);
GPtrArray   *aj_store_list_refused         (AjStore        *self,
                                            GError        **error);
gboolean     aj_store_mark_acked           (AjStore     *self,
                                            const char  *event_id,
                                            gint64       server_seq,
                                            GError     **error);
char        *aj_store_subject_institution  (AjStore        *self,
                                            const char     *subject);
gint64       aj_store_first_event_hlc      (AjStore        *self,
                                            const char     *subject,
                                            const char     *type);
char        *aj_store_event_institution    (AjStore        *self,
                                            const AjEvent  *event);
void         aj_store_refresh_clock        (AjStore     *self);
GPtrArray   *aj_store_list_events_in_scope (AjStore        *self,
                                            gint64          after,
                                            guint           limit,
                                            const AjScope  *scope,
                                            GError        **error);
GPtrArray   *aj_store_list_page            (AjStore        *self,
                                            gint64          after,
                                            guint           limit,
                                            gsize           max_bytes,
                                            const AjScope  *scope,
                                            const char     *except_device,
                                            gboolean       *more,
                                            GError        **error);

char        *aj_store_get_local            (AjStore     *self,
                                            const char  *key);
gboolean     aj_store_set_local            (AjStore     *self,
                                            const char  *key,
                                            const char  *value,
                                            GError     **error);
char        *aj_store_get_meta             (AjStore     *self,
                                            const char  *key);
gboolean     aj_store_set_meta             (AjStore     *self,
                                            const char  *key,
                                            const char  *value,
                                            GError     **error);

G_END_DECLS
