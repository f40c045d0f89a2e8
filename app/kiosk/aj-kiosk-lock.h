/* aj-kiosk-lock.h: kiosk mode for a tablet mounted in a home: full screen,
 * no window controls, no way out without an administrator's PIN. */
#pragma once

#include <adwaita.h>

#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_KIOSK_LOCK (aj_kiosk_lock_get_type ())
G_DECLARE_FINAL_TYPE (AjKioskLock, aj_kiosk_lock, AJ, KIOSK_LOCK, GObject)

AjKioskLock *aj_kiosk_lock_attach        (GtkWindow   *window,
                                          AjSession   *session);
gboolean     aj_kiosk_lock_try_leave     (AjKioskLock *self,
                                          const char  *pin,
                                          GError     **error);

G_END_DECLS
