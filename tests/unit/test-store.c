/* test-store.c: the store: schema and migrations, ids and clocks, the hash
 * chain, projections as a pure function of the log, and transactions. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hlc.h"
#include "aj-inspection.h"
#include "aj-projection.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-store-private.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSTITUTION "DLX004"    /* a day-care centre in the sample registry */
#define INSPECTOR   "u-zhang-wei"
#define FAKE_SHA_1  "0f343b0931126a20f133d67c2b018a3b5e4c1c6f5fd2b1e5a4a3b0c3d2e1f001"
#define FAKE_SHA_2  "9e107d9d372bb6826bd81d3542a419d6e277d4d731479571562f82f2b5c1a002"
#define FAKE_SHA_3  "d41d8cd98f00b204e9800998ecf8427ed41d8cd98f00b204e9800998ecf84003"

/* A store in the test's own folder, with the sample registry and the
 * day-care checklist; populate () fills it. */
typedef AjTestStore Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  test_data)
{
  aj_test_store_setup (f, "day-care.json");
  g_assert_cmpuint (aj_checklist_get_n_items (f->checklist), >=, 12);
}

static char *
record_hazard (Fixture    *f,
               const char *item_code,
               const char *risk)
{
  g_autoptr(GError) error = NULL;
  const AjChecklistItem *item = aj_checklist_find_item (f->checklist, item_code, NULL);
  AjHazardDraft draft = {
    .inspection_id = f->inspection,
    .item_code = item_code,
    .category = item->category,
    .description = "Exit door chained shut",
    .location = "Ground floor, east stairs",
    .risk_level = risk,
    .grade = "major",
    .suggestion = "Remove the chain today",
    .deadline = "2030-01-31",
    .responsible = "Li Chunmei",
  };
  char *id = aj_hazard_record (f->store, INSPECTOR, &draft, &error);

  g_assert_no_error (error);
  g_assert_true (aj_uuid_is_valid (id));
  return id;
}

static char *
add_photo (Fixture    *f,
           const char *item_code,
           const char *hazard_id,
           const char *sha)
{
  g_autoptr(GError) error = NULL;
  AjPhotoInfo info = { .width = 2048, .height = 1536, .bytes = 123456 };
  char *event;

  g_assert_true (aj_is_sha256_hex (sha));
  memcpy (info.sha256, sha, 65);
  event = aj_inspection_add_photo (f->store, INSPECTOR, f->inspection, item_code, hazard_id, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (event);
  return event;
}

/* Twenty events of one inspection: started, twelve answers, three hazards,
 * three photos and one answer changed. */
static void
populate (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  const char *hazard_items[] = { NULL, NULL, NULL };
  guint n_hazard_items = 0;

  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_uuid_is_valid (f->inspection));

  for (guint i = 0; i < 12; i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (f->checklist, i);
      const char *result = i % 4 == 1 ? "hazard" : (i == 11 ? "na" : "pass");

      if (g_str_equal (result, "hazard"))
        hazard_items[n_hazard_items++] = item->code;
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection, item->code,
                                           result, i == 3 ? "Checked with the caretaker" : NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (n_hazard_items, ==, 3);

  for (guint i = 0; i < n_hazard_items; i++)
    g_ptr_array_add (f->hazards, record_hazard (f, hazard_items[i], i == 0 ? "red" : "yellow"));

  g_free (add_photo (f, hazard_items[0], g_ptr_array_index (f->hazards, 0), FAKE_SHA_1));
  g_free (add_photo (f, hazard_items[1], g_ptr_array_index (f->hazards, 1), FAKE_SHA_2));
  g_free (add_photo (f, aj_checklist_get_item (f->checklist, 0)->code, NULL, FAKE_SHA_3));

  /* Changing one's mind is an event too. */
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 0)->code,
                                       "na", "Not used on weekdays", &error));
  g_assert_no_error (error);

  g_assert_cmpint (aj_store_count_events (f->store), ==, 20);
}

static gint64
count_rows (AjStore    *store,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  return aj_db_query_int (aj_store_get_db (store), sql, NULL, -1);
}

static void
exec_sql (AjStore    *store,
          const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (aj_store_get_db (store), sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  g_assert_cmpint (sqlite3_changes (aj_store_get_db (store)), >=, 1);
}

static char *
dump (AjStore *store)
{
  g_autoptr(GError) error = NULL;
  char *text = aj_store_dump_projections (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

/* Schema and files */

static void
test_store_new_schema (Fixture       *f,
                       gconstpointer  test_data)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = aj_store_get_db (f->store);

  g_test_summary ("A new store has the current schema, foreign keys, WAL and synchronous = FULL, a device "
                  "id, no events and the sample registry");

  g_assert_cmpint (aj_store_get_schema_version (f->store), ==, AJ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (aj_db_query_int (db, "PRAGMA user_version", NULL, -1), ==, AJ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (aj_db_query_int (db, "PRAGMA foreign_keys", NULL, -1), ==, 1);
  /* synchronous = FULL is 2 */
  g_assert_cmpint (aj_db_query_int (db, "PRAGMA synchronous", NULL, -1), ==, 2);

  stmt = aj_db_prepare (db, "PRAGMA journal_mode", NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr (aj_db_col_text (stmt, 0), ==, "wal");

  g_assert_cmpstr (aj_store_get_path (f->store), ==, f->db_path);
  g_assert_true (aj_uuid_is_valid (aj_store_get_device_id (f->store)));
  g_assert_cmpint (aj_store_count_events (f->store), ==, 0);
  g_assert_false (aj_registry_is_empty (f->store));
}

static void
test_store_reopen (Fixture       *f,
                   gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_test_summary ("Reopening a store keeps its device id, schema, events and projections, and its hash chain "
                  "and clock go on from where they were");

  populate (f);
  device = g_strdup (aj_store_get_device_id (f->store));
  before = dump (f->store);
  g_clear_object (&f->store);

  f->store = aj_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (aj_store_get_device_id (f->store), ==, device);
  g_assert_cmpint (aj_store_get_schema_version (f->store), ==, AJ_STORE_SCHEMA_VERSION);
  g_assert_cmpint (aj_store_count_events (f->store), ==, 20);
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);

  /* The chain continues where it was, and the clock does not go back. */
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 1)->code, "pass", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_verify_chain (f->store, device, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) events = aj_store_list_device_events (f->store, device, &error);
    AjEvent *last, *before_last;

    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 21);
    last = g_ptr_array_index (events, 20);
    before_last = g_ptr_array_index (events, 19);
    g_assert_cmpint (last->device_seq, ==, 21);
    g_assert_cmpint (last->hlc, >, before_last->hlc);
  }
}

static void
test_store_too_new (Fixture       *f,
                    gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", AJ_STORE_SCHEMA_VERSION + 1);
  sqlite3 *db = NULL;

  g_test_summary ("A database written by a newer Anjian is refused (AJ_ERROR_TOO_NEW) and left as it was");

  g_clear_object (&f->store);
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = aj_store_open (f->db_path, &error);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_TOO_NEW);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer"));

  /* The newer database is left as it was. */
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (aj_db_query_int (db, "PRAGMA user_version", NULL, -1), ==, AJ_STORE_SCHEMA_VERSION + 1);
  sqlite3_close (db);
}

