/* aj-server-reference.h: the reference data a device keeps offline. */
#pragma once

#include "aj-server-request.h"

G_BEGIN_DECLS

void aj_server_reference_get (AjRequest *req);

G_END_DECLS
