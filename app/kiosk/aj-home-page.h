/* aj-home-page.h: the day's overview for the person signed in. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_HOME_PAGE (aj_home_page_get_type ())
G_DECLARE_FINAL_TYPE (AjHomePage, aj_home_page, AJ, HOME_PAGE, AdwBin)

void aj_home_page_refresh (AjHomePage *self);

G_END_DECLS
