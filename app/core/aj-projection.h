/* aj-projection.h: applying one event to the projection tables, which this
 * unit alone writes. Private to the store layer: it speaks SQLite. */
#pragma once

#if !defined (AJ_STORE_COMPILATION)
# error "aj-projection.h is private to the store: use aj-store.h"
#endif

#include <sqlite3.h>
#include <json-glib/json-glib.h>

#include "aj-event.h"

G_BEGIN_DECLS

extern const char * const aj_projection_tables[];

gboolean  aj_projection_apply               (sqlite3        *db,
                                             const AjEvent  *event,
                                             GError        **error);
gboolean  aj_projection_apply_parsed        (sqlite3        *db,
                                             const AjEvent  *event,
                                             JsonObject     *body,
                                             GError        **error);
gboolean  aj_projection_reapply             (sqlite3        *db,
                                             const AjEvent  *event,
                                             GError        **error);
gboolean  aj_projection_reapply_answers     (sqlite3        *db,
                                             gint64          lo,
                                             gint64          hi,
                                             GError        **error);
gboolean  aj_projection_reapply_found       (sqlite3        *db,
                                             gint64          lo,
                                             gint64          hi,
                                             GError        **error);
GPtrArray *aj_projection_list_indexes      (sqlite3        *db,
                                             GError        **error);
gboolean  aj_projection_rebuild_search      (sqlite3        *db,
                                             GError        **error);
gboolean  aj_projection_rebuild_tally       (sqlite3        *db,
                                             GError        **error);
gboolean  aj_projection_forget_subject      (sqlite3        *db,
                                             const char     *subject,
                                             GError        **error);
char     *aj_projection_subject_institution (sqlite3        *db,
                                             const char     *subject);

G_END_DECLS
