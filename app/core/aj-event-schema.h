/* aj-event-schema.h: what the body of each event type may hold. Pure: the
 * server checks every pushed event with it, and the kiosk every event it makes. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean aj_event_schema_is_known (const char  *type);
gboolean aj_event_schema_is_id    (const char  *text);
gboolean aj_event_schema_check    (const char  *type,
                                   JsonObject  *body,
                                   GError     **error);

G_END_DECLS
