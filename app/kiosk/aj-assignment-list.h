/* aj-assignment-list.h: the spot checks assigned to the person signed in,
 * as the home page's own group. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_ASSIGNMENT_LIST (aj_assignment_list_get_type ())
G_DECLARE_FINAL_TYPE (AjAssignmentList, aj_assignment_list, AJ, ASSIGNMENT_LIST, AdwBin)

void aj_assignment_list_refresh (AjAssignmentList *self);

G_END_DECLS
