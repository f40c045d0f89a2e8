/* aj-team-sheet.h: the team confirmation sheet of a spot check (each member
 * present confirms with his or her PIN, then the inspection starts), or of
 * a field inspection (a colleague confirms with a PIN and joins it). */
#pragma once

#include <adwaita.h>

#include "aj-assignment.h"
#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_TEAM_SHEET (aj_team_sheet_get_type ())
G_DECLARE_FINAL_TYPE (AjTeamSheet, aj_team_sheet, AJ, TEAM_SHEET, AdwWindow)

AjTeamSheet *aj_team_sheet_new                (AjSession    *session,
                                               AjAssignment *assignment);
AjTeamSheet *aj_team_sheet_new_for_inspection (AjSession    *session,
                                               const char   *inspection_id);
void         aj_team_sheet_present            (AjTeamSheet  *self,
                                               GtkWidget    *from);

G_END_DECLS