static void
check_not_a_database (const char *name,
                      const guint8 *bytes,
                      gsize         length)
{
  g_autofree char *dir = aj_test_scratch_dir (name);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = NULL;
  gsize contents_len = 0;

  g_assert_true (g_file_set_contents (path, (const char *) bytes, length, NULL));
  store = aj_store_open (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, AJ_ERROR, AJ_ERROR_CORRUPT) ||
                 g_error_matches (error, AJ_ERROR, AJ_ERROR_DATABASE));
  /* A clear message names the file. */
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s: %s", name, error->message);

  /* Nothing was written over what was there. */
  g_assert_true (g_file_get_contents (path, &contents, &contents_len, NULL));
  g_assert_cmpmem (contents, contents_len, bytes, length);
}

static void
test_store_not_a_database (void)
{
  g_autofree guint8 *noise = g_malloc (16384);
  const char *text = "This is a shopping list, not a database.\nEggs\nRice\n";
  GRand *rand = g_rand_new_with_seed (42);

  g_test_summary ("A file that is not a database is refused with a message naming it, and nothing is written "
                  "over it");

  for (gsize i = 0; i < 16384; i++)
    noise[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);

  check_not_a_database ("noise.db", noise, 16384);
  check_not_a_database ("text.db", (const guint8 *) text, strlen (text));
}

/* Ids and clocks */

static void
test_uuid7 (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 start = aj_now_unix_ms ();
  gint64 end;

  g_test_summary ("Event ids are UUIDv7: valid, unique, in order, and carrying the millisecond they were "
                  "made in");

  for (guint i = 0; i < 1000; i++)
    g_ptr_array_add (ids, aj_uuid7_new ());
  end = aj_now_unix_ms ();

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *hex_ms = NULL;
      gint64 ms;

      g_assert_true (aj_uuid_is_valid (id));
      g_assert_cmpuint (strlen (id), ==, 36);
      /* Version 7 and the RFC 9562 variant (10xx). */
      g_assert_cmpint (id[14], ==, '7');
      g_assert_nonnull (strchr ("89ab", id[19]));
      /* The first 48 bits are the time of making, in Unix milliseconds. */
      hex_ms = g_strdup_printf ("%.8s%.4s", id, id + 9);
      ms = g_ascii_strtoll (hex_ms, NULL, 16);
      g_assert_cmpint (ms, >=, start);
      g_assert_cmpint (ms, <=, end);

      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, (gpointer) id);
      if (i > 0)
        g_assert_cmpint (strcmp (g_ptr_array_index (ids, i - 1), id), <, 0);
    }

  g_assert_false (aj_uuid_is_valid ("0190a6e2-7c1a-7b3e-8f00-12345678901"));
  g_assert_false (aj_uuid_is_valid ("0190A6E2-7C1A-7B3E-8F00-123456789012"));
  g_assert_false (aj_uuid_is_valid ("0190a6e2x7c1a-7b3e-8f00-123456789012"));
  g_assert_false (aj_uuid_is_valid (NULL));
  g_assert_true (aj_uuid_is_valid ("0190a6e2-7c1a-7b3e-8f00-123456789012"));
}

/* A burst of ids in one millisecond still comes out in order: the 12-bit
 * counter starts below 0x800, so 2048 ids in one millisecond always fit.
 * (More than that wraps the counter; nothing orders events by id alone.)
 * Run in a subprocess, because the generator remembers its last time. */
static void
test_uuid7_same_millisecond (void)
{
  g_test_summary ("2048 ids made in the same millisecond still come out in order");

  if (g_test_subprocess ())
    {
      const gint64 ms = aj_now_unix_ms () + 1000;
      g_autofree char *prev = NULL;

      for (guint i = 0; i < 2048; i++)
        {
          g_autofree char *id = aj_uuid7_new_at (ms);

          g_assert_true (aj_uuid_is_valid (id));
          g_assert_cmpint (id[14], ==, '7');
          if (prev != NULL && strcmp (prev, id) >= 0)
            g_error ("id %u: %s does not come after %s", i, id, prev);
          g_free (prev);
          prev = g_steal_pointer (&id);
        }
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_hlc (void)
{
  AjHlc hlc = { 0 };
  const gint64 now = G_GINT64_CONSTANT (1767225600000);
  const gint64 future = now + G_GINT64_CONSTANT (365) * 24 * 3600 * 1000;
  gint64 a, b, c, d, e, f, g;

  g_test_summary ("The hybrid logical clock never goes back: not when the wall clock is set back, nor after "
                  "a remote time from the future");

  a = aj_hlc_tick (&hlc, now);
  g_assert_cmpint (AJ_HLC_WALL_MS (a), ==, now);
  g_assert_cmpint (AJ_HLC_COUNTER (a), ==, 0);

  /* Same millisecond: the counter moves. */
  b = aj_hlc_tick (&hlc, now);
  g_assert_cmpint (b, >, a);
  g_assert_cmpint (AJ_HLC_WALL_MS (b), ==, now);
  g_assert_cmpint (AJ_HLC_COUNTER (b), ==, 1);

  /* The wall clock is set back an hour: the HLC does not follow. */
  c = aj_hlc_tick (&hlc, now - 3600 * 1000);
  g_assert_cmpint (c, >, b);
  g_assert_cmpint (AJ_HLC_WALL_MS (c), ==, now);
  for (int i = 0; i < 1000; i++)
    {
      gint64 next = aj_hlc_tick (&hlc, now - 3600 * 1000 + i);
      g_assert_cmpint (next, >, c);
      c = next;
    }

  /* The wall clock moves on: the HLC follows it again. */
  d = aj_hlc_tick (&hlc, now + 5000);
  g_assert_cmpint (AJ_HLC_WALL_MS (d), ==, now + 5000);
  g_assert_cmpint (AJ_HLC_COUNTER (d), ==, 0);

  /* A remote event from a device whose clock is a year ahead. */
  e = aj_hlc_observe (&hlc, future << 16, now + 6000);
  g_assert_cmpint (e, >, future << 16);
  g_assert_cmpint (e, >, d);

  /* What comes after is still after it, whatever the local wall clock says. */
  f = aj_hlc_tick (&hlc, now + 7000);
  g_assert_cmpint (f, >, e);
  g_assert_cmpint (AJ_HLC_WALL_MS (f), ==, future);

  /* A remote time in the past changes nothing but the counter. */
  g = aj_hlc_observe (&hlc, now << 16, now + 8000);
  g_assert_cmpint (g, >, f);
}

/* The hash chain */

static void
test_chain_verifies (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *prev = AJ_EVENT_GENESIS_HASH;

  g_test_summary ("A device's events form an unbroken hash chain: numbered from 1, each naming the hash of "
                  "the one before");

  populate (f);
  g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_no_error (error);

  events = aj_store_list_device_events (f->store, aj_store_get_device_id (f->store), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 20);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *digest = aj_event_compute_hash (ev);

      g_assert_cmpint (ev->device_seq, ==, i + 1);
      g_assert_cmpstr (ev->prev_hash, ==, prev);
      g_assert_cmpstr (ev->hash, ==, digest);
      g_assert_true (aj_is_sha256_hex (ev->hash));
      g_assert_true (aj_uuid_is_valid (ev->id));
      g_assert_cmpint (ev->server_seq, ==, 0);
      if (i > 0)
        g_assert_cmpint (ev->hlc, >, ((AjEvent *) g_ptr_array_index (events, i - 1))->hlc);
      prev = ev->hash;
    }
  g_assert_cmpint (aj_store_count_unsynced (f->store), ==, 20);
}

static void
test_chain_body_tampered (Fixture       *f,
                          gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("An event body edited in the database behind the application's back breaks the chain, "
                  "named as altered");

  populate (f);
  /* Someone "corrects" a hazard's risk level behind the application's back. */
  exec_sql (f->store,
            "UPDATE events SET body = replace(body, '\"red\"', '\"blue\"') "
            "WHERE type = 'hazard.found' AND body LIKE '%\"red\"%'");
  g_assert_false (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "altered"));
}

