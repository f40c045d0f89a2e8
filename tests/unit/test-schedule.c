/* test-schedule.c: when a home's rounds are due, in China's time whatever
 * TZ the process has (meson runs this file also under TZ=America/New_York
 * and TZ=UTC); night shifts that cross midnight, weeks and month ends; a
 * missed window counted exactly once; completion figures from a real store;
 * who may set a schedule, and who may close a hazard fixed on the spot. */
#include "config.h"

#include <string.h>

#include "aj-authority.h"
#include "aj-completion.h"
#include "aj-error.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-rounds.h"
#include "aj-schedule.h"
#include "aj-util.h"
#include "aj-test-util.h"

#define DAY (24 * 3600)

/* A China wall-clock time as Unix seconds: "2026-12-01T20:00". */
static gint64
china (const char *local)
{
  g_autofree char *text = g_strdup_printf ("%s:00+08:00", local);
  gint64 t = aj_schedule_parse_time (text);

  g_assert_cmpint (t, >, 0);
  return t;
}

static AjSchedule *
schedule (const char *frequency,
          const char *from,
          const char *start,
          const char *end)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;
  AjSchedule *s;

  json_object_set_string_member (body, "institution", "DLX001");
  json_object_set_string_member (body, "template", "round-test");
  json_object_set_string_member (body, "post", "night_carer");
  json_object_set_string_member (body, "frequency", frequency);
  json_object_set_string_member (body, "from", from);
  if (start)
    json_object_set_string_member (body, "start", start);
  if (end)
    json_object_set_string_member (body, "end", end);
  s = aj_schedule_from_json ("s-test", body, &error);
  g_assert_no_error (error);
  return s;
}

static void
test_zone (void)
{
  g_autofree char *a = aj_schedule_date_of (china ("2026-12-01T00:30"));
  g_autofree char *b = aj_schedule_date_of (china ("2026-12-01T23:59"));

  g_test_summary ("China's date of an instant does not depend on the process's TZ");
  g_test_message ("TZ=%s", g_getenv ("TZ") ? g_getenv ("TZ") : "(unset)");
  g_assert_cmpstr (a, ==, "2026-12-01");
  g_assert_cmpstr (b, ==, "2026-12-01");
  g_assert_cmpint (aj_schedule_midnight ("2026-12-01"), ==, 1796054400);  /* 2026-11-30T16:00Z */
}

static void
test_daily_across_days (void)
{
  g_autoptr(AjSchedule) s = schedule ("daily", "2026-11-29", "08:00", "18:00");
  g_autoptr(GPtrArray) w = aj_schedule_windows (s, china ("2026-11-28T00:00"), china ("2026-12-02T00:00"));

  g_test_summary ("A daily round has one window a day from its first day, at China's hours");
  g_assert_cmpuint (w->len, ==, 3);
  for (guint i = 0; i < w->len; i++)
    {
      AjDueWindow *x = g_ptr_array_index (w, i);
      g_autofree char *day = g_strdup_printf ("2026-%s", i == 0 ? "11-29" : i == 1 ? "11-30" : "12-01");
      g_autofree char *start = g_strdup_printf ("%sT08:00", day);
      g_autofree char *end = g_strdup_printf ("%sT18:00", day);
      g_assert_cmpstr (x->day, ==, day);
      g_assert_cmpint (x->start, ==, china (start));
      g_assert_cmpint (x->end, ==, china (end));
    }
}

