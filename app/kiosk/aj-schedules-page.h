/* aj-schedules-page.h: the head of a home (or an administrator) lists, adds,
 * edits and ends the schedules of the home's rounds. */
#pragma once

#include <adwaita.h>

#include "aj-registry.h"

G_BEGIN_DECLS

#define AJ_TYPE_SCHEDULES_PAGE (aj_schedules_page_get_type ())
G_DECLARE_FINAL_TYPE (AjSchedulesPage, aj_schedules_page, AJ, SCHEDULES_PAGE, AdwBin)

gboolean aj_schedules_page_may_edit (AjUser *user);
void     aj_schedules_page_reset    (AjSchedulesPage *self);

G_END_DECLS
