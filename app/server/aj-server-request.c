/* aj-server-request.c: every request passes the same gate (token, path,
 * method, declared length) as soon as its headers are in, before a byte of
 * its body is read; a body is counted as it arrives and never held past its
 * limit; slow clients are cut off. Every refusal is the same JSON, so that
 * handlers are thin and a client learns one error format. */
#include "config.h"

#include <string.h>

#include "aj-error.h"
#include "aj-server-db.h"
#include "aj-server-request.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* How long a client may take. A connection is cut, not answered, when a
 * limit passes: a slow client then holds neither a connection nor memory. */
#define HEADER_TIMEOUT_S   15    /* from the start of a request (on a kept connection: the end of
                                  * the one before) to its last header */
#define IDLE_TIMEOUT_S     30    /* the longest wait for the next bytes of a request, or for the
                                  * client to take the next bytes of an answer */
#define BODY_TIMEOUT_S     120   /* a JSON body, whole; a blob only needs to keep moving */
/* A refused request whose body is still to come: a short one is read and
 * dropped, so the connection stays usable; a longer or chunked one is not
 * read at all: the answer goes out and the connection is closed, after a
 * short drain so that the client reads the answer before it sees a reset. */
#define DISCARD_MAX_BYTES  (64 * 1024)
#define DRAIN_TIMEOUT_S    3
#define DRAIN_MAX_BYTES    (16 * 1024 * 1024)

struct _AjRequest
{
  SoupServerMessage *msg;         /* not a reference: the request lives on it */
  AjServerContext   *context;
  GSocket           *socket;
  const char        *path;
  GHashTable        *query;
  char              *device_id;
  AjScope           *scope;
  JsonObject        *body;
  GByteArray        *bytes;       /* a JSON body as it came, never over limit */
  GHashTable        *form;        /* a form body's fields, once asked for */
  GHashTable        *cookies;
  gsize              limit;       /* set by the gate; 0 until then: no body */
  guint64            received;
  gboolean           streaming;   /* the route's begin function takes the body */
  gboolean           closing;
  gint64             started;     /* monotonic µs, for the log */
  gint64             deadline;    /* monotonic µs: the header or body timeout; 0: none */

  /* Handed to a worker: what it may read, copied on the main loop … */
  AjRequestFunc      handler;
  gboolean           parse;       /* a JSON body to parse first */
  gboolean           gate_later;  /* the token is checked in the worker (no body comes) */
  gboolean           token_later; /* the token's lookup is in the worker (shared database) */
  const AjRoute     *route;
  const char        *method;      /* interned */
  SoupMessageHeaders *headers;
  GUri              *uri;
  char              *client;
  AjStore           *store;       /* the worker's connection while the handler runs */
  gpointer           begin_data;
  GDestroyNotify     begin_destroy;
  /* … and the answer it builds, applied to the message on the main loop. */
  gboolean           in_worker;
  guint              reply_status;
  SoupMessageHeaders *reply_headers;
  char              *reply_type;
  GBytes            *reply_body;
};

/* The handlers' threads of one server, and the main loop that owns its
 * messages. SQLite takes one writer at a time: requests that may write
 * (any method but GET and HEAD) go to one thread of their own and wait
 * their turn in order there, instead of racing for the lock and leaving the
 * readers' threads waiting with them; reads go to the other threads. The
 * writer runs the requests waiting for it together (up to WRITE_GROUP) in
 * one transaction, each in a savepoint of its own, so that one fsync
 * commits them all; none is answered before that commit. */
#define WRITE_GROUP 64

typedef struct
{
  GThreadPool     *readers;
  GAsyncQueue     *writes;
  GThread         *writer;
  /* Answers from the workers (their messages, with the worker's
   * reference), applied on the main loop by one source that the workers
   * wake: one wake-up for all the answers that wait, not a source each. */
  GAsyncQueue     *answers;
  GSource         *answer_source;
  GMainContext    *main_context;
  gint             answers_waiting;   /* atomic: the main loop has been woken for them */
} Workers;

typedef struct
{
  const AjRoute   *route;
  AjServerContext *context;
} RouteBinding;

/* ---- timeouts ----
 * A thousand kept connections each waiting for its next request would be a
 * thousand timer sources, which the main loop walks at every turn: the
 * requests with a timeout running are kept in one table instead, swept once
 * a second by one timer (main loop only). */

#define SWEEP_INTERVAL_S 1

static void on_too_slow (AjRequest *req);

