/* aj-server.c: the server's routes (the versioned API under /api/v1 and the
 * public pages), its set-up and its request log. What each route does is in
 * its resource's unit; every write there is committed before it is
 * acknowledged, so a killed server never loses what a device was told it holds. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "aj-codec.h"
#include "aj-error.h"
#include "aj-server.h"
#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-server-request.h"
#include "aj-server-store.h"
#include "aj-util.h"

#define MAX_SMALL_BODY (64 * 1024)

struct _AjServer
{
  GObject          parent_instance;

  char            *data_dir;
  AjServerContext  context;
  SoupServer      *soup;
  guint            expiry_timer;
  gboolean         workers_started;
};

G_DEFINE_FINAL_TYPE (AjServer, aj_server, G_TYPE_OBJECT)

/* ---- anything else under /api ---- */

/* The API answers in JSON even for a path it does not know (also one that
 * "../" folded onto another), not with the public site's HTML page; as a
 * path check, so that a body sent there is never read. */
static gboolean
unknown_api (AjRequest *req)
{
  aj_request_reply_error (req, 404, "not_found", "No such API request");
  return FALSE;
}

/* ---- the routes ---- */

static const AjRoute routes[] = {
  { "/api/v1/enroll", AJ_ROUTE_PUBLIC, NULL,
    { { "POST", MAX_SMALL_BODY, aj_server_enroll } } },
  { "/api/v1/events", AJ_ROUTE_DEVICE, NULL,
    { { "GET", 0, aj_server_events_pull },
      { "POST", AJ_PROTOCOL_MAX_BODY_BYTES, aj_server_events_push } } },
  /* The body of an upload goes to disk as it arrives (see aj-server-blobs.c). */
  { "/api/v1/blobs", AJ_ROUTE_DEVICE, aj_server_blobs_check_name,
    { { "HEAD", 0, aj_server_blobs_head },
      { "GET", 0, aj_server_blobs_get },
      { "PUT", AJ_PROTOCOL_MAX_BLOB_BYTES, aj_server_blobs_finish_upload, aj_server_blobs_begin_upload } } },
  /* Any method, as devices have always been answered. */
  { "/api/v1/reference", AJ_ROUTE_DEVICE, NULL,
    { { NULL, 0, aj_server_reference_get } } },
  { "/api/v1/numbers", AJ_ROUTE_DEVICE, NULL,
    { { "POST", MAX_SMALL_BODY, aj_server_numbers_grant } } },
  { "/api/v1/completion", AJ_ROUTE_DEVICE, NULL,
    { { "GET", 0, aj_server_completion_get } } },
  { "/api", AJ_ROUTE_PUBLIC, unknown_api,
    { { NULL, 0, NULL } } },
  /* The office's console: forms up to 8 MiB (a register to import). */
  { "/office", AJ_ROUTE_OFFICE, NULL,
    { { "GET", 0, aj_server_console },
      { "POST", 8 * 1024 * 1024, aj_server_console } } },
  /* The public pages answer every method with HTML. */
  { "/h/", AJ_ROUTE_PUBLIC, NULL,
    { { NULL, 0, aj_server_pages_hazard } } },
  { "/public", AJ_ROUTE_PUBLIC, NULL,
    { { NULL, 0, aj_server_public_draw } } },
  { "/public.json", AJ_ROUTE_PUBLIC, NULL,
    { { NULL, 0, aj_server_public_list_json } } },
  { "/public.csv", AJ_ROUTE_PUBLIC, NULL,
    { { NULL, 0, aj_server_public_list_csv } } },
  { "/static/", AJ_ROUTE_PUBLIC, aj_server_pages_check_path,
    { { NULL, 0, aj_server_pages_static } } },
  { "/", AJ_ROUTE_PUBLIC, aj_server_pages_check_path,
    { { NULL, 0, aj_server_pages_overview } } },
};

/* ---- logging and set-up ---- */

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    AjServer          *self)
{
  aj_request_guard (msg, &self->context);
}

/* The request log (main loop only): lines gather here and go to stdout
 * once a second, or sooner when they fill LOG_FLUSH_BYTES, not with a
 * write each. */
#define LOG_FLUSH_BYTES (32 * 1024)
static GString *log_lines;
static guint log_timer;

