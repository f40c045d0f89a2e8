/* aj-register-row.h: one row of the institution register or of the inspector
 * roster checked and put in one shape, whether it came from CSV (all text)
 * or JSON (typed). Pure: no store. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Fields of each register, in the order of CSV exports. */
extern const char * const aj_register_institution_fields[];
extern const char * const aj_register_inspector_fields[];

gboolean    aj_register_field_is_known        (const char * const *fields,
                                               const char         *name);
JsonObject *aj_register_row_institution       (JsonObject         *row,
                                               GError            **error);
JsonObject *aj_register_row_department       (JsonObject         *row,
                                               GError            **error);
JsonObject *aj_register_row_inspector         (JsonObject         *row,
                                               GError            **error);
char      **aj_register_split_list            (const char         *text);
GHashTable *aj_register_json_element_lines    (const char         *text,
                                               gsize               length);

G_END_DECLS