static void
test_chain_rehashed (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *sql = NULL;
  AjEvent *ev;

  g_test_summary ("An edited event whose own hash was recomputed by the forger still breaks the chain at the "
                  "next event");

  populate (f);
  /* A careful forger also fixes the digest of the edited event; the next
   * event still names the old one. */
  events = aj_store_list_device_events (f->store, aj_store_get_device_id (f->store), &error);
  g_assert_no_error (error);
  ev = g_ptr_array_index (events, 6);
  g_free (ev->author);
  ev->author = g_strdup ("u-liu-yang");
  g_free (ev->hash);
  ev->hash = aj_event_compute_hash (ev);
  sql = g_strdup_printf ("UPDATE events SET author = 'u-liu-yang', hash = '%s' WHERE id = '%s'", ev->hash, ev->id);
  exec_sql (f->store, sql);

  g_assert_false (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "Event 8 "));
}

static void
test_chain_gap (Fixture       *f,
                gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("An event deleted from the database shows as a missing link of the chain");

  populate (f);
  exec_sql (f->store, "DELETE FROM events WHERE device_seq = 10");
  g_assert_cmpint (aj_store_count_events (f->store), ==, 19);
  g_assert_false (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "missing"));
}

static void
test_chain_last_removed_and_renumbered (Fixture       *f,
                                        gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("An event deleted and the rest renumbered to hide the gap still breaks the chain");

  populate (f);
  /* Removing an event and closing the gap by renumbering breaks the links. */
  exec_sql (f->store, "DELETE FROM events WHERE device_seq = 5");
  exec_sql (f->store, "UPDATE events SET device_seq = device_seq - 1 WHERE device_seq > 5");
  g_assert_false (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
}

/* Projections */

static void
test_projection_rebuild (Fixture       *f,
                         gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *section = NULL;

  g_test_summary ("Projections are a function of the log: rebuilding them, once or twice, gives the same "
                  "tables");

  populate (f);
  g_assert_cmpint (count_rows (f->store, "inspections"), ==, 1);
  g_assert_cmpint (count_rows (f->store, "item_results"), ==, 12);
  g_assert_cmpint (count_rows (f->store, "hazards"), ==, 3);
  g_assert_cmpint (count_rows (f->store, "photos"), ==, 3);

  before = dump (f->store);
  /* Non-trivial: every table is there with its rows. */
  g_assert_nonnull (strstr (before, "== inspections\n"));
  g_assert_nonnull (strstr (before, "== item_results\n"));
  g_assert_nonnull (strstr (before, "== hazards\n"));
  g_assert_nonnull (strstr (before, "== photos\n"));
  g_assert_nonnull (strstr (before, f->inspection));
  for (guint i = 0; i < f->hazards->len; i++)
    g_assert_nonnull (strstr (before, g_ptr_array_index (f->hazards, i)));
  g_assert_nonnull (strstr (before, FAKE_SHA_1));
  g_assert_nonnull (strstr (before, FAKE_SHA_3));
  section = g_strndup (strstr (before, "== photos\n"), 200);
  g_assert_cmpuint (strlen (section), >, strlen ("== photos\n") + 64);

  /* Drop the projections by hand first, so that the rebuild has to make every row. */
  exec_sql (f->store, "DELETE FROM item_results");
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);

  /* Twice is the same as once. */
  g_clear_pointer (&after, g_free);
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (aj_store_count_events (f->store), ==, 20);
}