static gboolean
sweep_deadlines (gpointer data)
{
  AjServerContext *context = data;
  g_autoptr(GPtrArray) late = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, context->timed);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (((AjRequest *) key)->deadline <= now)
      {
        g_ptr_array_add (late, key);
        g_hash_table_iter_remove (&iter);
      }
  for (guint i = 0; i < late->len; i++)
    on_too_slow (g_ptr_array_index (late, i));
  return G_SOURCE_CONTINUE;
}

static void
clear_deadline (AjRequest *req)
{
  if (req->deadline != 0 && req->context->timed != NULL)
    g_hash_table_remove (req->context->timed, req);
  req->deadline = 0;
}

static void
set_deadline (AjRequest *req,
              guint      seconds)
{
  AjServerContext *context = req->context;

  if (context->timed == NULL)
    {
      context->timed = g_hash_table_new (NULL, NULL);
      context->sweep_timer = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_deadlines, context);
    }
  req->deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  g_hash_table_add (context->timed, req);
}

void
aj_request_stop_timeouts (AjServerContext *context)
{
  g_clear_handle_id (&context->sweep_timer, g_source_remove);
  g_clear_pointer (&context->timed, g_hash_table_unref);
}

static void
request_free (AjRequest *req)
{
  clear_deadline (req);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, json_object_unref);
  g_clear_pointer (&req->bytes, g_byte_array_unref);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_clear_pointer (&req->cookies, g_hash_table_unref);
  g_clear_object (&req->socket);
  g_free (req->device_id);
  g_clear_pointer (&req->scope, aj_scope_free);
  if (req->begin_destroy != NULL)
    req->begin_destroy (req->begin_data);
  g_clear_pointer (&req->headers, soup_message_headers_unref);
  g_clear_pointer (&req->uri, g_uri_unref);
  g_free (req->client);
  g_clear_pointer (&req->reply_headers, soup_message_headers_unref);
  g_free (req->reply_type);
  g_clear_pointer (&req->reply_body, g_bytes_unref);
  g_free (req);
}

static AjRequest *
request_of (SoupServerMessage *msg)
{
  return g_object_get_data (G_OBJECT (msg), "aj-request");
}

const char *
aj_request_device_of_message (SoupServerMessage *msg)
{
  AjRequest *req = g_object_get_data (G_OBJECT (msg), "aj-request");

  /* Not while a worker may still be setting it (a request aborted meanwhile). */
  return req && !req->in_worker ? req->device_id : NULL;
}

/* ---- replies ----
 * In the gate (main loop) they go to the message; in a worker they are kept
 * in the request and applied on the main loop (libsoup is not thread-safe). */

static SoupMessageHeaders *
reply_headers (AjRequest *req)
{
  if (!req->in_worker)
    return soup_server_message_get_response_headers (req->msg);
  if (req->reply_headers == NULL)
    req->reply_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  return req->reply_headers;
}

void
aj_request_set_header (AjRequest  *req,
                       const char *name,
                       const char *value)
{
  soup_message_headers_replace (reply_headers (req), name, value);
}

void
aj_request_append_header (AjRequest  *req,
                          const char *name,
                          const char *value)
{
  soup_message_headers_append (reply_headers (req), name, value);
}

void
aj_request_set_status (AjRequest *req,
                       guint      status)
{
  if (req->in_worker)
    req->reply_status = status;
  else
    soup_server_message_set_status (req->msg, status, NULL);
}

void
aj_request_reply_bytes (AjRequest  *req,
                        guint       status,
                        const char *content_type,
                        GBytes     *body)
{
  if (!req->in_worker)
    {
      SoupMessageBody *out = soup_server_message_get_response_body (req->msg);

      soup_server_message_set_status (req->msg, status, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Content-Type", content_type);
      soup_message_body_truncate (out);
      soup_message_body_append_bytes (out, body);
      return;
    }
  req->reply_status = status;
  g_free (req->reply_type);
  req->reply_type = g_strdup (content_type);
  g_clear_pointer (&req->reply_body, g_bytes_unref);
  req->reply_body = g_bytes_ref (body);
}

/* On the main loop, when the worker is done. */
static void
apply_reply (AjRequest *req)
{
  SoupMessageHeaders *out = soup_server_message_get_response_headers (req->msg);

  req->in_worker = FALSE;
  if (req->reply_headers != NULL)
    {
      SoupMessageHeadersIter iter;
      const char *name, *value;

      soup_message_headers_iter_init (&iter, req->reply_headers);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        soup_message_headers_append (out, name, value);
    }
  if (req->reply_body != NULL)
    aj_request_reply_bytes (req, req->reply_status, req->reply_type, req->reply_body);
  else if (req->reply_status != 0)
    soup_server_message_set_status (req->msg, req->reply_status, NULL);
  else
    {
      /* A handler that answered nothing: a bug, not a hang. */
      g_warning ("%s %s: the handler gave no answer", req->method, req->path);
      aj_request_reply_error (req, 500, "internal", "The server gave no answer");
    }
  g_clear_pointer (&req->reply_body, g_bytes_unref);
}

void
aj_request_reply (AjRequest  *req,
                  guint       status,
                  JsonObject *reply)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  json_node_take_object (node, reply);
  text = aj_json_to_string (node);
  bytes = g_bytes_new_take (text, strlen (text));
  aj_request_reply_bytes (req, status, "application/json; charset=utf-8", bytes);
}

