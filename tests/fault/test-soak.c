/* test-soak.c: a thousand kills. Three kiosks and the real server; the
 * kiosks record inspections with answers, hazards, photos (mostly small,
 * some large) and hazard steps on each other's hazards, while `anjian sync`
 * runs in a loop on each of them; a killer sends SIGKILL at random moments
 * to a running sync process or to the server, and restarts the server each
 * time, until N kills. Then everything syncs to quiescence, and the test
 * proves:
 *   - every event made on a kiosk is on the server exactly once and on every
 *     kiosk whose scope sees it, byte for byte; no other event is anywhere;
 *   - every photo those events name is on every device that may see it, and
 *     its bytes hash to its name;
 *   - every device's chain is valid on every store (a scoped kiosk: every
 *     segment it holds, the gaps being exactly what its scope hides);
 *   - on every store, the projections equal a rebuild from its events.
 *
 * The events are made by this process with core calls on the kiosks' files,
 * as the kiosk program would (they are never killed mid-write); the sync
 * processes and the server are.
 *
 * One seed, printed, drives every choice (what is recorded, which process
 * is killed and when): ANJIAN_SOAK_SEED repeats a run's choices (the
 * moments the processes reach differ from run to run: they are other
 * processes). ANJIAN_SOAK_KILLS sets N (50 by default). The kill phase has
 * a deadline, and every sync process a watchdog, so the test ends by itself. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-codec.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-store-private.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define N_KIOSKS            3
#define DEFAULT_KILLS       50
/* The killer's pause before each kill, in ms. */
#define KILL_DELAY_MIN      20
#define KILL_DELAY_MAX      400
/* A kiosk's pause between two records, and between two syncs, in ms. */
#define WRITE_DELAY_MIN     15
#define WRITE_DELAY_MAX     90
#define SYNC_DELAY_MAX      60
/* A sync process whose kiosk's database has not changed for this long is
 * hung: killed, a failure. (A sync may rightly run for minutes: one that
 * catches up on hundreds of photos commits after each.) */
#define SYNC_WATCHDOG_S     120
/* Rounds of sync after the kills, until nothing moves. */
#define MAX_QUIET_ROUNDS    12

/* Officials: they may start inspections anywhere and take every step of
 * the closed loop. */
static const char * const officials[] = {
  "u-zhang-wei", "u-liu-yang", "u-chen-jing", "u-zhao-lei", "u-zhou-min",
};
/* Who takes hazard steps: the officials, and DLX001's head and staff, who
 * rectify their own institution's hazards. */
static const char * const steppers[] = {
  "u-zhang-wei", "u-liu-yang", "u-chen-jing", "u-zhao-lei", "u-zhou-min", "u-wang-jianguo", "u-li-chunmei",
};

/* Where each kiosk inspects, and what it may see. The third sees only one
 * county: the others' events elsewhere are withheld from it (chain gaps). */
static const char * const everywhere[] = { "DLX001", "DLX002", "DLX003", "NHQ001", "NHQ002", "NHQ003", "XHX001", NULL };
static const char * const south_lake[] = { "NHQ001", "NHQ002", "NHQ003", NULL };
static const struct
{
  const char         *scope;
  const char         *label;
  const char * const *institutions;
  const char * const *visible;     /* NULL: everything */
} kiosk_specs[N_KIOSKS] = {
  { "all", "all", everywhere, NULL },
  { "all", "all", everywhere, NULL },
  { "county:南湖区", "one county", south_lake, south_lake },
};

/* XDG_DATA_DIRS as it was before the test isolated it: the sync processes
 * need the system's MIME database, as the kiosk program has, to tell a JPEG
 * from other bytes when they check a photo from the server. */
static char *system_data_dirs;

typedef struct
{
  char *id;
  char *hash;
  char *institution;
} LedgerEntry;

typedef struct _Soak Soak;

typedef struct
{
  Soak         *soak;
  guint         index;
  char         *home;         /* XDG_DATA_HOME of its `anjian sync` */
  AjTestKiosk  *kiosk;        /* its data folder is home/anjian */
  const char   *scope;
  const char * const *institutions;
  const char * const *visible;
  char         *device_id;

  /* What this process recorded there, in chain order: the truth the
   * stores are held to. */
  GPtrArray    *ledger;
  guint         n_photos;

  /* The inspection being recorded, if any. */
  char         *inspection;
  char         *institution;
  const char   *author;
  int           steps_left;

  /* The sync loop. */
  GSubprocess  *sync;
  gint64        sync_started;
  gint64        last_change;      /* when its database last changed */
  char         *db_signature;     /* the size and time of its files then */
  gboolean      kill_sent;
  guint         runs, runs_ok, runs_network, runs_killed;
  GSource      *sync_timer;
  GSource      *write_timer;
} SoakKiosk;

struct _Soak
{
  guint32       seed;
  GRand        *rand;
  GMainContext *context;
  AjTestServer *server;
  AjChecklist  *checklist;
  SoakKiosk     kiosks[N_KIOSKS];
  gboolean      writing;
  gboolean      stopping;

  guint         kills_wanted;
  guint         kills_server;
  guint         kills_kiosk;
  guint         kills_missed;       /* the sync process had ended already */
  GSource      *kill_timer;

  guint         n_photos, n_big_photos, n_steps, n_busy_retries;
  gint64        write_us, restart_us;     /* time spent recording, restarting the server */
  gint64        photo_bytes;
  GPtrArray    *failures;           /* what went wrong on the way, each once */
  guint         n_repeated_failures;
};

