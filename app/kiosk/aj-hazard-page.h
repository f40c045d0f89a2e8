/* aj-hazard-page.h: one hazard: what, where, how bad, its tag and its history. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_HAZARD_PAGE (aj_hazard_page_get_type ())
G_DECLARE_FINAL_TYPE (AjHazardPage, aj_hazard_page, AJ, HAZARD_PAGE, AdwBin)

void        aj_hazard_page_load            (AjHazardPage *self,
                                            const char   *hazard_id);
void        aj_hazard_page_reload          (AjHazardPage *self);
const char *aj_hazard_page_get_qr_payload  (AjHazardPage *self);

G_END_DECLS