/* Errors are JSON with a stable code for programs and a message for people;
 * the code is in a header too, the only place a HEAD answer can carry it. */
void
aj_request_reply_error (AjRequest  *req,
                        guint       status,
                        const char *code,
                        const char *message)
{
  JsonObject *root = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", error);
  aj_request_set_header (req, "Anjian-Error", code);
  aj_request_reply (req, status, root);
}

/* What each refusal from below means to a client. */
static const struct
{
  GQuark    (*domain) (void);
  int         code;
  guint       status;
  const char *name;
} error_replies[] = {
  { aj_error_quark, AJ_ERROR_INVALID,  422, "invalid_event" },
  { aj_error_quark, AJ_ERROR_CORRUPT,  422, "invalid_event" },
  { aj_error_quark, AJ_ERROR_GAP,      409, "chain_gap" },
  { aj_error_quark, AJ_ERROR_CONFLICT, 409, "conflict" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_CODE_UNKNOWN,   403, "code_unknown" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_CODE_USED,      403, "code_used" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_CODE_EXPIRED,   403, "code_expired" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_DEVICE_REVOKED, 403, "device_revoked" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_TOKEN_UNKNOWN,  401, "token_unknown" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_TOKEN_REVOKED,  401, "token_revoked" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_NOT_YOUR_EVENT, 403, "not_your_event" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_OUTSIDE_SCOPE,  403, "outside_scope" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_BLOB_MISSING,   409, "blob_missing" },
  { aj_server_store_error_quark, AJ_SERVER_STORE_ERROR_DEVICE_EXISTS,  409, "device_exists" },
};

void
aj_request_reply_gerror (AjRequest    *req,
                         const GError *error)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_replies); i++)
    if (error->domain == error_replies[i].domain () && error->code == error_replies[i].code)
      {
        aj_request_reply_error (req, error_replies[i].status, error_replies[i].name, error->message);
        return;
      }
  aj_request_reply_error (req, 500, "internal", error->message);
}

/* ---- the gate ---- */

/* Whether the request carries a token at all (no lookup); answers if not. */
static gboolean
has_token (AjRequest *req)
{
  const char *auth = aj_request_get_header (req, "Authorization");

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer ") || strlen (auth + 7) < 16)
    {
      aj_request_reply_error (req, 401, "token_missing", "This request needs the device's token");
      return FALSE;
    }
  return TRUE;
}