static void
ledger_entry_free (LedgerEntry *entry)
{
  g_free (entry->id);
  g_free (entry->hash);
  g_free (entry->institution);
  g_free (entry);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static guint
rand_range (Soak *soak,
            guint lo,
            guint hi)
{
  return (guint) g_rand_int_range (soak->rand, (gint32) lo, (gint32) hi + 1);
}

static gboolean
kiosk_sees (SoakKiosk  *k,
            const char *institution)
{
  return k->visible == NULL || (institution != NULL && g_strv_contains (k->visible, institution));
}

static void
failure (Soak       *soak,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
failure (Soak       *soak,
         const char *format,
         ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* A process stuck on the same thing says it at every run: once is enough. */
  if (g_ptr_array_find_with_equal_func (soak->failures, text, g_str_equal, NULL))
    {
      soak->n_repeated_failures++;
      g_free (text);
      return;
    }
  g_test_message ("FAILURE: %s", text);
  g_printerr ("soak: %s\n", text);
  g_ptr_array_add (soak->failures, text);
}

/* ---- recording, as the kiosk program does, on the kiosk's file ---- */

/* The sync process may hold the file's write lock for a while: past the
 * store's own busy timeout, try again a few times. */
static gboolean
retry_busy (Soak     *soak,
            GError  **error,
            int       attempt)
{
  if (*error == NULL || attempt >= 20)
    return FALSE;
  if (strstr ((*error)->message, "locked") == NULL && strstr ((*error)->message, "busy") == NULL)
    return FALSE;
  g_test_message ("busy, again: %s", (*error)->message);
  g_clear_error (error);
  soak->n_busy_retries++;
  g_usleep (50 * 1000);
  return TRUE;
}

/* Every event this process just recorded on @k, appended to its ledger in
 * chain order, with the institution it concerns. */
static void
ledger_catch_up (SoakKiosk  *k,
                 const char *institution)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (k->kiosk->store),
      "SELECT id, hash, device_seq FROM events WHERE device_id = ? AND device_seq > ? ORDER BY device_seq", NULL);

  g_assert_nonnull (stmt);
  aj_db_bind_text (stmt, 1, k->device_id);
  sqlite3_bind_int64 (stmt, 2, k->ledger->len);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      LedgerEntry *entry = g_new0 (LedgerEntry, 1);

      g_assert_cmpint (sqlite3_column_int64 (stmt, 2), ==, (gint64) k->ledger->len + 1);
      entry->id = aj_db_col_dup (stmt, 0);
      entry->hash = aj_db_col_dup (stmt, 1);
      entry->institution = g_strdup (institution);
      g_ptr_array_add (k->ledger, entry);
    }
}

/* A photo of noise (JPEG cannot make it small; real photos are not), from
 * the soak's seed, stored in the kiosk's blob folder. */
static void
make_photo (SoakKiosk   *k,
            AjPhotoInfo *info)
{
  Soak *soak = k->soak;
  gboolean big = rand_range (soak, 1, 12) == 1;
  int width = big ? 1600 : 320;
  int height = big ? 1200 : 240;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint32 x = g_rand_int (soak->rand) | 1;

  for (int row = 0; row < height; row++)
    for (int col = 0; col < width * 3; col++)
      {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pixels[row * stride + col] = (guint8) ((x & 0xff) / 2 + ((col + row) & 0x7f));
      }
  g_assert_true (aj_photo_import_pixbuf (k->kiosk->blob_dir, pixbuf, info, &error));
  g_assert_no_error (error);
  soak->n_photos++;
  soak->n_big_photos += big;
  soak->photo_bytes += info->bytes;
  k->n_photos++;
}

static const AjChecklistItem *
random_item (Soak *soak)
{
  return aj_checklist_get_item (soak->checklist, rand_range (soak, 0, aj_checklist_get_n_items (soak->checklist) - 1));
}

static void
start_inspection (SoakKiosk *k)
{
  Soak *soak = k->soak;
  const char *institution = k->institutions[rand_range (soak, 0, g_strv_length ((char **) k->institutions) - 1)];
  g_autoptr(GError) error = NULL;
  char *id = NULL;

  k->author = officials[rand_range (soak, 0, G_N_ELEMENTS (officials) - 1)];
  for (int attempt = 0; id == NULL; attempt++)
    {
      id = aj_inspection_start (k->kiosk->store, k->author, institution, "field", soak->checklist, &error);
      if (id == NULL && !retry_busy (soak, &error, attempt))
        break;
    }
  g_assert_no_error (error);
  k->inspection = id;
  k->institution = g_strdup (institution);
  k->steps_left = (int) rand_range (soak, 3, 24);
}

static void
finish_inspection (SoakKiosk *k)
{
  g_autoptr(GError) error = NULL;

  for (int attempt = 0; !aj_inspection_finish (k->kiosk->store, k->author, k->inspection, &error); attempt++)
    if (!retry_busy (k->soak, &error, attempt))
      break;
  g_assert_no_error (error);
  g_clear_pointer (&k->inspection, g_free);
}

static void
answer_item (SoakKiosk *k)
{
  Soak *soak = k->soak;
  const AjChecklistItem *item = random_item (soak);
  g_autoptr(AjHazard) hazard = aj_hazard_find_for_item (k->kiosk->store, k->inspection, item->code);
  g_autoptr(GError) error = NULL;
  const char *result = rand_range (soak, 0, 3) == 0 ? "na" : "pass";

  if (hazard != NULL)
    return;   /* a hazard's item stays a hazard */
  for (int attempt = 0; !aj_inspection_answer (k->kiosk->store, k->author, k->inspection, item->code, result,
                                               rand_range (soak, 0, 4) == 0 ? "抽查" : NULL, &error); attempt++)
    if (!retry_busy (soak, &error, attempt))
      break;
  g_assert_no_error (error);
}

static void
record_hazard (SoakKiosk *k)
{
  Soak *soak = k->soak;
  const AjChecklistItem *item = random_item (soak);
  g_autoptr(AjHazard) held = aj_hazard_find_for_item (k->kiosk->store, k->inspection, item->code);
  g_autoptr(GError) error = NULL;
  gboolean major = rand_range (soak, 0, 3) == 0;
  static const char * const levels[] = { "red", "orange", "yellow", "blue" };
  AjHazardDraft draft = {
    .inspection_id = k->inspection, .item_code = item->code, .category = item->category,
    .description = "安全出口堵塞", .location = "一楼走廊", .risk_level = levels[rand_range (soak, 0, 3)],
    .grade = major ? "major" : "general", .suggestion = "立即清理", .deadline = "2027-03-31",
    .responsible = "王建国",
  };
  char *hazard = NULL;

  if (held != NULL)
    return;
  for (int attempt = 0; !aj_inspection_answer (k->kiosk->store, k->author, k->inspection, item->code, "hazard",
                                               "现场发现", &error); attempt++)
    if (!retry_busy (soak, &error, attempt))
      break;
  g_assert_no_error (error);
  for (int attempt = 0; hazard == NULL; attempt++)
    {
      hazard = aj_hazard_record (k->kiosk->store, k->author, &draft, &error);
      if (hazard == NULL && !retry_busy (soak, &error, attempt))
        break;
    }
  g_assert_no_error (error);
  g_free (hazard);
}

