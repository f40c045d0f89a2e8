/* aj-team-sheet.h: the team confirmation sheet of a spot check: each member
 * present confirms with his or her PIN, then the inspection starts. */
#pragma once

#include <adwaita.h>

#include "aj-assignment.h"
#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_TEAM_SHEET (aj_team_sheet_get_type ())
G_DECLARE_FINAL_TYPE (AjTeamSheet, aj_team_sheet, AJ, TEAM_SHEET, AdwWindow)

AjTeamSheet *aj_team_sheet_new (AjSession    *session,
                                AjAssignment *assignment);

G_END_DECLS
