/* aj-scope.h: what a device may see, as data: everything, one county, or a
 * list of institutions. Stored with each device as a small JSON object. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AJ_SCOPE_NONE,          /* nothing: an unreadable scope grants nothing */
  AJ_SCOPE_ALL,
  AJ_SCOPE_COUNTY,
  AJ_SCOPE_INSTITUTIONS,
} AjScopeKind;

typedef struct _AjScope AjScope;

AjScope            *aj_scope_new_all            (void);
AjScope            *aj_scope_parse_spec         (const char     *spec,
                                                 GError        **error);
AjScope            *aj_scope_new_from_json      (const char     *json);
char               *aj_scope_to_json            (const AjScope  *self);
char               *aj_scope_to_spec            (const AjScope  *self);
AjScopeKind         aj_scope_get_kind           (const AjScope  *self);
const char         *aj_scope_get_county         (const AjScope  *self);
const char * const *aj_scope_get_institutions   (const AjScope  *self);
char               *aj_scope_institutions_json  (const AjScope  *self);
void                aj_scope_free               (AjScope        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjScope, aj_scope_free)

G_END_DECLS
