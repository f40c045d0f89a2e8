/* aj-window.h: the kiosk's one window; its pages reach it only through
 * actions (aj-window-actions.c) and the session. */
#pragma once

#include <adwaita.h>

#include "aj-application.h"

G_BEGIN_DECLS

#define AJ_TYPE_WINDOW (aj_window_get_type ())
G_DECLARE_FINAL_TYPE (AjWindow, aj_window, AJ, WINDOW, AdwApplicationWindow)

AjWindow      *aj_window_new                (AjApplication *app,
                                             const GError  *store_error);
AjSession     *aj_window_get_session        (AjWindow      *self);
const char    *aj_window_get_page_name      (AjWindow      *self);

G_END_DECLS
