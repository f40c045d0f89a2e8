/* bench-load-prepare.c: the load benchmark's data (issue 16), made against
 * a running anjian-server: N enrolled devices (one code each, redeemed over
 * HTTP), each with PRELOAD events already pushed (what pulls read), a few
 * hazards (for /h/<id>), and what wrk will send: per device PUSH_BATCHES
 * batches of BATCH_EVENTS events that continue its chain (unique ids, so
 * nothing is refused as already held), and N_BLOBS photos' bytes.
 *
 * Usage: bench-load-prepare URL STORE OUT_DIR N_DEVICES PRELOAD
 *                           PUSH_BATCHES BATCH_EVENTS N_BLOBS BLOB_BYTES
 * STORE: the server's data folder (SQLite) or its postgresql:// URL.
 * Writes in OUT_DIR: tokens.txt (one token a line), push.txt (device
 * index, token, body: one batch a line), hazards.txt, blobs.txt (sha256,
 * file), pull-bytes.txt (the size of a pull of 100 events) and
 * preloaded.txt (the events the server holds now).
 * Codes are added through the server's storage interface (aj-server-db.h),
 * as `anjian-server enroll-code` does: into the SQLite file of the data
 * folder, or into the PostgreSQL database that the servers share. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "aj-codec.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-server-db.h"
#include "aj-server-store.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define INSPECTOR   "u-zhang-wei"
#define INSTITUTION "NHQ001"
#define N_HAZARDS   50

static char *
enroll (const char *url,
        AjServerDb *db,
        AjStore    *server_store,
        const char *device_id,
        guint       index)
{
  g_autoptr(AjScope) scope = aj_scope_new_all ();
  g_autofree char *code = g_strdup_printf ("AJ-BENCH-%06u-%s", index, device_id);
  g_autofree char *enroll_url = g_strdup_printf ("%s/api/v1/enroll", url);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply_object = NULL;
  g_auto(AjTestReply) reply = { 0 };

  g_assert_true (aj_server_db_add_code (db, server_store, code, scope, "2020-01-01T00:00:00Z",
                                        "2099-01-01T00:00:00Z", &error));
  g_assert_no_error (error);
  body = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\",\"device_name\":\"bench %u\"}",
                          code, device_id, index);
  aj_test_http ("POST", enroll_url, NULL, NULL, body, strlen (body), &reply);
  if (reply.status != 200)
    g_error ("enroll %u: %ld %.300s", index, reply.status, reply.body->str);
  reply_object = aj_json_parse_object (reply.body->str, &error);
  g_assert_no_error (error);
  return g_strdup (aj_json_get_string (reply_object, "token"));
}

static void
push (const char *url,
      const char *token,
      GPtrArray  *events,
      guint       from,
      guint       to)
{
  g_autofree char *events_url = g_strdup_printf ("%s/api/v1/events", url);

  for (guint i = from; i < to; i += 100)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_autofree char *body = NULL;
      g_auto(AjTestReply) reply = { 0 };

      for (guint j = i; j < MIN (i + 100, to); j++)
        g_ptr_array_add (batch, g_ptr_array_index (events, j));
      body = aj_events_to_batch (batch, FALSE);
      aj_test_http ("POST", events_url, token, NULL, body, strlen (body), &reply);
      if (reply.status != 200 || strstr (reply.body->str, "\"refused\":0") == NULL)
        g_error ("preload push: %ld %.300s", reply.status, reply.body->str);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) server_store = NULL;
  g_autoptr(AjServerDb) db = NULL;
  g_autoptr(GString) tokens = g_string_new (NULL);
  g_autoptr(GString) pushes = g_string_new (NULL);
  g_autoptr(GString) hazards = g_string_new (NULL);
  g_autoptr(GString) blobs = g_string_new (NULL);
  g_autofree char *blob_dir = NULL;
  AjTestKiosk *kiosk;
  const char *url, *out;
  guint n_devices, preload, batches, batch_events, n_blobs, blob_bytes;
  guint64 preloaded = 0;

  if (argc != 10)
    {
      g_printerr ("Usage: bench-load-prepare URL DATA_DIR|POSTGRESQL_URL OUT_DIR N_DEVICES PRELOAD PUSH_BATCHES "
                  "BATCH_EVENTS N_BLOBS BLOB_BYTES\n");
      return 2;
    }
  url = argv[1];
  out = argv[3];
  n_devices = atoi (argv[4]);
  preload = atoi (argv[5]);
  batches = atoi (argv[6]);
  batch_events = atoi (argv[7]);
  n_blobs = atoi (argv[8]);
  blob_bytes = atoi (argv[9]);
  g_assert_true (sodium_init () >= 0);
  g_mkdir_with_parents (out, 0700);
  if (g_str_has_prefix (argv[2], "postgresql://") || g_str_has_prefix (argv[2], "postgres://"))
    {
      g_autofree char *sqlite_dir = NULL;

      db = aj_server_db_open (argv[2], &sqlite_dir, &error);
    }
  else
    server_store = aj_server_store_open (argv[2], &error);
  g_assert_no_error (error);

  /* One kiosk store makes every device's events: its device id is changed
   * (and the store reopened) before each device's own chain. */
  kiosk = aj_test_kiosk_new ();
  for (guint d = 0; d < n_devices; d++)
    {
      g_autofree char *device_id = aj_uuid7_new ();
      g_autofree char *token = NULL;
      g_autoptr(GPtrArray) events = NULL;
      guint total = preload + batches * batch_events;

      g_assert_true (aj_store_set_meta (kiosk->store, "device_id", device_id, &error));
      g_clear_object (&kiosk->store);
      kiosk->store = aj_store_open (kiosk->db_path, &error);
      g_assert_no_error (error);
      token = enroll (url, db, server_store, device_id, d);
      g_string_append_printf (tokens, "%s\n", token);

      if (d < N_HAZARDS)
        {
          AjHazardDraft draft = {
            .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口上锁",
            .risk_level = "red", .grade = "major", .deadline = "2030-12-31", .responsible = "王建国",
          };
          g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, INSPECTOR, "DLX001");
          g_autofree char *hazard = NULL;

          draft.inspection_id = inspection;
          g_assert_true (aj_inspection_answer (kiosk->store, INSPECTOR, inspection, "EC-FIRE-01", "hazard", NULL, &error));
          hazard = aj_hazard_record (kiosk->store, INSPECTOR, &draft, &error);
          g_assert_no_error (error);
          g_string_append_printf (hazards, "%s\n", hazard);
        }
      aj_test_store_add_events (kiosk->store, INSPECTOR, INSTITUTION, total);
      events = aj_store_list_device_events (kiosk->store, device_id, &error);
      g_assert_no_error (error);
      /* What the hazard made comes first; then the preload, then the batches. */
      total = events->len;
      g_assert_cmpuint (total, >=, batches * batch_events);
      push (url, token, events, 0, total - batches * batch_events);
      preloaded += total - batches * batch_events;
      for (guint b = 0; b < batches; b++)
        {
          g_autoptr(GPtrArray) batch = g_ptr_array_new ();
          g_autofree char *body = NULL;
          guint first = total - batches * batch_events + b * batch_events;

          for (guint j = first; j < first + batch_events; j++)
            g_ptr_array_add (batch, g_ptr_array_index (events, j));
          body = aj_events_to_batch (batch, FALSE);
          g_assert_null (strchr (body, '\n'));
          g_string_append_printf (pushes, "%u\t%s\t%s\n", d, token, body);
        }
      if ((d + 1) % 100 == 0)
        g_printerr ("prepared %u devices\n", d + 1);
    }

  blob_dir = g_build_filename (out, "blobs", NULL);
  g_mkdir_with_parents (blob_dir, 0700);
  for (guint i = 0; i < n_blobs; i++)
    {
      g_autofree guint8 *bytes = g_malloc (blob_bytes);
      g_autofree char *sha = NULL;
      g_autofree char *file = g_strdup_printf ("%s/%06u.bin", blob_dir, i);

      randombytes_buf (bytes, blob_bytes);
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, blob_bytes);
      g_assert_true (g_file_set_contents (file, (char *) bytes, blob_bytes, NULL));
      g_string_append_printf (blobs, "%s\t%s\n", sha, file);
    }

  {
    g_autofree char *pull_url = g_strdup_printf ("%s/api/v1/events?after=0&limit=100", url);
    g_autofree char *size = NULL;
    g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", preloaded);
    g_auto(AjTestReply) reply = { 0 };
    const struct { const char *name; const char *text; } files[] = {
      { "tokens.txt", tokens->str }, { "push.txt", pushes->str }, { "hazards.txt", hazards->str },
      { "blobs.txt", blobs->str }, { "preloaded.txt", count },
    };
    char *last_token = strrchr (g_strchomp (tokens->str), '\n');

    /* A device reads others' events: the last one's token reads the first's. */
    aj_test_http ("GET", pull_url, last_token ? last_token + 1 : tokens->str, NULL, NULL, 0, &reply);
    g_assert_cmpint (reply.status, ==, 200);
    g_string_append_c (tokens, '\n');
    size = g_strdup_printf ("%" G_GSIZE_FORMAT "\n", reply.body->len);
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (out, files[i].name, NULL);
        g_assert_true (g_file_set_contents (path, files[i].text, -1, NULL));
      }
    {
      g_autofree char *path = g_build_filename (out, "pull-bytes.txt", NULL);
      g_assert_true (g_file_set_contents (path, size, -1, NULL));
    }
  }
  aj_test_kiosk_free (kiosk);
  g_print ("%u devices, %" G_GUINT64_FORMAT " events preloaded\n", n_devices, preloaded);
  return 0;
}