static void
add_photo (SoakKiosk *k)
{
  Soak *soak = k->soak;
  const AjChecklistItem *item = random_item (soak);
  g_autoptr(AjHazard) hazard = aj_hazard_find_for_item (k->kiosk->store, k->inspection, item->code);
  g_autoptr(GError) error = NULL;
  AjPhotoInfo info;
  char *event = NULL;

  make_photo (k, &info);
  for (int attempt = 0; event == NULL; attempt++)
    {
      event = aj_inspection_add_photo (k->kiosk->store, k->author, k->inspection, item->code,
                                       hazard ? aj_hazard_get_id (hazard) : NULL, &info, &error);
      if (event == NULL && !retry_busy (soak, &error, attempt))
        break;
    }
  g_assert_no_error (error);
  g_free (event);
}

/* A step of the closed loop on a hazard this kiosk holds, found here or on
 * another kiosk: the kiosks race each other, and late steps become
 * conflicts on every device. Returns the hazard's institution, or NULL if
 * no step was possible. */
static char *
step_some_hazard (SoakKiosk *k)
{
  Soak *soak = k->soak;
  sqlite3 *db = aj_store_get_db (k->kiosk->store);
  gint64 n = aj_db_query_int (db, "SELECT count(*) FROM hazards", NULL, 0);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autoptr(AjUser) user = NULL;
  g_autofree char *id = NULL;
  AjHazardStep steps[] = { AJ_STEP_ORDER, AJ_STEP_RECTIFY, AJ_STEP_VERIFY, AJ_STEP_CLOSE, AJ_STEP_REOPEN };
  guint first;

  if (n == 0)
    return NULL;
  stmt = aj_db_prepare (db, "SELECT id FROM hazards ORDER BY id LIMIT 1 OFFSET ?", NULL);
  sqlite3_bind_int64 (stmt, 1, rand_range (soak, 0, (guint) n - 1));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  id = aj_db_col_dup (stmt, 0);
  /* Done with it: a statement left open holds a read snapshot, and a write
   * from it fails at once when another process has written since. */
  g_clear_pointer (&stmt, sqlite3_finalize);
  hazard = aj_hazard_load (k->kiosk->store, id);
  user = aj_registry_get_user (k->kiosk->store, steppers[rand_range (soak, 0, G_N_ELEMENTS (steppers) - 1)]);
  if (hazard == NULL || user == NULL)
    return NULL;

  first = rand_range (soak, 0, G_N_ELEMENTS (steps) - 1);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      AjHazardStep step = steps[(first + i) % G_N_ELEMENTS (steps)];
      g_autoptr(GError) error = NULL;
      AjPhotoInfo info;
      const char *photos[] = { info.sha256, NULL };
      AjStepInput input = {
        .measures = "清理通道，张贴标识", .responsible = "王建国", .deadline = "2027-06-30",
        .funds = "2000元", .contingency_plan = "专人值守", .note = "已整改", .photos = photos,
        .accepted = rand_range (soak, 0, 4) != 0, .opinion = "复查", .reason = "再次发现",
      };
      char *event = NULL;

      if (!aj_hazard_can_step (k->kiosk->store, user, id, step, NULL))
        continue;
      if (step == AJ_STEP_RECTIFY)
        make_photo (k, &info);
      for (int attempt = 0; event == NULL; attempt++)
        {
          event = aj_hazard_step (k->kiosk->store, user, id, step, &input, &error);
          if (event == NULL && !retry_busy (soak, &error, attempt))
            break;
        }
      g_assert_no_error (error);
      g_free (event);
      return g_strdup (aj_hazard_get_institution (hazard));
    }
  return NULL;
}

/* One thing a person does on kiosk @k. */
static void
write_step (SoakKiosk *k)
{
  Soak *soak = k->soak;
  g_autofree char *stepped = NULL;
  guint r = rand_range (soak, 0, 99);

  /* The kiosk's clock moves past what its sync brought in, as the kiosk
   * program's does when its store changes. */
  aj_store_refresh_clock (k->kiosk->store);
  soak->n_steps++;
  if (k->inspection == NULL)
    {
      if (r < 35 && (stepped = step_some_hazard (k)) != NULL)
        {
          ledger_catch_up (k, stepped);
          return;
        }
      start_inspection (k);
    }
  else if (k->steps_left-- <= 0)
    {
      g_autofree char *institution = g_strdup (k->institution);
      finish_inspection (k);
      ledger_catch_up (k, institution);
      g_clear_pointer (&k->institution, g_free);
      return;
    }
  else if (r < 45)
    answer_item (k);
  else if (r < 60)
    record_hazard (k);
  else
    add_photo (k);
  ledger_catch_up (k, k->institution);
}

static gboolean
on_write (gpointer data)
{
  SoakKiosk *k = data;

  g_clear_pointer (&k->write_timer, g_source_unref);
  if (!k->soak->writing)
    return G_SOURCE_REMOVE;
  {
    gint64 start = g_get_monotonic_time ();
    write_step (k);
    k->soak->write_us += g_get_monotonic_time () - start;
  }
  k->write_timer = g_timeout_source_new (rand_range (k->soak, WRITE_DELAY_MIN, WRITE_DELAY_MAX));
  g_source_set_callback (k->write_timer, on_write, k, NULL);
  g_source_attach (k->write_timer, k->soak->context);
  return G_SOURCE_REMOVE;
}

/* ---- the sync loop: `anjian sync` on each kiosk, again and again ---- */

static void schedule_sync (SoakKiosk *k);

static char *
sync_err_path (SoakKiosk *k)
{
  return g_build_filename (k->home, "sync.err", NULL);
}

static void
on_sync_exited (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SoakKiosk *k = data;
  Soak *soak = k->soak;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GError) error = NULL;

  g_assert_true (process == k->sync);
  g_subprocess_wait_finish (process, result, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_signaled (process) && g_subprocess_get_term_sig (process) == SIGKILL && k->kill_sent)
    {
      k->runs_killed++;
      soak->kills_kiosk++;
    }
  else if (g_subprocess_get_if_exited (process) &&
           (g_subprocess_get_exit_status (process) == 0 || g_subprocess_get_exit_status (process) == 4))
    {
      /* Done, or the server was down (4: network): both are fine here. */
      if (g_subprocess_get_exit_status (process) == 0)
        k->runs_ok++;
      else
        k->runs_network++;
      if (k->kill_sent)
        soak->kills_missed++;
    }
  else
    {
      g_autofree char *path = sync_err_path (k);
      g_autofree char *err = NULL;

      g_file_get_contents (path, &err, NULL, NULL);
      if (g_subprocess_get_if_exited (process))
        failure (soak, "kiosk %u: anjian sync exited with %d: %s", k->index, g_subprocess_get_exit_status (process),
                 err ? err : "");
      else
        failure (soak, "kiosk %u: anjian sync died of signal %d: %s", k->index, g_subprocess_get_term_sig (process),
                 err ? err : "");
    }
  g_clear_object (&k->sync);
  k->kill_sent = FALSE;
  if (!soak->stopping)
    schedule_sync (k);
}