static void
test_night_crosses_midnight (void)
{
  g_autoptr(AjSchedule) s = schedule ("night", "2026-11-01", "20:00", "06:00");
  g_autoptr(GPtrArray) w = aj_schedule_windows (s, china ("2026-12-01T00:00"), china ("2026-12-02T00:00"));
  AjRound done = { "round-test", china ("2026-12-02T02:10"), TRUE };
  AjRound late = { "round-test", china ("2026-12-02T06:10"), TRUE };
  AjRound other = { "round-other", china ("2026-12-02T02:10"), TRUE };
  AjRound unfinished = { "round-test", china ("2026-12-02T02:10"), FALSE };
  AjDueWindow *x;

  g_test_summary ("A night shift's window runs from 20:00 to 06:00 the next morning; a round at 02:10 is that "
                  "night's; one after 06:00, of another checklist or unfinished is not");
  g_assert_cmpuint (w->len, ==, 1);
  x = g_ptr_array_index (w, 0);
  g_assert_cmpstr (x->day, ==, "2026-12-01");
  g_assert_cmpint (x->start, ==, china ("2026-12-01T20:00"));
  g_assert_cmpint (x->end, ==, china ("2026-12-02T06:00"));
  g_assert_cmpint (x->end - x->start, ==, 10 * 3600);
  g_assert_cmpint (aj_due_window_state (x, NULL, 0, china ("2026-12-01T19:59")), ==, AJ_WINDOW_UPCOMING);
  g_assert_cmpint (aj_due_window_state (x, NULL, 0, china ("2026-12-02T01:00")), ==, AJ_WINDOW_OPEN);
  g_assert_cmpint (aj_due_window_state (x, NULL, 0, china ("2026-12-02T06:00")), ==, AJ_WINDOW_MISSED);
  g_assert_cmpint (aj_due_window_state (x, &done, 1, china ("2026-12-02T07:00")), ==, AJ_WINDOW_DONE);
  g_assert_cmpint (aj_due_window_state (x, &late, 1, china ("2026-12-02T07:00")), ==, AJ_WINDOW_MISSED);
  g_assert_cmpint (aj_due_window_state (x, &other, 1, china ("2026-12-02T07:00")), ==, AJ_WINDOW_MISSED);
  g_assert_cmpint (aj_due_window_state (x, &unfinished, 1, china ("2026-12-02T07:00")), ==, AJ_WINDOW_MISSED);
}

static void
test_weeks_and_month_ends (void)
{
  g_autoptr(AjSchedule) weekly = schedule ("weekly", "2026-12-02", NULL, NULL);
  g_autoptr(AjSchedule) monthly = schedule ("monthly", "2026-11-15", NULL, NULL);
  g_autoptr(AjSchedule) night = schedule ("night", "2026-11-01", "20:00", "06:00");
  g_autoptr(GPtrArray) weeks = aj_schedule_windows (weekly, china ("2026-11-01T00:00"), china ("2026-12-22T00:00"));
  g_autoptr(GPtrArray) months = aj_schedule_windows (monthly, china ("2026-11-01T00:00"), china ("2028-03-02T00:00"));
  AjCompletion december = { 0 }, january = { 0 };
  AjDueWindow *w;

  g_test_summary ("Weekly windows run Monday to Monday from the week the schedule starts in; monthly ones from "
                  "the first to the first (31, 30 and 29-day months); the night of 31 December belongs to "
                  "December only");
  /* 2026-12-02 is a Wednesday: its week began on Monday 30 November. */
  g_assert_cmpuint (weeks->len, ==, 4);
  w = g_ptr_array_index (weeks, 0);
  g_assert_cmpstr (w->day, ==, "2026-11-30");
  g_assert_cmpint (w->end - w->start, ==, 7 * DAY);
  w = g_ptr_array_index (weeks, 3);
  g_assert_cmpstr (w->day, ==, "2026-12-21");

  g_assert_cmpuint (months->len, ==, 17);   /* November 2026 … March 2028 */
  w = g_ptr_array_index (months, 0);
  g_assert_cmpstr (w->day, ==, "2026-11-01");
  g_assert_cmpint (w->end, ==, china ("2026-12-01T00:00"));
  w = g_ptr_array_index (months, 2);        /* January 2027: 31 days */
  g_assert_cmpint (w->end - w->start, ==, 31 * DAY);
  w = g_ptr_array_index (months, 15);       /* February 2028: 29 days */
  g_assert_cmpstr (w->day, ==, "2028-02-01");
  g_assert_cmpint (w->end - w->start, ==, 29 * DAY);

  aj_schedule_tally (night, NULL, 0, china ("2026-12-01T00:00"), china ("2027-01-01T00:00"),
                     china ("2027-02-01T00:00"), &december);
  aj_schedule_tally (night, NULL, 0, china ("2027-01-01T00:00"), china ("2027-02-01T00:00"),
                     china ("2027-02-01T00:00"), &january);
  g_assert_cmpuint (december.due, ==, 31);
  g_assert_cmpuint (december.night_missed, ==, 31);
  g_assert_cmpuint (january.due, ==, 31);
}

