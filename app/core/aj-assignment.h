/* aj-assignment.h: spot-check assignments (抽查任务): each institution a draw
 * picked, for its team, with a checklist and a due date. The server makes
 * them from its draws; devices hold those of their scope as reference data. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aj-checklist.h"
#include "aj-draw-record.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_ASSIGNMENT (aj_assignment_get_type ())
G_DECLARE_FINAL_TYPE (AjAssignment, aj_assignment, AJ, ASSIGNMENT, GObject)

const char         *aj_assignment_get_id               (AjAssignment *self);
const char         *aj_assignment_get_draw_id          (AjAssignment *self);
const char         *aj_assignment_get_institution      (AjAssignment *self);
const char         *aj_assignment_get_institution_name (AjAssignment *self);
const char * const *aj_assignment_get_team             (AjAssignment *self);
const char         *aj_assignment_get_checklist        (AjAssignment *self);
const char         *aj_assignment_get_due              (AjAssignment *self);
const char         *aj_assignment_get_status           (AjAssignment *self);
const char         *aj_assignment_get_inspection_id    (AjAssignment *self);
gboolean            aj_assignment_is_started           (AjAssignment *self);
gboolean            aj_assignment_is_finished          (AjAssignment *self);
gboolean            aj_assignment_is_overdue           (AjAssignment *self,
                                                        const char   *today);
gboolean            aj_assignment_has_member           (AjAssignment *self,
                                                        const char   *person);
JsonObject         *aj_assignment_to_json              (AjAssignment *self);

AjAssignment       *aj_assignment_load                 (AjStore      *store,
                                                        const char   *id);
AjAssignment       *aj_assignment_load_for_inspection (AjStore    *store,
                                                        const char   *inspection_id);
guint               aj_assignment_count_present        (AjStore      *store,
                                                        AjAssignment *self,
                                                        const char   *inspection_id);
GListModel         *aj_assignment_list_for_member      (AjStore      *store,
                                                        const char   *person,
                                                        GError      **error);
GListModel         *aj_assignment_list_for_draw        (AjStore      *store,
                                                        const char   *draw_id,
                                                        GError      **error);
gboolean            aj_assignment_replace_all          (AjStore      *store,
                                                        JsonArray    *list,
                                                        GError      **error);
gboolean            aj_assignment_make_for_draw        (AjStore      *store,
                                                        AjDrawRecord *draw,
                                                        const char   *checklist,
                                                        const char   *due,
                                                        GError      **error);
char               *aj_assignment_start                (AjStore      *store,
                                                        AjAssignment *self,
                                                        AjChecklist  *checklist,
                                                        const char   *author,
                                                        const char * const *present,
                                                        GError      **error);

G_END_DECLS