static gboolean
on_sync_timer (gpointer data)
{
  SoakKiosk *k = data;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *err = sync_err_path (k);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&k->sync_timer, g_source_unref);
  if (k->soak->stopping)
    return G_SOURCE_REMOVE;
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", k->home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ANJIAN_VERBOSE");
  if (system_data_dirs != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_DIRS", system_data_dirs, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "XDG_DATA_DIRS");
  /* The launcher writes over the file without truncating it: start empty,
   * so that what is there is this run's. */
  g_assert_true (g_file_set_contents (err, "", 0, NULL));
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  k->sync = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("ANJIAN_KIOSK"), "sync", NULL);
  g_assert_no_error (error);
  k->sync_started = g_get_monotonic_time ();
  k->kill_sent = FALSE;
  k->runs++;
  g_subprocess_wait_async (k->sync, NULL, on_sync_exited, k);
  return G_SOURCE_REMOVE;
}

static void
schedule_sync (SoakKiosk *k)
{
  k->sync_timer = g_timeout_source_new (rand_range (k->soak, 0, SYNC_DELAY_MAX));
  g_source_set_callback (k->sync_timer, on_sync_timer, k, NULL);
  g_source_attach (k->sync_timer, k->soak->context);
}

/* Where a hung process is: every thread's stack (with gdb, if there is
 * one) and the kernel's word for what it waits on, in a file. */
static char *
describe_hung (const char *pid)
{
  g_autofree char *gdb = g_find_program_in_path ("gdb");
  g_autofree char *wchan_path = g_strdup_printf ("/proc/%s/wchan", pid);
  g_autofree char *status_path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *exe_path = g_strdup_printf ("/proc/%s/exe", pid);
  g_autofree char *exe = g_file_read_link (exe_path, NULL);
  g_autofree char *wchan = NULL;
  g_autofree char *status = NULL;
  g_autofree char *stacks = NULL;
  g_autofree char *text = NULL;
  char *path = g_strdup_printf ("%s/anjian-soak-hung-%s.txt", g_get_tmp_dir (), pid);

  g_file_get_contents (wchan_path, &wchan, NULL, NULL);
  g_file_get_contents (status_path, &status, NULL, NULL);
  if (gdb != NULL)
    {
      const char *argv[] = { gdb, "-p", pid, "-batch", "-nx", "-ex", "thread apply all bt", NULL };
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &stacks, NULL, NULL, NULL);
    }
  text = g_strdup_printf ("exe: %s\nwchan: %s\n%s\n%s", exe ? exe : "?", wchan ? wchan : "?", status ? status : "",
                          stacks ? stacks : "(no gdb)");
  g_file_set_contents (path, text, -1, NULL);
  return path;
}

/* The size and modification time of the kiosk's database and its log. */
static char *
db_signature (SoakKiosk *k)
{
  GString *out = g_string_new (NULL);
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (k->kiosk->db_path, suffixes[i], NULL);
      struct stat st;

      if (stat (path, &st) == 0)
        g_string_append_printf (out, "%lld.%ld.%ld ", (long long) st.st_size, (long) st.st_mtim.tv_sec,
                                st.st_mtim.tv_nsec);
    }
  return g_string_free (out, FALSE);
}

/* A sync process that has not changed its kiosk's database for long,
 * while running, is hung. */
static void
check_watchdogs (Soak *soak)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = 0; i < N_KIOSKS; i++)
    {
      SoakKiosk *k = &soak->kiosks[i];
      g_autofree char *signature = db_signature (k);

      if (g_strcmp0 (signature, k->db_signature) != 0)
        {
          g_free (k->db_signature);
          k->db_signature = g_steal_pointer (&signature);
          k->last_change = now;
        }
      if (k->sync != NULL && !k->kill_sent &&
          now - MAX (k->sync_started, k->last_change) > SYNC_WATCHDOG_S * G_USEC_PER_SEC)
        {
          const char *pid = g_subprocess_get_identifier (k->sync);
          g_autofree char *where = NULL;

          if (pid == NULL)
            continue;   /* it has just ended */
          where = describe_hung (pid);

          failure (soak, "kiosk %u: anjian sync running, its database unchanged for %d s: killed (its stacks: %s)",
                   i, SYNC_WATCHDOG_S, where);
          g_subprocess_send_signal (k->sync, SIGKILL);
          /* Not counted as the killer's: kill_sent stays FALSE. */
          k->sync_started = G_MAXINT64 / 2;
        }
    }
}

static gboolean
on_tick (gpointer data)
{
  check_watchdogs (data);
  return G_SOURCE_CONTINUE;
}

/* ---- the killer ---- */

static void schedule_kill (Soak *soak);

static void
kill_server (Soak *soak)
{
  AjTestServer *server = soak->server;
  int port = server->port;

  /* Still running when we come to kill it: it did not die by itself. */
  if (g_subprocess_get_identifier (server->process) == NULL)
    {
      g_autofree char *log = NULL;
      g_file_get_contents (server->log_path, &log, NULL, NULL);
      failure (soak, "the server had died by itself: %s", log ? log : "");
    }
  g_subprocess_send_signal (server->process, SIGKILL);
  g_assert_true (g_subprocess_wait (server->process, NULL, NULL));
  if (!g_subprocess_get_if_signaled (server->process) || g_subprocess_get_term_sig (server->process) != SIGKILL)
    failure (soak, "the server ended otherwise than by our SIGKILL (status %d)", g_subprocess_get_status (server->process));
  else
    soak->kills_server++;
  g_clear_object (&server->process);
  {
    gint64 start = g_get_monotonic_time ();
    aj_test_server_start (server);
    soak->restart_us += g_get_monotonic_time () - start;
  }
  g_assert_cmpint (server->port, ==, port);
}

