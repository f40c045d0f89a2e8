/* aj-test-server.c: starting and stopping the real server binary, small
 * kiosks on real SQLite files, sync and plain HTTP between them, for the
 * integration, fault and benchmark programs. */
#include "config.h"

#include <signal.h>
#include <curl/curl.h>
#include <sys/prctl.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-test-pg.h"
#include "aj-test-server.h"

char *
aj_test_source_path (const char *relative)
{
  return g_build_filename (g_getenv ("ANJIAN_SOURCE_ROOT"), relative, NULL);
}

void
aj_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          aj_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static const char *
server_binary (void)
{
  const char *path = g_getenv ("ANJIAN_SERVER");
  g_assert_nonnull (path);
  return path;
}

char *
aj_test_server_admin (AjTestServer *server,
                      const char   *command,
                      ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) server_binary ());
  g_ptr_array_add (argv, (gpointer) command);
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, server->data_dir);
  if (server->database != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database");
      g_ptr_array_add (argv, server->database);
    }
  if (server->blob_dir != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--blob-dir");
      g_ptr_array_add (argv, server->blob_dir);
    }
  va_start (args, command);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("Cannot run anjian-server %s: %s", command, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("anjian-server %s failed: %s", command, err);
  return out;
}

/* Whether the integration suites run on PostgreSQL. */
static gboolean
use_postgresql (void)
{
  return g_strcmp0 (g_getenv ("ANJIAN_TEST_DATABASE"), "postgresql") == 0;
}

/* A data folder with the sample registry; started with @serve_args. */
static AjTestServer *
server_new (const char * const *serve_args,
            gboolean            postgresql)
{
  AjTestServer *server = g_new0 (AjTestServer, 1);
  g_autofree char *registry = aj_test_source_path ("data/registry.json");
  g_autofree char *out = NULL;

  server->data_dir = g_dir_make_tmp ("anjian-server-XXXXXX", NULL);
  server->serve_args = g_strdupv ((char **) serve_args);
  if (postgresql)
    {
      server->database = aj_test_pg_new_database ();
      g_test_message ("anjian-server on PostgreSQL: %s", server->database);
    }
  out = aj_test_server_admin (server, "import-registry", registry, NULL);
  aj_test_server_start (server);
  return server;
}

AjTestServer *
aj_test_server_new (void)
{
  return server_new (NULL, use_postgresql ());
}

AjTestServer *
aj_test_server_new_pg (void)
{
  return server_new (NULL, TRUE);
}

AjTestServer *
aj_test_server_new_beside (AjTestServer *first)
{
  AjTestServer *server = g_new0 (AjTestServer, 1);

  g_assert_nonnull (first->database);
  server->data_dir = g_dir_make_tmp ("anjian-server-XXXXXX", NULL);
  server->database = g_strdup (first->database);
  server->blob_dir = first->blob_dir ? g_strdup (first->blob_dir) : g_build_filename (first->data_dir, "blobs", NULL);
  aj_test_server_start (server);
  return server;
}

/* Serving HTTPS with this certificate: its URL starts with https://. */
AjTestServer *
aj_test_server_new_tls (const char *cert_file,
                        const char *key_file)
{
  const char *args[] = { "--tls-cert", cert_file, "--tls-key", key_file, NULL };

  return server_new (args, use_postgresql ());
}

/* Starts (or restarts, on the same port) the server, its log in a file,
 * and waits for its first line, which names the address it listens on. */
