/* aj-assignment-row.h: one assigned spot check as a row: where, by when,
 * with whom, and whether it is overdue or under way. */
#pragma once

#include <adwaita.h>

#include "aj-assignment.h"

G_BEGIN_DECLS

#define AJ_TYPE_ASSIGNMENT_ROW (aj_assignment_row_get_type ())
G_DECLARE_FINAL_TYPE (AjAssignmentRow, aj_assignment_row, AJ, ASSIGNMENT_ROW, AdwActionRow)

GtkWidget    *aj_assignment_row_new      (AjAssignment    *item,
                                          const char      *team_names,
                                          const char      *today);
AjAssignment *aj_assignment_row_get_item (AjAssignmentRow *self);

G_END_DECLS
