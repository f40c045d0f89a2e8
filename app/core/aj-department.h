/* aj-department.h: the inspecting department (发文机关) that issues an
 * institution's documents: its name, the text of its seal and the prefix of
 * its document numbers, from the registry. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_DEPARTMENT (aj_department_get_type ())
G_DECLARE_FINAL_TYPE (AjDepartment, aj_department, AJ, DEPARTMENT, GObject)

const char   *aj_department_get_id                      (AjDepartment  *self);
const char   *aj_department_get_name                    (AjDepartment  *self);
const char   *aj_department_get_seal_text               (AjDepartment  *self);
const char   *aj_department_get_number_prefix           (AjDepartment  *self);
const char   *aj_department_get_county                  (AjDepartment  *self);
int           aj_department_get_escalation_overdue_days (AjDepartment  *self);
JsonObject   *aj_department_to_json                     (AjDepartment  *self);

AjDepartment *aj_department_load                        (AjStore       *store,
                                                         const char    *id);
GListModel   *aj_department_list                        (AjStore       *store);
gboolean      aj_department_insert                      (AjStore       *store,
                                                         JsonObject    *row,
                                                         GError       **error);

G_END_DECLS