static gboolean
authenticate (AjRequest *req)
{
  const char *auth = aj_request_get_header (req, "Authorization");
  g_autoptr(GError) error = NULL;

  if (req->device_id != NULL)
    return TRUE;   /* by the early handler */
  if (!has_token (req))
    return FALSE;
  if (!aj_server_db_find_device_by_token (req->context->db, aj_request_get_store (req), auth + 7,
                                          &req->device_id, &req->scope, &error))
    {
      aj_request_reply_gerror (req, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_body (AjRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = req->bytes ? req->bytes->len : 0;

  text = g_strndup (req->bytes ? (const char *) req->bytes->data : "", length);
  g_clear_pointer (&req->bytes, g_byte_array_unref);
  if (strlen (text) != length || !g_utf8_validate (text, -1, NULL))
    {
      aj_request_reply_error (req, 400, "bad_json", "The request body is not UTF-8 text");
      return FALSE;
    }
  req->body = aj_json_parse_object (text, &error);
  if (req->body == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The request body is not valid JSON: %s", error->message);
      aj_request_reply_error (req, 400, "bad_json", message);
      return FALSE;
    }
  return TRUE;
}

static const AjRouteMethod *
find_method (const AjRoute *route,
             const char    *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (route->methods) && route->methods[i].handler; i++)
    if (route->methods[i].method == NULL || g_str_equal (route->methods[i].method, method))
      return &route->methods[i];
  return NULL;
}

/* "Use POST", "Use GET or POST", "Use HEAD, GET or PUT". */
static void
reply_method_not_allowed (AjRequest     *req,
                          const AjRoute *route)
{
  g_autoptr(GString) message = g_string_new ("Use ");
  guint n = 0;

  while (n < G_N_ELEMENTS (route->methods) && route->methods[n].handler)
    n++;
  for (guint i = 0; i < n; i++)
    g_string_append_printf (message, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", route->methods[i].method);
  aj_request_reply_error (req, 405, "method_not_allowed", message->str);
}

static void
reply_too_large (AjRequest *req)
{
  if (req->limit == 0)
    aj_request_reply_error (req, 413, "too_large", "This request takes no body");
  else
    {
      g_autofree char *message = g_strdup_printf ("The request body is larger than this server accepts here "
                                                  "(%" G_GSIZE_FORMAT " bytes)", req->limit);
      aj_request_reply_error (req, 413, "too_large", message);
    }
}

/* ---- bodies: never read when refused, never held past their limit ---- */

static gboolean
body_is_chunked (SoupServerMessage *msg)
{
  return soup_message_headers_get_encoding (soup_server_message_get_request_headers (msg)) == SOUP_ENCODING_CHUNKED;
}

static goffset
declared_length (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return 0;
  return soup_message_headers_get_content_length (headers);
}

/* The answer already set on @msg, as bytes for a connection libsoup no
 * longer drives. */
static GBytes *
serialize_answer (SoupServerMessage *msg)
{
  guint status = soup_server_message_get_status (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0 &&
        g_ascii_strcasecmp (name, "Transfer-Encoding") != 0)
      g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_string_free_to_bytes (out);
}

/* A connection taken from libsoup to answer and close without reading the
 * body: the answer, then a drain bounded in bytes and time. */
typedef struct
{
  GIOStream    *stream;
  GSocket      *socket;
  GBytes       *answer;
  GCancellable *cancellable;
  guint         timeout;
  gsize         drained;
  guint8        buffer[16384];
} Closing;

static void
closing_free (Closing *c)
{
  g_clear_handle_id (&c->timeout, g_source_remove);
  g_io_stream_close (c->stream, NULL, NULL);
  g_object_unref (c->stream);
  g_clear_object (&c->socket);
  g_bytes_unref (c->answer);
  g_object_unref (c->cancellable);
  g_free (c);
}

static gboolean
on_drain_timeout (gpointer data)
{
  Closing *c = data;

  c->timeout = 0;
  g_cancellable_cancel (c->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_drained (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Closing *c = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || (c->drained += n) > DRAIN_MAX_BYTES)
    {
      closing_free (c);
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (c->stream), c->buffer, sizeof c->buffer,
                             G_PRIORITY_LOW, c->cancellable, on_drained, c);
}

static void
on_answer_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Closing *c = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      closing_free (c);
      return;
    }
  /* The client sees the end of the answer, then has a moment to stop sending. */
  if (c->socket != NULL)
    g_socket_shutdown (c->socket, FALSE, TRUE, NULL);
  c->timeout = g_timeout_add_seconds (DRAIN_TIMEOUT_S, on_drain_timeout, c);
  g_input_stream_read_async (g_io_stream_get_input_stream (c->stream), c->buffer, sizeof c->buffer,
                             G_PRIORITY_LOW, c->cancellable, on_drained, c);
}

/* Outside libsoup's reading loop (an idle), where taking its connection
 * away is safe. */
static gboolean
answer_and_close (gpointer data)
{
  SoupServerMessage *msg = data;
  AjRequest *req = request_of (msg);
  g_autoptr(GBytes) answer = serialize_answer (msg);
  GSocket *socket = req && req->socket ? g_object_ref (req->socket) : NULL;
  GIOStream *stream;
  Closing *c;

  if (req != NULL && req->context->log_closed != NULL)
    req->context->log_closed (msg);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_clear_object (&socket);
      return G_SOURCE_REMOVE;
    }
  c = g_new0 (Closing, 1);
  c->stream = stream;
  c->socket = socket;
  c->answer = g_steal_pointer (&answer);
  c->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), g_bytes_get_data (c->answer, NULL),
                                   g_bytes_get_size (c->answer), G_PRIORITY_DEFAULT, NULL, on_answer_written, c);
  return G_SOURCE_REMOVE;
}

static void
close_after_answer (AjRequest *req)
{
  if (req->closing)
    return;
  req->closing = TRUE;
  clear_deadline (req);
  soup_server_message_pause (req->msg);
  g_idle_add_full (G_PRIORITY_DEFAULT, answer_and_close, g_object_ref (req->msg), g_object_unref);
}

/* The request has been answered while its body is still to come: a short
 * body is read and dropped (got-chunk drops what comes after an answer),
 * anything else is never read. */
static void
refuse_body (AjRequest *req)
{
  if (!body_is_chunked (req->msg) && declared_length (req->msg) <= DISCARD_MAX_BYTES)
    return;
  close_after_answer (req);
}