void
aj_test_server_start (AjTestServer *server)
{
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%d", server->port);
  g_autoptr(GError) error = NULL;

  g_free (server->log_path);
  server->log_path = g_build_filename (server->data_dir, "server.log", NULL);
  for (int attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
      g_auto(GStrv) args = NULL;
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      g_strv_builder_add_many (argv, server_binary (), "serve", "--data", server->data_dir, "--listen", listen, NULL);
      if (server->database != NULL)
        g_strv_builder_add_many (argv, "--database", server->database, NULL);
      if (server->blob_dir != NULL)
        g_strv_builder_add_many (argv, "--blob-dir", server->blob_dir, NULL);
      if (server->serve_args != NULL)
        g_strv_builder_addv (argv, (const char **) server->serve_args);
      args = g_strv_builder_end (argv);
      g_unlink (server->log_path);
      g_subprocess_launcher_set_stdout_file_path (launcher, server->log_path);
      /* LeakSanitizer's tracer crashes scanning the thread-local storage of
       * glib-networking's TLS threads (a fatal LeakSanitizer error, exit 1, no
       * leak found): the HTTPS server alone runs without leak detection. */
      if (server->serve_args != NULL && g_strv_contains ((const char * const *) server->serve_args, "--tls-cert"))
        {
          g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "",
                                                  ":detect_leaks=0", NULL);
          g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
        }
      /* A test that fails half-way must not leave its server running. */
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args, &error);
      g_assert_no_error (error);
      while (g_get_monotonic_time () < deadline)
        {
          g_autofree char *log = NULL;
          char *newline;

          if (g_file_get_contents (server->log_path, &log, NULL, NULL) &&
              g_str_has_prefix (log, "listening on ") && (newline = strchr (log, '\n')) != NULL)
            {
              *newline = '\0';
              g_free (server->url);
              server->url = g_strdup (log + strlen ("listening on "));
              server->port = atoi (strrchr (server->url, ':') + 1);
              return;
            }
          {
            /* Poll without blocking on the child. */
            GMainContext *context = g_main_context_default ();
            while (g_main_context_pending (context))
              g_main_context_iteration (context, FALSE);
          }
          g_usleep (20000);
        }
      /* The old process may still hold the port for a moment. */
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
      g_clear_object (&server->process);
      g_usleep (100000);
    }
  g_error ("anjian-server did not start");
}

void
aj_test_server_kill (AjTestServer *server,
                     int           sig)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, sig);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

