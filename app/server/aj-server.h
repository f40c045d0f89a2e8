/* aj-server.h: the central server's HTTP API over one store. */
#pragma once

#include <libsoup/soup.h>

#include "aj-server-request.h"
#include "aj-store.h"

G_BEGIN_DECLS

/* Connections the kernel holds while the server is busy: a thousand devices
 * that connect at once (capped by net.core.somaxconn, 4096 on Debian 12). */
#define AJ_SERVER_LISTEN_BACKLOG 1024

#define AJ_TYPE_SERVER (aj_server_get_type ())
G_DECLARE_FINAL_TYPE (AjServer, aj_server, AJ, SERVER, GObject)

AjServer   *aj_server_new          (const char  *data_dir,
                                    GError     **error);
void        aj_server_set_limits   (AjServer             *self,
                                    const AjServerLimits *limits);
/* Before aj_server_listen: the threads that run handlers (default: one
 * per processor, at least 2). */
void        aj_server_set_workers  (AjServer             *self,
                                    guint                 workers);
gboolean    aj_server_listen       (AjServer    *self,
                                    const char  *address,
                                    const char  *tls_cert,
                                    const char  *tls_key,
                                    GError     **error);
char       *aj_server_get_url      (AjServer    *self);
void        aj_server_shutdown     (AjServer    *self);
AjStore    *aj_server_get_store    (AjServer    *self);
void        aj_server_set_holidays_path (AjServer *self,
                                         const char *path);
void        aj_server_set_database (AjServer             *self,
                                    AjServerDb           *db);
void        aj_server_set_blob_dir (AjServer             *self,
                                    const char           *blob_dir);

G_END_DECLS
