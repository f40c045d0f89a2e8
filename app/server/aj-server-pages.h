/* aj-server-pages.h: the public HTML pages: a hazard's status, published spot-check results. */
#pragma once

#include <libsoup/soup.h>

#include "aj-store.h"

G_BEGIN_DECLS

void aj_server_pages_register (SoupServer *soup,
                               AjStore    *store);

G_END_DECLS