static gboolean
on_kill (gpointer data)
{
  Soak *soak = data;
  SoakKiosk *running[N_KIOSKS];
  guint n_running = 0, choice;

  g_clear_pointer (&soak->kill_timer, g_source_unref);
  if (soak->stopping)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < N_KIOSKS; i++)
    if (soak->kiosks[i].sync != NULL && !soak->kiosks[i].kill_sent)
      running[n_running++] = &soak->kiosks[i];
  /* The server one time in four, else one of the sync processes running
   * now (the server, if none is): the server down more often than that
   * would leave the syncs little to do between kills. */
  choice = rand_range (soak, 0, 3);
  if (choice == 0 || n_running == 0)
    {
      g_test_message ("kill %u: the server", soak->kills_server + soak->kills_kiosk + 1);
      kill_server (soak);
    }
  else
    {
      SoakKiosk *k = running[rand_range (soak, 0, n_running - 1)];
      g_test_message ("kill %u: kiosk %u's sync, %" G_GINT64_FORMAT " ms after it started",
                      soak->kills_server + soak->kills_kiosk + 1, k->index,
                      (g_get_monotonic_time () - k->sync_started) / 1000);
      k->kill_sent = TRUE;
      g_subprocess_send_signal (k->sync, SIGKILL);
    }
  schedule_kill (soak);
  return G_SOURCE_REMOVE;
}

static void
schedule_kill (Soak *soak)
{
  soak->kill_timer = g_timeout_source_new (rand_range (soak, KILL_DELAY_MIN, KILL_DELAY_MAX));
  g_source_set_callback (soak->kill_timer, on_kill, soak, NULL);
  g_source_attach (soak->kill_timer, soak->context);
}

/* ---- setup ---- */

/* A kiosk whose data folder is where `anjian sync` looks for it:
 * $XDG_DATA_HOME/anjian. */
static void
kiosk_init (Soak  *soak,
            guint  index)
{
  SoakKiosk *k = &soak->kiosks[index];
  g_autofree char *registry = aj_test_source_path ("data/registry.json");
  g_autoptr(GError) error = NULL;
  AjTestKiosk *kiosk = g_new0 (AjTestKiosk, 1);

  k->soak = soak;
  k->index = index;
  k->scope = kiosk_specs[index].scope;
  k->institutions = kiosk_specs[index].institutions;
  k->visible = kiosk_specs[index].visible;
  k->ledger = g_ptr_array_new_with_free_func ((GDestroyNotify) ledger_entry_free);
  k->home = g_dir_make_tmp ("anjian-soak-XXXXXX", &error);
  g_assert_no_error (error);
  kiosk->data_dir = g_build_filename (k->home, "anjian", NULL);
  kiosk->db_path = g_build_filename (kiosk->data_dir, "anjian.db", NULL);
  kiosk->blob_dir = g_build_filename (kiosk->data_dir, "blobs", NULL);
  kiosk->checklist_dir = g_build_filename (kiosk->data_dir, "checklists", NULL);
  kiosk->store = aj_store_open (kiosk->db_path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (kiosk->store, registry, "sample", &error));
  g_assert_no_error (error);
  k->kiosk = kiosk;
  k->device_id = g_strdup (aj_store_get_device_id (kiosk->store));
  aj_test_kiosk_enroll (kiosk, soak->server, k->scope);
}

static void
kiosk_clear (SoakKiosk *k)
{
  g_assert_null (k->sync);
  aj_test_kiosk_free (k->kiosk);
  aj_test_rm_rf (k->home);
  g_free (k->home);
  g_free (k->device_id);
  g_free (k->db_signature);
  g_free (k->inspection);
  g_free (k->institution);
  g_ptr_array_unref (k->ledger);
}

/* ---- quiescence ---- */

/* Sync every kiosk in turn until a whole round moves nothing. */
static void
sync_until_quiet (Soak *soak)
{
  for (guint round = 1; round <= MAX_QUIET_ROUNDS; round++)
    {
      gboolean quiet = TRUE;

      for (guint i = 0; i < N_KIOSKS; i++)
        {
          SoakKiosk *k = &soak->kiosks[i];
          g_autoptr(GError) error = NULL;
          AjSyncReport report = { 0 };

          if (!aj_test_kiosk_sync (k->kiosk, &report, &error))
            {
              g_test_message ("quiescence round %u, kiosk %u: %s", round, i, error->message);
              quiet = FALSE;
              continue;
            }
          g_test_message ("quiescence round %u, kiosk %u: %u pushed, %u refused, %u pulled, %u photos sent, "
                          "%u fetched, %u pending", round, i, report.pushed, report.refused, report.pulled,
                          report.blobs_sent, report.blobs_fetched, report.blobs_pending);
          if (report.pushed || report.refused || report.pulled || report.blobs_sent || report.blobs_fetched ||
              report.blobs_pending)
            quiet = FALSE;
        }
      if (quiet)
        return;
    }
  failure (soak, "no quiescence after %d rounds of sync", MAX_QUIET_ROUNDS);
}

/* ---- the proofs ---- */

static char *
event_line (const AjEvent *ev)
{
  return g_strdup_printf ("%s|%s|%" G_GINT64_FORMAT "|%s|%" G_GINT64_FORMAT "|%s|%s|%s|%s|%s",
                          ev->id, ev->device_id, ev->device_seq, ev->author, ev->hlc, ev->type,
                          ev->subject, ev->body, ev->prev_hash, ev->hash);
}

/* id → the event's fields as one line, for every event @store holds. */
static GHashTable *
event_lines (AjStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_events (store, NULL, &error);
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_assert_false (g_hash_table_contains (lines, ev->id));
      g_hash_table_insert (lines, g_strdup (ev->id), event_line (ev));
    }
  return lines;
}

/* No event lost, none duplicated: @store holds exactly the ledgers'
 * events that @viewer (NULL: the server) may see, once, each with the same
 * fields as on the server. */