static void
flush_log (void)
{
  if (log_lines == NULL || log_lines->len == 0)
    return;
  fwrite (log_lines->str, 1, log_lines->len, stdout);
  fflush (stdout);
  g_string_truncate (log_lines, 0);
}

static gboolean
on_flush_log (gpointer data)
{
  log_timer = 0;
  flush_log ();
  return G_SOURCE_REMOVE;
}

/* One line per request: time, client, method, path, status, device, duration. */
static void
log_request (SoupServerMessage *msg)
{
  static gint64 stamp_second = -1;
  static char *stamp;
  gint64 start = aj_request_started_of_message (msg);
  const char *device = aj_request_device_of_message (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *remote = soup_server_message_get_remote_host (msg);
  gint64 second = g_get_real_time () / G_USEC_PER_SEC;

  /* A request cut off before its first line has nothing to log. */
  if (uri == NULL || soup_server_message_get_method (msg) == NULL)
    return;
  /* The time, formatted once a second. */
  if (second != stamp_second)
    {
      g_free (stamp);
      stamp = aj_now_iso8601 ();
      stamp_second = second;
    }
  if (log_lines == NULL)
    log_lines = g_string_sized_new (LOG_FLUSH_BYTES + 1024);
  g_string_append_printf (log_lines, "%s %s %s %s %u %s %.1fms\n", stamp, remote ? remote : "-",
                          soup_server_message_get_method (msg), g_uri_get_path (uri),
                          soup_server_message_get_status (msg), device ? device : "-",
                          start ? (g_get_monotonic_time () - start) / 1000.0 : 0.0);
  if (log_lines->len >= LOG_FLUSH_BYTES)
    flush_log ();
  else if (log_timer == 0)
    log_timer = g_timeout_add_seconds (1, on_flush_log, NULL);
}

static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  log_request (msg);
}

static void
aj_server_finalize (GObject *object)
{
  AjServer *self = AJ_SERVER (object);

  g_clear_handle_id (&self->expiry_timer, g_source_remove);
  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  aj_request_stop_timeouts (&self->context);
  g_clear_handle_id (&log_timer, g_source_remove);
  flush_log ();
  g_clear_object (&self->context.store);
  g_clear_pointer (&self->context.db, aj_server_db_free);
  g_free (self->data_dir);
  g_free (self->context.blob_dir);
  g_free (self->context.partial_dir);
  g_free (self->context.holidays_path);
  g_clear_pointer (&self->context.uploading, g_hash_table_unref);
  G_OBJECT_CLASS (aj_server_parent_class)->finalize (object);
}

static void
aj_server_class_init (AjServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aj_server_finalize;
}

static void
aj_server_init (AjServer *self)
{
}

AjServer *
aj_server_new (const char  *data_dir,
               GError     **error)
{
  g_autoptr(AjServer) self = g_object_new (AJ_TYPE_SERVER, NULL);

  /* Tokens and codes come from libsodium's randombytes. */
  if (sodium_init () < 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot initialise libsodium");
      return NULL;
    }
  self->data_dir = g_strdup (data_dir);
  self->context.blob_dir = g_build_filename (data_dir, "blobs", NULL);
  self->context.partial_dir = g_build_filename (data_dir, "blobs", "partial", NULL);
  self->context.log_closed = log_request;
  self->context.holidays_path = g_build_filename (data_dir, "holidays.txt", NULL);
  self->context.uploading = g_hash_table_new (g_str_hash, g_str_equal);
  self->context.limits = (AjServerLimits) AJ_SERVER_LIMITS_INIT;
  self->context.workers = MAX (g_get_num_processors (), 2);
  self->context.store = aj_server_store_open (data_dir, error);
  if (self->context.store == NULL)
    return NULL;

  self->soup = soup_server_new ("server-header", "anjian-server/" PACKAGE_VERSION " ", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    aj_request_add_route (self->soup, &routes[i], &self->context);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_finished), self);
  return g_steal_pointer (&self);
}

/* Before aj_server_listen; the defaults are AJ_SERVER_DEFAULT_*. */
void
aj_server_set_limits (AjServer             *self,
                      const AjServerLimits *limits)
{
  self->context.limits = *limits;
}

void
aj_server_set_workers (AjServer *self,
                       guint     workers)
{
  g_return_if_fail (!self->workers_started);
  self->context.workers = MAX (workers, 1);
}

