/* aj-sign-in-page.h: who is using the kiosk: a tile per person and a PIN. */
#pragma once

#include <adwaita.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_SIGN_IN_PAGE (aj_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (AjSignInPage, aj_sign_in_page, AJ, SIGN_IN_PAGE, AdwBin)

void aj_sign_in_page_set_store (AjSignInPage *self,
                                AjStore      *store);
void aj_sign_in_page_reset     (AjSignInPage *self);

G_END_DECLS