static void
prove_events (Soak       *soak,
              const char *name,
              AjStore    *store,
              SoakKiosk  *viewer,
              GHashTable *server_lines)
{
  g_autoptr(GHashTable) lines = event_lines (store);
  guint expected = 0;
  sqlite3 *db = aj_store_get_db (store);

  for (guint i = 0; i < N_KIOSKS; i++)
    {
      SoakKiosk *k = &soak->kiosks[i];
      gint64 held = aj_db_query_int (db, "SELECT count(*) FROM events WHERE device_id = ?", k->device_id, -1);
      guint seen = 0, lacking = 0;

      for (guint j = 0; j < k->ledger->len; j++)
        {
          LedgerEntry *entry = g_ptr_array_index (k->ledger, j);
          const char *line = g_hash_table_lookup (lines, entry->id);

          if (viewer != NULL && viewer != k && !kiosk_sees (viewer, entry->institution))
            {
              if (line != NULL)
                failure (soak, "%s holds event %s of kiosk %u about %s, outside its scope", name, entry->id, i,
                         entry->institution);
              continue;
            }
          seen++;
          if (line == NULL)
            {
              /* The first few by name; the rest are counted below. */
              if (lacking++ < 5)
                failure (soak, "%s lacks event %u of kiosk %u (%s, %s)", name, j + 1, i, entry->id,
                         entry->institution);
              continue;
            }
          if (!g_str_has_suffix (line, entry->hash))
            failure (soak, "%s holds event %s of kiosk %u with another hash: %s", name, entry->id, i, line);
          if (server_lines != NULL && g_strcmp0 (line, g_hash_table_lookup (server_lines, entry->id)) != 0)
            failure (soak, "%s and the server differ on event %s: %s", name, entry->id, line);
        }
      if (lacking > 0)
        failure (soak, "%s lacks %u of the %u events of kiosk %u that it may see", name, lacking, seen, i);
      if (held != (gint64) seen)
        failure (soak, "%s holds %" G_GINT64_FORMAT " events of kiosk %u; %u were made that it may see",
                 name, held, i, seen);
      expected += seen;
    }
  if (g_hash_table_size (lines) != expected)
    failure (soak, "%s holds %u events; %u were made that it may see", name, g_hash_table_size (lines), expected);
}

/* Every device's chain on @store: whole, or for a scoped kiosk's view of
 * another device, every event matching its hash and linked to the one
 * before it wherever that one is held. */
static void
prove_chains (Soak       *soak,
              const char *name,
              AjStore    *store,
              SoakKiosk  *viewer)
{
  for (guint i = 0; i < N_KIOSKS; i++)
    {
      SoakKiosk *k = &soak->kiosks[i];
      g_autoptr(GError) error = NULL;

      if (viewer == NULL || viewer == k || viewer->visible == NULL)
        {
          if (!aj_store_verify_chain (store, k->device_id, &error))
            failure (soak, "%s: the chain of kiosk %u is broken: %s", name, i, error->message);
          continue;
        }
      {
        g_autoptr(GPtrArray) events = aj_store_list_device_events (store, k->device_id, &error);
        AjEvent *before = NULL;

        g_assert_no_error (error);
        for (guint j = 0; j < events->len; j++)
          {
            AjEvent *ev = g_ptr_array_index (events, j);
            g_autofree char *digest = aj_event_compute_hash (ev);

            if (g_strcmp0 (digest, ev->hash) != 0)
              failure (soak, "%s: event %" G_GINT64_FORMAT " of kiosk %u does not match its hash", name, ev->device_seq, i);
            if (before != NULL && before->device_seq == ev->device_seq - 1 && g_strcmp0 (before->hash, ev->prev_hash) != 0)
              failure (soak, "%s: event %" G_GINT64_FORMAT " of kiosk %u does not follow the one before it", name,
                       ev->device_seq, i);
            if (ev->device_seq == 1 && g_strcmp0 (ev->prev_hash, AJ_EVENT_GENESIS_HASH) != 0)
              failure (soak, "%s: the first event of kiosk %u links to another", name, i);
            before = ev;
          }
      }
    }
}

/* Every photo named by an event @store holds is in @blob_dir, and its
 * bytes hash to its name; no other photo is there. Returns how many. */
static guint
prove_blobs (Soak       *soak,
             const char *name,
             AjStore    *store,
             const char *blob_dir,
             gboolean    is_server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_events (store, NULL, &error);
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      g_autoptr(GPtrArray) refs = aj_event_blob_refs (g_ptr_array_index (events, i));

      for (guint j = 0; j < refs->len; j++)
        {
          const char *sha = g_ptr_array_index (refs, j);
          g_autofree char *path = NULL;
          g_autofree char *digest = NULL;

          if (!g_hash_table_add (checked, g_strdup (sha)))
            continue;
          path = aj_photo_blob_path (blob_dir, sha);
          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            {
              failure (soak, "%s: photo %s is missing", name, sha);
              continue;
            }
          digest = aj_sha256_file_hex (path, NULL);
          if (g_strcmp0 (digest, sha) != 0)
            failure (soak, "%s: photo %s holds other bytes (%s)", name, sha, digest);
          /* The server serves only what it has recorded as complete. */
          if (is_server && aj_db_query_int (aj_store_get_db (store),
                                            "SELECT count(*) FROM blobs WHERE complete = 1 AND sha256 = ?", sha, -1) != 1)
            failure (soak, "%s: photo %s is not recorded as complete", name, sha);
        }
    }
  /* And nothing else: no photo of what the device may not see. */
  {
    g_autoptr(GDir) top = g_dir_open (blob_dir, 0, NULL);
    const char *prefix;

    while (top != NULL && (prefix = g_dir_read_name (top)) != NULL)
      {
        g_autofree char *sub = g_build_filename (blob_dir, prefix, NULL);
        g_autoptr(GDir) dir = NULL;
        const char *rest;

        if (strlen (prefix) != 2 || (dir = g_dir_open (sub, 0, NULL)) == NULL)
          continue;   /* thumbs/, partial/ */
        while ((rest = g_dir_read_name (dir)) != NULL)
          {
            g_autofree char *sha = g_strconcat (prefix, rest, NULL);

            if (aj_is_sha256_hex (sha) && !g_hash_table_contains (checked, sha))
              failure (soak, "%s holds photo %s, which no event it holds names", name, sha);
          }
      }
  }
  return g_hash_table_size (checked);
}

/* The projections of @store equal a rebuild from its events, done on a
 * copy (the store itself is left as it is). */
