/* aj-server-pages.h: the public HTML pages: a hazard's status, published spot-check results. */
#pragma once

#include "aj-server-request.h"

G_BEGIN_DECLS

void aj_server_pages_hazard       (AjRequest *req);
void aj_server_pages_spot_checks  (AjRequest *req);
void aj_server_pages_static       (AjRequest *req);
void aj_server_pages_overview     (AjRequest *req);

G_END_DECLS