static void
test_missed_once (void)
{
  g_autoptr(AjSchedule) s = schedule ("night", "2026-11-01", "22:00", "02:00");
  g_autoptr(GArray) rounds = g_array_new (FALSE, TRUE, sizeof (AjRound));
  gint64 from = china ("2026-11-01T00:00"), to = china ("2027-01-01T00:00"), now = china ("2027-01-05T00:00");
  AjCompletion whole = { 0 }, sum = { 0 };

  g_test_summary ("A missed window is missed exactly once: day by day, the figures add up to those of the whole "
                  "period, and a window that crosses midnight is not counted on both days");
  /* Every third night done, at 23:30 or at 01:30 the next morning. */
  for (int d = 0; d < 61; d += 3)
    {
      AjRound r = { "round-test", from + d * DAY + (d % 2 ? 25 * 3600 + 1800 : 23 * 3600 + 1800), TRUE };
      g_array_append_val (rounds, r);
    }
  aj_schedule_tally (s, (AjRound *) rounds->data, rounds->len, from, to, now, &whole);
  for (gint64 day = from; day < to; day += DAY)
    aj_schedule_tally (s, (AjRound *) rounds->data, rounds->len, day, day + DAY, now, &sum);
  g_assert_cmpuint (whole.due, ==, 61);
  g_assert_cmpuint (whole.done, ==, 21);
  g_assert_cmpuint (whole.missed, ==, 40);
  g_assert_cmpuint (whole.night_missed, ==, 40);
  g_assert_cmpuint (sum.due, ==, whole.due);
  g_assert_cmpuint (sum.done, ==, whole.done);
  g_assert_cmpuint (sum.missed, ==, whole.missed);
  g_assert_cmpuint (aj_completion_percent (&whole), ==, 34);
}

static void
test_bad_schedules (void)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AjSchedule) s = NULL;

  g_test_summary ("A schedule for no home, with a bad frequency or time is refused with a message");
  json_object_set_string_member (body, "template", "round-night");
  json_object_set_string_member (body, "post", "night_carer");
  json_object_set_string_member (body, "frequency", "night");
  json_object_set_string_member (body, "from", "2026-11-01");
  s = aj_schedule_from_json ("x", body, &error);
  g_assert_null (s);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);
  json_object_set_string_member (body, "institution", "DLX001");
  json_object_set_string_member (body, "start", "25:00");
  s = aj_schedule_from_json ("x", body, &error);
  g_assert_null (s);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
}

/* With a store */

static void
set (AjStore    *store,
     const char *author,
     const char *id,
     const char *institution,
     const char *type,
     const char *template,
     const char *frequency,
     const char *from)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(AjSchedule) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) fix = json_array_new ();

  if (institution)
    json_object_set_string_member (body, "institution", institution);
  if (type)
    json_object_set_string_member (body, "institution_type", type);
  json_object_set_string_member (body, "template", template);
  json_object_set_string_member (body, "post", "safety_officer");
  json_object_set_string_member (body, "frequency", frequency);
  json_object_set_string_member (body, "from", from);
  json_array_add_string_element (fix, "RD-FIRE-04");
  json_object_set_array_member (body, "fix_on_spot", g_steal_pointer (&fix));
  s = aj_schedule_from_json (id, body, &error);
  g_assert_no_error (error);
  g_assert_true (aj_rounds_set_schedule (store, author, s, &error));
  g_assert_no_error (error);
}

