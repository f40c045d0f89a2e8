/* aj-server-request.c: every API request passes the same gate (token, path,
 * method, body) before its handler, and every refusal is the same JSON, so
 * that handlers are thin and a client learns one error format. */
#include "config.h"

#include <string.h>

#include "aj-error.h"
#include "aj-server-request.h"
#include "aj-server-store.h"
#include "aj-util.h"

struct _AjRequest
{
  SoupServerMessage *msg;         /* not a reference: the request lives on it */
  AjServerContext   *context;
  const char        *path;
  GHashTable        *query;
  char              *device_id;
  AjScope           *scope;
  JsonObject        *body;
};

typedef struct
{
  const AjRoute   *route;
  AjServerContext *context;
} RouteBinding;

static void
request_free (AjRequest *req)
{
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, json_object_unref);
  g_free (req->device_id);
  g_clear_pointer (&req->scope, aj_scope_free);
  g_free (req);
}

/* The early and the normal handler of one message share one request, so
 * that a device authenticated when the headers came stays so for the body. */
static AjRequest *
request_for_message (SoupServerMessage *msg,
                     AjServerContext   *context,
                     const char        *path,
                     GHashTable        *query)
{
  AjRequest *req = g_object_get_data (G_OBJECT (msg), "aj-request");

  if (req == NULL)
    {
      req = g_new0 (AjRequest, 1);
      req->msg = msg;
      req->context = context;
      g_object_set_data_full (G_OBJECT (msg), "aj-request", req, (GDestroyNotify) request_free);
    }
  req->path = path;
  g_clear_pointer (&req->query, g_hash_table_unref);
  req->query = query ? g_hash_table_ref (query) : NULL;
  return req;
}

const char *
aj_request_device_of_message (SoupServerMessage *msg)
{
  AjRequest *req = g_object_get_data (G_OBJECT (msg), "aj-request");

  return req ? req->device_id : NULL;
}

/* ---- replies ---- */

void
aj_request_set_header (AjRequest  *req,
                       const char *name,
                       const char *value)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

void
aj_request_reply (AjRequest  *req,
                  guint       status,
                  JsonObject *reply)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  gsize len;

  json_node_take_object (node, reply);
  text = aj_json_to_string (node);
  len = strlen (text);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), len);
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

static gboolean
authenticate (AjRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;

  if (req->device_id != NULL)
    return TRUE;   /* by the early handler */
  if (auth == NULL || !g_str_has_prefix (auth, "Bearer ") || strlen (auth + 7) < 16)
    {
      aj_request_reply_error (req, 401, "token_missing", "This request needs the device's token");
      return FALSE;
    }
  if (!aj_server_store_find_device_by_token (req->context->store, auth + 7, &req->device_id, &req->scope, &error))
    {
      aj_request_reply_gerror (req, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_body (AjRequest *req,
            gsize      limit)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (g_bytes_get_size (bytes) > limit)
    {
      aj_request_reply_error (req, 413, "too_large", "The request body is larger than this server accepts");
      return FALSE;
    }
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!g_utf8_validate (text, -1, NULL))
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
dispatch (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  RouteBinding *binding = user_data;
  const AjRoute *route = binding->route;
  const AjRouteMethod *method = find_method (route, soup_server_message_get_method (msg));
  AjRequest *req;

  if (route->early && method == NULL)
    return;
  req = request_for_message (msg, binding->context, path, query);
  if (route->access == AJ_ROUTE_DEVICE && !authenticate (req))
    return;
  if (route->check_path != NULL && !route->check_path (req))
    return;
  if (method == NULL)
    {
      reply_method_not_allowed (req, route);
      return;
    }
  if (method->max_body > 0 && !parse_body (req, method->max_body))
    return;
  method->handler (req);
}

void
aj_request_add_route (SoupServer      *soup,
                      const AjRoute   *route,
                      AjServerContext *context)
{
  RouteBinding *binding = g_new0 (RouteBinding, 1);

  binding->route = route;
  binding->context = context;
  if (route->early)
    soup_server_add_early_handler (soup, route->path, dispatch, binding, g_free);
  else
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
  return soup_server_message_get_method (req->msg);
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
  return req->context->store;
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
