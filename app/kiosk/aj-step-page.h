/* aj-step-page.h: one step of a hazard's closed loop, as a form. */
#pragma once

#include <adwaita.h>

#include "aj-hazard-steps.h"

G_BEGIN_DECLS

#define AJ_TYPE_STEP_PAGE (aj_step_page_get_type ())
G_DECLARE_FINAL_TYPE (AjStepPage, aj_step_page, AJ, STEP_PAGE, AdwBin)

void aj_step_page_load        (AjStepPage   *self,
                               const char   *hazard_id,
                               AjHazardStep  step);
void aj_step_page_add_photo   (AjStepPage   *self,
                               const char   *path);

G_END_DECLS
