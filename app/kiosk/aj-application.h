/* aj-application.h: the kiosk application: owns the store, the checklists and who is signed in. */
#pragma once

#include <adwaita.h>

#include "aj-checklist.h"
#include "aj-registry.h"
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
AjSyncManager *aj_application_get_sync             (AjApplication *self);
AjUser        *aj_application_get_user             (AjApplication *self);
void           aj_application_set_user             (AjApplication *self,
                                                    AjUser        *user);
char          *aj_application_dup_stamp_text      (AjApplication *self,
                                                    const char    *institution_name);
char          *aj_application_dup_server_url       (AjApplication *self);

const char    *aj_find_shipped_data_dir            (void);
GSettings     *aj_settings_new                     (void);

G_END_DECLS
