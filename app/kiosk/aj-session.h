/* aj-session.h: who is signed in, where they were and what they were typing,
 * and the shared state (store, blobs, settings, checklists, sync) pages need. */
#pragma once

#include <gio/gio.h>

#include "aj-checklist.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-sync-manager.h"

G_BEGIN_DECLS

#define AJ_TYPE_SESSION (aj_session_get_type ())
G_DECLARE_FINAL_TYPE (AjSession, aj_session, AJ, SESSION, GObject)

AjSession     *aj_session_new                 (AjStore       *store,
                                               const char    *blob_dir,
                                               GSettings     *settings,
                                               GListModel    *checklists,
                                               AjSyncManager *sync);
AjStore       *aj_session_get_store           (AjSession     *self);
const char    *aj_session_get_blob_dir        (AjSession     *self);
GSettings     *aj_session_get_settings        (AjSession     *self);
void           aj_session_defer_checklists    (AjSession     *self,
                                               GSourceFunc    load,
                                               gpointer       data);
GListModel    *aj_session_get_checklists      (AjSession     *self);
AjChecklist   *aj_session_find_checklist      (AjSession     *self,
                                               const char    *id);
AjChecklist   *aj_session_find_checklist_of   (AjSession     *self,
                                               AjInspection  *inspection);
AjSyncManager *aj_session_get_sync            (AjSession     *self);

AjUser        *aj_session_get_user            (AjSession     *self);
const char    *aj_session_get_user_id         (AjSession     *self);
void           aj_session_set_user            (AjSession     *self,
                                               AjUser        *user);

char          *aj_session_dup_stamp_text      (AjSession     *self,
                                               const char    *institution_name);
char          *aj_session_dup_server_url      (AjSession     *self);

void           aj_session_remember_item       (AjSession     *self,
                                               const char    *inspection_id,
                                               const char    *item_code);
void           aj_session_forget_inspection   (AjSession     *self);
char          *aj_session_dup_resume_item     (AjSession     *self);
char          *aj_session_find_resume         (AjSession     *self,
                                               char         **item_code);

char          *aj_session_dup_draft           (AjSession     *self,
                                               const char    *key);
void           aj_session_set_draft           (AjSession     *self,
                                               const char    *key,
                                               const char    *text);

G_END_DECLS
