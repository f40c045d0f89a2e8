/* aj-server-blobs.h: photos held by the server, uploaded in resumable ranges. */
#pragma once

#include "aj-server-request.h"

G_BEGIN_DECLS

gboolean aj_server_blobs_check_name     (AjRequest  *req);
void     aj_server_blobs_begin_upload   (AjRequest  *req);
void     aj_server_blobs_finish_upload  (AjRequest  *req);
void     aj_server_blobs_head           (AjRequest  *req);
void     aj_server_blobs_get            (AjRequest  *req);

gboolean aj_server_blob_is_complete     (AjStore    *store,
                                         const char *sha256);

G_END_DECLS
