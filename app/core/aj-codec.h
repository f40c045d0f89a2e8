/* aj-codec.h: the one wire form of events, shared by the kiosk and the server. */
#pragma once

#include <json-glib/json-glib.h>

#include "aj-event.h"

G_BEGIN_DECLS

#define AJ_PROTOCOL_MAX_BATCH_EVENTS 500
#define AJ_PROTOCOL_MAX_BODY_BYTES   (8 * 1024 * 1024)
#define AJ_PROTOCOL_MAX_BLOB_BYTES   (32 * 1024 * 1024)

JsonObject *aj_event_to_json        (const AjEvent  *event,
                                     gboolean        with_server_seq);
AjEvent    *aj_event_from_json      (JsonObject     *object,
                                     GError        **error);
char       *aj_events_to_batch      (GPtrArray      *events,
                                     gboolean        with_server_seq);
GPtrArray  *aj_event_blob_refs      (const AjEvent  *event);
JsonObject *aj_event_parse_body     (const AjEvent  *event,
                                     GError        **error);
GPtrArray  *aj_events_from_array    (JsonArray      *array,
                                     GError        **error);

G_END_DECLS
