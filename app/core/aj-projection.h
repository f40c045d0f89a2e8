/* aj-projection.h: applying one event to the projection tables. */
#pragma once

#include <sqlite3.h>

#include "aj-event.h"

G_BEGIN_DECLS

extern const char * const aj_projection_tables[];

gboolean aj_projection_apply (sqlite3        *db,
                              const AjEvent  *event,
                              GError        **error);

G_END_DECLS
