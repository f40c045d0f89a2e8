/* aj-roster.h: the inspector roster (执法检查人员名录库): who may inspect
 * which counties, and who must stay away from which institutions (回避). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_INSPECTOR (aj_inspector_get_type ())
G_DECLARE_FINAL_TYPE (AjInspector, aj_inspector, AJ, INSPECTOR, GObject)

const char         *aj_inspector_get_id           (AjInspector  *self);
const char         *aj_inspector_get_name         (AjInspector  *self);
const char         *aj_inspector_get_department   (AjInspector  *self);
const char         *aj_inspector_get_certificate  (AjInspector  *self);
const char * const *aj_inspector_get_counties     (AjInspector  *self);
const char * const *aj_inspector_get_member_of    (AjInspector  *self);
const char * const *aj_inspector_get_related_to   (AjInspector  *self);
gboolean            aj_inspector_get_active       (AjInspector  *self);
gboolean            aj_inspector_may_inspect      (AjInspector  *self,
                                                   const char   *institution,
                                                   const char   *county);
JsonObject         *aj_inspector_to_json          (AjInspector  *self);

GListModel         *aj_roster_list_inspectors     (AjStore      *store,
                                                   GError      **error);
AjInspector        *aj_roster_get_inspector       (AjStore      *store,
                                                   const char   *id);
gboolean            aj_roster_clear               (AjStore      *store,
                                                   GError      **error);
gboolean            aj_roster_insert              (AjStore      *store,
                                                   JsonObject   *row,
                                                   GError      **error);

G_END_DECLS