static void
test_answer_twice (Fixture       *f,
                   gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GPtrArray) events = NULL;
  const char *code;
  AjItemResult *r;
  guint answers = 0;
  gint64 n;

  g_test_summary ("A changed answer wins and both stay in the history; saying the same again adds no event; "
                  "a bad answer is refused");

  populate (f);
  /* populate () answered the first item pass, then na with a note. */
  code = aj_checklist_get_item (f->checklist, 0)->code;
  results = aj_inspection_get_results (f->store, f->inspection);
  r = g_hash_table_lookup (results, code);
  g_assert_nonnull (r);
  g_assert_cmpstr (r->result, ==, "na");
  g_assert_cmpstr (r->note, ==, "Not used on weekdays");
  g_assert_cmpstr (r->author, ==, INSPECTOR);
  g_assert_cmpuint (g_hash_table_size (results), ==, 12);

  /* Both answers stay in the history of the inspection. */
  events = aj_store_list_events (f->store, f->inspection, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) body = NULL;

      if (!g_str_equal (ev->type, "item.answered"))
        continue;
      body = aj_json_parse_object (ev->body, &error);
      g_assert_no_error (error);
      if (g_strcmp0 (aj_json_get_string (body, "item"), code) != 0)
        continue;
      g_assert_cmpstr (aj_json_get_string (body, "result"), ==, answers == 0 ? "pass" : "na");
      answers++;
    }
  g_assert_cmpuint (answers, ==, 2);

  /* Saying the same again adds no event; a third, different answer wins again. */
  n = aj_store_count_events (f->store);
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection, code, "na",
                                       "Not used on weekdays", &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_events (f->store), ==, n);
  g_assert_true (aj_inspection_answer (f->store, "u-liu-yang", f->inspection, code, "pass", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_events (f->store), ==, n + 1);

  g_clear_pointer (&results, g_hash_table_unref);
  results = aj_inspection_get_results (f->store, f->inspection);
  r = g_hash_table_lookup (results, code);
  g_assert_cmpstr (r->result, ==, "pass");
  g_assert_cmpstr (r->note, ==, "");
  g_assert_cmpstr (r->author, ==, "u-liu-yang");

  /* And the same after a rebuild from the log. */
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&results, g_hash_table_unref);
  results = aj_inspection_get_results (f->store, f->inspection);
  r = g_hash_table_lookup (results, code);
  g_assert_cmpstr (r->result, ==, "pass");

  /* A bad answer is refused before it reaches the log. */
  g_assert_false (aj_inspection_answer (f->store, INSPECTOR, f->inspection, code, "maybe", NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_cmpint (aj_store_count_events (f->store), ==, n + 1);
}

/* An event made on another device, as a sync pull would store it: into the
 * log, then applied to the projections, in arrival (not hlc) order. */
static void
receive_remote (AjStore    *store,
                const char *device,
                gint64      seq,
                const char *prev_hash,
                gint64      hlc,
                const char *subject,
                const char *body,
                char      **hash_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjEvent) ev = aj_event_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = aj_store_get_db (store);

  ev->id = aj_uuid7_new ();
  ev->device_id = g_strdup (device);
  ev->device_seq = seq;
  ev->author = g_strdup ("u-liu-yang");
  ev->hlc = hlc;
  ev->type = g_strdup ("item.answered");
  ev->subject = g_strdup (subject);
  ev->body = g_strdup (body);
  ev->prev_hash = g_strdup (prev_hash);
  ev->hash = aj_event_compute_hash (ev);

  g_assert_true (aj_store_begin (store, &error));
  stmt = aj_db_prepare (db, "INSERT INTO events (id, device_id, device_seq, author, hlc, type, subject, body, "
                            "prev_hash, hash, server_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)", &error);
  g_assert_no_error (error);
  aj_db_bind_text (stmt, 1, ev->id);
  aj_db_bind_text (stmt, 2, ev->device_id);
  sqlite3_bind_int64 (stmt, 3, ev->device_seq);
  aj_db_bind_text (stmt, 4, ev->author);
  sqlite3_bind_int64 (stmt, 5, ev->hlc);
  aj_db_bind_text (stmt, 6, ev->type);
  aj_db_bind_text (stmt, 7, ev->subject);
  aj_db_bind_text (stmt, 8, ev->body);
  aj_db_bind_text (stmt, 9, ev->prev_hash);
  aj_db_bind_text (stmt, 10, ev->hash);
  g_assert_true (aj_db_step_done (db, stmt, &error));
  g_assert_true (aj_projection_apply (db, ev, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_commit (store, &error));
  g_assert_no_error (error);

  if (hash_out)
    *hash_out = g_strdup (ev->hash);
}

/* For an item answered on two devices the later hlc wins, whatever order
 * the answers arrive in, and a rebuild agrees. */
static void
test_later_hlc_wins (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) results = NULL;
  g_autofree char *remote = aj_uuid7_new ();
  g_autofree char *hash1 = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *code;
  gint64 local_hlc;
  AjItemResult *r;

  g_test_summary ("For an item answered on two devices the later HLC wins whatever the arrival order, and a "
                  "rebuild agrees");

  populate (f);
  code = aj_checklist_get_item (f->checklist, 5)->code;   /* answered "hazard" */
  local_hlc = aj_db_query_int (aj_store_get_db (f->store),
                               "SELECT hlc FROM item_results WHERE item_code = ?", code, -1);
  g_assert_cmpint (local_hlc, >, 0);

  {
    /* An answer made earlier on a tablet that synced late: it must not win. */
    g_autofree char *body = g_strdup_printf ("{\"item\":\"%s\",\"result\":\"na\",\"at\":\"2026-01-01T08:00:00+08:00\"}", code);
    receive_remote (f->store, remote, 1, AJ_EVENT_GENESIS_HASH, local_hlc - (G_GINT64_CONSTANT (60000) << 16),
                    f->inspection, body, &hash1);
  }
  results = aj_inspection_get_results (f->store, f->inspection);
  r = g_hash_table_lookup (results, code);
  g_assert_cmpstr (r->result, ==, "hazard");
  g_assert_cmpstr (r->author, ==, INSPECTOR);

  {
    /* A later one does. */
    g_autofree char *body = g_strdup_printf ("{\"item\":\"%s\",\"result\":\"pass\",\"note\":\"Fixed on the spot\",\"at\":\"2026-01-01T09:00:00+08:00\"}", code);
    receive_remote (f->store, remote, 2, hash1, local_hlc + (G_GINT64_CONSTANT (60000) << 16),
                    f->inspection, body, NULL);
  }
  g_clear_pointer (&results, g_hash_table_unref);
  results = aj_inspection_get_results (f->store, f->inspection);
  r = g_hash_table_lookup (results, code);
  g_assert_cmpstr (r->result, ==, "pass");
  g_assert_cmpstr (r->note, ==, "Fixed on the spot");
  g_assert_cmpstr (r->author, ==, "u-liu-yang");

  /* All three answers stay in the log; the other device's chain holds. */
  g_assert_cmpint (aj_store_count_events (f->store), ==, 22);
  g_assert_true (aj_store_verify_chain (f->store, remote, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_no_error (error);

  before = dump (f->store);
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);
}

/* The clock survives a restart: after events from a device whose clock is
 * ahead, new local events still sort after them. */
static void
test_reopen_keeps_clock (Fixture       *f,
                         gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *remote = aj_uuid7_new ();
  g_autofree char *body = NULL;
  const gint64 ahead = (aj_now_unix_ms () + G_GINT64_CONSTANT (86400000)) << 16;
  AjEvent *last;

  g_test_summary ("After a restart new local events still sort after remote events from a device whose clock "
                  "runs ahead");

  populate (f);
  body = g_strdup_printf ("{\"item\":\"%s\",\"result\":\"pass\",\"at\":\"2026-01-01T08:00:00+08:00\"}",
                          aj_checklist_get_item (f->checklist, 0)->code);
  receive_remote (f->store, remote, 1, AJ_EVENT_GENESIS_HASH, ahead, f->inspection, body, NULL);

  g_clear_object (&f->store);
  f->store = aj_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 0)->code, "hazard", NULL, &error));
  g_assert_no_error (error);

  events = aj_store_list_events (f->store, NULL, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->device_id, ==, aj_store_get_device_id (f->store));
  g_assert_cmpint (last->hlc, >, ahead);
}

/* Transactions */

static void
test_rollback (Fixture       *f,
               gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *hazard = NULL;
  gint64 n;

  g_test_summary ("A rolled-back transaction leaves the log, the projections and the chain as they were");

  populate (f);
  n = aj_store_count_events (f->store);
  before = dump (f->store);

  g_assert_true (aj_store_begin (f->store, &error));
  g_assert_no_error (error);
  for (guint i = 12; i < 16; i++)
    {
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                           aj_checklist_get_item (f->checklist, i)->code, "pass", NULL, &error));
      g_assert_no_error (error);
    }
  hazard = record_hazard (f, aj_checklist_get_item (f->checklist, 12)->code, "orange");
  g_assert_cmpint (aj_store_count_events (f->store), ==, n + 5);
  aj_store_rollback (f->store);

  g_assert_cmpint (aj_store_count_events (f->store), ==, n);
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);
  g_assert_null (aj_hazard_load (f->store, hazard));

  /* The chain goes on from the last committed event, without a gap. */
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 12)->code, "pass", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_store_count_events (f->store), ==, n + 1);
}