/* Stopped as an administrator would stop it: it must shut down cleanly. */
void
aj_test_server_stop (AjTestServer *server)
{
  g_assert_nonnull (server->process);
  g_subprocess_send_signal (server->process, SIGTERM);
  g_assert_true (g_subprocess_wait (server->process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (server->process));
  g_assert_cmpint (g_subprocess_get_exit_status (server->process), ==, 0);
  g_clear_object (&server->process);
}

void
aj_test_server_free (AjTestServer *server)
{
  aj_test_server_kill (server, SIGTERM);
  aj_test_rm_rf (server->data_dir);
  g_strfreev (server->serve_args);
  g_free (server->data_dir);
  g_free (server->log_path);
  g_free (server->url);
  g_free (server->database);
  g_free (server->blob_dir);
  g_free (server);
}

char *
aj_test_server_code (AjTestServer *server,
                     const char   *scope)
{
  g_autofree char *out = aj_test_server_admin (server, "enroll-code", "--scope", scope ? scope : "all", NULL);
  char *newline = strchr (out, '\n');

  g_assert_nonnull (newline);
  return g_strndup (out, newline - out);
}

AjStore *
aj_test_server_open_store (AjTestServer *server)
{
  g_autofree char *path = g_build_filename (server->data_dir, "anjian-server.db", NULL);
  g_autoptr(GError) error = NULL;
  AjStore *store = aj_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

char *
aj_test_server_shared_text (AjTestServer *server,
                            const char   *sql,
                            const char   *arg)
{
  g_autoptr(AjStore) store = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (server->database != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (sql, "?", -1);
      g_autofree char *pg = g_strjoinv ("$1", parts);

      return aj_test_pg_query_arg (server->database, pg, arg);
    }
  store = aj_test_server_open_store (server);
  stmt = aj_db_prepare (aj_store_get_db (store), sql, NULL);
  g_assert_nonnull (stmt);
  if (arg != NULL)
    aj_db_bind_text (stmt, 1, arg);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL ? aj_db_col_dup (stmt, 0)
                                                                                           : NULL;
}

gint64
aj_test_server_shared_int (AjTestServer *server,
                           const char   *sql,
                           const char   *arg)
{
  g_autofree char *text = aj_test_server_shared_text (server, sql, arg);

  return text ? g_ascii_strtoll (text, NULL, 10) : 0;
}

AjTestKiosk *
aj_test_kiosk_new (void)
{
  AjTestKiosk *kiosk = g_new0 (AjTestKiosk, 1);
  g_autofree char *registry = aj_test_source_path ("data/registry.json");
  g_autoptr(GError) error = NULL;

  kiosk->data_dir = g_dir_make_tmp ("anjian-kiosk-XXXXXX", NULL);
  kiosk->db_path = g_build_filename (kiosk->data_dir, "anjian.db", NULL);
  kiosk->blob_dir = g_build_filename (kiosk->data_dir, "blobs", NULL);
  kiosk->checklist_dir = g_build_filename (kiosk->data_dir, "checklists", NULL);
  kiosk->store = aj_store_open (kiosk->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (kiosk->store, registry, "sample", &error));
  g_assert_no_error (error);
  return kiosk;
}

void
aj_test_kiosk_free (AjTestKiosk *kiosk)
{
  g_clear_object (&kiosk->store);
  aj_test_rm_rf (kiosk->data_dir);
  g_free (kiosk->data_dir);
  g_free (kiosk->db_path);
  g_free (kiosk->blob_dir);
  g_free (kiosk->checklist_dir);
  g_free (kiosk);
}

/* Where the kiosk keeps photos and checklists; callers add the rest. */
AjSyncOptions
aj_test_kiosk_options (AjTestKiosk *kiosk)
{
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir, .checklist_dir = kiosk->checklist_dir };

  return options;
}

void
aj_test_kiosk_enroll (AjTestKiosk  *kiosk,
                      AjTestServer *server,
                      const char   *scope)
{
  g_autofree char *code = aj_test_server_code (server, scope);
  g_autoptr(GError) error = NULL;
  AjSyncOptions options = aj_test_kiosk_options (kiosk);

  g_assert_true (aj_sync_enroll (kiosk->store, server->url, code, "test kiosk", &options, &error));
  g_assert_no_error (error);
}

gboolean
aj_test_kiosk_sync (AjTestKiosk   *kiosk,
                    AjSyncReport  *report,
                    GError       **error)
{
  return aj_test_kiosk_sync_via (kiosk, NULL, 0, report, error);
}

/* One sync, through @url (NULL: the server it enrolled with) in batches
 * of @batch_events (0: the kiosk's own size). */
gboolean
aj_test_kiosk_sync_via (AjTestKiosk   *kiosk,
                        const char    *url,
                        guint          batch_events,
                        AjSyncReport  *report,
                        GError       **error)
{
  AjSyncOptions options = aj_test_kiosk_options (kiosk);
  g_autofree char *saved = NULL;
  gboolean ok;

  options.batch_events = batch_events;
  /* Through a proxy: the same server, another address. */
  if (url != NULL)
    {
      saved = aj_store_get_meta (kiosk->store, "sync.server");
      aj_store_set_meta (kiosk->store, "sync.server", url, NULL);
    }
  ok = aj_sync_run (kiosk->store, &options, report, error);
  if (saved != NULL)
    aj_store_set_meta (kiosk->store, "sync.server", saved, NULL);
  return ok;
}

char *
aj_test_kiosk_start_inspection (AjTestKiosk *kiosk,
                                const char  *author,
                                const char  *institution)
{
  g_autofree char *path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  char *id;

  checklist = aj_checklist_load_file (path, &error);
  g_assert_no_error (error);
  id = aj_inspection_start (kiosk->store, author, institution, "field", checklist, &error);
  g_assert_no_error (error);
  return id;
}

/* A generated photo, different for each seed, attached to an item. */
char *
aj_test_kiosk_add_photo (AjTestKiosk *kiosk,
                         const char  *author,
                         const char  *inspection,
                         const char  *item,
                         int          width,
                         int          height,
                         guint        seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  AjPhotoInfo info;

  /* Noise, so that JPEG cannot make it small: real photos are not. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 3; x++)
      pixels[y * stride + x] = (guint8) (g_rand_int (rand) & 0xff) / 2 + (guint8) ((x + y) & 0x7f);
  g_assert_true (aj_photo_import_pixbuf (kiosk->blob_dir, pixbuf, &info, &error));
  g_assert_no_error (error);
  return aj_inspection_add_photo (kiosk->store, author, inspection, item, NULL, &info, &error);
}

/* Every event of one device (or all), field by field, for byte-for-byte
 * comparison between a kiosk and the server. */
char *
aj_test_dump_events (AjStore    *store,
                     const char *device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = device_id ? aj_store_list_device_events (store, device_id, &error)
                                          : aj_store_list_events (store, NULL, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_string_append_printf (out, "%s|%s|%" G_GINT64_FORMAT "|%s|%" G_GINT64_FORMAT "|%s|%s|%s|%s|%s\n",
                              ev->id, ev->device_id, ev->device_seq, ev->author, ev->hlc, ev->type,
                              ev->subject, ev->body, ev->prev_hash, ev->hash);
    }
  return g_string_free (out, FALSE);
}

/* The two stores hold the same events of @device_id (NULL: of every
 * device), byte for byte. */
void
aj_test_assert_same_events (AjStore    *a,
                            AjStore    *b,
                            const char *device_id)
{
  g_autofree char *left = aj_test_dump_events (a, device_id);
  g_autofree char *right = aj_test_dump_events (b, device_id);

  g_assert_cmpstr (left, ==, right);
}

/* The SHA-256 of every photo the store knows, in order. */
GPtrArray *
aj_test_store_list_photos (AjStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), "SELECT sha256 FROM photos ORDER BY sha256", NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, aj_db_col_dup (stmt, 0));
  return list;
}

