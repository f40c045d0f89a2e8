/* aj-server-enroll.h: enrolling a device with a one-time code. */
#pragma once

#include "aj-server-request.h"

G_BEGIN_DECLS

void aj_server_enroll (AjRequest *req);

G_END_DECLS