static void
prove_projections (Soak       *soak,
                   const char *name,
                   AjStore    *store,
                   char      **dump_out)
{
  g_autofree char *dir = g_dir_make_tmp ("anjian-soak-copy-XXXXXX", NULL);
  g_autofree char *copy_path = g_build_filename (dir, "copy.db", NULL);
  g_autofree char *sql = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(AjStore) copy = NULL;
  g_autoptr(GError) error = NULL;
  char *quoted = sqlite3_mprintf ("%Q", copy_path);

  sql = g_strdup_printf ("VACUUM INTO %s", quoted);
  sqlite3_free (quoted);
  g_assert_true (aj_db_exec (aj_store_get_db (store), sql, &error));
  g_assert_no_error (error);
  copy = aj_store_open (copy_path, &error);
  g_assert_no_error (error);
  before = aj_store_dump_projections (copy, &error);
  g_assert_no_error (error);
  g_assert_true (aj_store_rebuild_projections (copy, &error));
  g_assert_no_error (error);
  after = aj_store_dump_projections (copy, &error);
  g_assert_no_error (error);
  if (g_strcmp0 (before, after) != 0)
    {
      g_autofree char *b = g_build_filename (g_get_tmp_dir (), "anjian-soak-projections-before.txt", NULL);
      g_autofree char *a = g_build_filename (g_get_tmp_dir (), "anjian-soak-projections-after.txt", NULL);
      g_autofree char *bname = g_strdup_printf ("%s.%s", b, name);
      g_autofree char *aname = g_strdup_printf ("%s.%s", a, name);

      g_file_set_contents (bname, before, -1, NULL);
      g_file_set_contents (aname, after, -1, NULL);
      failure (soak, "%s: projections differ from a rebuild from its events (diff %s %s)", name, bname, aname);
    }
  g_clear_object (&copy);
  aj_test_rm_rf (dir);
  if (dump_out)
    *dump_out = g_steal_pointer (&before);
}

static guint32
seed_from_env (void)
{
  const char *fixed = g_getenv ("ANJIAN_SOAK_SEED");

  return fixed ? (guint32) g_ascii_strtoull (fixed, NULL, 10) : g_random_int ();
}