static void
test_completion_rises (AjTestStore   *f,
                       gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *today = aj_schedule_date_of (now);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = NULL;
  AjCompletion before = { 0 }, later = { 0 };

  g_test_summary ("A home's daily round set by the office for its type is due today for its safety officer; "
                  "when a self-inspection of that checklist is finished it is done and completion rises");
  set (f->store, "u-zhou-min", "type-daily", NULL, "township_home", "round-daily", "daily", today);
  due = aj_completion_due_today (f->store, "DLX001", "safety_officer", now);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((AjDueItem *) g_ptr_array_index (due, 0))->state, ==, AJ_WINDOW_OPEN);
  {
    g_autoptr(GPtrArray) none = aj_completion_due_today (f->store, "DLX001", "night_carer", now);
    g_assert_cmpuint (none->len, ==, 0);
  }
  aj_completion_compute (f->store, "DLX001", aj_completion_week_start (now), G_MAXINT64 / 2, now, &before);
  g_assert_cmpuint (before.due, ==, 1);
  g_assert_cmpuint (before.done, ==, 0);

  inspection = aj_inspection_start (f->store, "u-li-chunmei", "DLX001", "self", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->store, "u-li-chunmei", inspection, &error));
  g_assert_no_error (error);
  after = aj_completion_due_today (f->store, "DLX001", "safety_officer", now + 1);
  g_assert_cmpint (((AjDueItem *) g_ptr_array_index (after, 0))->state, ==, AJ_WINDOW_DONE);
  aj_completion_compute (f->store, "DLX001", aj_completion_week_start (now), G_MAXINT64 / 2, now + 1, &later);
  g_assert_cmpuint (later.done, ==, 1);
  g_assert_cmpuint (aj_completion_percent (&later), >, aj_completion_percent (&before));
  /* Another home of the type has it due too, and nothing done. */
  {
    g_autoptr(JsonArray) report = aj_completion_report (f->store, NULL, now + 1);
    gboolean seen = FALSE;
    for (guint i = 0; i < json_array_get_length (report); i++)
      {
        JsonObject *o = json_array_get_object_element (report, i);
        JsonObject *week = json_object_get_object_member (o, "week");
        if (g_str_equal (json_object_get_string_member (o, "institution"), "DLX001"))
          {
            seen = TRUE;
            g_assert_cmpint (json_object_get_int_member (week, "done"), ==, 1);
            g_assert_cmpint (json_object_get_int_member (week, "percent"), ==, 100);
          }
        else if (g_str_equal (json_object_get_string_member (o, "institution"), "DLX002"))
          g_assert_cmpint (json_object_get_int_member (week, "done"), ==, 0);
      }
    g_assert_true (seen);
  }
}

/* Pushes @store's events to @server through the authority; the first
 * refusal's code, or NULL when all passed. */