static void
test_failed_projection_leaves_nothing (Fixture       *f,
                                       gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *event = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 n;

  g_test_summary ("An event the projection refuses is not logged; inside a larger transaction only that "
                  "append is undone");

  populate (f);
  n = aj_store_count_events (f->store);
  before = dump (f->store);

  /* A hazard without number, institution, item, …: the projection refuses it. */
  json_object_set_string_member (body, "description", "Half a hazard");
  json_object_set_string_member (body, "inspection", f->inspection);
  event = aj_store_append (f->store, "hazard.found", id, INSPECTOR, body, &error);
  g_assert_null (event);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_cmpint (aj_store_count_events (f->store), ==, n);
  g_assert_null (aj_hazard_load (f->store, id));
  after = dump (f->store);
  g_assert_cmpstr (after, ==, before);

  /* Inside a larger transaction only the failed append is undone. */
  g_assert_true (aj_store_begin (f->store, &error));
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 12)->code, "pass", NULL, &error));
  g_assert_null (aj_store_append (f->store, "hazard.found", id, INSPECTOR, body, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 13)->code, "pass", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_commit (f->store, &error));
  g_assert_no_error (error);

  g_assert_cmpint (aj_store_count_events (f->store), ==, n + 2);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->store),
                                    "SELECT count(*) FROM events WHERE subject = ?", id, -1), ==, 0);
  g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_no_error (error);
}

static void
test_hazard_numbers (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *compact = NULL;
  g_autofree char *expect1 = NULL;
  g_autofree char *expect2 = NULL;
  g_autofree char *expect3 = NULL;
  g_autofree char *next = NULL;
  g_autofree char *h1 = NULL;
  g_autofree char *h2 = NULL;
  g_autoptr(AjHazard) hazard1 = NULL;
  g_autoptr(AjHazard) hazard2 = NULL;

  g_test_summary ("Hazard numbers count per institution and per day: INSTITUTION-YYYYMMDD-NN");

  {
    g_auto(GStrv) parts = g_strsplit (today, "-", -1);
    compact = g_strjoinv ("", parts);
  }
  expect1 = g_strdup_printf (INSTITUTION "-%s-01", compact);
  expect2 = g_strdup_printf (INSTITUTION "-%s-02", compact);
  expect3 = g_strdup_printf (INSTITUTION "-%s-03", compact);

  next = aj_hazard_next_number (f->store, INSTITUTION, today);
  g_assert_cmpstr (next, ==, expect1);
  g_clear_pointer (&next, g_free);
  next = aj_hazard_next_number (f->store, "DLX001", "2026-11-27");
  g_assert_cmpstr (next, ==, "DLX001-20261127-01");
  g_clear_pointer (&next, g_free);

  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "spot_check", f->checklist, &error);
  g_assert_no_error (error);
  h1 = record_hazard (f, aj_checklist_get_item (f->checklist, 0)->code, "red");
  hazard1 = aj_hazard_load (f->store, h1);
  g_assert_nonnull (hazard1);
  g_assert_cmpstr (aj_hazard_get_number (hazard1), ==, expect1);

  next = aj_hazard_next_number (f->store, INSTITUTION, today);
  g_assert_cmpstr (next, ==, expect2);
  g_clear_pointer (&next, g_free);

  h2 = record_hazard (f, aj_checklist_get_item (f->checklist, 1)->code, "blue");
  hazard2 = aj_hazard_load (f->store, h2);
  g_assert_cmpstr (aj_hazard_get_number (hazard2), ==, expect2);
  g_assert_cmpstr (aj_hazard_get_institution (hazard2), ==, INSTITUTION);
  g_assert_cmpstr (aj_hazard_get_status (hazard2), ==, "found");
  g_assert_cmpstr (aj_hazard_get_found_by (hazard2), ==, INSPECTOR);

  next = aj_hazard_next_number (f->store, INSTITUTION, today);
  g_assert_cmpstr (next, ==, expect3);
  g_clear_pointer (&next, g_free);

  /* Other institutions and other days count on their own. */
  next = aj_hazard_next_number (f->store, "DLX001", today);
  g_assert_true (g_str_has_suffix (next, "-01"));
  g_clear_pointer (&next, g_free);
  next = aj_hazard_next_number (f->store, INSTITUTION, "2001-01-01");
  g_assert_cmpstr (next, ==, INSTITUTION "-20010101-01");
}

/* What EXPLAIN QUERY PLAN says of @sql, a step a line. */
static char *
query_plan (sqlite3    *db,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr(sqlite3_stmt) plan = aj_db_prepare (db, explain, NULL);
  GString *steps = g_string_new (NULL);

  g_assert_nonnull (plan);
  while (sqlite3_step (plan) == SQLITE_ROW)
    g_string_append_printf (steps, "%s\n", aj_db_col_text (plan, 3));
  g_test_message ("plan: %s", steps->str);
  return g_string_free (steps, FALSE);
}

/* Numbering reads one counter per institution and day, kept by a trigger as
 * hazards enter the projection, so the 100,000th hazard costs what the
 * 1,000th does: the hundredth of a day is -100; a neighbour whose id extends
 * this one (DLX0010 beside DLX001) counts on its own; a hazard that leaves
 * the projection (a replayed subject) does not give its number back; and the
 * lookup is a primary-key search. */
static void
test_hazard_numbers_from_a_counter (Fixture       *f,
                                    gconstpointer  data)
{
  sqlite3 *db = aj_store_get_db (f->store);
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *next = NULL;
  g_autofree char *steps = NULL;

  insert = aj_db_prepare (db,
                          "INSERT INTO hazards (id, number, inspection_id, institution, item_code, category,"
                          " description, risk_level, grade, status, found_at, found_by, hlc)"
                          " VALUES (?1, ?2, 'i', ?3, 'c', 'fire', 'd', 'blue', 'general', 'found',"
                          " '2026-11-27T08:00:00Z', 'u', 1)", NULL);
  g_assert_nonnull (insert);
  for (int i = 99; i >= 1; i--)
    {
      g_autofree char *id = g_strdup_printf ("h%d", i);
      g_autofree char *number = g_strdup_printf ("DLX001-20261127-%02d", i);
      g_autofree char *other_id = g_strdup_printf ("o%d", i);
      g_autofree char *other = g_strdup_printf ("DLX0010-20261127-%03d", i + 500);

      aj_db_bind_text (insert, 1, id);
      aj_db_bind_text (insert, 2, number);
      aj_db_bind_text (insert, 3, "DLX001");
      g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
      sqlite3_reset (insert);
      aj_db_bind_text (insert, 1, other_id);
      aj_db_bind_text (insert, 2, other);
      aj_db_bind_text (insert, 3, "DLX0010");
      g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
      sqlite3_reset (insert);
    }

  next = aj_hazard_next_number (f->store, "DLX001", "2026-11-27");
  g_assert_cmpstr (next, ==, "DLX001-20261127-100");
  g_clear_pointer (&next, g_free);
  next = aj_hazard_next_number (f->store, "DLX0010", "2026-11-27");
  g_assert_cmpstr (next, ==, "DLX0010-20261127-600");
  g_clear_pointer (&next, g_free);
  next = aj_hazard_next_number (f->store, "DLX001", "2026-11-28");
  g_assert_cmpstr (next, ==, "DLX001-20261128-01");
  g_clear_pointer (&next, g_free);

  g_assert_true (aj_db_exec (db, "DELETE FROM hazards WHERE id = 'h99'", NULL));
  next = aj_hazard_next_number (f->store, "DLX001", "2026-11-27");
  g_assert_cmpstr (next, ==, "DLX001-20261127-100");

  steps = query_plan (db, "SELECT last FROM hazard_numbers WHERE institution = ?1 AND day = ?2");
  g_assert_nonnull (strstr (steps, "SEARCH hazard_numbers USING PRIMARY KEY (institution=? AND day=?)"));
}

