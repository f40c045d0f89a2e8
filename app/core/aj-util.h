/* aj-util.h: small helpers used across the core (ids, hashes, time, locale). */
#pragma once

#include <glib.h>
#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char      *aj_uuid7_new            (void);
char      *aj_uuid7_new_at         (gint64       unix_ms);
gboolean   aj_uuid_is_valid        (const char  *text);

char      *aj_sha256_hex           (const void  *data,
                                    gsize        len);
gboolean   aj_is_sha256_hex        (const char  *text);

char      *aj_now_iso8601          (void);
gint64     aj_now_unix_ms          (void);
char      *aj_iso8601_to_display   (const char  *iso,
                                    gboolean     with_time);
char      *aj_date_add_days        (const char  *iso_date,
                                    int          days);
char      *aj_today_iso            (void);
gboolean   aj_is_iso_date          (const char  *text);

gboolean   aj_locale_is_chinese    (void);
const char*aj_pick_text            (const char  *zh,
                                    const char  *en);

char      *aj_json_to_string       (JsonNode    *node);
JsonObject*aj_json_parse_object    (const char  *text,
                                    GError     **error);
const char*aj_json_get_string      (JsonObject  *object,
                                    const char  *member);
gint64     aj_json_get_int         (JsonObject  *object,
                                    const char  *member,
                                    gint64       fallback);
gboolean   aj_json_get_bool        (JsonObject  *object,
                                    const char  *member,
                                    gboolean     fallback);

gboolean   aj_write_file_durably   (const char  *path,
                                    const void  *data,
                                    gsize        len,
                                    GError     **error);

typedef struct _AjSha256 AjSha256;

AjSha256  *aj_sha256_new               (void);
void       aj_sha256_update            (AjSha256              *self,
                                        const void            *data,
                                        gsize                  len);
char      *aj_sha256_finish_hex        (AjSha256              *self);
void       aj_sha256_free              (AjSha256              *self);
char      *aj_sha256_file_hex          (const char            *path,
                                        GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjSha256, aj_sha256_free)

/* Deeper than any document Anjian writes (events, checklists, registries). */
#define AJ_JSON_MAX_DEPTH 32

void       aj_core_resources_ensure    (void);
gboolean   aj_json_check_depth         (const char            *text,
                                        gssize                 length,
                                        guint                  max_depth,
                                        GError               **error);

/* Read-only string properties over a model object's char * fields, so that
 * rows can bind to them: property ids 1..n follow the table's order. */
typedef struct
{
  const char *name;
  glong       offset;   /* G_STRUCT_OFFSET of a char * field */
} AjFieldProperty;

void       aj_install_field_properties (GObjectClass          *klass,
                                        const AjFieldProperty *fields,
                                        guint                  n_fields);
gboolean   aj_get_field_property       (GObject               *object,
                                        const AjFieldProperty *fields,
                                        guint                  n_fields,
                                        guint                  prop_id,
                                        GValue                *value);

G_END_DECLS
