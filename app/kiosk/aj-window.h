/* aj-window.h: the kiosk's one window; its pages reach it only through
 * actions (aj-window-actions.c) and the session. It is given what it shows
 * and does not know the application that made it. */
#pragma once

#include <adwaita.h>

#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_WINDOW (aj_window_get_type ())
G_DECLARE_FINAL_TYPE (AjWindow, aj_window, AJ, WINDOW, AdwApplicationWindow)

AjWindow      *aj_window_new                (GtkApplication *app,
                                             AjSession      *session,
                                             GSettings      *settings,
                                             const GError   *store_error);
void           aj_window_report_problems    (AjWindow       *self,
                                             GPtrArray      *problems);
AjSession     *aj_window_get_session        (AjWindow       *self);
const char    *aj_window_get_page_name      (AjWindow       *self);

G_END_DECLS
