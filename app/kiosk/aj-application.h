/* aj-application.h: the kiosk application: opens the store, loads the checklists, makes the session. */
#pragma once

#include <adwaita.h>

#include "aj-checklist.h"
#include "aj-registry.h"
#include "aj-session.h"
#include "aj-store.h"
#include "aj-sync-manager.h"

G_BEGIN_DECLS

#define AJ_TYPE_APPLICATION (aj_application_get_type ())
G_DECLARE_FINAL_TYPE (AjApplication, aj_application, AJ, APPLICATION, AdwApplication)

AjApplication *aj_application_new                  (void);
AjStore       *aj_application_get_store            (AjApplication *self);
const char    *aj_application_get_blob_dir         (AjApplication *self);
const char    *aj_application_get_data_dir         (AjApplication *self);
GListModel    *aj_application_get_checklists       (AjApplication *self);
AjChecklist   *aj_application_find_checklist       (AjApplication *self,
                                                    const char    *id);
GPtrArray     *aj_application_get_problems         (AjApplication *self);
GSettings     *aj_application_get_settings         (AjApplication *self);
gboolean       aj_application_is_kiosk_mode       (AjApplication *self);
AjSyncManager *aj_application_get_sync             (AjApplication *self);
AjSession     *aj_application_get_session          (AjApplication *self);

const char    *aj_find_shipped_data_dir            (void);
GSettings     *aj_settings_new                     (void);

G_END_DECLS
