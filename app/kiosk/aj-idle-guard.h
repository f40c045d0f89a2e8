/* aj-idle-guard.h: signs the person out of a shared kiosk after the idle
 * time the administrator set, with a warning first. */
#pragma once

#include <adwaita.h>

#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_IDLE_GUARD (aj_idle_guard_get_type ())
G_DECLARE_FINAL_TYPE (AjIdleGuard, aj_idle_guard, AJ, IDLE_GUARD, GObject)

AjIdleGuard *aj_idle_guard_attach      (GtkWindow       *window,
                                        AjSession       *session,
                                        AdwToastOverlay *toasts);
gboolean     aj_idle_guard_is_warning  (AjIdleGuard     *self);

G_END_DECLS