/* Exactly @n_events new events of this device, in one transaction, as
 * visits make them: inspections started, each with its items answered
 * pass, then n/a (each answer differs from the one before it, so none is
 * skipped as a repeat), then the next inspection. */
void
aj_test_store_add_events (AjStore    *store,
                          const char *author,
                          const char *institution,
                          guint       n_events)
{
  g_autofree char *path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  guint n_items, made = 0;

  if (n_events == 0)
    return;
  checklist = aj_checklist_load_file (path, &error);
  g_assert_no_error (error);
  n_items = aj_checklist_get_n_items (checklist);
  g_assert_true (aj_store_begin (store, &error));
  while (made < n_events)
    {
      g_autofree char *inspection = aj_inspection_start (store, author, institution, "field", checklist, &error);

      g_assert_no_error (error);
      made++;
      for (guint i = 0; i < 2 * n_items && made < n_events; i++, made++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i % n_items);

          g_assert_true (aj_inspection_answer (store, author, inspection, item->code,
                                               i < n_items ? "pass" : "na", NULL, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_true (aj_store_commit (store, &error));
  g_assert_no_error (error);
}

void
aj_test_pair_setup_server (AjTestPair    *pair,
                           gconstpointer  test_data)
{
  pair->server = aj_test_server_new ();
}

void
aj_test_pair_setup (AjTestPair    *pair,
                    gconstpointer  scope)
{
  aj_test_pair_setup_server (pair, NULL);
  pair->kiosk = aj_test_kiosk_new ();
  aj_test_kiosk_enroll (pair->kiosk, pair->server, scope != NULL ? scope : "all");
}

void
aj_test_pair_teardown (AjTestPair    *pair,
                       gconstpointer  test_data)
{
  g_clear_pointer (&pair->kiosk, aj_test_kiosk_free);
  g_clear_pointer (&pair->server, aj_test_server_free);
}

void
aj_test_reply_clear (AjTestReply *reply)
{
  if (reply->body != NULL)
    g_string_free (reply->body, TRUE);
  reply->body = NULL;
  g_clear_pointer (&reply->headers, g_hash_table_unref);
}

static size_t
on_data (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  g_string_append_len (((AjTestReply *) user_data)->body, data, size * n);
  return size * n;
}

static size_t
on_head (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  AjTestReply *reply = user_data;
  g_autofree char *line = g_strndup (data, size * n);
  char *colon = strchr (line, ':');

  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_replace (reply->headers, g_ascii_strdown (g_strstrip (line), -1), g_strdup (g_strstrip (colon + 1)));
    }
  return size * n;
}

/* With the device's bearer @token (or none), @extra_header and @length
 * bytes of @data for any method but GET and HEAD; JSON for POST. */
void
aj_test_http (const char  *method,
              const char  *url,
              const char  *token,
              const char  *extra_header,
              const char  *data,
              gsize        length,
              AjTestReply *reply)
{
  g_autofree char *auth = token ? g_strdup_printf ("Authorization: Bearer %s", token) : NULL;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  CURLcode rc;

  reply->body = g_string_new (NULL);
  reply->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  if (auth)
    headers = curl_slist_append (headers, auth);
  if (extra_header)
    headers = curl_slist_append (headers, extra_header);
  headers = curl_slist_append (headers, "Expect:");
  if (g_str_equal (method, "POST"))
    headers = curl_slist_append (headers, "Content-Type: application/json");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_head);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, reply);
  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (!g_str_equal (method, "GET"))
    {
      curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data ? data : "");
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (data ? length : 0));
    }
  rc = curl_easy_perform (curl);
  g_assert_cmpstr (curl_easy_strerror (rc), ==, curl_easy_strerror (CURLE_OK));
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
}

/* What HEAD says the server holds of a blob: bytes, and whether whole. */
gint64
aj_test_blob_held (AjTestServer *server,
                   const char   *token,
                   const char   *sha,
                   gboolean     *complete)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/blobs/%s", server->url, sha);
  g_auto(AjTestReply) r = { 0 };
  const char *held;

  aj_test_http ("HEAD", url, token, NULL, NULL, 0, &r);
  g_assert_cmpint (r.status, ==, 200);
  held = g_hash_table_lookup (r.headers, "anjian-blob-held");
  g_assert_nonnull (held);
  if (complete)
    *complete = g_strcmp0 (g_hash_table_lookup (r.headers, "anjian-blob-complete"), "yes") == 0;
  return g_ascii_strtoll (held, NULL, 10);
}