/* The YYYYMMDD of now in the zone @tz, as a hazard recorded now there is numbered. */
static char *
compact_today_in (const char *tz)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier (tz);
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);

  return g_date_time_format (now, "%Y%m%d");
}

static char *
number_of (Fixture    *f,
           const char *hazard_id)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (f->store, hazard_id);

  g_assert_nonnull (hazard);
  return g_strdup (aj_hazard_get_number (hazard));
}

/* Numbers count per institution and local day: the first hazard of a new
 * day is 01 again, and going back to a day (the clock's zone moved back,
 * a tablet's date set right) goes on from that day's counter. The zones are
 * 26 hours apart, so their dates differ whatever the hour. */
static void
test_hazard_numbers_at_day_boundaries (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *item = aj_checklist_get_item (f->checklist, 1)->code;
  const char *east = "+14:00", *west = "-12:00";
  g_autofree char *east_day = compact_today_in (east);
  g_autofree char *west_day = compact_today_in (west);
  g_autofree char *saved_tz = g_strdup (g_getenv ("TZ"));
  const struct { const char *tz; const char *posix; const char *day; int seq; } steps[] = {
    { east, "<+14>-14", east_day, 1 },
    { east, "<+14>-14", east_day, 2 },
    { west, "<-12>+12", west_day, 1 },
    { west, "<-12>+12", west_day, 2 },
    { east, "<+14>-14", east_day, 3 },
    { west, "<-12>+12", west_day, 3 },
  };

  g_assert_cmpstr (east_day, !=, west_day);
  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *hazard = NULL;
      g_autofree char *number = NULL;
      g_autofree char *expected = NULL;

      g_setenv ("TZ", steps[i].posix, TRUE);
      hazard = record_hazard (f, item, "yellow");
      number = number_of (f, hazard);
      expected = g_strdup_printf ("%s-%s-%02d", INSTITUTION, steps[i].day, steps[i].seq);
      g_assert_cmpstr (number, ==, expected);
    }
  if (saved_tz != NULL)
    g_setenv ("TZ", saved_tz, TRUE);
  else
    g_unsetenv ("TZ");

  /* Rebuilt, the hazards keep their numbers and the counters go on. */
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->store),
                                    "SELECT count(DISTINCT number) FROM hazards", NULL, -1), ==, 6);
  g_setenv ("TZ", "<+14>-14", TRUE);
  {
    g_autofree char *hazard = record_hazard (f, item, "yellow");
    g_autofree char *number = number_of (f, hazard);
    g_autofree char *expected = g_strdup_printf ("%s-%s-04", INSTITUTION, east_day);

    g_assert_cmpstr (number, ==, expected);
  }
  if (saved_tz != NULL)
    g_setenv ("TZ", saved_tz, TRUE);
  else
    g_unsetenv ("TZ");
}

typedef struct
{
  const char *path;
  const char *inspection;
  const char *item;
  guint       n;
  GPtrArray  *numbers;
} Recorder;

/* A second writer on the same file, as the kiosk and its sync process are:
 * @n hazards through a store of its own. */
static gpointer
record_in_thread (gpointer data)
{
  Recorder *r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = aj_store_open (r->path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < r->n; i++)
    {
      AjHazardDraft draft = {
        .inspection_id = r->inspection, .item_code = r->item, .category = "fire",
        .description = "Extinguisher missing", .risk_level = "blue", .grade = "general",
      };
      g_autofree char *id = aj_hazard_record (store, INSPECTOR, &draft, &error);
      g_autoptr(AjHazard) hazard = NULL;

      g_assert_no_error (error);
      hazard = aj_hazard_load (store, id);
      g_ptr_array_add (r->numbers, g_strdup (aj_hazard_get_number (hazard)));
    }
  return NULL;
}

/* Two stores on one file record hazards at once, for the same institution
 * on the same day: the counter is read and bumped inside each write
 * transaction, so no number is handed out twice and none is skipped. */
static void
test_hazard_numbers_under_concurrency (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *day = NULL;
  Recorder r[3];
  GThread *threads[3];
  guint total = 0;

  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  day = aj_today_iso ();
  for (guint t = 0; t < G_N_ELEMENTS (r); t++)
    {
      r[t] = (Recorder) { f->db_path, f->inspection, aj_checklist_get_item (f->checklist, t)->code, 25,
                          g_ptr_array_new_with_free_func (g_free) };
      threads[t] = g_thread_new ("recorder", record_in_thread, &r[t]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (r); t++)
    g_thread_join (threads[t]);

  for (guint t = 0; t < G_N_ELEMENTS (r); t++)
    {
      g_assert_cmpuint (r[t].numbers->len, ==, 25);
      for (guint i = 0; i < r[t].numbers->len; i++)
        {
          const char *number = g_ptr_array_index (r[t].numbers, i);

          g_assert_true (g_str_has_prefix (number, INSTITUTION "-"));
          g_assert_false (g_hash_table_contains (seen, number));
          g_hash_table_add (seen, (gpointer) number);
          total++;
        }
    }
  g_assert_cmpuint (total, ==, 75);
  /* 01 to 75 of one day (or, across a midnight, of two days that together
   * hold 75 numbers, none above its day's count). */
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->store), "SELECT sum (last) FROM hazard_numbers", NULL, -1),
                   ==, 75);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (f->store), "SELECT count(DISTINCT number) FROM hazards", NULL, -1),
                   ==, 75);
  g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
  g_assert_no_error (error);
  for (guint t = 0; t < G_N_ELEMENTS (r); t++)
    g_ptr_array_unref (r[t].numbers);
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* Sustained writes through the core's own calls leave no statement open
 * across a commit, so SQLite's checkpoints run and the write-ahead log stays
 * near its 1,000-page checkpoint size (4 MiB) instead of growing with the
 * history (10,000 hazards once left a 1.6 GB log); closing the store folds
 * the log into the database and empties it. */
static void
test_wal_stays_bounded (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  guint n_items = aj_checklist_get_n_items (f->checklist);
  gint64 largest = 0;
  sqlite3 *db = aj_store_get_db (f->store);

  for (guint i = 0; i < 400; i++)
    {
      const AjChecklistItem *item;
      g_autofree char *hazard = NULL;

      if (i % 20 == 0)
        {
          if (f->inspection != NULL)
            g_assert_true (aj_inspection_finish (f->store, INSPECTOR, f->inspection, NULL));
          g_free (f->inspection);
          f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "spot_check", f->checklist, &error);
          g_assert_no_error (error);
        }
      item = aj_checklist_get_item (f->checklist, i % n_items);
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection, item->code, "hazard", "round", &error));
      g_assert_no_error (error);
      hazard = record_hazard (f, item->code, "yellow");

      /* Nothing the calls prepared is left reading. */
      for (sqlite3_stmt *s = sqlite3_next_stmt (db, NULL); s != NULL; s = sqlite3_next_stmt (db, s))
        g_assert_false (sqlite3_stmt_busy (s));
      largest = MAX (largest, file_size (wal));
    }
  g_test_message ("largest WAL: %" G_GINT64_FORMAT " bytes", largest);
  g_assert_cmpint (largest, >, 0);
  g_assert_cmpint (largest, <, 8 * 1024 * 1024);

  g_clear_object (&f->store);
  g_assert_cmpint (file_size (wal), ==, 0);
}

