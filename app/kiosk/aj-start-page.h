/* aj-start-page.h: how the inspection is done and with which checklist. */
#pragma once

#include <adwaita.h>

#include "aj-registry.h"

G_BEGIN_DECLS

#define AJ_TYPE_START_PAGE (aj_start_page_get_type ())
G_DECLARE_FINAL_TYPE (AjStartPage, aj_start_page, AJ, START_PAGE, AdwBin)

void aj_start_page_set_institution (AjStartPage   *self,
                                    AjInstitution *institution);

G_END_DECLS
