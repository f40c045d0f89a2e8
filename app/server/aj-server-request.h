/* aj-server-request.h: the HTTP protocol said once: routes, the method check,
 * the device's token, JSON bodies within limits, and JSON error replies. */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "aj-scope.h"
#include "aj-scope.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct _AjRequest AjRequest;

typedef void     (*AjRequestFunc)  (AjRequest *req);
/* Answers the request itself and returns FALSE when the path names nothing. */
typedef gboolean (*AjPathCheck)    (AjRequest *req);

typedef enum
{
  AJ_ROUTE_PUBLIC,
  AJ_ROUTE_DEVICE,        /* needs an enrolled device's bearer token */
} AjRouteAccess;

typedef struct
{
  const char    *method;      /* "GET", "POST", …; NULL takes every method */
  gsize          max_body;    /* above 0: a JSON object body of at most this many bytes */
  AjRequestFunc  handler;
} AjRouteMethod;

/* A path and what it answers. Checks run in this order: token, path,
 * method, body; the first that fails answers. An early route runs when the
 * headers are in, before the body, and lets other methods pass silently. */
typedef struct
{
  const char    *path;
  AjRouteAccess  access;
  gboolean       early;
  AjPathCheck    check_path;
  AjRouteMethod  methods[4];
} AjRoute;

/* What handlers share: the store and where blobs live. */
typedef struct
{
  AjStore *store;
  char    *blob_dir;
  char    *partial_dir;
} AjServerContext;

void                aj_request_add_route         (SoupServer         *soup,
                                                  const AjRoute      *route,
                                                  AjServerContext    *context);
const char         *aj_request_device_of_message (SoupServerMessage  *msg);

SoupServerMessage  *aj_request_get_message       (AjRequest          *req);
const char         *aj_request_get_method        (AjRequest          *req);
const char         *aj_request_get_path          (AjRequest          *req);
const char         *aj_request_get_query         (AjRequest          *req,
                                                  const char         *name);
gint64              aj_request_get_query_int     (AjRequest          *req,
                                                  const char         *name,
                                                  gint64              fallback);
AjServerContext    *aj_request_get_context       (AjRequest          *req);
AjStore            *aj_request_get_store         (AjRequest          *req);
const char         *aj_request_get_device_id     (AjRequest          *req);
const AjScope      *aj_request_get_scope         (AjRequest          *req);
JsonObject         *aj_request_get_body          (AjRequest          *req);

void                aj_request_set_header        (AjRequest          *req,
                                                  const char         *name,
                                                  const char         *value);
void                aj_request_reply             (AjRequest          *req,
                                                  guint               status,
                                                  JsonObject         *reply);
void                aj_request_reply_error       (AjRequest          *req,
                                                  guint               status,
                                                  const char         *code,
                                                  const char         *message);
void                aj_request_reply_gerror      (AjRequest          *req,
                                                  const GError       *error);

G_END_DECLS
