/* aj-server-request.h: the HTTP protocol said once: routes, the method check,
 * the device's token, JSON bodies within limits, and JSON error replies. */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "aj-scope.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct _AjRequest AjRequest;
/* The storage interface: see aj-server-db.h. */
typedef struct _AjServerDb AjServerDb;

typedef void     (*AjRequestFunc)  (AjRequest *req);
/* Answers the request itself and returns FALSE when the path names nothing. */
typedef gboolean (*AjPathCheck)    (AjRequest *req);

typedef enum
{
  AJ_ROUTE_PUBLIC,
  AJ_ROUTE_DEVICE,        /* needs an enrolled device's bearer token */
  AJ_ROUTE_OFFICE,        /* the office's console: a body is a form (its handler checks the session) */
} AjRouteAccess;

typedef struct
{
  const char    *method;      /* "GET", "POST", …; NULL takes every method */
  gsize          max_body;    /* bytes the body may have; 0: no body at all */
  AjRequestFunc  handler;     /* when the whole request is in */
  /* When the headers are in and the gate passed: takes the body itself as
   * it streams (a blob to disk); without it, a body is one JSON object. */
  AjRequestFunc  begin;
} AjRouteMethod;

/* A path and what it answers. The gate runs as soon as the headers are in,
 * before a byte of the body is read: token, path, method, declared length;
 * the first that fails answers, and a body still to come is never read (the
 * connection is closed after the answer). A body is counted as it arrives
 * and refused the moment it passes the method's limit. */
typedef struct
{
  const char    *path;
  AjRouteAccess  access;
  AjPathCheck    check_path;
  AjRouteMethod  methods[4];
} AjRoute;

/* What one device may use of the server, and how long an unfinished photo
 * upload is kept; 0 in a field: no bound. Set from the command line. */
typedef struct
{
  gint64 blob_quota_bytes;     /* bytes of photos a device may have stored whole */
  gint64 event_rate;           /* new events a device may push per window … */
  gint64 event_window_seconds; /* … of this many seconds */
  gint64 partial_max_age_seconds;   /* a partial upload untouched this long is removed */
} AjServerLimits;

#define AJ_SERVER_DEFAULT_BLOB_QUOTA_BYTES  (G_GINT64_CONSTANT (20) << 30)
/* Days of an inspector's work in an hour, but a device gone wild is stopped. */
#define AJ_SERVER_DEFAULT_EVENT_RATE        20000
#define AJ_SERVER_DEFAULT_EVENT_WINDOW      3600
#define AJ_SERVER_DEFAULT_PARTIAL_MAX_AGE   (24 * 3600)
#define AJ_SERVER_LIMITS_INIT { AJ_SERVER_DEFAULT_BLOB_QUOTA_BYTES, AJ_SERVER_DEFAULT_EVENT_RATE, \
                               AJ_SERVER_DEFAULT_EVENT_WINDOW, AJ_SERVER_DEFAULT_PARTIAL_MAX_AGE }

/* What handlers share: the store, where blobs live, and the bounds. */
typedef struct
{
  AjStore        *store;
  /* The shared database (aj-server-db.h); NULL: the SQLite store alone. */
  AjServerDb     *db;
  char           *blob_dir;
  char           *partial_dir;
  char           *holidays_path;   /* the holiday calendar the office keeps */
  AjServerLimits  limits;
  gboolean        tls;         /* served over TLS: the console's cookies are Secure */
  GHashTable     *uploading;   /* sha256 of each blob being received now -> its upload (main loop only) */
  /* Logs a request whose connection was closed after its answer (libsoup
   * emits no request-finished for those). */
  void   (*log_closed) (SoupServerMessage *msg);
  guint           workers;     /* handler threads, each with its own store connection */
  /* Requests whose timeout runs (main loop only), swept by one timer. */
  GHashTable     *timed;
  guint           sweep_timer;
} AjServerContext;

void                aj_request_add_route         (SoupServer         *soup,
                                                  const AjRoute      *route,
                                                  AjServerContext    *context);
/* Every message, from SoupServer::request-started: bodies are counted and
 * never accumulated, and a slow client is cut off (see the timeouts). */
void                aj_request_guard             (SoupServerMessage  *msg,
                                                  AjServerContext    *context);
/* Handlers run in worker threads, each with its own connection to the
 * store: GET and HEAD in a pool of context->workers threads, any other
 * method (which may write) in one thread, in order; the main loop only
 * does I/O. A
 * handler then never touches the SoupServerMessage: it reads the request
 * and builds its answer through the functions below, and the answer is
 * applied to the message on the main loop. Call once, after the routes. */
void                aj_request_start_workers     (SoupServer         *soup,
                                                  AjServerContext    *context);
const char         *aj_request_device_of_message (SoupServerMessage  *msg);
/* When the request started (monotonic µs), or 0. */
gint64              aj_request_started_of_message (SoupServerMessage *msg);
/* When the server is freed, after its SoupServer. */
void                aj_request_stop_timeouts     (AjServerContext    *context);

/* Only on the main loop: a begin function (the body as it streams). */
SoupServerMessage  *aj_request_get_message       (AjRequest          *req);
/* What a begin function hands to its handler (freed with the request). */
void                aj_request_set_begin_data    (AjRequest          *req,
                                                  gpointer            data,
                                                  GDestroyNotify      destroy);
gpointer            aj_request_get_begin_data    (AjRequest          *req);
/* A request header (several joined by ", "), or NULL. */
const char         *aj_request_get_header        (AjRequest          *req,
                                                  const char         *name);
GUri               *aj_request_get_uri           (AjRequest          *req);
const char         *aj_request_get_method        (AjRequest          *req);
const char         *aj_request_get_path          (AjRequest          *req);
const char         *aj_request_get_query         (AjRequest          *req,
                                                  const char         *name);
gint64              aj_request_get_query_int     (AjRequest          *req,
                                                  const char         *name,
                                                  gint64              fallback);
AjServerContext    *aj_request_get_context       (AjRequest          *req);
/* The store this request may use: in a handler, the worker thread's own
 * connection (opened on its first request); in the gate, the main loop's. */
AjStore            *aj_request_get_store         (AjRequest          *req);
const char         *aj_request_get_device_id     (AjRequest          *req);
const char         *aj_request_get_client        (AjRequest          *req);
const AjScope      *aj_request_get_scope         (AjRequest          *req);
JsonObject         *aj_request_get_body          (AjRequest          *req);
/* A field of a form body (urlencoded or multipart; a file field's content
 * as text), or NULL. */
const char         *aj_request_get_form          (AjRequest          *req,
                                                  const char         *name);
const char         *aj_request_get_cookie        (AjRequest          *req,
                                                  const char         *name);
gboolean            aj_request_is_tls            (AjRequest          *req);
void                aj_request_set_streaming     (AjRequest          *req);

void                aj_request_set_header        (AjRequest          *req,
                                                  const char         *name,
                                                  const char         *value);
void                aj_request_append_header     (AjRequest          *req,
                                                  const char         *name,
                                                  const char         *value);
/* An answer without a body (HEAD). */
void                aj_request_set_status        (AjRequest          *req,
                                                  guint               status);
void                aj_request_reply_bytes       (AjRequest          *req,
                                                  guint               status,
                                                  const char         *content_type,
                                                  GBytes             *body);
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
