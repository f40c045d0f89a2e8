/* aj-sync-manager.h: when the kiosk syncs (connectivity, a timer, new records,
 * on demand), in a worker thread, with backoff, and what it last achieved. */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"
#include "aj-sync.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_SYNC_STATE_NOT_ENROLLED,
  AJ_SYNC_STATE_IDLE,
  AJ_SYNC_STATE_SYNCING,
  AJ_SYNC_STATE_FAILED,
} AjSyncState;

#define AJ_TYPE_SYNC_MANAGER (aj_sync_manager_get_type ())
G_DECLARE_FINAL_TYPE (AjSyncManager, aj_sync_manager, AJ, SYNC_MANAGER, GObject)

AjSyncManager *aj_sync_manager_new              (AjStore        *store,
                                                 const char     *data_dir);
AjSyncState    aj_sync_manager_get_state        (AjSyncManager  *self);
gint64         aj_sync_manager_get_pending      (AjSyncManager  *self);
const char    *aj_sync_manager_get_last_success (AjSyncManager  *self);
const char    *aj_sync_manager_get_last_error   (AjSyncManager  *self);
const AjSyncReport *aj_sync_manager_get_last_report (AjSyncManager *self);
guint          aj_sync_manager_get_refused      (AjSyncManager  *self);
char          *aj_sync_manager_dup_server       (AjSyncManager  *self);
char          *aj_sync_manager_describe         (AjSyncManager  *self);
void           aj_sync_manager_sync_now         (AjSyncManager  *self);
void           aj_sync_manager_enroll_async     (AjSyncManager       *self,
                                                 const char          *server,
                                                 const char          *code,
                                                 const char          *device_name,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean       aj_sync_manager_enroll_finish    (AjSyncManager  *self,
                                                 GAsyncResult   *result,
                                                 GError        **error);

G_END_DECLS