static gboolean
on_expire_partials (gpointer data)
{
  AjServer *self = data;

  aj_server_blobs_expire_partials (&self->context);
  return G_SOURCE_CONTINUE;
}

/* Partial uploads are swept once the server runs, then a few times per
 * expiry period (at least hourly). */
static gboolean
on_first_expiry (gpointer data)
{
  AjServer *self = data;
  gint64 max_age = self->context.limits.partial_max_age_seconds;
  guint interval = (guint) CLAMP (max_age / 4, 1, 3600);

  aj_server_blobs_expire_partials (&self->context);
  self->expiry_timer = g_timeout_add_seconds (interval, on_expire_partials, self);
  return G_SOURCE_REMOVE;
}

gboolean
aj_server_listen (AjServer    *self,
                  const char  *address,
                  const char  *tls_cert,
                  const char  *tls_key,
                  GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  const char *colon = strrchr (address, ':');
  SoupServerListenOptions options = 0;
  guint port;

  if (colon == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "Listen on HOST:PORT, e.g. 127.0.0.1:8080");
      return FALSE;
    }
  host = g_strndup (address, colon - address);
  port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "“%s” is not an IP address", host);
      return FALSE;
    }
  if (tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (tls_cert, tls_key, error);
      if (cert == NULL)
        return FALSE;
      soup_server_set_tls_certificate (self->soup, cert);
      options |= SOUP_SERVER_LISTEN_HTTPS;
      self->context.tls = TRUE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  {
    /* Our own socket, for its backlog: libsoup's default of 10 resets
     * most of a hundred devices that connect at once. */
    g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, error);

    if (socket == NULL)
      return FALSE;
    g_socket_set_listen_backlog (socket, AJ_SERVER_LISTEN_BACKLOG);
    if (!g_socket_bind (socket, socket_address, TRUE, error) ||
        !g_socket_listen (socket, error) ||
        !soup_server_listen_socket (self->soup, socket, options, error))
      return FALSE;
  }
  if (!self->workers_started)
    {
      aj_request_start_workers (self->soup, &self->context);
      self->workers_started = TRUE;
    }
  if (self->expiry_timer == 0 && self->context.limits.partial_max_age_seconds > 0)
    self->expiry_timer = g_idle_add (on_first_expiry, self);
  return TRUE;
}

char *
aj_server_get_url (AjServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  char *url = NULL;

  if (uris != NULL)
    {
      g_autofree char *text = g_uri_to_string (uris->data);
      gsize len = strlen (text);
      if (len > 0 && text[len - 1] == '/')
        text[len - 1] = '\0';
      url = g_steal_pointer (&text);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return url;
}

void
aj_server_shutdown (AjServer *self)
{
  soup_server_disconnect (self->soup);
}

/* The holiday calendar for the publication deadlines (default
 * DATA/holidays.txt). */
void
aj_server_set_holidays_path (AjServer   *self,
                             const char *path)
{
  g_free (self->context.holidays_path);
  self->context.holidays_path = g_strdup (path);
}

/* Before aj_server_listen: the shared database (taken), whose log the
 * store in the data folder then caches. See aj-server-db.h. */
void
aj_server_set_database (AjServer   *self,
                        AjServerDb *db)
{
  g_clear_pointer (&self->context.db, aj_server_db_free);
  self->context.db = db;
}

/* Before aj_server_listen: where photos are kept, when not DATA/blobs: a
 * directory several servers share (NFS, or a volume mounted on each). Each
 * server keeps its partial uploads in its own folder there ("partial-"
 * and a digest of its host and data folder), so that the rename that completes a photo stays on
 * one file system and two servers never write one partial file. */
void
aj_server_set_blob_dir (AjServer   *self,
                        const char *blob_dir)
{
  g_autofree char *where = g_strdup_printf ("%s:%s", g_get_host_name (), self->data_dir);
  g_autofree char *instance = g_compute_checksum_for_string (G_CHECKSUM_SHA256, where, -1);
  g_autofree char *partial = NULL;

  g_free (self->context.blob_dir);
  g_free (self->context.partial_dir);
  self->context.blob_dir = g_strdup (blob_dir);
  instance[16] = '\0';
  partial = g_strconcat ("partial-", instance, NULL);
  self->context.partial_dir = g_build_filename (blob_dir, partial, NULL);
}

AjStore *
aj_server_get_store (AjServer *self)
{
  return self->context.store;
}
