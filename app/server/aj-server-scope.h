/* aj-server-scope.h: what a device may see: all, a county, or a list of institutions. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

char     *aj_scope_from_spec     (const char  *spec,
                                  GError     **error);
char     *aj_scope_to_sql        (const char  *scope_json);
gboolean  aj_scope_allows        (sqlite3     *db,
                                  const char  *scope_json,
                                  const char  *institution);
char     *aj_scope_describe      (const char  *scope_json);

G_END_DECLS
