/* aj-attack.h: what the attack and memory tests share: the server's memory
 * as the kernel counts it, raw HTTP with curl (bodies made up as they are
 * sent, so that a test never holds what it sends), and forged events. */
#pragma once

#include <curl/curl.h>

#include "aj-event.h"
#include "aj-test-server.h"

G_BEGIN_DECLS

/* VmRSS of the running server, in KiB. */
gint64        aj_attack_server_rss_kib   (AjTestServer *server);

/* A body of @total bytes of @fill, sent chunked (no Content-Length) as
 * curl asks for it; @sent counts what left. */
typedef struct
{
  guint64  total;
  guint64  sent;
  char     fill;
} AjAttackStream;

long          aj_attack_post_stream      (const char     *url,
                                          const char     *token,
                                          AjAttackStream *stream,
                                          GString        *answer,
                                          CURLcode       *result);

/* An event made by hand, hashed and chained after @prev_hash, as a
 * tampered device would make it without the core's checks. */
AjEvent      *aj_attack_forge_event      (const char     *device_id,
                                          gint64          device_seq,
                                          const char     *prev_hash,
                                          const char     *author,
                                          const char     *type,
                                          const char     *subject,
                                          const char     *body_json);

G_END_DECLS