static void
on_too_slow (AjRequest *req)
{
  req->deadline = 0;
  if (req->socket != NULL)
    g_socket_shutdown (req->socket, TRUE, TRUE, NULL);
}

static gboolean
no_body_comes (SoupServerMessage *msg)
{
  return !body_is_chunked (msg) && declared_length (msg) == 0;
}

/* After libsoup's own handler, and so after the gate (dispatch_early). */
static void
on_got_headers (SoupServerMessage *msg,
                AjRequest         *req)
{
  clear_deadline (req);
  if (req->closing)
    return;
  /* Also where the gate never ran (a path libsoup refused itself). */
  if (soup_server_message_get_status (msg) == 0 && declared_length (msg) > (goffset) req->limit)
    reply_too_large (req);
  if (soup_server_message_get_status (msg) != 0)
    {
      if (body_is_chunked (msg) || declared_length (msg) > 0)
        refuse_body (req);
      return;
    }
  if (!req->streaming && !no_body_comes (msg))
    set_deadline (req, BODY_TIMEOUT_S);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              AjRequest         *req)
{
  gsize length = g_bytes_get_size (chunk);

  if (req->closing || soup_server_message_get_status (msg) != 0)
    return;   /* answered already: dropped */
  req->received += length;
  if (req->received > req->limit)
    {
      /* Only a chunked body gets here: a declared length was checked. */
      g_clear_pointer (&req->bytes, g_byte_array_unref);
      reply_too_large (req);
      close_after_answer (req);
      return;
    }
  if (req->streaming)
    return;
  if (req->bytes == NULL)
    req->bytes = g_byte_array_sized_new (MIN ((gsize) MAX (declared_length (msg), 0), req->limit));
  g_byte_array_append (req->bytes, g_bytes_get_data (chunk, NULL), length);
}

static void
on_got_body (SoupServerMessage *msg,
             AjRequest         *req)
{
  clear_deadline (req);
}

void
aj_request_guard (SoupServerMessage *msg,
                  AjServerContext   *context)
{
  AjRequest *req = g_new0 (AjRequest, 1);
  GSocket *socket = soup_server_message_get_socket (msg);

  req->msg = msg;
  req->context = context;
  g_object_set_data_full (G_OBJECT (msg), "aj-request", req, (GDestroyNotify) request_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), req);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), req);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), req);
  if (socket != NULL)
    {
      req->socket = g_object_ref (socket);
      g_socket_set_timeout (socket, IDLE_TIMEOUT_S);
    }
  req->started = g_get_monotonic_time ();
  set_deadline (req, HEADER_TIMEOUT_S);
}

gint64
aj_request_started_of_message (SoupServerMessage *msg)
{
  AjRequest *req = request_of (msg);

  return req ? req->started : 0;
}

/* ---- the gate, when the headers are in ---- */

