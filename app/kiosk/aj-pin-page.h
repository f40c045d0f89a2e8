/* aj-pin-page.h: changing one's own PIN, or an administrator setting another's. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_PIN_PAGE (aj_pin_page_get_type ())
G_DECLARE_FINAL_TYPE (AjPinPage, aj_pin_page, AJ, PIN_PAGE, AdwBin)

void aj_pin_page_reset (AjPinPage *self);

G_END_DECLS
