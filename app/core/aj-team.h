/* aj-team.h: the inspectors named on an inspection (执法人员): each member
 * confirms his or her presence with a PIN (inspection.team_confirmed); a
 * field inspection started without an assignment takes colleagues of the
 * institution's department, not related to it. */
#pragma once

#include <gio/gio.h>

#include "aj-inspection.h"
#include "aj-store.h"

G_BEGIN_DECLS

gboolean    aj_team_confirm          (AjStore             *store,
                                      const char          *inspection_id,
                                      const char          *member,
                                      GError             **error);
GPtrArray  *aj_team_list_members     (AjStore             *store,
                                      const char          *inspection_id);
gboolean    aj_team_is_field         (AjStore             *store,
                                      AjInspection        *inspection);
gboolean    aj_team_may_join         (AjStore             *store,
                                      AjInspection        *inspection,
                                      const char          *member,
                                      GError             **error);
GListModel *aj_team_list_colleagues  (AjStore             *store,
                                      const char          *inspection_id,
                                      const char          *except);
gboolean    aj_team_add              (AjStore             *store,
                                      const char          *author,
                                      const char          *inspection_id,
                                      const char * const  *members,
                                      GError             **error);

G_END_DECLS
