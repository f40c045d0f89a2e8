/* aj-test-server.c: starting and stopping the real server binary, and small
 * kiosks on real SQLite files, for the integration and fault tests. */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
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

AjTestServer *
aj_test_server_new (void)
{
  AjTestServer *server = g_new0 (AjTestServer, 1);
  g_autofree char *registry = aj_test_source_path ("data/registry.json");
  g_autofree char *out = NULL;

  server->data_dir = g_dir_make_tmp ("anjian-server-XXXXXX", NULL);
  out = aj_test_server_admin (server, "import-registry", registry, NULL);
  aj_test_server_start (server);
  return server;
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
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      g_unlink (server->log_path);
      g_subprocess_launcher_set_stdout_file_path (launcher, server->log_path);
      /* A test that fails half-way must not leave its server running. */
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      server->process = g_subprocess_launcher_spawn (launcher, &error, server_binary (), "serve",
                                                     "--data", server->data_dir, "--listen", listen, NULL);
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

void
aj_test_server_free (AjTestServer *server)
{
  aj_test_server_kill (server, SIGTERM);
  aj_test_rm_rf (server->data_dir);
  g_free (server->data_dir);
  g_free (server->log_path);
  g_free (server->url);
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

void
aj_test_kiosk_enroll (AjTestKiosk  *kiosk,
                      AjTestServer *server,
                      const char   *scope)
{
  g_autofree char *code = aj_test_server_code (server, scope);
  g_autoptr(GError) error = NULL;
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir, .checklist_dir = kiosk->checklist_dir };

  g_assert_true (aj_sync_enroll (kiosk->store, server->url, code, "test kiosk", &options, &error));
  g_assert_no_error (error);
}

gboolean
aj_test_kiosk_sync (AjTestKiosk   *kiosk,
                    const char    *url_override,
                    AjSyncReport  *report,
                    GError       **error)
{
  AjSyncOptions options = { .blob_dir = kiosk->blob_dir, .checklist_dir = kiosk->checklist_dir };
  g_autofree char *saved = NULL;
  gboolean ok;

  /* Through a proxy: the same server, another address. */
  if (url_override != NULL)
    {
      saved = aj_store_get_meta (kiosk->store, "sync.server");
      aj_store_set_meta (kiosk->store, "sync.server", url_override, NULL);
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
