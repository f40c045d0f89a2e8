/* aj-server-events.h: pushing and pulling events. */
#pragma once

#include "aj-server-request.h"

G_BEGIN_DECLS

void aj_server_events_push (AjRequest *req);
void aj_server_events_pull (AjRequest *req);

G_END_DECLS