static void
dispatch_early (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  RouteBinding *binding = user_data;
  const AjRoute *route = binding->route;
  const AjRouteMethod *method = find_method (route, soup_server_message_get_method (msg));
  AjRequest *req = request_of (msg);

  if (req == NULL)
    {
      /* Not guarded (a server without aj_request_guard): refuse. */
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  req->path = path;
  req->limit = method ? method->max_body : 0;
  /* Where no body comes there is nothing to spare reading: the token (a
   * database read) is checked in the worker, before the handler. */
  if (route->access == AJ_ROUTE_DEVICE && method != NULL && method->begin == NULL && no_body_comes (msg))
    {
      req->gate_later = TRUE;
      return;
    }
  /* With a shared database the lookup is a round trip to it, which the
   * main loop does not wait for: a body that has a token at all is read
   * (within its limit) and the token looked up in the worker. Only an
   * upload, whose body goes to disk as it comes, is let in here. */
  if (route->access == AJ_ROUTE_DEVICE && req->context->db != NULL && method != NULL && method->begin == NULL)
    {
      if (!has_token (req))
        return;
      req->token_later = TRUE;
    }
  else if (route->access == AJ_ROUTE_DEVICE && !authenticate (req))
    return;
  if (route->check_path != NULL && !route->check_path (req))
    return;
  if (method == NULL)
    {
      reply_method_not_allowed (req, route);
      return;
    }
  if (declared_length (msg) > (goffset) req->limit)
    {
      reply_too_large (req);
      return;
    }
  if (method->begin != NULL)
    method->begin (req);
}

/* ---- the handler, in a worker, when the whole request is in ---- */

static GPrivate worker_store = G_PRIVATE_INIT (g_object_unref);

/* The worker thread's own connection (the pool's threads are its alone). */
static AjStore *
open_worker_store (AjServerContext  *context,
                   GError          **error)
{
  AjStore *store = g_private_get (&worker_store);

  if (store == NULL)
    {
      store = aj_server_store_open_connection (context->store, error);
      if (store != NULL)
        g_private_set (&worker_store, store);
    }
  return store;
}

/* A source that runs when post_answer has flagged answers. */
typedef struct
{
  GSource  source;
  Workers *workers;
} AnswerSource;

static gboolean
answers_ready (GSource *source,
               gint    *timeout)
{
  *timeout = -1;
  return g_atomic_int_get (&((AnswerSource *) source)->workers->answers_waiting) != 0;
}

static gboolean
answers_ready_now (GSource *source)
{
  return g_atomic_int_get (&((AnswerSource *) source)->workers->answers_waiting) != 0;
}

static gboolean
dispatch_answer_source (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     data)
{
  return callback (data);
}

static GSourceFuncs answer_source_funcs = { answers_ready, answers_ready_now, dispatch_answer_source, NULL, NULL, NULL };

/* On the main loop: every answer the workers have posted. */
static gboolean
apply_answers (gpointer data)
{
  Workers *workers = data;
  SoupServerMessage *msg;

  /* Before taking them: an answer posted from now on wakes the loop again. */
  g_atomic_int_set (&workers->answers_waiting, 0);
  while ((msg = g_async_queue_try_pop (workers->answers)) != NULL)
    {
      apply_reply (request_of (msg));
      soup_server_message_unpause (msg);
      g_object_unref (msg);
    }
  return G_SOURCE_CONTINUE;
}

/* With a shared database, the worker's store is a cache of its log,
 * brought up to date before the handler reads it (see aj-server-db.h).
 * Its catch-up writes the cache in a transaction of its own, never inside
 * the writer's group (PostgreSQL-backed writes are not grouped): see
 * run_writes. */
static gboolean
catch_up (AjRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (req->context->db == NULL || aj_server_db_catch_up_since (req->context->db, req->store, req->started, &error))
    return TRUE;
  aj_request_reply_error (req, 503, "unavailable", error->message);
  return FALSE;
}

/* The gate's rest, the body and the handler, in a worker. */
static void
handle (SoupServerMessage *msg)
{
  AjRequest *req = request_of (msg);
  g_autoptr(GError) error = NULL;

  req->store = open_worker_store (req->context, &error);
  if (req->store == NULL)
    aj_request_reply_error (req, 503, "unavailable", error->message);
  else if ((req->gate_later || req->token_later) && !authenticate (req))
    ;
  else if (req->gate_later && req->route->check_path != NULL && !req->route->check_path (req))
    ;
  else if (req->parse && !parse_body (req))
    ;
  else if (!catch_up (req))
    ;
  else
    req->handler (req);
  req->store = NULL;
}

/* Hands the answer to the main loop, with the worker's reference to @msg. */
static void
post_answer (Workers           *workers,
             SoupServerMessage *msg)
{
  g_async_queue_push (workers->answers, msg);
  if (g_atomic_int_compare_and_exchange (&workers->answers_waiting, 0, 1))
    g_main_context_wakeup (workers->main_context);
}

static void
run_reader (gpointer data,
            gpointer pool_data)
{
  handle (data);
  post_answer (pool_data, data);
}

/* A group of writes in one transaction; answered after its commit, or
 * every one refused if the commit fails (nothing of them is kept). With a
 * shared database they are not grouped: a push, an enrollment or a number
 * grant commits on PostgreSQL before the local commit, which then could
 * not take them back; and the cache's catch-up (which a reader's request
 * runs too, under the database's catch-up lock) must never wait for a
 * local write lock that a group holds while its push waits for that
 * catch-up lock. Each request then commits on its own. */
static void
run_writes (Workers   *workers,
            GPtrArray *group)
{
  AjRequest *first = request_of (g_ptr_array_index (group, 0));
  g_autoptr(GError) error = NULL;
  AjStore *store = open_worker_store (first->context, NULL);
  gboolean grouped = first->context->db == NULL && store != NULL && group->len > 1 && aj_store_begin (store, NULL);

  for (guint i = 0; i < group->len; i++)
    handle (g_ptr_array_index (group, i));
  if (grouped && !aj_store_commit (store, &error))
    for (guint i = 0; i < group->len; i++)
      {
        AjRequest *req = request_of (g_ptr_array_index (group, i));

        g_clear_pointer (&req->reply_headers, soup_message_headers_unref);
        aj_request_reply_error (req, 500, "storage", error->message);
      }
  for (guint i = 0; i < group->len; i++)
    post_answer (workers, g_ptr_array_index (group, i));
}

/* What the writer's queue holds to say: stop. */
static const char stop_writer = 0;

static gpointer
writer_main (gpointer data)
{
  Workers *workers = data;
  gboolean stop = FALSE;

  while (!stop)
    {
      g_autoptr(GPtrArray) group = g_ptr_array_new ();
      gpointer next = g_async_queue_pop (workers->writes);

      while (next != NULL)
        {
          if (next == &stop_writer)
            {
              stop = TRUE;
              break;
            }
          g_ptr_array_add (group, next);
          next = group->len < WRITE_GROUP ? g_async_queue_try_pop (workers->writes) : NULL;
        }
      if (group->len > 0)
        run_writes (workers, group);
    }
  return NULL;
}

static void
workers_free (Workers *workers)
{
  /* Lets the running handlers finish; their threads close their stores. */
  g_async_queue_push (workers->writes, (gpointer) &stop_writer);
  g_thread_join (workers->writer);
  g_async_queue_unref (workers->writes);
  g_thread_pool_free (workers->readers, FALSE, TRUE);
  /* The answers the main loop will not apply now (it has stopped): their
   * messages and requests freed with them. */
  g_source_destroy (workers->answer_source);
  g_source_unref (workers->answer_source);
  g_async_queue_unref (workers->answers);
  g_main_context_unref (workers->main_context);
  g_free (workers);
}

void
aj_request_start_workers (SoupServer      *soup,
                          AjServerContext *context)
{
  Workers *workers = g_new0 (Workers, 1);
  g_autoptr(GError) error = NULL;

  context->workers = MAX (context->workers, 1);
  workers->answers = g_async_queue_new_full (g_object_unref);
  workers->main_context = g_main_context_ref_thread_default ();
  workers->answer_source = g_source_new (&answer_source_funcs, sizeof (AnswerSource));
  ((AnswerSource *) workers->answer_source)->workers = workers;
  g_source_set_callback (workers->answer_source, apply_answers, workers, NULL);
  g_source_attach (workers->answer_source, workers->main_context);
  /* Exclusive: the threads are this server's, and so are their stores. */
  workers->readers = g_thread_pool_new (run_reader, workers, (int) context->workers, TRUE, &error);
  if (workers->readers == NULL)
    g_error ("Cannot start the server's workers: %s", error->message);
  workers->writes = g_async_queue_new ();
  workers->writer = g_thread_new ("aj-writer", writer_main, workers);
  g_object_set_data_full (G_OBJECT (soup), "aj-workers", workers, (GDestroyNotify) workers_free);
}

static void
dispatch (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  RouteBinding *binding = user_data;
  const AjRouteMethod *method = find_method (binding->route, soup_server_message_get_method (msg));
  AjRequest *req = request_of (msg);
  Workers *workers = g_object_get_data (G_OBJECT (server), "aj-workers");
  SoupMessageHeadersIter iter;
  const char *name, *value;
  const char *client = soup_server_message_get_remote_host (msg);

  /* The gate passed (libsoup calls no handler of an answered message). */
  if (req == NULL || req->closing || method == NULL)
    return;
  req->path = path;
  g_clear_pointer (&req->query, g_hash_table_unref);
  req->query = query ? g_hash_table_ref (query) : NULL;
  req->handler = method->handler;
  req->route = binding->route;
  req->parse = method->max_body > 0 && method->begin == NULL && binding->route->access != AJ_ROUTE_OFFICE;
  /* What the handler may read, copied while the main loop owns the message. */
  req->method = g_intern_string (soup_server_message_get_method (msg));
  req->uri = g_uri_ref (soup_server_message_get_uri (msg));
  req->client = g_strdup (client ? client : "-");
  req->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (req->headers, name, value);
  req->in_worker = TRUE;
  soup_server_message_pause (msg);
  if (req->method == g_intern_static_string ("GET") || req->method == g_intern_static_string ("HEAD"))
    g_thread_pool_push (workers->readers, g_object_ref (msg), NULL);
  else
    g_async_queue_push (workers->writes, g_object_ref (msg));
}

void
aj_request_add_route (SoupServer      *soup,
                      const AjRoute   *route,
                      AjServerContext *context)
{
  RouteBinding *binding = g_new0 (RouteBinding, 1);

  binding->route = route;
  binding->context = context;
  soup_server_add_early_handler (soup, route->path, dispatch_early, binding, NULL);
  soup_server_add_handler (soup, route->path, dispatch, binding, g_free);
}

/* ---- what handlers read ---- */

SoupServerMessage *
aj_request_get_message (AjRequest *req)
{
  return req->msg;
}

const char *
aj_request_get_method (AjRequest *req)
{
  return req->method ? req->method : soup_server_message_get_method (req->msg);
}

void
aj_request_set_begin_data (AjRequest      *req,
                           gpointer        data,
                           GDestroyNotify  destroy)
{
  if (req->begin_destroy != NULL)
    req->begin_destroy (req->begin_data);
  req->begin_data = data;
  req->begin_destroy = destroy;
}

gpointer
aj_request_get_begin_data (AjRequest *req)
{
  return req->begin_data;
}

const char *
aj_request_get_header (AjRequest  *req,
                       const char *name)
{
  return soup_message_headers_get_list (req->headers ? req->headers : soup_server_message_get_request_headers (req->msg),
                                        name);
}

GUri *
aj_request_get_uri (AjRequest *req)
{
  return req->uri ? req->uri : soup_server_message_get_uri (req->msg);
}

const char *
aj_request_get_path (AjRequest *req)
{
  return req->path;
}

const char *
aj_request_get_query (AjRequest  *req,
                      const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

gint64
aj_request_get_query_int (AjRequest  *req,
                          const char *name,
                          gint64      fallback)
{
  const char *text = aj_request_get_query (req, name);

  return text ? g_ascii_strtoll (text, NULL, 10) : fallback;
}

AjServerContext *
aj_request_get_context (AjRequest *req)
{
  return req->context;
}

AjStore *
aj_request_get_store (AjRequest *req)
{
  return req->store ? req->store : req->context->store;
}

const char *
aj_request_get_device_id (AjRequest *req)
{
  return req->device_id;
}

const AjScope *
aj_request_get_scope (AjRequest *req)
{
  return req->scope;
}

JsonObject *
aj_request_get_body (AjRequest *req)
{
  return req->body;
}

/* The begin function takes the body as it streams: it is counted against
 * the limit but not kept. */
void
aj_request_set_streaming (AjRequest *req)
{
  req->streaming = TRUE;
}

const char *
aj_request_get_client (AjRequest *req)
{
  const char *host = req->client ? req->client : soup_server_message_get_remote_host (req->msg);

  return host ? host : "-";
}

/* ---- forms and cookies (the office's console) ---- */

static GHashTable *
parse_multipart (AjRequest *req,
                 GBytes    *body)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(SoupMultipart) multipart =
    soup_multipart_new_from_message (req->headers ? req->headers : soup_server_message_get_request_headers (req->msg), body);

  for (int i = 0; multipart && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *part;
      g_autoptr(GHashTable) params = NULL;
      const char *name;

      if (!soup_multipart_get_part (multipart, i, &headers, &part) ||
          !soup_message_headers_get_content_disposition (headers, NULL, &params))
        continue;
      name = g_hash_table_lookup (params, "name");
      if (name != NULL && !g_hash_table_contains (fields, name))
        g_hash_table_insert (fields, g_strdup (name),
                             g_strndup (g_bytes_get_data (part, NULL), g_bytes_get_size (part)));
    }
  return fields;
}

const char *
aj_request_get_form (AjRequest  *req,
                     const char *name)
{
  if (req->form == NULL)
    {
      SoupMessageHeaders *headers = req->headers ? req->headers : soup_server_message_get_request_headers (req->msg);
      const char *type = soup_message_headers_get_content_type (headers, NULL);
      gsize length = req->bytes ? req->bytes->len : 0;
      g_autoptr(GBytes) body = g_bytes_new (req->bytes ? req->bytes->data : NULL, length);

      if (type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0)
        req->form = parse_multipart (req, body);
      else if (type != NULL && g_ascii_strcasecmp (type, "application/x-www-form-urlencoded") == 0)
        {
          g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), length);
          req->form = soup_form_decode (text);
        }
      else
        req->form = g_hash_table_new (g_str_hash, g_str_equal);
    }
  return g_hash_table_lookup (req->form, name);
}

const char *
aj_request_get_cookie (AjRequest  *req,
                       const char *name)
{
  if (req->cookies == NULL)
    {
      const char *header = aj_request_get_header (req, "Cookie");
      g_auto(GStrv) pairs = header ? g_strsplit (header, ";", -1) : NULL;

      req->cookies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; pairs && pairs[i]; i++)
        {
          char *pair = g_strstrip (pairs[i]);
          const char *eq = strchr (pair, '=');

          g_autofree char *cookie = eq ? g_strndup (pair, eq - pair) : NULL;

          if (cookie != NULL && !g_hash_table_contains (req->cookies, cookie))
            g_hash_table_insert (req->cookies, g_steal_pointer (&cookie), g_strdup (eq + 1));
        }
    }
  return g_hash_table_lookup (req->cookies, name);
}

gboolean
aj_request_is_tls (AjRequest *req)
{
  return req->context->tls;
}
