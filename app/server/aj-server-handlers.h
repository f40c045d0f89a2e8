/* aj-server-handlers.h: what each resource unit gives the route table in
 * aj-server.c: thin adapters over AjRequest, one group per resource file. */
#pragma once

#include "aj-server-html.h"
#include "aj-server-request.h"

G_BEGIN_DECLS

/* aj-server-enroll.c: a one-time code becomes a device's token and scope */
void     aj_server_enroll               (AjRequest *req);

/* aj-server-events.c: whole batches in, what the scope may see out */
void     aj_server_events_push          (AjRequest *req);
void     aj_server_events_pull          (AjRequest *req);

/* aj-server-blobs.c: photos uploaded in resumable ranges */
gboolean aj_server_blobs_check_name     (AjRequest *req);
void     aj_server_blobs_begin_upload   (AjRequest *req);
void     aj_server_blobs_finish_upload  (AjRequest *req);
void     aj_server_blobs_head           (AjRequest *req);
void     aj_server_blobs_get            (AjRequest *req);
guint    aj_server_blobs_expire_partials (AjServerContext *context);

/* aj-server-reference.c: the reference data a device keeps offline */
void     aj_server_reference_get        (AjRequest *req);

/* aj-server-numbers.c: blocks of document numbers granted to a device */
void     aj_server_numbers_grant        (AjRequest *req);

/* aj-server-completion.c: each home's self-inspection completion */
void     aj_server_completion_get       (AjRequest *req);

/* aj-server-pages.c: public HTML pages, with no personal data */
void     aj_server_pages_set_headers    (AjRequest         *req);
void     aj_server_pages_send           (AjRequest         *req,
                                         guint              status,
                                         const char        *title,
                                         const AjHtml      *content);
void     aj_server_pages_hazard         (AjRequest *req);
gboolean aj_server_pages_check_path     (AjRequest *req);
void     aj_server_pages_static         (AjRequest *req);
void     aj_server_pages_overview       (AjRequest *req);

/* aj-server-public.c: 一公开: published draws as pages, JSON and CSV */
void     aj_server_public_list          (AjRequest *req);
void     aj_server_public_list_json     (AjRequest *req);
void     aj_server_public_list_csv      (AjRequest *req);
void     aj_server_public_draw          (AjRequest *req);
void     aj_server_public_office        (AjRequest *req,
                                         AjHtml    *content);

/* aj-server-console.c: the office's web console under /office/ */
void     aj_server_console              (AjRequest *req);

G_END_DECLS
