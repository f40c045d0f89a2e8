/* aj-settings-page.h: the server, enrollment and sync status. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_SETTINGS_PAGE (aj_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (AjSettingsPage, aj_settings_page, AJ, SETTINGS_PAGE, AdwBin)

void aj_settings_page_refresh       (AjSettingsPage *self);
void aj_settings_page_fill_enroll   (AjSettingsPage *self,
                                     const char     *server,
                                     const char     *code);

G_END_DECLS
