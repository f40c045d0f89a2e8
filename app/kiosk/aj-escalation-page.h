/* aj-escalation-page.h: the office's list of hazards under supervision (督办). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_ESCALATION_PAGE (aj_escalation_page_get_type ())
G_DECLARE_FINAL_TYPE (AjEscalationPage, aj_escalation_page, AJ, ESCALATION_PAGE, AdwBin)

void        aj_escalation_page_refresh     (AjEscalationPage *self);
GListModel *aj_escalation_page_get_hazards (AjEscalationPage *self);

G_END_DECLS