/* A year's shape in small: @n hazards, each after its item's answer, 20 to
 * an inspection, one in ten withdrawn (an event replayed one by one), in
 * outer transactions of 100 hazards. */
static void
fill_hazards (Fixture *f,
              guint    n)
{
  g_autoptr(GError) error = NULL;
  guint n_items = aj_checklist_get_n_items (f->checklist);

  for (guint i = 0; i < n; i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (f->checklist, i % n_items);
      g_autofree char *hazard = NULL;

      if (i % 100 == 0)
        g_assert_true (aj_store_begin (f->store, &error));
      if (i % 20 == 0)
        {
          if (f->inspection != NULL)
            g_assert_true (aj_inspection_finish (f->store, INSPECTOR, f->inspection, &error));
          g_free (f->inspection);
          f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "spot_check", f->checklist, &error);
          g_assert_no_error (error);
        }
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection, item->code, "hazard", "round", &error));
      hazard = record_hazard (f, item->code, i % 3 ? "yellow" : "red");
      if (i % 10 == 9)
        g_assert_true (aj_hazard_withdraw (f->store, INSPECTOR, hazard, "Recorded twice", &error));
      g_assert_no_error (error);
      if (i % 100 == 99 || i == n - 1)
        g_assert_true (aj_store_commit (f->store, &error));
    }
}

/* Everything a rebuild makes, for comparing: the projection tables, the
 * ledger's tally and search index (what a search finds), the schema. */
static char *
dump_everything (AjStore *store)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autofree char *projections = dump (store);
  g_autofree char *tally = aj_db_dump_table (db, "hazard_tally", NULL);
  g_autoptr(sqlite3_stmt) schema = aj_db_prepare (db,
      "SELECT group_concat (type || ' ' || name || ' ' || coalesce (sql, ''), char(10)) "
      "FROM (SELECT * FROM sqlite_schema ORDER BY type, name)", NULL);
  gint64 found = aj_db_query_int (db, "SELECT count(*) FROM hazards_fts WHERE hazards_fts MATCH '\"chained\"'",
                                  NULL, -1);
  gint64 numbered = aj_db_query_int (db, "SELECT count(*) FROM hazards_fts WHERE hazards_fts MATCH '\"DLX004-\"'",
                                     NULL, -1);

  g_assert_nonnull (schema);
  g_assert_cmpint (sqlite3_step (schema), ==, SQLITE_ROW);
  return g_strdup_printf ("%s== hazard_tally\n%s== search: %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n== schema\n%s\n",
                          projections, tally, found, numbered, aj_db_col_text (schema, 0));
}

typedef struct
{
  const char *wal;
  gint64      largest;
  guint       steps;
} WalWatch;

static void
watch_wal (AjStore  *store,
           guint     step,
           gpointer  data)
{
  WalWatch *watch = data;

  watch->largest = MAX (watch->largest, file_size (watch->wal));
  watch->steps = step;
}

/* A rebuild commits in steps with a checkpoint after each, so the
 * write-ahead log holds one step (a chunk of the replay, an index) and not
 * the whole projection, which one transaction would put in it: at 100,000
 * hazards some 100 MiB. Here 1,500 hazards and steps of 400 events. */
static void
test_wal_bounded_during_rebuild (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  WalWatch watch = { wal, 0, 0 };
  gint64 projection;

  fill_hazards (f, 1500);
  before = dump_everything (f->store);
  /* What the projections take: what a rebuild in one transaction would write to the log. */
  projection = aj_db_query_int (aj_store_get_db (f->store),
      "SELECT sum (pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name IN "
      "('inspections', 'item_results', 'hazards', 'hazards_fts_data', 'hazards_fts_docsize', 'hazard_tally'))",
      NULL, -1);
  g_test_message ("projection tables and their indexes: %" G_GINT64_FORMAT " bytes", projection);
  g_assert_cmpint (projection, >, 1024 * 1024);

  /* From an empty log, so that what is measured is the rebuild's. */
  g_clear_object (&f->store);
  g_assert_cmpint (file_size (wal), ==, 0);
  f->store = aj_store_open (f->db_path, &error);
  g_assert_no_error (error);
  aj_store_set_rebuild_hook (f->store, 400, watch_wal, &watch);
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  g_test_message ("%u steps; largest WAL during the rebuild: %" G_GINT64_FORMAT " bytes", watch.steps, watch.largest);
  g_assert_cmpuint (watch.steps, >, 10);
  g_assert_cmpint (watch.largest, >, 0);
  g_assert_cmpint (watch.largest, <, projection / 3);
  after = dump_everything (f->store);
  g_assert_cmpstr (after, ==, before);

  g_clear_object (&f->store);
  g_assert_cmpint (file_size (wal), ==, 0);
}

/* The child of test_rebuild_killed_midway: rebuilds @path and is killed
 * (SIGKILL, by itself) as step @kill_at is committed. */
static void
kill_at_step (AjStore  *store,
              guint     step,
              gpointer  data)
{
  if (step == GPOINTER_TO_UINT (data))
    raise (SIGKILL);
}

static int
rebuild_and_die (const char *path,
                 guint       kill_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) store = aj_store_open (path, &error);

  g_assert_no_error (error);
  aj_store_set_rebuild_hook (store, 400, kill_at_step, GUINT_TO_POINTER (kill_at));
  aj_store_rebuild_projections (store, &error);
  return 3;   /* not killed */
}

static void
count_steps (AjStore  *store,
             guint     step,
             gpointer  data)
{
  *(guint *) data = step;
}

static const char *test_program;

/* A rebuild killed midway (after its first step, in the replay, while the
 * indexes are made, before its last step) leaves the store as the notes it
 * keeps in meta say: the next open does it again, whole, and nothing is
 * lost: the same rows, the same search index and tally, the same schema. */