static void
test_soak (void)
{
  Soak soak_data = { 0 };
  Soak *soak = &soak_data;
  const char *kills_env = g_getenv ("ANJIAN_SOAK_KILLS");
  g_autofree char *checklist_path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(AjStore) central = NULL;
  g_autoptr(GHashTable) server_lines = NULL;
  g_autofree char *server_blobs = NULL;
  g_autofree char *server_dump = NULL;
  g_autoptr(GSource) tick = NULL;
  gint64 t0, t_kills, deadline;
  guint total_events = 0, blobs_on_server, made_at_last_kill = 0;
  guint runs = 0, runs_ok = 0, runs_network = 0;
  gint64 held_at_last_kill;

  g_test_summary ("Kiosk sync processes and the server killed with SIGKILL at random moments, N times, while "
                  "three kiosks record inspections, hazards, steps and photos: after sync settles, every event "
                  "is on the server once and on every kiosk that may see it, byte for byte; every photo on "
                  "every device that may see it, its bytes hashing to its name; every chain valid; and on every "
                  "store the projections equal a rebuild from the events");

  g_assert_nonnull (g_getenv ("ANJIAN_KIOSK"));
  soak->seed = seed_from_env ();
  soak->kills_wanted = kills_env ? (guint) g_ascii_strtoull (kills_env, NULL, 10) : DEFAULT_KILLS;
  g_test_message ("soak seed %u, %u kills (ANJIAN_SOAK_SEED=%u repeats this run's choices)", soak->seed,
                  soak->kills_wanted, soak->seed);
  g_printerr ("soak seed %u, %u kills (ANJIAN_SOAK_SEED=%u repeats this run's choices)\n", soak->seed,
              soak->kills_wanted, soak->seed);
  soak->rand = g_rand_new_with_seed (soak->seed);
  soak->failures = g_ptr_array_new_with_free_func (g_free);
  soak->checklist = aj_checklist_load_file (checklist_path, &error);
  g_assert_no_error (error);

  /* Our sources run on our own context: the helpers that restart the
   * server iterate the default one, and must not run them re-entrantly. */
  soak->context = g_main_context_new ();
  g_main_context_push_thread_default (soak->context);

  t0 = g_get_monotonic_time ();
  soak->server = aj_test_server_new ();
  for (guint i = 0; i < N_KIOSKS; i++)
    kiosk_init (soak, i);

  /* ---- the kill phase ---- */
  soak->writing = TRUE;
  for (guint i = 0; i < N_KIOSKS; i++)
    {
      on_write (&soak->kiosks[i]);
      schedule_sync (&soak->kiosks[i]);
    }
  schedule_kill (soak);
  tick = g_timeout_source_new_seconds (1);
  g_source_set_callback (tick, on_tick, soak, NULL);
  g_source_attach (tick, soak->context);
  deadline = g_get_monotonic_time () + (30 + 3 * (gint64) soak->kills_wanted) * G_USEC_PER_SEC;
  while (soak->kills_server + soak->kills_kiosk < soak->kills_wanted && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (soak->context, TRUE);
    }
  t_kills = g_get_monotonic_time ();
  /* How far sync got while the kills went on (the rest is left to the end). */
  {
    g_autofree char *path = g_build_filename (soak->server->data_dir, "anjian-server.db", NULL);
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout (db, 5000);
    held_at_last_kill = aj_db_query_int (db, "SELECT count(*) FROM events", NULL, -1);
    sqlite3_close (db);
    for (guint i = 0; i < N_KIOSKS; i++)
      made_at_last_kill += soak->kiosks[i].ledger->len;
  }
  if (soak->kills_server + soak->kills_kiosk < soak->kills_wanted)
    failure (soak, "only %u of %u kills before the deadline", soak->kills_server + soak->kills_kiosk,
             soak->kills_wanted);

  /* ---- stop: no more records, kills or new syncs; the running ones end ---- */
  soak->writing = FALSE;
  soak->stopping = TRUE;
  if (soak->kill_timer)
    g_source_destroy (soak->kill_timer);
  g_clear_pointer (&soak->kill_timer, g_source_unref);
  for (guint i = 0; i < N_KIOSKS; i++)
    {
      SoakKiosk *k = &soak->kiosks[i];
      if (k->write_timer)
        g_source_destroy (k->write_timer);
      g_clear_pointer (&k->write_timer, g_source_unref);
      if (k->sync_timer)
        g_source_destroy (k->sync_timer);
      g_clear_pointer (&k->sync_timer, g_source_unref);
    }
  for (;;)
    {
      gboolean running = FALSE;
      for (guint i = 0; i < N_KIOSKS; i++)
        running |= soak->kiosks[i].sync != NULL;
      if (!running)
        break;
      g_main_context_iteration (soak->context, TRUE);
    }
  g_source_destroy (tick);
  /* An inspection left open is fine: its events sync all the same. */

  /* ---- quiescence ---- */
  if (g_subprocess_get_identifier (soak->server->process) == NULL)
    {
      failure (soak, "the server had died by itself before the end");
      g_clear_object (&soak->server->process);
      aj_test_server_start (soak->server);
    }
  sync_until_quiet (soak);
  aj_test_server_stop (soak->server);

  /* ---- the proofs ---- */
  central = aj_test_server_open_store (soak->server);
  server_blobs = g_build_filename (soak->server->data_dir, "blobs", NULL);
  server_lines = event_lines (central);
  for (guint i = 0; i < N_KIOSKS; i++)
    total_events += soak->kiosks[i].ledger->len;

  prove_events (soak, "the server", central, NULL, NULL);
  prove_chains (soak, "the server", central, NULL);
  blobs_on_server = prove_blobs (soak, "the server", central, server_blobs, TRUE);
  prove_projections (soak, "server", central, &server_dump);
  if (aj_db_query_int (aj_store_get_db (central), "SELECT count(*) FROM events WHERE refused_code IS NOT NULL", NULL, 0) != 0)
    failure (soak, "the server holds refused events");

  for (guint i = 0; i < N_KIOSKS; i++)
    {
      SoakKiosk *k = &soak->kiosks[i];
      AjStore *store = k->kiosk->store;
      g_autofree char *name = g_strdup_printf ("kiosk %u (%s)", i, kiosk_specs[i].label);
      g_autofree char *short_name = g_strdup_printf ("kiosk%u", i);
      g_autofree char *dump = NULL;
      g_autoptr(GPtrArray) refused = aj_store_list_refused (store, &error);
      guint blobs;

      g_assert_no_error (error);
      for (guint j = 0; j < refused->len; j++)
        {
          AjRefusedEvent *r = g_ptr_array_index (refused, j);
          failure (soak, "%s: the server refused event %s (%s): %s: %s", name, r->event->id, r->event->type,
                   r->code, r->message);
        }
      if (aj_store_count_unsynced (store) != 0)
        failure (soak, "%s: %" G_GINT64_FORMAT " events not acknowledged", name, aj_store_count_unsynced (store));
      if (aj_store_count_wanted_blobs (store) != 0)
        failure (soak, "%s: %" G_GINT64_FORMAT " photos still wanted", name, aj_store_count_wanted_blobs (store));
      prove_events (soak, name, store, k, server_lines);
      prove_chains (soak, name, store, k);
      blobs = prove_blobs (soak, name, store, k->kiosk->blob_dir, FALSE);
      prove_projections (soak, short_name, store, &dump);
      /* A kiosk that sees everything shows what the server shows: the same
       * photos, the same inspections, hazards (conflicts included), photos
       * and signatures. */
      if (k->visible == NULL && blobs != blobs_on_server)
        failure (soak, "%s holds %u photos, the server %u", name, blobs, blobs_on_server);
      if (k->visible == NULL && g_strcmp0 (dump, server_dump) != 0)
        {
          g_autofree char *mine = g_build_filename (g_get_tmp_dir (), "anjian-soak-projections.kiosk", NULL);
          g_autofree char *theirs = g_build_filename (g_get_tmp_dir (), "anjian-soak-projections.server", NULL);

          g_file_set_contents (mine, dump, -1, NULL);
          g_file_set_contents (theirs, server_dump, -1, NULL);
          failure (soak, "%s: its projections differ from the server's (diff %s %s)", name, mine, theirs);
        }
      g_test_message ("%s: %u events made here, %u photos taken; %u held photos checked; sync runs %u "
                      "(%u complete, %u cut off from the server, %u killed)", name, k->ledger->len, k->n_photos,
                      blobs, k->runs, k->runs_ok, k->runs_network, k->runs_killed);
    }

  for (guint i = 0; i < N_KIOSKS; i++)
    {
      runs += soak->kiosks[i].runs;
      runs_ok += soak->kiosks[i].runs_ok;
      runs_network += soak->kiosks[i].runs_network;
    }
  {
    g_autofree char *progress = g_strdup_printf (
        "soak: %u sync runs (%u complete, %u cut off from the server); at the last kill the server held "
        "%" G_GINT64_FORMAT " of the %u events made", runs, runs_ok, runs_network, held_at_last_kill,
        made_at_last_kill);
    g_test_message ("%s", progress);
    g_printerr ("%s\n", progress);
  }
  {
    g_autofree char *summary = g_strdup_printf (
        "soak seed %u: %u kills (%u server, %u kiosk sync; %u missed), %u events, %u photos (%u large, %.1f MB), "
        "%u steps (%.1f s), %u busy retries, server restarts %.1f s; kill phase %.1f s, total %.1f s; "
        "%u failures (%u more repeated)",
        soak->seed, soak->kills_server + soak->kills_kiosk, soak->kills_server, soak->kills_kiosk,
        soak->kills_missed, total_events, soak->n_photos, soak->n_big_photos, soak->photo_bytes / 1e6,
        soak->n_steps, soak->write_us / 1e6, soak->n_busy_retries, soak->restart_us / 1e6, (t_kills - t0) / 1e6, (g_get_monotonic_time () - t0) / 1e6,
        soak->failures->len, soak->n_repeated_failures);
    g_test_message ("%s", summary);
    g_printerr ("%s\n", summary);
  }
  /* On failure the folders stay for a look: the server's and the kiosks'. */
  if (soak->failures->len > 0)
    {
      g_printerr ("soak: the server's folder %s\n", soak->server->data_dir);
      for (guint i = 0; i < N_KIOSKS; i++)
        g_printerr ("soak: kiosk %u's folder %s\n", i, soak->kiosks[i].kiosk->data_dir);
      g_error ("soak seed %u (ANJIAN_SOAK_SEED=%u): %u failures, the first: %s", soak->seed, soak->seed,
               soak->failures->len, (char *) g_ptr_array_index (soak->failures, 0));
    }

  g_clear_object (&central);
  for (guint i = 0; i < N_KIOSKS; i++)
    kiosk_clear (&soak->kiosks[i]);
  aj_test_server_free (soak->server);
  g_main_context_pop_thread_default (soak->context);
  g_main_context_unref (soak->context);
  g_object_unref (soak->checklist);
  g_rand_free (soak->rand);
  g_ptr_array_unref (soak->failures);
}

int
main (int   argc,
      char *argv[])
{
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  system_data_dirs = g_strdup (g_getenv ("XDG_DATA_DIRS"));
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/soak/kills-lose-and-duplicate-nothing", test_soak);
  return g_test_run ();
}
