/* aj-institution-page.h: choosing the institution to inspect, by name or code. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_INSTITUTION_PAGE (aj_institution_page_get_type ())
G_DECLARE_FINAL_TYPE (AjInstitutionPage, aj_institution_page, AJ, INSTITUTION_PAGE, AdwBin)

void aj_institution_page_reset (AjInstitutionPage *self);

G_END_DECLS