static void
test_rebuild_killed_midway (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  guint steps = 0;
  guint kill_at[5];

  fill_hazards (f, 600);
  before = dump_everything (f->store);
  aj_store_set_rebuild_hook (f->store, 400, count_steps, &steps);
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (steps, >, 6);
  kill_at[0] = 1;
  kill_at[1] = 3;
  kill_at[2] = steps - 4;
  kill_at[3] = steps - 2;
  kill_at[4] = steps - 1;
  g_clear_object (&f->store);

  for (guint i = 0; i < G_N_ELEMENTS (kill_at); i++)
    {
      g_autofree char *step = g_strdup_printf ("%u", kill_at[i]);
      const char *argv[] = { test_program, "--rebuild-killed-at", f->db_path, step, NULL };
      g_autofree char *after = NULL;
      g_autofree char *pending = NULL;
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                                   &status, &error));
      g_assert_no_error (error);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      /* Left half done, as the notes say. */
      {
        sqlite3 *raw = NULL;

        g_assert_cmpint (sqlite3_open_v2 (f->db_path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
        g_assert_cmpint (aj_db_query_int (raw, "SELECT count(*) FROM meta WHERE key = 'projection.rebuild'", NULL, -1),
                         ==, 1);
        sqlite3_close (raw);
      }

      f->store = aj_store_open (f->db_path, &error);
      g_assert_no_error (error);
      pending = aj_store_get_meta (f->store, "projection.rebuild");
      g_assert_null (pending);
      after = dump_everything (f->store);
      g_assert_cmpstr (after, ==, before);
      g_assert_true (aj_store_verify_chain (f->store, aj_store_get_device_id (f->store), &error));
      g_assert_no_error (error);
      g_clear_object (&f->store);
    }
}

/* The push reads the outbox a batch at a time in device_seq order: by the
 * outbox index, which holds only the unsynced events, so a batch costs the
 * same at the end of a large backlog as at its start (before 0023 it
 * walked every event already sent). Half the backlog acknowledged here. */
static void
test_outbox_read_by_its_index (Fixture       *f,
                               gconstpointer  data)
{
  sqlite3 *db = aj_store_get_db (f->store);
  g_autoptr(GError) error = NULL;
  g_autofree char *steps = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  gint64 n;

  fill_hazards (f, 100);
  n = aj_store_count_unsynced (f->store);
  g_assert_cmpint (n, >, 200);
  g_assert_true (aj_db_exec (db, "UPDATE events SET server_seq = device_seq WHERE device_seq <= 150", NULL));
  batch = aj_store_list_outbox (f->store, 20, 1 << 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 20);
  for (guint i = 0; i < batch->len; i++)
    g_assert_cmpint (((AjEvent *) g_ptr_array_index (batch, i))->device_seq, ==, 151 + i);
  g_assert_cmpint (aj_store_count_unsynced (f->store), ==, n - 150);

  steps = query_plan (db, "SELECT id FROM events WHERE server_seq IS NULL AND refused_code IS NULL "
                      "AND device_id = (SELECT value FROM meta WHERE key = 'device_id') ORDER BY device_seq LIMIT 200");
  g_assert_nonnull (strstr (steps, "SEARCH events USING INDEX events_outbox (device_id=?)"));
  g_assert_null (strstr (steps, "TEMP B-TREE"));
}

static void
on_changed (AjStore *store,
            guint   *count)
{
  (*count)++;
}

static void
test_changed_signal (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = NULL;
  g_autoptr(JsonObject) bad = json_object_new ();
  guint count = 0;

  g_test_summary ("The store's changed signal fires once per committed outer transaction with events, never "
                  "after a rollback or a failure");

  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), &count);

  /* One event, one transaction, one signal. */
  f->inspection = aj_inspection_start (f->store, INSPECTOR, INSTITUTION, "field", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);

  /* Many events in one outer transaction: one signal, only after the commit. */
  g_assert_true (aj_store_begin (f->store, &error));
  for (guint i = 0; i < 5; i++)
    g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                         aj_checklist_get_item (f->checklist, i)->code, "pass", NULL, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (aj_store_begin (f->store, &error));
  hazard = record_hazard (f, aj_checklist_get_item (f->checklist, 5)->code, "red");
  g_assert_true (aj_store_commit (f->store, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (aj_store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);

  /* A hazard (itself a nested transaction) signals once. */
  g_clear_pointer (&hazard, g_free);
  hazard = record_hazard (f, aj_checklist_get_item (f->checklist, 6)->code, "red");
  g_assert_cmpuint (count, ==, 3);

  /* Rolled back: no signal. */
  g_assert_true (aj_store_begin (f->store, &error));
  g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection,
                                       aj_checklist_get_item (f->checklist, 7)->code, "pass", NULL, &error));
  aj_store_rollback (f->store);
  g_assert_cmpuint (count, ==, 3);

  /* A failed append on its own: no signal. */
  g_assert_null (aj_store_append (f->store, "hazard.found", "x", INSPECTOR, bad, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (count, ==, 3);

  /* A transaction without events: no signal. */
  g_assert_true (aj_store_begin (f->store, &error));
  g_assert_true (aj_store_set_local (f->store, "last_screen", "home", &error));
  g_assert_true (aj_store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 3);
}

/* Fixture tests: each on a new store (see fixture_setup). */
#define add_store_test(path, test) \
  g_test_add (path, Fixture, NULL, fixture_setup, test, aj_test_store_teardown)

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--rebuild-killed-at"))
    return rebuild_and_die (argv[2], (guint) atoi (argv[3]));
  test_program = argv[0];
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_store_test ("/store/new-schema", test_store_new_schema);
  add_store_test ("/store/reopen", test_store_reopen);
  add_store_test ("/store/too-new-is-refused", test_store_too_new);
  g_test_add_func ("/store/not-a-database-is-refused", test_store_not_a_database);
  g_test_add_func ("/util/uuid7", test_uuid7);
  g_test_add_func ("/util/uuid7-same-millisecond", test_uuid7_same_millisecond);
  g_test_add_func ("/util/hlc-never-goes-back", test_hlc);
  add_store_test ("/chain/verifies", test_chain_verifies);
  add_store_test ("/chain/body-tampered", test_chain_body_tampered);
  add_store_test ("/chain/rehashed-event", test_chain_rehashed);
  add_store_test ("/chain/deleted-event-gap", test_chain_gap);
  add_store_test ("/chain/deleted-and-renumbered", test_chain_last_removed_and_renumbered);
  add_store_test ("/projection/rebuild-is-identical", test_projection_rebuild);
  add_store_test ("/projection/answer-twice", test_answer_twice);
  add_store_test ("/projection/later-hlc-wins", test_later_hlc_wins);
  add_store_test ("/store/reopen-keeps-clock", test_reopen_keeps_clock);
  add_store_test ("/store/rollback-leaves-nothing", test_rollback);
  add_store_test ("/store/failed-projection-leaves-nothing", test_failed_projection_leaves_nothing);
  add_store_test ("/hazard/numbers-per-institution-and-day", test_hazard_numbers);
  add_store_test ("/hazard/numbers-from-a-counter-per-institution-and-day", test_hazard_numbers_from_a_counter);
  add_store_test ("/hazard/numbers-at-day-boundaries", test_hazard_numbers_at_day_boundaries);
  add_store_test ("/hazard/numbers-unique-under-concurrency", test_hazard_numbers_under_concurrency);
  add_store_test ("/store/wal-stays-bounded-under-sustained-writes", test_wal_stays_bounded);
  add_store_test ("/store/outbox-read-by-its-index", test_outbox_read_by_its_index);
  add_store_test ("/store/wal-stays-bounded-during-a-rebuild", test_wal_bounded_during_rebuild);
  add_store_test ("/projection/rebuild-killed-midway-is-done-again-at-open", test_rebuild_killed_midway);
  add_store_test ("/store/changed-signal-once-per-commit", test_changed_signal);

  return g_test_run ();
}