static char *
push (AjStore *store,
      AjStore *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (store, aj_store_get_device_id (store), &error);
  g_autoptr(AjScope) all = aj_scope_new_all ();

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      gboolean inserted;

      if (aj_store_first_event_hlc (server, ev->subject, ev->type) == ev->hlc)
        continue;
      if (!aj_authority_check (server, aj_store_get_device_id (store), all, ev, g_get_real_time () / 1000, &error))
        return g_strdup (aj_refusal_code (error->code));
      g_assert_true (aj_store_insert_remote (server, ev, TRUE, &inserted, NULL, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static AjStore *
other_store (const char *name)
{
  g_autofree char *registry = aj_test_data_path ("registry.json", NULL);
  g_autofree char *dir = aj_test_scratch_dir (name);
  g_autofree char *path = g_build_filename (dir, "anjian.db", NULL);
  g_autoptr(GError) error = NULL;
  AjStore *store = aj_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (store, registry, "sample", &error));
  g_assert_no_error (error);
  return store;
}

static void
test_who_sets (AjTestStore   *f,
               gconstpointer  data)
{
  struct { const char *author, *institution, *type; const char *code; } cases[] = {
    { "u-wang-jianguo", "DLX001", NULL, NULL },                  /* the head, for the home */
    { "u-zhou-min", NULL, "township_home", NULL },               /* the office, for the type */
    { "u-zhou-min", "XHX001", NULL, NULL },                      /* the office, for one home */
    { "u-li-chunmei", "DLX001", NULL, "role_not_allowed" },      /* staff */
    { "u-zhang-wei", "DLX001", NULL, "role_not_allowed" },       /* an inspector */
    { "u-wang-jianguo", "XHX001", NULL, "role_not_allowed" },    /* the head, for another home */
    { "u-wang-jianguo", NULL, "township_home", "role_not_allowed" },
  };

  g_test_summary ("The server takes a schedule only from the home's head (for the home) or an administrator "
                  "(for a home or all homes of a type)");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("device-%u", i);
      g_autofree char *id = g_strdup_printf ("s-%u", i);
      g_autoptr(AjStore) device = other_store (name);
      g_autofree char *code = NULL;

      set (device, cases[i].author, id, cases[i].institution, cases[i].type, "round-daily", "daily", "2026-11-01");
      code = push (device, f->store);
      g_assert_cmpstr (code, ==, cases[i].code);
      if (code == NULL)
        {
          g_autoptr(AjSchedule) held = aj_rounds_get_schedule (f->store, id);
          g_assert_nonnull (held);
        }
    }
}

static void
test_fix_on_spot (AjTestStore   *f,
                  gconstpointer  data)
{
  g_autoptr(AjStore) device = other_store ("home");
  g_autoptr(AjChecklist) daily = NULL;
  g_autofree char *path = aj_test_data_path ("checklists", "round-daily.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) staff = NULL;
  g_autofree char *inspection = NULL;
  g_autofree char *on_spot = NULL;
  g_autofree char *other = NULL;
  g_autofree char *code = NULL;
  const char *photos[] = { "5108deb71ee1d00d8e14ad48f2ddee3dca264528a5ae802ac5a682ee11ecc0d7", NULL };
  AjStepInput rectify = { .note = "烟头已清理", .photos = photos };
  AjStepInput accept = { .accepted = TRUE, .opinion = "已当场整改" };
  AjHazardDraft draft = { .category = "fire", .description = "楼梯间有烟头", .risk_level = "yellow",
                          .grade = "general" };

  g_test_summary ("In a self-inspection, staff close a general hazard on an item the schedule marks "
                  "“fix on the spot” (with a photo); on any other item they may not verify it; the server agrees");
  daily = aj_checklist_load_file (path, &error);
  g_assert_no_error (error);
  set (device, "u-wang-jianguo", "DLX001-daily", "DLX001", NULL, "round-daily", "daily", "2026-11-01");
  staff = aj_registry_get_user (device, "u-li-chunmei");
  inspection = aj_inspection_start (device, "u-li-chunmei", "DLX001", "self", daily, &error);
  g_assert_no_error (error);
  draft.inspection_id = inspection;
  draft.item_code = "RD-FIRE-04";
  on_spot = aj_hazard_save_sheet (device, "u-li-chunmei", NULL, &draft, &error);
  g_assert_no_error (error);
  draft.item_code = "RD-FIRE-01";
  other = aj_hazard_save_sheet (device, "u-li-chunmei", NULL, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (device, "u-li-chunmei", inspection, &error));
  g_assert_no_error (error);

  g_free (aj_hazard_step (device, staff, on_spot, AJ_STEP_RECTIFY, &rectify, &error));
  g_assert_no_error (error);
  g_free (aj_hazard_step (device, staff, on_spot, AJ_STEP_VERIFY, &accept, &error));
  g_assert_no_error (error);
  g_free (aj_hazard_step (device, staff, on_spot, AJ_STEP_CLOSE, &(AjStepInput) { 0 }, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AjHazard) h = aj_hazard_load (device, on_spot);
    g_assert_cmpstr (aj_hazard_get_status (h), ==, "closed");
  }

  g_free (aj_hazard_step (device, staff, other, AJ_STEP_RECTIFY, &rectify, &error));
  g_assert_no_error (error);
  g_assert_false (aj_hazard_can_step (device, staff, other, AJ_STEP_VERIFY, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* The server, from its own copy of the schedule, takes the same view. */
  code = push (device, f->store);
  g_assert_null (code);
  {
    g_autoptr(AjHazard) h = aj_hazard_load (f->store, on_spot);
    g_assert_cmpstr (aj_hazard_get_status (h), ==, "closed");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_bug_base ("issue ");

  g_test_add_func ("/schedule/china-time", test_zone);
  g_test_add_func ("/schedule/daily-across-days", test_daily_across_days);
  g_test_add_func ("/schedule/night-crosses-midnight", test_night_crosses_midnight);
  g_test_add_func ("/schedule/weeks-and-month-ends", test_weeks_and_month_ends);
  g_test_add_func ("/schedule/missed-exactly-once", test_missed_once);
  g_test_add_func ("/schedule/bad-schedules-refused", test_bad_schedules);
  g_test_add ("/schedule/completion-rises", AjTestStore, "round-daily.json", aj_test_store_setup,
              test_completion_rises, aj_test_store_teardown);
  g_test_add ("/schedule/only-head-or-office-sets", AjTestStore, "round-daily.json", aj_test_store_setup,
              test_who_sets, aj_test_store_teardown);
  g_test_add ("/schedule/fix-on-the-spot-follows-schedule", AjTestStore, "round-daily.json", aj_test_store_setup,
              test_fix_on_spot, aj_test_store_teardown);
  return g_test_run ();
}
