/* aj-window.h: the kiosk's one window and the way between its pages. */
#pragma once

#include <adwaita.h>

#include "aj-application.h"
#include "aj-hazard-steps.h"
#include "aj-registry.h"

G_BEGIN_DECLS

#define AJ_TYPE_WINDOW (aj_window_get_type ())
G_DECLARE_FINAL_TYPE (AjWindow, aj_window, AJ, WINDOW, AdwApplicationWindow)

AjWindow      *aj_window_new                (AjApplication *app,
                                             const GError  *store_error);
AjApplication *aj_window_get_app            (AjWindow      *self);
AjStore       *aj_window_get_store          (AjWindow      *self);
const char    *aj_window_get_user_id        (AjWindow      *self);
const char    *aj_window_get_page_name      (AjWindow      *self);

void           aj_window_show_sign_in       (AjWindow      *self);
void           aj_window_show_home          (AjWindow      *self);
void           aj_window_show_institutions  (AjWindow      *self);
void           aj_window_show_start         (AjWindow      *self,
                                             AjInstitution *institution);
void           aj_window_show_inspection    (AjWindow      *self,
                                             const char    *inspection_id,
                                             const char    *item_code);
void           aj_window_show_hazard_sheet  (AjWindow      *self,
                                             const char    *inspection_id,
                                             const char    *item_code,
                                             const char    *hazard_id);
void           aj_window_show_summary       (AjWindow      *self,
                                             const char    *inspection_id);
void           aj_window_show_ledger        (AjWindow      *self);
void           aj_window_show_hazard        (AjWindow      *self,
                                             const char    *hazard_id);
void           aj_window_show_step          (AjWindow      *self,
                                             const char    *hazard_id,
                                             AjHazardStep   step);
void           aj_window_show_photos        (AjWindow      *self,
                                             GPtrArray     *photos,
                                             guint          index,
                                             gboolean       can_withdraw);
void           aj_window_show_before_after  (AjWindow      *self,
                                             const char    *before,
                                             const char    *after);
void           aj_window_open_scanned       (AjWindow      *self,
                                             const char    *payload);
void           aj_window_show_camera        (AjWindow      *self,
                                             const char    *inspection_id,
                                             const char    *item_code);
void           aj_window_show_signature     (AjWindow      *self,
                                             const char    *subject,
                                             const char    *role,
                                             const char    *signer,
                                             const char    *what);
struct _AjSettingsPage *aj_window_get_settings_page (AjWindow *self);
void           aj_window_show_settings      (AjWindow      *self);
void           aj_window_go_back            (AjWindow      *self);
void           aj_window_toast              (AjWindow      *self,
                                             const char    *message);
void           aj_window_report_error       (AjWindow      *self,
                                             const char    *what,
                                             const GError  *error);

AjWindow      *aj_window_for_widget         (GtkWidget     *widget);

G_END_DECLS
