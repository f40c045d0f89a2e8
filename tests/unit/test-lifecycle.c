/* test-lifecycle.c: the hazard's closed loop (闭环): the state machine, who
 * may take each step, the steps end to end on a real store, and the same
 * hazard stepped on two devices at once. */
#include "config.h"

#include <string.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-hazard-steps.h"
#include "aj-ledger-model.h"
#include "aj-registry.h"
#include "aj-stats.h"
#include "aj-store.h"
#include "aj-store-private.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSTITUTION  "DLX001"           /* a township home in the sample registry */
#define INSPECTOR    "u-zhang-wei"
#define ADMIN        "u-zhou-min"
#define HEAD         "u-wang-jianguo"   /* institution_head of DLX001 */
#define STAFF        "u-li-chunmei"     /* institution_staff of DLX001 */
#define OTHER_HEAD   "u-sun-zhiqiang"   /* institution_head of XHX001 */
#define OTHER_STAFF  "u-test-xhx-staff" /* institution_staff of XHX001, added by the test */
#define PHOTO_1      "0f343b0931126a20f133d67c2b018a3b5e4c1c6f5fd2b1e5a4a3b0c3d2e1f001"
#define PHOTO_2      "9e107d9d372bb6826bd81d3542a419d6e277d4d731479571562f82f2b5c1a002"

static const char * const all_statuses[] = {
  "found", "rectification_ordered", "rectified", "verified", "closed", "reopened", "withdrawn", "rejected",
};
static const char * const all_grades[] = { "general", "major" };
static const AjHazardStep all_steps[] = {
  AJ_STEP_ORDER, AJ_STEP_RECTIFY, AJ_STEP_VERIFY, AJ_STEP_CLOSE, AJ_STEP_REOPEN,
  AJ_STEP_REQUEST_EXTENSION, AJ_STEP_DECIDE_EXTENSION, AJ_STEP_ESCALATE, AJ_STEP_REFER,
};
G_STATIC_ASSERT (G_N_ELEMENTS (all_steps) == AJ_N_STEPS);

static const char *
step_name (AjHazardStep step)
{
  switch (step)
    {
    case AJ_STEP_ORDER: return "order";
    case AJ_STEP_RECTIFY: return "rectify";
    case AJ_STEP_VERIFY: return "verify";
    case AJ_STEP_CLOSE: return "close";
    case AJ_STEP_REOPEN: return "reopen";
    case AJ_STEP_REQUEST_EXTENSION: return "request-extension";
    case AJ_STEP_DECIDE_EXTENSION: return "decide-extension";
    case AJ_STEP_ESCALATE: return "escalate";
    case AJ_STEP_REFER: return "refer";
    default: return "?";
    }
}

/* The state machine */

/* Every transition the closed loop allows; any (status, grade, step,
 * accepted) not listed here must be refused. ANY_GRADE and ANY_ACCEPT
 * match both values. */
#define ANY_GRADE  NULL
#define ANY_ACCEPT -1

static const struct {
  const char   *status;
  const char   *grade;
  AjHazardStep  step;
  int           accepted;
  const char   *next;
} transitions[] = {
  { "found",                 ANY_GRADE, AJ_STEP_ORDER,   ANY_ACCEPT, "rectification_ordered" },
  /* 当场整改: only a general hazard may be fixed without an order. */
  { "found",                 "general", AJ_STEP_RECTIFY, ANY_ACCEPT, "rectified" },
  { "rectification_ordered", ANY_GRADE, AJ_STEP_RECTIFY, ANY_ACCEPT, "rectified" },
  { "rectified",             ANY_GRADE, AJ_STEP_VERIFY,  TRUE,       "verified" },
  /* 整改未通过: from there a new order (new deadline) or a new rectification. */
  { "rectified",             ANY_GRADE, AJ_STEP_VERIFY,  FALSE,      "rejected" },
  { "rejected",              ANY_GRADE, AJ_STEP_ORDER,   ANY_ACCEPT, "rectification_ordered" },
  { "rejected",              ANY_GRADE, AJ_STEP_RECTIFY, ANY_ACCEPT, "rectified" },
  { "verified",              ANY_GRADE, AJ_STEP_CLOSE,   ANY_ACCEPT, "closed" },
  { "closed",                ANY_GRADE, AJ_STEP_REOPEN,  ANY_ACCEPT, "reopened" },
  /* Found again: the loop starts over, as from found. */
  { "reopened",              ANY_GRADE, AJ_STEP_ORDER,   ANY_ACCEPT, "rectification_ordered" },
  { "reopened",              "general", AJ_STEP_RECTIFY, ANY_ACCEPT, "rectified" },
  /* Extension (延期): only while a deadline is to be met; the status stays. */
  { "rectification_ordered", ANY_GRADE, AJ_STEP_REQUEST_EXTENSION, ANY_ACCEPT, "rectification_ordered" },
  { "rectification_ordered", ANY_GRADE, AJ_STEP_DECIDE_EXTENSION,  ANY_ACCEPT, "rectification_ordered" },
  { "rejected",              ANY_GRADE, AJ_STEP_REQUEST_EXTENSION, ANY_ACCEPT, "rejected" },
  { "rejected",              ANY_GRADE, AJ_STEP_DECIDE_EXTENSION,  ANY_ACCEPT, "rejected" },
  /* 督办 and 移送: any hazard not yet verified; the status stays. */
  { "found",                 ANY_GRADE, AJ_STEP_ESCALATE, ANY_ACCEPT, "found" },
  { "rectification_ordered", ANY_GRADE, AJ_STEP_ESCALATE, ANY_ACCEPT, "rectification_ordered" },
  { "rectified",             ANY_GRADE, AJ_STEP_ESCALATE, ANY_ACCEPT, "rectified" },
  { "rejected",              ANY_GRADE, AJ_STEP_ESCALATE, ANY_ACCEPT, "rejected" },
  { "reopened",              ANY_GRADE, AJ_STEP_ESCALATE, ANY_ACCEPT, "reopened" },
  { "found",                 ANY_GRADE, AJ_STEP_REFER,    ANY_ACCEPT, "found" },
  { "rectification_ordered", ANY_GRADE, AJ_STEP_REFER,    ANY_ACCEPT, "rectification_ordered" },
  { "rectified",             ANY_GRADE, AJ_STEP_REFER,    ANY_ACCEPT, "rectified" },
  { "rejected",              ANY_GRADE, AJ_STEP_REFER,    ANY_ACCEPT, "rejected" },
  { "reopened",              ANY_GRADE, AJ_STEP_REFER,    ANY_ACCEPT, "reopened" },
};

static const char *
expected_next (const char   *status,
               const char   *grade,
               AjHazardStep  step,
               gboolean      accepted)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (g_str_equal (transitions[i].status, status) &&
        (transitions[i].grade == ANY_GRADE || g_str_equal (transitions[i].grade, grade)) &&
        transitions[i].step == step &&
        (transitions[i].accepted == ANY_ACCEPT || transitions[i].accepted == accepted))
      return transitions[i].next;
  return NULL;
}

static void
test_next_table (void)
{
  guint n = 0, n_allowed = 0;

  g_test_summary ("Every (status, grade, step) the closed loop allows leads to the expected status, and "
                  "every other one is refused");

  for (guint s = 0; s < G_N_ELEMENTS (all_statuses); s++)
    for (guint g = 0; g < G_N_ELEMENTS (all_grades); g++)
      for (guint t = 0; t < G_N_ELEMENTS (all_steps); t++)
        for (int accepted = FALSE; accepted <= TRUE; accepted++)
          {
            const char *want = expected_next (all_statuses[s], all_grades[g], all_steps[t], accepted);
            const char *got = aj_lifecycle_next (all_statuses[s], all_grades[g], all_steps[t], accepted);

            if (g_strcmp0 (want, got) != 0)
              g_error ("%s %s hazard, %s (accepted=%d): expected %s, got %s",
                       all_statuses[s], all_grades[g], step_name (all_steps[t]), accepted,
                       want ? want : "NULL", got ? got : "NULL");
            n++;
            if (want != NULL)
              n_allowed++;
          }
  g_assert_cmpuint (n, ==, 8 * 2 * 9 * 2);
  /* Per status, (grades x accepted values) allowed: found: order 4, general
   * rectify 2, escalate 4, refer 4; ordered: rectify, request and decide an
   * extension, escalate, refer, 4 each; rectified: verify 2 + 2, escalate 4,
   * refer 4; verified: close 4; closed: reopen 4; reopened: like found;
   * withdrawn: none; rejected: order, rectify, request, decide, escalate,
   * refer, 4 each. */
  g_assert_cmpuint (n_allowed, ==, 14 + 20 + 12 + 4 + 4 + 14 + 0 + 24);

  /* Things that are not statuses are refused too. */
  for (guint t = 0; t < G_N_ELEMENTS (all_steps); t++)
    {
      g_assert_null (aj_lifecycle_next (NULL, "general", all_steps[t], TRUE));
      g_assert_null (aj_lifecycle_next ("", "general", all_steps[t], TRUE));
      g_assert_null (aj_lifecycle_next ("in_progress", "general", all_steps[t], TRUE));
      g_assert_null (aj_lifecycle_next ("FOUND", "general", all_steps[t], TRUE));
    }
  /* A major hazard never takes the general hazard's shortcut. */
  g_assert_null (aj_lifecycle_next ("found", "major", AJ_STEP_RECTIFY, TRUE));
  g_assert_null (aj_lifecycle_next ("reopened", "major", AJ_STEP_RECTIFY, FALSE));
}

static void
test_step_event_types (void)
{
  g_test_summary ("Each step is recorded as its own event type, and back");

  for (guint t = 0; t < G_N_ELEMENTS (all_steps); t++)
    {
      const char *type = aj_step_event_type (all_steps[t]);
      AjHazardStep back = (AjHazardStep) -1;

      g_assert_nonnull (type);
      g_assert_true (g_str_has_prefix (type, "hazard."));
      g_assert_true (aj_step_from_event_type (type, &back));
      g_assert_cmpint (back, ==, all_steps[t]);
      g_assert_cmpstr (aj_step_label (all_steps[t]), !=, "");
    }
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_ORDER), ==, "hazard.rectification_ordered");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_RECTIFY), ==, "hazard.rectified");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_VERIFY), ==, "hazard.verified");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_CLOSE), ==, "hazard.closed");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_REOPEN), ==, "hazard.reopened");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_REQUEST_EXTENSION), ==, "hazard.extension_requested");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_DECIDE_EXTENSION), ==, "hazard.extension_decided");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_ESCALATE), ==, "hazard.escalated");
  g_assert_cmpstr (aj_step_event_type (AJ_STEP_REFER), ==, "hazard.referred");

  {
    AjHazardStep untouched = AJ_STEP_CLOSE;
    g_assert_false (aj_step_from_event_type ("hazard.found", &untouched));
    g_assert_false (aj_step_from_event_type ("hazard.withdrawn", &untouched));
    g_assert_false (aj_step_from_event_type (NULL, &untouched));
    g_assert_cmpint (untouched, ==, AJ_STEP_CLOSE);
  }
}

/* Who may take each step */

/* Bit (own_institution << 1 | self_inspection) is set when allowed. */
#define NEVER      0x0
#define ALWAYS     0xF
#define OWN        0xC   /* own institution, any inspection */
#define OWN_SELF   0x8   /* own institution, found in a self-inspection */

static const struct {
  const char *role;
  guint       may[AJ_N_STEPS];   /* indexed by AjHazardStep */
} role_table[] = {
  /*                     ORDER     RECTIFY  VERIFY    CLOSE   REOPEN  EXT.ASK  EXT.DECIDE ESCALATE REFER */
  { "inspector",         { ALWAYS,   NEVER,   ALWAYS,   ALWAYS, ALWAYS, ALWAYS,  ALWAYS,    ALWAYS,  ALWAYS } },
  { "admin",             { ALWAYS,   NEVER,   ALWAYS,   ALWAYS, ALWAYS, ALWAYS,  ALWAYS,    ALWAYS,  ALWAYS } },
  { "institution_head",  { OWN_SELF, OWN,     OWN_SELF, NEVER,  NEVER,  OWN,     NEVER,     NEVER,   NEVER } },
  { "institution_staff", { NEVER,    OWN,     NEVER,    NEVER,  NEVER,  OWN,     NEVER,     NEVER,   NEVER } },
  { "unknown",           { NEVER,    NEVER,   NEVER,    NEVER,  NEVER,  NEVER,   NEVER,     NEVER,   NEVER } },
  { "",                  { NEVER,    NEVER,   NEVER,    NEVER,  NEVER,  NEVER,   NEVER,     NEVER,   NEVER } },
  { NULL,                { NEVER,    NEVER,   NEVER,    NEVER,  NEVER,  NEVER,   NEVER,     NEVER,   NEVER } },
};

static void
test_role_may (void)
{
  g_test_summary ("Which role may take which step, at its own institution or another, in a self-inspection "
                  "or not, is exactly the table");

  G_STATIC_ASSERT (AJ_STEP_ORDER == 0 && AJ_STEP_REOPEN == 4 && AJ_STEP_REFER == 8);

  for (guint r = 0; r < G_N_ELEMENTS (role_table); r++)
    for (guint t = 0; t < G_N_ELEMENTS (all_steps); t++)
      for (int own = FALSE; own <= TRUE; own++)
        for (int self = FALSE; self <= TRUE; self++)
          {
            AjHazardStep step = all_steps[t];
            gboolean want = (role_table[r].may[step] >> (own << 1 | self)) & 1;
            gboolean got = aj_lifecycle_role_may (role_table[r].role, step, own, self);

            if (want != got)
              g_error ("role %s, %s, own institution %d, self-inspection %d: expected %s",
                       role_table[r].role ? role_table[r].role : "(null)", step_name (step),
                       own, self, want ? "allowed" : "refused");
          }
}

static void
test_extension_ok_table (void)
{
  g_test_summary ("An extension is asked for only when none is pending, and decided only when one is; no other "
                  "step depends on it");

  for (guint t = 0; t < G_N_ELEMENTS (all_steps); t++)
    for (int pending = FALSE; pending <= TRUE; pending++)
      {
        gboolean want = all_steps[t] == AJ_STEP_REQUEST_EXTENSION ? !pending
                        : all_steps[t] == AJ_STEP_DECIDE_EXTENSION ? pending : TRUE;
        if (aj_lifecycle_extension_ok (all_steps[t], pending) != want)
          g_error ("%s with an extension %s: expected %s", step_name (all_steps[t]),
                   pending ? "pending" : "not pending", want ? "allowed" : "refused");
      }
}

static void
test_overdue_boundaries (void)
{
  static const char * const late_statuses[] = { "found", "rectification_ordered", "rejected", "reopened" };
  static const char * const never_late[] = { "rectified", "verified", "closed", "withdrawn" };

  g_test_summary ("Overdue means not rectified by the deadline: not on the deadline day, one day the day after; "
                  "a rectified hazard waiting for verification is never overdue");

  for (guint i = 0; i < G_N_ELEMENTS (late_statuses); i++)
    {
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "2030-01-31", "2030-01-30"), ==, 0);
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "2030-01-31", "2030-01-31"), ==, 0);
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "2030-01-31", "2030-02-01"), ==, 1);
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "2030-01-31", "2030-03-02"), ==, 30);
      /* Across a year's end and a leap day. */
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "2027-12-31", "2028-03-01"), ==, 61);
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], "", "2030-02-01"), ==, 0);
      g_assert_cmpint (aj_lifecycle_days_overdue (late_statuses[i], NULL, "2030-02-01"), ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (never_late); i++)
    {
      g_assert_cmpint (aj_lifecycle_days_overdue (never_late[i], "2030-01-31", "2030-02-01"), ==, 0);
      g_assert_cmpint (aj_lifecycle_days_overdue (never_late[i], "2030-01-31", "2031-01-31"), ==, 0);
    }
  g_assert_true (aj_lifecycle_is_rectified ("rectified"));
  g_assert_true (aj_lifecycle_is_rectified ("verified"));
  g_assert_true (aj_lifecycle_is_rectified ("closed"));
  g_assert_false (aj_lifecycle_is_rectified ("rejected"));
  g_assert_false (aj_lifecycle_is_rectified ("rectification_ordered"));
}

/* The level the rule asks for and its reason, "-" for none. */
static void
assert_escalation (const char *status,
                   const char *grade,
                   int         days,
                   int         threshold,
                   const char *want_level,
                   const char *want_reason)
{
  const char *reason = "untouched";
  const char *level = aj_escalation_required_level (status, grade, days, threshold, &reason);

  if (g_strcmp0 (level, want_level) != 0 || g_strcmp0 (reason, want_reason) != 0)
    g_error ("%s %s hazard %d days overdue (N = %d): expected %s/%s, got %s/%s", status, grade, days, threshold,
             want_level ? want_level : "none", want_reason ? want_reason : "none",
             level ? level : "none", reason ? reason : "none");
}

static void
test_escalation_boundaries (void)
{
  g_test_summary ("督办: a major hazard at the county at once; N days overdue one level more, 2N two; at N-1, N, "
                  "N+1 days; only hazards still to be rectified; never lowered");

  for (int n = 0; n <= 20; n += 10)
    {
      int big = n > 0 ? n : AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;   /* 0 means the default, 15 */

      assert_escalation ("rectification_ordered", "general", 0, n, NULL, NULL);
      assert_escalation ("rectification_ordered", "general", big - 1, n, NULL, NULL);
      assert_escalation ("rectification_ordered", "general", big, n, "county", "overdue");
      assert_escalation ("rectification_ordered", "general", big + 1, n, "county", "overdue");
      assert_escalation ("rejected", "general", 2 * big - 1, n, "county", "overdue");
      assert_escalation ("rejected", "general", 2 * big, n, "city", "overdue");
      assert_escalation ("rejected", "general", 2 * big + 1, n, "city", "overdue");
      assert_escalation ("found", "major", 0, n, "county", "major");
      assert_escalation ("reopened", "major", big - 1, n, "county", "major");
      assert_escalation ("rectification_ordered", "major", big, n, "city", "overdue");
      assert_escalation ("rectification_ordered", "major", big + 1, n, "city", "overdue");
      assert_escalation ("rectification_ordered", "major", 2 * big - 1, n, "city", "overdue");
      assert_escalation ("rectification_ordered", "major", 2 * big, n, "province", "overdue");
      assert_escalation ("rectification_ordered", "major", 100 * big, n, "province", "overdue");
      /* Rectified (waiting for verification), verified, closed, withdrawn: nothing to raise. */
      assert_escalation ("rectified", "major", 2 * big, n, NULL, NULL);
      assert_escalation ("verified", "major", 0, n, NULL, NULL);
      assert_escalation ("closed", "general", 3 * big, n, NULL, NULL);
      assert_escalation ("withdrawn", "major", 3 * big, n, NULL, NULL);
    }
  g_assert_cmpint (AJ_ESCALATION_DEFAULT_OVERDUE_DAYS, ==, 15);

  /* From real dates: N = 15 after a deadline of 2030-01-31. */
  {
    const char *days[] = { "2030-02-14", "2030-02-15", "2030-02-16" };   /* 15 - 1, 15, 15 + 1 days */
    const char *want[] = { NULL, "county", "county" };
    for (guint i = 0; i < G_N_ELEMENTS (days); i++)
      g_assert_cmpstr (aj_escalation_required_level ("rectification_ordered", "general",
                                                     aj_lifecycle_days_overdue ("rectification_ordered", "2030-01-31",
                                                                                days[i]), 15, NULL), ==, want[i]);
    /* Rectified on time and waiting: never late, never raised. */
    g_assert_null (aj_escalation_required_level ("rectified", "general",
                                                 aj_lifecycle_days_overdue ("rectified", "2030-01-31", "2030-12-31"),
                                                 15, NULL));
  }

  /* Due only when the rule asks more than the level held. */
  g_assert_cmpstr (aj_escalation_due ("found", "major", 0, 15, NULL, NULL), ==, "county");
  g_assert_null (aj_escalation_due ("found", "major", 0, 15, "county", NULL));
  g_assert_null (aj_escalation_due ("found", "major", 0, 15, "province", NULL));
  g_assert_cmpstr (aj_escalation_due ("rectification_ordered", "major", 15, 15, "county", NULL), ==, "city");
  g_assert_null (aj_escalation_due ("rectification_ordered", "general", 14, 15, NULL, NULL));
  g_assert_cmpint (aj_escalation_level_rank ("county"), <, aj_escalation_level_rank ("city"));
  g_assert_cmpint (aj_escalation_level_rank ("city"), <, aj_escalation_level_rank ("province"));
  g_assert_cmpint (aj_escalation_level_rank (NULL), ==, 0);
  g_assert_cmpint (aj_escalation_level_rank ("national"), ==, 0);
}

/* End to end on a real store */

/* A kiosk: a store in a folder of its own, with the elder-care checklist. */
typedef AjTestStore Device;

/* Two kiosks holding copies of the same events. */
typedef struct
{
  Device a;
  Device b;
} TwoDevices;

/* The sample registry, and one person it lacks: staff of another institution. */
static void
import_registry (AjStore    *store,
                 const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *pin_hash = aj_registry_hash_pin (OTHER_STAFF, "000000");
  JsonObject *root, *staff = json_object_new ();

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (staff, "id", OTHER_STAFF);
  json_object_set_string_member (staff, "name", "测试员");
  json_object_set_string_member (staff, "role", "institution_staff");
  json_object_set_string_member (staff, "county", "西河县");
  json_object_set_string_member (staff, "institution", "XHX001");
  json_object_set_string_member (staff, "pin_hash", pin_hash);
  json_array_add_object_element (json_object_get_array_member (root, "users"), staff);
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  g_assert_true (aj_registry_import_data (store, text, strlen (text), "test", &error));
  g_assert_no_error (error);
}

/* With the sample registry and OTHER_STAFF; @test_data names the folder. */
static void
device_setup (Device        *d,
              gconstpointer  test_data)
{
  g_autofree char *registry = aj_test_data_path ("registry.json", NULL);

  aj_test_store_open (d, test_data != NULL ? test_data : "kiosk", "elder-care.json");
  import_registry (d->store, registry);
}

static void
two_devices_setup (TwoDevices    *t,
                   gconstpointer  test_data)
{
  device_setup (&t->a, "tablet-a");
  device_setup (&t->b, "tablet-b");
}

static void
two_devices_teardown (TwoDevices    *t,
                      gconstpointer  test_data)
{
  aj_test_store_teardown (&t->a, NULL);
  aj_test_store_teardown (&t->b, NULL);
}

static AjUser *
user (Device     *d,
      const char *id)
{
  AjUser *u = aj_registry_get_user (d->store, id);

  g_assert_nonnull (u);
  return u;
}

static char *
start_inspection (Device     *d,
                  const char *author,
                  const char *mode)
{
  g_autoptr(GError) error = NULL;
  char *id = aj_inspection_start (d->store, author, INSTITUTION, mode, d->checklist, &error);

  g_assert_no_error (error);
  g_assert_true (aj_uuid_is_valid (id));
  return id;
}

static void
finish_inspection (Device     *d,
                   const char *author,
                   const char *inspection)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aj_inspection_finish (d->store, author, inspection, &error));
  g_assert_no_error (error);
}

static char *
record (Device     *d,
        const char *author,
        const char *inspection,
        const char *item_code,
        const char *grade)
{
  g_autoptr(GError) error = NULL;
  const AjChecklistItem *item = aj_checklist_find_item (d->checklist, item_code, NULL);
  AjHazardDraft draft = {
    .inspection_id = inspection,
    .item_code = item_code,
    .description = g_str_equal (grade, "major") ? "Exit door chained shut" : "Emergency light broken",
    .location = "Ground floor, east stairs",
    .risk_level = g_str_equal (grade, "major") ? "red" : "yellow",
    .grade = grade,
    .suggestion = "Fix it today",
  };
  char *id;

  g_assert_nonnull (item);
  draft.category = item->category;
  g_assert_true (aj_inspection_answer (d->store, author, inspection, item_code, "hazard", NULL, &error));
  g_assert_no_error (error);
  id = aj_hazard_record (d->store, author, &draft, &error);
  g_assert_no_error (error);
  g_assert_true (aj_uuid_is_valid (id));
  return id;
}

static char *
col (Device     *d,
     const char *hazard_id,
     const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM hazards WHERE id = ?", column);
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (d->store), sql, &error);

  g_assert_no_error (error);
  aj_db_bind_text (stmt, 1, hazard_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return aj_db_col_dup (stmt, 0);
}

static gint64
rejections (Device     *d,
            const char *hazard_id)
{
  return aj_db_query_int (aj_store_get_db (d->store), "SELECT rejections FROM hazards WHERE id = ?", hazard_id, -1);
}

#define assert_col(d, h, c, want) G_STMT_START { \
    g_autofree char *_v = col ((d), (h), (c));     \
    g_assert_cmpstr (_v, ==, (want));              \
  } G_STMT_END

#define assert_col_set(d, h, c) G_STMT_START {   \
    g_autofree char *_v = col ((d), (h), (c));     \
    g_assert_nonnull (_v);                         \
    g_assert_cmpstr (_v, !=, "");                  \
  } G_STMT_END

static char *
status_of (Device     *d,
           const char *hazard_id)
{
  return col (d, hazard_id, "status");
}

/* Takes a step that must succeed, and checks it became exactly one event
 * hazard.* about the hazard, by that person, saying where it came from. */
static char *
step_ok (Device             *d,
         const char         *user_id,
         const char         *hazard_id,
         AjHazardStep        step,
         const AjStepInput  *in,
         const char         *want_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) u = user (d, user_id);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *from = status_of (d, hazard_id);
  g_autofree char *body_from = NULL;
  g_autofree char *now = NULL;
  g_autoptr(JsonObject) body = NULL;
  gint64 n = aj_store_count_events (d->store);
  guint n_conflicts = aj_hazard_count_conflicts (d->store, hazard_id);
  char *event_id;
  AjEvent *last;

  g_assert_true (aj_hazard_can_step (d->store, u, hazard_id, step, &error));
  g_assert_no_error (error);
  event_id = aj_hazard_step (d->store, u, hazard_id, step, in, &error);
  g_assert_no_error (error);
  g_assert_nonnull (event_id);
  g_assert_true (aj_uuid_is_valid (event_id));

  g_assert_cmpint (aj_store_count_events (d->store), ==, n + 1);
  events = aj_store_list_events (d->store, hazard_id, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpstr (last->id, ==, event_id);
  g_assert_cmpstr (last->type, ==, aj_step_event_type (step));
  g_assert_true (g_str_has_prefix (last->type, "hazard."));
  g_assert_cmpstr (last->subject, ==, hazard_id);
  g_assert_cmpstr (last->author, ==, user_id);
  g_assert_cmpstr (last->device_id, ==, aj_store_get_device_id (d->store));
  body = aj_json_parse_object (last->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (aj_json_get_string (body, "from"), ==, from);
  g_assert_nonnull (aj_json_get_string (body, "at"));

  now = status_of (d, hazard_id);
  g_assert_cmpstr (now, ==, want_status);
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, hazard_id), ==, n_conflicts);
  return event_id;
}

/* Takes a step that must be refused with @code, and checks nothing was
 * recorded and the message says something. */
static char *
step_refused (Device             *d,
              const char         *user_id,
              const char         *hazard_id,
              AjHazardStep        step,
              const AjStepInput  *in,
              int                 code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) u = user (d, user_id);
  g_autofree char *before = status_of (d, hazard_id);
  g_autofree char *after = NULL;
  g_autofree char *dump_before = aj_store_dump_projections (d->store, NULL);
  g_autofree char *dump_after = NULL;
  gint64 n = aj_store_count_events (d->store);
  char *event_id = aj_hazard_step (d->store, u, hazard_id, step, in, &error);

  g_assert_null (event_id);
  g_assert_error (error, AJ_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpint (aj_store_count_events (d->store), ==, n);
  after = status_of (d, hazard_id);
  g_assert_cmpstr (after, ==, before);
  dump_after = aj_store_dump_projections (d->store, NULL);
  g_assert_cmpstr (dump_after, ==, dump_before);

  /* What the kiosk offers agrees with what the core refuses. */
  if (code == AJ_ERROR_NOT_ALLOWED)
    {
      g_autoptr(GError) can_error = NULL;
      g_assert_false (aj_hazard_can_step (d->store, u, hazard_id, step, &can_error));
      g_assert_error (can_error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
      g_assert_cmpstr (can_error->message, ==, error->message);
    }
  return g_strdup (error->message);
}

/* Refused because of who asks or where the hazard stands: the message names
 * the step or the status. */
static void
refused_naming (Device            *d,
                const char        *user_id,
                const char        *hazard_id,
                AjHazardStep       step,
                const AjStepInput *in)
{
  g_autofree char *status = status_of (d, hazard_id);
  g_autofree char *message = step_refused (d, user_id, hazard_id, step, in, AJ_ERROR_NOT_ALLOWED);

  if (strstr (message, aj_step_label (step)) == NULL &&
      strstr (message, aj_hazard_status_label (status)) == NULL)
    g_error ("“%s” names neither the step “%s” nor the status “%s”",
             message, aj_step_label (step), aj_hazard_status_label (status));
}

/* Refused because the input lacks something: the message names it. */
static void
invalid_naming (Device            *d,
                const char        *user_id,
                const char        *hazard_id,
                AjHazardStep       step,
                const AjStepInput *in,
                const char        *what)
{
  g_autofree char *message = step_refused (d, user_id, hazard_id, step, in, AJ_ERROR_INVALID);
  g_autofree char *lower = g_utf8_strdown (message, -1);

  if (strstr (lower, what) == NULL)
    g_error ("“%s” does not mention %s", message, what);
}

/* The projection is a function of the log: a rebuild gives the same rows. */
static void
assert_rebuild_same (Device *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = aj_store_dump_projections (d->store, &error);
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  g_assert_true (aj_store_rebuild_projections (d->store, &error));
  g_assert_no_error (error);
  after = aj_store_dump_projections (d->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, before);
}

static const char * const one_photo[] = { PHOTO_1, NULL };
static const char * const two_photos[] = { PHOTO_1, PHOTO_2, NULL };
static const char * const no_photos[] = { NULL };
static const char * const bad_photo[] = { "not-a-sha256", NULL };
static const char * const upper_photo[] = { "0F343B0931126A20F133D67C2B018A3B5E4C1C6F5FD2B1E5A4A3B0C3D2E1F001", NULL };

static const AjStepInput full_order = {
  .measures = "Remove the chain; fit a panic bar",
  .responsible = "Li Chunmei",
  .deadline = "2030-01-31",
  .funds = "3000 yuan from the maintenance budget",
  .contingency_plan = "Night staff hold the key until the panic bar is fitted",
};

/* Before its inspection is finished a hazard is still being written: only a
 * general hazard fixed on the spot (当场整改) may be recorded. */
static void
test_steps_before_finish (Device        *d,
                          gconstpointer  test_data)
{
  g_autofree char *inspection = start_inspection (d, INSPECTOR, "field");
  g_autofree char *major = record (d, INSPECTOR, inspection, "EC-FIRE-01", "major");
  g_autofree char *general = record (d, INSPECTOR, inspection, "EC-FIRE-02", "general");
  AjStepInput fixed = { .note = "Bulb replaced while we were there", .photos = one_photo };
  AjStepInput verdict = { .accepted = TRUE, .opinion = "Fine" };
  AjStepInput reopen = { .reason = "Found again" };
  g_autofree char *message = NULL;
  g_autofree char *event = NULL;

  g_test_summary ("Before its inspection is finished a hazard may only be fixed on the spot (general, with "
                  "note and photo); orders and verdicts wait");

  {
    g_autofree char *s1 = status_of (d, major);
    g_autofree char *s2 = status_of (d, general);
    g_assert_cmpstr (s1, ==, "found");
    g_assert_cmpstr (s2, ==, "found");
  }

  /* The order waits for the end of the inspection, whoever gives it. */
  message = step_refused (d, INSPECTOR, major, AJ_STEP_ORDER, &full_order, AJ_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (message, "inspection"));
  g_clear_pointer (&message, g_free);
  message = step_refused (d, ADMIN, general, AJ_STEP_ORDER, &full_order, AJ_ERROR_NOT_ALLOWED);
  g_clear_pointer (&message, g_free);

  /* Steps that do not follow from "found" name the step or the status. */
  for (guint i = 0; i < 2; i++)
    {
      const char *h = i == 0 ? major : general;
      refused_naming (d, INSPECTOR, h, AJ_STEP_VERIFY, &verdict);
      refused_naming (d, INSPECTOR, h, AJ_STEP_CLOSE, NULL);
      refused_naming (d, INSPECTOR, h, AJ_STEP_REOPEN, &reopen);
    }
  /* A major hazard is never fixed on the spot, not even by the inspector. */
  refused_naming (d, INSPECTOR, major, AJ_STEP_RECTIFY, &fixed);
  refused_naming (d, STAFF, major, AJ_STEP_RECTIFY, &fixed);
  refused_naming (d, ADMIN, major, AJ_STEP_RECTIFY, &fixed);

  /* On-the-spot rectification still needs its evidence. */
  {
    AjStepInput no_note = { .photos = one_photo };
    AjStepInput no_photo = { .note = "Bulb replaced" };
    invalid_naming (d, INSPECTOR, general, AJ_STEP_RECTIFY, &no_note, "what was done");
    invalid_naming (d, INSPECTOR, general, AJ_STEP_RECTIFY, &no_photo, "photo");
  }

  /* ...and with it, the inspector records it. */
  event = step_ok (d, INSPECTOR, general, AJ_STEP_RECTIFY, &fixed, "rectified");
  assert_col (d, general, "rectified_note", "Bulb replaced while we were there");
  assert_col_set (d, general, "rectified_at");
  assert_col (d, general, "ordered_at", NULL);
  assert_col (d, general, "measures", "");

  /* Verifying it still waits for the end of the inspection. */
  g_clear_pointer (&message, g_free);
  message = step_refused (d, INSPECTOR, general, AJ_STEP_VERIFY, &verdict, AJ_ERROR_NOT_ALLOWED);

  /* Once the inspection is finished, the loop goes on. */
  finish_inspection (d, INSPECTOR, inspection);
  g_free (step_ok (d, INSPECTOR, general, AJ_STEP_VERIFY, &verdict, "verified"));
  g_free (step_ok (d, INSPECTOR, general, AJ_STEP_CLOSE, NULL, "closed"));
  g_free (step_ok (d, INSPECTOR, major, AJ_STEP_ORDER, &full_order, "rectification_ordered"));
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, general), ==, 0);
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, major), ==, 0);
}

/* A major hazard of a field inspection at DLX001 around the whole loop. */
static void
test_closed_loop_major (Device        *d,
                        gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = start_inspection (d, INSPECTOR, "field");
  g_autofree char *hazard = record (d, INSPECTOR, inspection, "EC-FIRE-01", "major");
  g_autofree char *e_order = NULL, *e_rect1 = NULL, *e_reject = NULL, *e_rect2 = NULL;
  g_autofree char *e_accept = NULL, *e_close = NULL, *e_reopen = NULL;
  g_autofree char *ordered_at = NULL;
  g_autoptr(AjHazard) loaded = NULL;

  g_test_summary ("A major hazard goes found, ordered, rectified, verified, closed and reopened with the "
                  "right people, inputs and columns; the projection is a function of the log");

  finish_inspection (d, INSPECTOR, inspection);

  /* Ordering: content, responsibility and deadline always... */
  {
    AjStepInput in = full_order;
    in.measures = NULL;
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "measures");
    in.measures = "   ";
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "measures");
    in = full_order;
    in.responsible = "";
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "responsible");
    in = full_order;
    in.deadline = NULL;
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "deadline");
    for (guint i = 0; i < 9; i++)
      {
        /* Only YYYY-MM-DD: the ledger and the server compare deadlines as text. */
        static const char * const bad_dates[] = {
          "2030-13-45", "2030-02-30", "31/01/2030", "2030-1-31", "next week",
          "01/31/2030", "2030/01/31", "2030.01.31", "2030 01 31",
        };
        in.deadline = bad_dates[i];
        invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "deadline");
      }
    /* ...and for a major hazard the "five in place": funds and a plan too. */
    in = full_order;
    in.funds = NULL;
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "funds");
    in.funds = " ";
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "funds");
    in = full_order;
    in.contingency_plan = "";
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &in, "contingency plan");
    g_free (step_refused (d, INSPECTOR, hazard, AJ_STEP_ORDER, NULL, AJ_ERROR_INVALID));
  }
  /* The institution does not order its own rectification after a field inspection. */
  refused_naming (d, HEAD, hazard, AJ_STEP_ORDER, &full_order);
  refused_naming (d, STAFF, hazard, AJ_STEP_ORDER, &full_order);
  refused_naming (d, OTHER_HEAD, hazard, AJ_STEP_ORDER, &full_order);
  /* Nothing else follows from "found" for a major hazard. */
  {
    AjStepInput in = { .note = "Done", .photos = one_photo };
    refused_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &in);
  }

  e_order = step_ok (d, INSPECTOR, hazard, AJ_STEP_ORDER, &full_order, "rectification_ordered");
  assert_col (d, hazard, "measures", full_order.measures);
  assert_col (d, hazard, "responsible", full_order.responsible);
  assert_col (d, hazard, "deadline", full_order.deadline);
  assert_col (d, hazard, "funds", full_order.funds);
  assert_col (d, hazard, "contingency_plan", full_order.contingency_plan);
  assert_col_set (d, hazard, "ordered_at");
  ordered_at = col (d, hazard, "ordered_at");
  assert_col (d, hazard, "rectified_note", "");
  assert_col (d, hazard, "verification", "");
  assert_col (d, hazard, "closed_at", NULL);
  g_assert_cmpint (rejections (d, hazard), ==, 0);

  /* Ordered twice is refused: the order stands. */
  refused_naming (d, ADMIN, hazard, AJ_STEP_ORDER, &full_order);

  /* Rectifying: the institution's own people only, with a note and photos. */
  {
    AjStepInput in = { .note = "Chain removed, panic bar ordered", .photos = one_photo };
    AjStepInput bad = in;

    refused_naming (d, OTHER_STAFF, hazard, AJ_STEP_RECTIFY, &in);
    refused_naming (d, OTHER_HEAD, hazard, AJ_STEP_RECTIFY, &in);
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_RECTIFY, &in);
    refused_naming (d, ADMIN, hazard, AJ_STEP_RECTIFY, &in);
    bad.note = NULL;
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "what was done");
    bad.note = "\t\n";
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "what was done");
    bad = in;
    bad.photos = NULL;
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "photo");
    bad.photos = no_photos;
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "photo");
    bad.photos = bad_photo;
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "photo");
    bad.photos = upper_photo;
    invalid_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &bad, "photo");

    /* Verify and close do not jump ahead. */
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL);

    e_rect1 = step_ok (d, STAFF, hazard, AJ_STEP_RECTIFY, &in, "rectified");
    assert_col (d, hazard, "rectified_note", "Chain removed, panic bar ordered");
    assert_col_set (d, hazard, "rectified_at");
    assert_col (d, hazard, "measures", full_order.measures);
    assert_col (d, hazard, "funds", full_order.funds);
    g_assert_cmpint (rejections (d, hazard), ==, 0);

    /* The photos travel in the event. */
    {
      g_autoptr(GPtrArray) events = aj_store_list_events (d->store, hazard, &error);
      AjEvent *last = g_ptr_array_index (events, events->len - 1);
      g_assert_nonnull (strstr (last->body, PHOTO_1));
    }
  }

  /* Verifying: not the institution after a field inspection; a rejection
   * needs its reason. */
  {
    AjStepInput reject = { .accepted = FALSE, .opinion = NULL };

    refused_naming (d, STAFF, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
    refused_naming (d, HEAD, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL);
    refused_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "Again", .photos = one_photo });
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &reject, "reason");
    reject.opinion = "  ";
    invalid_naming (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &reject, "reason");

    reject.opinion = "The door is still chained at night";
    e_reject = step_ok (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &reject, "rejected");
    assert_col (d, hazard, "verification", "The door is still chained at night");
    assert_col_set (d, hazard, "verified_at");
    g_assert_cmpint (rejections (d, hazard), ==, 1);
    /* The order stands as it was. */
    assert_col (d, hazard, "measures", full_order.measures);
    assert_col (d, hazard, "ordered_at", ordered_at);
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL);
    refused_naming (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
  }

  /* Rectified again, this time by the head, and accepted. */
  {
    AjStepInput in = { .note = "Panic bar fitted, chain gone", .photos = two_photos };
    AjStepInput accept = { .accepted = TRUE, .opinion = "Door opens from inside" };

    e_rect2 = step_ok (d, HEAD, hazard, AJ_STEP_RECTIFY, &in, "rectified");
    assert_col (d, hazard, "rectified_note", "Panic bar fitted, chain gone");
    g_assert_cmpint (rejections (d, hazard), ==, 1);

    e_accept = step_ok (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &accept, "verified");
    assert_col (d, hazard, "verification", "Door opens from inside");
    g_assert_cmpint (rejections (d, hazard), ==, 1);
    assert_col (d, hazard, "closed_at", NULL);
  }

  /* Struck off (销号) by the department, not by the institution. */
  refused_naming (d, HEAD, hazard, AJ_STEP_CLOSE, NULL);
  refused_naming (d, STAFF, hazard, AJ_STEP_CLOSE, NULL);
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_REOPEN, &(AjStepInput) { .reason = "Too early" });
  e_close = step_ok (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL, "closed");
  assert_col_set (d, hazard, "closed_at");
  loaded = aj_hazard_load (d->store, hazard);
  g_assert_cmpstr (aj_hazard_get_status (loaded), ==, "closed");
  g_assert_nonnull (aj_hazard_get_closed_at (loaded));
  g_clear_object (&loaded);
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL);
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &full_order);

  /* Reopened when found again, with a reason, by the department. */
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REOPEN, NULL, "reason");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REOPEN, &(AjStepInput) { .reason = " " }, "reason");
  refused_naming (d, HEAD, hazard, AJ_STEP_REOPEN, &(AjStepInput) { .reason = "Chained again" });
  e_reopen = step_ok (d, ADMIN, hazard, AJ_STEP_REOPEN, &(AjStepInput) { .reason = "Chained again on the follow-up visit" },
                      "reopened");
  assert_col (d, hazard, "closed_at", NULL);
  g_assert_cmpint (rejections (d, hazard), ==, 1);
  loaded = aj_hazard_load (d->store, hazard);
  g_assert_cmpstr (aj_hazard_get_status (loaded), ==, "reopened");
  g_assert_null (aj_hazard_get_closed_at (loaded));
  g_clear_object (&loaded);
  /* A reopened major hazard goes round again through an order. */
  refused_naming (d, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "x", .photos = one_photo });

  /* Each step was one event, in the order taken, and none conflicted. */
  {
    g_autoptr(GPtrArray) events = aj_store_list_events (d->store, hazard, &error);
    const char *ids[] = { e_order, e_rect1, e_reject, e_rect2, e_accept, e_close, e_reopen };
    const AjHazardStep steps[] = {
      AJ_STEP_ORDER, AJ_STEP_RECTIFY, AJ_STEP_VERIFY, AJ_STEP_RECTIFY, AJ_STEP_VERIFY, AJ_STEP_CLOSE, AJ_STEP_REOPEN,
    };

    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 1 + G_N_ELEMENTS (ids));
    g_assert_cmpstr (((AjEvent *) g_ptr_array_index (events, 0))->type, ==, "hazard.found");
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        AjEvent *ev = g_ptr_array_index (events, i + 1);
        g_assert_cmpstr (ev->id, ==, ids[i]);
        g_assert_cmpstr (ev->type, ==, aj_step_event_type (steps[i]));
        g_assert_cmpstr (ev->subject, ==, hazard);
      }
  }
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, hazard), ==, 0);
  g_assert_true (aj_store_verify_chain (d->store, aj_store_get_device_id (d->store), &error));
  g_assert_no_error (error);

  assert_rebuild_same (d);
}

/* A general hazard needs no funds or plan; after a field inspection it is
 * still the department that orders it. */
static void
test_order_general (Device        *d,
                    gconstpointer  test_data)
{
  g_autofree char *inspection = start_inspection (d, INSPECTOR, "field");
  g_autofree char *hazard = record (d, INSPECTOR, inspection, "EC-FIRE-02", "general");
  AjStepInput in = { .measures = "Replace the bulb", .responsible = "Li Chunmei", .deadline = "2030-02-28" };

  g_test_summary ("A general hazard is ordered without funds or plan, by the department after a field "
                  "inspection");

  finish_inspection (d, INSPECTOR, inspection);
  g_free (step_ok (d, ADMIN, hazard, AJ_STEP_ORDER, &in, "rectification_ordered"));
  assert_col (d, hazard, "funds", "");
  assert_col (d, hazard, "contingency_plan", "");
  assert_col (d, hazard, "deadline", "2030-02-28");
}

/* What the institution's own staff found in a self-inspection, its head may
 * order and verify; closing stays with the department. */
static void
test_self_inspection (Device        *d,
                      gconstpointer  test_data)
{
  g_autofree char *inspection = start_inspection (d, STAFF, "self");
  g_autofree char *hazard = record (d, STAFF, inspection, "EC-FIRE-01", "major");

  g_test_summary ("In a self-inspection the institution's head orders and verifies; closing stays with the "
                  "department");

  refused_naming (d, HEAD, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "x", .photos = one_photo });
  g_free (step_refused (d, HEAD, hazard, AJ_STEP_ORDER, &full_order, AJ_ERROR_NOT_ALLOWED));
  finish_inspection (d, STAFF, inspection);

  refused_naming (d, STAFF, hazard, AJ_STEP_ORDER, &full_order);
  refused_naming (d, OTHER_HEAD, hazard, AJ_STEP_ORDER, &full_order);
  g_free (step_ok (d, HEAD, hazard, AJ_STEP_ORDER, &full_order, "rectification_ordered"));
  g_free (step_ok (d, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "Chain removed", .photos = one_photo },
                   "rectified"));
  refused_naming (d, STAFF, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
  refused_naming (d, OTHER_HEAD, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE });
  g_free (step_ok (d, HEAD, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE }, "verified"));
  assert_col (d, hazard, "verification", "");
  refused_naming (d, HEAD, hazard, AJ_STEP_CLOSE, NULL);
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL, "closed"));
}

static void
test_unknown_hazard_and_user (Device        *d,
                              gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = user (d, INSPECTOR);
  g_autofree char *missing = aj_uuid7_new ();
  g_autofree char *inspection = start_inspection (d, INSPECTOR, "field");
  g_autofree char *hazard = record (d, INSPECTOR, inspection, "EC-FIRE-02", "general");
  gint64 n = aj_store_count_events (d->store);

  g_test_summary ("A step on an unknown hazard, or by nobody, is refused and records nothing");

  g_assert_null (aj_hazard_step (d->store, inspector, missing, AJ_STEP_CLOSE, NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);

  g_assert_null (aj_hazard_step (d->store, NULL, hazard, AJ_STEP_RECTIFY,
                                 &(AjStepInput) { .note = "x", .photos = one_photo }, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_cmpint (aj_store_count_events (d->store), ==, n);
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, hazard), ==, 0);
}

/* The same hazard verified on two devices at once */

static void
copy_events (Device *from,
             Device *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_device_events (from->store, aj_store_get_device_id (from->store), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      gboolean inserted = FALSE;

      g_assert_true (aj_store_insert_remote (to->store, g_ptr_array_index (events, i), FALSE, &inserted, NULL, &error));
      g_assert_no_error (error);
    }
}

static AjEvent *
find_event (Device     *d,
            const char *subject,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = aj_store_list_events (d->store, subject, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      if (g_str_equal (ev->id, id))
        return aj_event_copy (ev);
    }
  g_error ("event %s not found", id);
  return NULL;
}

static void
insert_one (Device        *d,
            const AjEvent *ev)
{
  g_autoptr(GError) error = NULL;
  gboolean inserted = FALSE;

  g_assert_true (aj_store_insert_remote (d->store, ev, FALSE, &inserted, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (inserted);
}

/* (hlc, device_id, id): the order in which projections apply events. */
static int
event_order (const AjEvent *a,
             const AjEvent *b)
{
  int c;

  if (a->hlc != b->hlc)
    return a->hlc < b->hlc ? -1 : 1;
  if ((c = strcmp (a->device_id, b->device_id)) != 0)
    return c;
  return strcmp (a->id, b->id);
}

/* @test_data is TRUE when the acceptance is the earlier of the two verdicts. */
static void
test_concurrent_verify (TwoDevices    *t,
                        gconstpointer  test_data)
{
  gboolean accept_first = GPOINTER_TO_INT (test_data);
  Device *a = &t->a;
  Device *b = &t->b;
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = start_inspection (a, INSPECTOR, "field");
  g_autofree char *hazard = record (a, INSPECTOR, inspection, "EC-FIRE-01", "major");
  g_autofree char *id_accept = NULL, *id_reject = NULL;
  g_autoptr(AjEvent) ev_accept = NULL;
  g_autoptr(AjEvent) ev_reject = NULL;
  g_autofree char *dump_a = NULL, *dump_b = NULL, *rebuilt_a = NULL, *rebuilt_b = NULL;
  const AjEvent *winner, *loser;
  AjStepInput accept = { .accepted = TRUE, .opinion = "Accepted on tablet A" };
  AjStepInput reject = { .accepted = FALSE, .opinion = "Rejected on tablet B: still chained" };

  g_test_summary ("The same hazard verified on two devices at once: both verdicts kept, the earlier wins "
                  "everywhere whatever the arrival order, the later counts as a conflict");

  finish_inspection (a, INSPECTOR, inspection);
  g_free (step_ok (a, INSPECTOR, hazard, AJ_STEP_ORDER, &full_order, "rectification_ordered"));
  g_free (step_ok (a, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "Chain removed", .photos = one_photo },
                   "rectified"));

  /* Device B holds the same hazard. */
  copy_events (a, b);
  {
    g_autofree char *s = status_of (b, hazard);
    g_autofree char *da = aj_store_dump_projections (a->store, NULL);
    g_autofree char *db = aj_store_dump_projections (b->store, NULL);
    g_assert_cmpstr (s, ==, "rectified");
    g_assert_cmpstr (da, ==, db);
  }
  g_assert_cmpstr (aj_store_get_device_id (a->store), !=, aj_store_get_device_id (b->store));

  /* Offline, each verifies; the one that goes first goes first in time. */
  if (accept_first)
    {
      id_accept = step_ok (a, INSPECTOR, hazard, AJ_STEP_VERIFY, &accept, "verified");
      g_usleep (5 * 1000);
      id_reject = step_ok (b, ADMIN, hazard, AJ_STEP_VERIFY, &reject, "rejected");
    }
  else
    {
      id_reject = step_ok (b, ADMIN, hazard, AJ_STEP_VERIFY, &reject, "rejected");
      g_usleep (5 * 1000);
      id_accept = step_ok (a, INSPECTOR, hazard, AJ_STEP_VERIFY, &accept, "verified");
    }
  ev_accept = find_event (a, hazard, id_accept);
  ev_reject = find_event (b, hazard, id_reject);
  if (event_order (ev_accept, ev_reject) < 0)
    winner = ev_accept, loser = ev_reject;
  else
    winner = ev_reject, loser = ev_accept;
  g_assert_true (winner == (accept_first ? ev_accept : ev_reject));

  /* They meet again: each gets the other's step. */
  insert_one (a, ev_reject);
  insert_one (b, ev_accept);

  for (guint i = 0; i < 2; i++)
    {
      Device *d = i == 0 ? a : b;
      g_autofree char *status = status_of (d, hazard);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      /* Both steps stay in the log (find_event fails otherwise). */
      aj_event_free (find_event (d, hazard, id_accept));
      aj_event_free (find_event (d, hazard, id_reject));
      /* The earlier one decides; the later one is a conflict. */
      g_assert_cmpuint (aj_hazard_count_conflicts (d->store, hazard), ==, 1);
      stmt = aj_db_prepare (aj_store_get_db (d->store),
                            "SELECT event_id, type, status_was, author FROM hazard_conflicts WHERE hazard_id = ?",
                            &error);
      g_assert_no_error (error);
      aj_db_bind_text (stmt, 1, hazard);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr (aj_db_col_text (stmt, 0), ==, loser->id);
      g_assert_cmpstr (aj_db_col_text (stmt, 1), ==, "hazard.verified");
      g_assert_cmpstr (aj_db_col_text (stmt, 2), ==, winner == ev_accept ? "verified" : "rejected");
      g_assert_cmpstr (aj_db_col_text (stmt, 3), ==, loser->author);

      if (winner == ev_accept)
        {
          g_assert_cmpstr (status, ==, "verified");
          g_assert_cmpint (rejections (d, hazard), ==, 0);
          assert_col (d, hazard, "verification", accept.opinion);
        }
      else
        {
          g_assert_cmpstr (status, ==, "rejected");
          g_assert_cmpint (rejections (d, hazard), ==, 1);
          assert_col (d, hazard, "verification", reject.opinion);
        }
      g_assert_true (aj_store_verify_chain (d->store, aj_store_get_device_id (a->store), &error));
      g_assert_no_error (error);
      g_assert_true (aj_store_verify_chain (d->store, aj_store_get_device_id (b->store), &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (aj_store_count_events (a->store), ==, aj_store_count_events (b->store));

  dump_a = aj_store_dump_projections (a->store, &error);
  g_assert_no_error (error);
  dump_b = aj_store_dump_projections (b->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dump_a, ==, dump_b);

  /* A rebuild from the log agrees, on both. */
  g_assert_true (aj_store_rebuild_projections (a->store, &error));
  g_assert_no_error (error);
  g_assert_true (aj_store_rebuild_projections (b->store, &error));
  g_assert_no_error (error);
  rebuilt_a = aj_store_dump_projections (a->store, &error);
  rebuilt_b = aj_store_dump_projections (b->store, &error);
  g_assert_cmpstr (rebuilt_a, ==, dump_a);
  g_assert_cmpstr (rebuilt_b, ==, dump_a);

  /* Receiving the same events again changes nothing. */
  {
    gboolean inserted = TRUE;
    g_autofree char *again = NULL;

    g_assert_true (aj_store_insert_remote (a->store, ev_reject, FALSE, &inserted, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (inserted);
    again = aj_store_dump_projections (a->store, &error);
    g_assert_cmpstr (again, ==, dump_a);
  }

  /* The loop goes on from the winner's state, on either device. */
  if (winner == ev_accept)
    g_free (step_ok (b, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL, "closed"));
  else
    g_free (step_ok (b, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "Really removed", .photos = one_photo },
                     "rectified"));
}

static char *
ordered_hazard (Device     *d,
                const char *grade)
{
  g_autofree char *inspection = start_inspection (d, INSPECTOR, "field");
  char *hazard = record (d, INSPECTOR, inspection, "EC-FIRE-01", grade);

  finish_inspection (d, INSPECTOR, inspection);
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_ORDER, &full_order, "rectification_ordered"));
  return hazard;
}

static void
test_escalation_days_of_the_department (Device        *d,
                                        gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard_id = ordered_hazard (d, "general");   /* deadline 2030-01-31 */
  g_autoptr(AjHazard) hazard = aj_hazard_load (d->store, hazard_id);
  const char *eleven_days_late = "2030-02-11";
  g_autoptr(GListModel) before = NULL;
  g_autoptr(GListModel) after = NULL;

  g_test_summary ("The escalation list judges each hazard with N of its home's department: eleven days overdue "
                  "is not listed under the sample's 15 days, and is once 东林县民政局 sets 10");

  g_assert_cmpint (aj_hazard_escalation_days (d->store, hazard), ==, 15);
  before = aj_hazard_list_escalation (d->store, NULL, eleven_days_late, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (before), ==, 0);

  aj_db_exec (aj_store_get_db (d->store), "UPDATE departments SET escalation_overdue_days = 10 WHERE id = 'dep-dl'",
              &error);
  g_assert_no_error (error);
  g_assert_cmpint (aj_hazard_escalation_days (d->store, hazard), ==, 10);
  after = aj_hazard_list_escalation (d->store, NULL, eleven_days_late, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (after), ==, 1);
  g_assert_cmpstr (aj_hazard_escalation_due (hazard, eleven_days_late, 10, NULL), ==, "county");
}

static void
test_extension_and_new_order (Device        *d,
                              gconstpointer  test_data)
{
  g_autofree char *hazard = ordered_hazard (d, "major");
  AjStepInput ask = { .deadline = "2030-02-28", .reason = "The panic bar is on back order until mid-February" };
  AjStepInput approve = { .accepted = TRUE, .deadline = "2030-02-28", .opinion = "Agreed; keep the night key" };
  AjStepInput refuse = { .accepted = FALSE };
  AjStepInput rectify = { .note = "Panic bar fitted", .photos = one_photo };
  AjStepInput reject = { .accepted = FALSE, .opinion = "Still chained at night" };
  AjStepInput new_order = full_order;
  g_autoptr(GPtrArray) deadlines = NULL;
  static const char * const want_deadlines[] = { "2030-01-31", "2030-02-28", "2030-04-30" };
  static const char * const want_how[] = { "ordered", "extended", "ordered" };

  g_test_summary ("An extension asked for by the home and decided by an inspector moves the deadline, once at a "
                  "time; after a rejected verification a new order sets a new deadline; every deadline is kept");

  /* Asking: the home's people (or an inspector), a later date, a reason. */
  refused_naming (d, OTHER_STAFF, hazard, AJ_STEP_REQUEST_EXTENSION, &ask);
  invalid_naming (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION, &(AjStepInput) { .deadline = "2030-02-28" }, "reason");
  invalid_naming (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION, &(AjStepInput) { .reason = "x" }, "deadline");
  invalid_naming (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION,
                  &(AjStepInput) { .deadline = "28/02/2030", .reason = "x" }, "deadline");
  invalid_naming (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION,
                  &(AjStepInput) { .deadline = "2030-01-31", .reason = "x" }, "after the current deadline");
  /* Nothing to decide yet. */
  g_free (step_refused (d, INSPECTOR, hazard, AJ_STEP_DECIDE_EXTENSION, &approve, AJ_ERROR_NOT_ALLOWED));

  g_free (step_ok (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION, &ask, "rectification_ordered"));
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (d->store), "SELECT extension_pending FROM hazards WHERE id = ?",
                                    hazard, -1), ==, 1);
  assert_col (d, hazard, "extension_deadline", "2030-02-28");
  assert_col (d, hazard, "deadline", "2030-01-31");
  /* Once at a time. */
  g_free (step_refused (d, HEAD, hazard, AJ_STEP_REQUEST_EXTENSION, &ask, AJ_ERROR_NOT_ALLOWED));

  /* Deciding: an inspector only; the home does not approve its own extension. */
  refused_naming (d, STAFF, hazard, AJ_STEP_DECIDE_EXTENSION, &approve);
  refused_naming (d, HEAD, hazard, AJ_STEP_DECIDE_EXTENSION, &approve);
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_DECIDE_EXTENSION, &(AjStepInput) { .accepted = TRUE }, "deadline");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_DECIDE_EXTENSION, &refuse, "reason");
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_DECIDE_EXTENSION, &approve, "rectification_ordered"));
  assert_col (d, hazard, "deadline", "2030-02-28");
  assert_col (d, hazard, "extension_deadline", NULL);
  g_assert_cmpint (aj_db_query_int (aj_store_get_db (d->store), "SELECT extension_pending FROM hazards WHERE id = ?",
                                    hazard, -1), ==, 0);

  /* A second request, refused: the deadline stands. */
  g_free (step_ok (d, HEAD, hazard, AJ_STEP_REQUEST_EXTENSION,
                   &(AjStepInput) { .deadline = "2030-06-30", .reason = "Budget" }, "rectification_ordered"));
  refuse.opinion = "Interim measures are not enough for a chained exit";
  g_free (step_ok (d, ADMIN, hazard, AJ_STEP_DECIDE_EXTENSION, &refuse, "rectification_ordered"));
  assert_col (d, hazard, "deadline", "2030-02-28");

  /* Rectified, rejected: 整改未通过; then a new order with a new deadline. */
  g_free (step_ok (d, STAFF, hazard, AJ_STEP_RECTIFY, &rectify, "rectified"));
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_ORDER, &full_order);
  refused_naming (d, STAFF, hazard, AJ_STEP_REQUEST_EXTENSION, &ask);
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &reject, "rejected"));
  refused_naming (d, STAFF, hazard, AJ_STEP_ORDER, &full_order);
  new_order.deadline = "2030-04-30";
  new_order.measures = "Remove the chain today; fit the panic bar";
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_ORDER, &new_order, "rectification_ordered"));
  assert_col (d, hazard, "deadline", "2030-04-30");
  assert_col (d, hazard, "measures", new_order.measures);

  deadlines = aj_hazard_list_deadlines (d->store, hazard);
  g_assert_cmpuint (deadlines->len, ==, G_N_ELEMENTS (want_deadlines));
  for (guint i = 0; i < deadlines->len; i++)
    {
      AjDeadlineChange *c = g_ptr_array_index (deadlines, i);
      g_assert_cmpstr (c->deadline, ==, want_deadlines[i]);
      g_assert_cmpstr (c->how, ==, want_how[i]);
      g_assert_nonnull (c->at);
    }

  /* And the loop closes. */
  g_free (step_ok (d, STAFF, hazard, AJ_STEP_RECTIFY, &rectify, "rectified"));
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE }, "verified"));
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL, "closed"));
  g_assert_cmpuint (aj_hazard_count_conflicts (d->store, hazard), ==, 0);
  assert_rebuild_same (d);
}

static void
test_escalate_and_refer (Device        *d,
                         gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hazard = ordered_hazard (d, "major");
  g_autofree char *general = ordered_hazard (d, "general");
  g_autoptr(GListModel) listed = NULL;
  g_autoptr(AjHazard) loaded = NULL;
  AjStepInput county = { .level = "county", .escalation_reason = "major", .note = "Chained exit" };
  AjStepInput city = { .level = "city", .escalation_reason = "manual" };
  AjStepInput refer = { .to = "东城县消防救援大队", .kind = "fire", .reason = "Fire exit locked: for the fire service" };

  g_test_summary ("督办 and 移送 are an official's steps with their level, reason and department; a level is "
                  "only raised; the escalation list has the escalated and the due hazards");

  /* The list before: the major hazard is due (county, major); the general one is not. */
  listed = aj_hazard_list_escalation (d->store, NULL, "2030-01-31", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 1);
  loaded = g_list_model_get_item (listed, 0);
  g_assert_cmpstr (aj_hazard_get_id (loaded), ==, hazard);
  g_assert_cmpstr (aj_hazard_escalation_due (loaded, "2030-01-31", 0, NULL), ==, "county");
  g_clear_object (&loaded);
  g_clear_object (&listed);
  /* 15 days after the deadline the general one is due as well, not 14. */
  listed = aj_hazard_list_escalation (d->store, NULL, "2030-02-14", 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 1);
  g_clear_object (&listed);
  listed = aj_hazard_list_escalation (d->store, NULL, "2030-02-15", 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 2);
  g_clear_object (&listed);

  refused_naming (d, STAFF, hazard, AJ_STEP_ESCALATE, &county);
  refused_naming (d, HEAD, hazard, AJ_STEP_ESCALATE, &county);
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ESCALATE, &(AjStepInput) { .level = "nation", .escalation_reason = "major" },
                  "level");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ESCALATE, &(AjStepInput) { .level = "city", .escalation_reason = "bored" },
                  "reason");
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_ESCALATE, &county, "rectification_ordered"));
  assert_col (d, hazard, "escalation_level", "county");
  assert_col (d, hazard, "escalation_reason", "major");
  /* Not lowered, not repeated. */
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_ESCALATE, &county, "higher level");
  g_free (step_ok (d, ADMIN, hazard, AJ_STEP_ESCALATE, &city, "rectification_ordered"));
  assert_col (d, hazard, "escalation_level", "city");
  assert_col (d, hazard, "escalation_reason", "manual");

  /* Referral: an official, the department, its kind, a reason. */
  refused_naming (d, HEAD, hazard, AJ_STEP_REFER, &refer);
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REFER, &(AjStepInput) { .kind = "fire", .reason = "x" }, "department");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REFER,
                  &(AjStepInput) { .to = "A\nB", .kind = "fire", .reason = "x" }, "one line");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REFER,
                  &(AjStepInput) { .to = "Fire brigade", .kind = "police", .reason = "x" }, "kind");
  invalid_naming (d, INSPECTOR, hazard, AJ_STEP_REFER, &(AjStepInput) { .to = "Fire brigade", .kind = "fire" },
                  "reason");
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_REFER, &refer, "rectification_ordered"));
  assert_col (d, hazard, "referred_to", "东城县消防救援大队");
  assert_col (d, hazard, "referral_kind", "fire");

  loaded = aj_hazard_load (d->store, hazard);
  g_assert_cmpstr (aj_hazard_get_escalation_level (loaded), ==, "city");
  g_assert_cmpstr (aj_hazard_get_referred_to (loaded), ==, "东城县消防救援大队");
  g_clear_object (&loaded);

  /* The escalated one comes first on the list, due or not. */
  listed = aj_hazard_list_escalation (d->store, NULL, "2030-01-31", 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 1);
  loaded = g_list_model_get_item (listed, 0);
  g_assert_cmpstr (aj_hazard_get_id (loaded), ==, hazard);
  g_assert_null (aj_hazard_escalation_due (loaded, "2030-01-31", 0, NULL));
  g_clear_object (&loaded);
  g_clear_object (&listed);

  /* Closed: off the list, no more escalation or referral. */
  g_free (step_ok (d, STAFF, hazard, AJ_STEP_RECTIFY, &(AjStepInput) { .note = "Done", .photos = one_photo }, "rectified"));
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_VERIFY, &(AjStepInput) { .accepted = TRUE }, "verified"));
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_REFER, &refer);
  g_free (step_ok (d, INSPECTOR, hazard, AJ_STEP_CLOSE, NULL, "closed"));
  refused_naming (d, INSPECTOR, hazard, AJ_STEP_ESCALATE, &(AjStepInput) { .level = "province", .escalation_reason = "manual" });
  listed = aj_hazard_list_escalation (d->store, NULL, "2030-01-31", 0, &error);
  g_assert_cmpuint (g_list_model_get_n_items (listed), ==, 0);
  assert_rebuild_same (d);
}

/* Overdue everywhere it is counted: the home page's counts, the ledger's
 * "overdue" filter (by index and by tally), the statistics. */
static void
test_overdue_callers (Device        *d,
                      gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *late = ordered_hazard (d, "major");
  g_autofree char *rectified = ordered_hazard (d, "major");
  g_autofree char *rejected = ordered_hazard (d, "major");
  const char *days[] = { "2030-01-31", "2030-02-01" };   /* the deadline day, the day after */
  const guint want[] = { 0, 2 };
  AjStepInput done = { .note = "Done", .photos = one_photo };

  g_test_summary ("Home counts, the ledger's overdue filter and the statistics count a hazard overdue only when it "
                  "is not rectified by its deadline: rectified and waiting for verification is not, rejected is");

  g_free (step_ok (d, STAFF, rectified, AJ_STEP_RECTIFY, &done, "rectified"));
  g_free (step_ok (d, STAFF, rejected, AJ_STEP_RECTIFY, &done, "rectified"));
  g_free (step_ok (d, INSPECTOR, rejected, AJ_STEP_VERIFY, &(AjStepInput) { .opinion = "No" }, "rejected"));

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      AjHazardCounts counts;
      AjLedgerFilter overdue = { .overdue_only = TRUE };
      AjLedgerFilter overdue_open = { .status = "open", .overdue_only = TRUE };
      g_autoptr(AjLedgerModel) model = aj_ledger_model_new (d->store, &overdue, days[i]);
      g_autofree char *today = aj_today_iso ();
      g_autofree char *year = g_strndup (today, 4);    /* the hazards were found today */
      g_autoptr(AjStatsReport) stats = aj_stats_report (d->store, year, days[i], &error);
      g_autoptr(AjHazard) waiting = aj_hazard_load (d->store, rectified);

      g_assert_true (aj_hazard_count_open (d->store, NULL, days[i], days[i], &counts, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counts.open, ==, 3);
      g_assert_cmpuint (counts.overdue, ==, want[i]);
      g_assert_cmpuint (counts.to_verify, ==, 1);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, want[i]);
      g_assert_cmpuint (aj_ledger_model_count (d->store, &overdue, days[i], &error), ==, want[i]);
      g_assert_cmpuint (aj_ledger_model_count (d->store, &overdue_open, days[i], &error), ==, want[i]);
      g_assert_nonnull (stats);
      g_assert_cmpuint (aj_stats_line_get_overdue (stats->total), ==, want[i]);
      g_assert_false (aj_hazard_is_overdue (waiting, days[i]));
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (model)); j++)
        {
          g_autoptr(AjHazard) h = g_list_model_get_item (G_LIST_MODEL (model), j);
          g_assert_cmpstr (aj_hazard_get_id (h), !=, rectified);
        }
    }
  (void) late;
}

/* Two devices escalate the same hazard offline: the higher level stands
 * whatever the order the events arrive in. */
static void
test_concurrent_escalation (TwoDevices    *t,
                            gconstpointer  test_data)
{
  Device *a = &t->a;
  Device *b = &t->b;
  g_autofree char *hazard = ordered_hazard (a, "major");
  g_autofree char *on_a = NULL, *on_b = NULL;
  g_autoptr(AjEvent) ev_a = NULL;
  g_autoptr(AjEvent) ev_b = NULL;

  g_test_summary ("The same hazard escalated on two devices: the higher level stands on both, and a rebuild agrees");

  copy_events (a, b);
  on_b = step_ok (b, ADMIN, hazard, AJ_STEP_ESCALATE, &(AjStepInput) { .level = "province", .escalation_reason = "manual" },
                  "rectification_ordered");
  g_usleep (5 * 1000);
  on_a = step_ok (a, INSPECTOR, hazard, AJ_STEP_ESCALATE, &(AjStepInput) { .level = "county", .escalation_reason = "major" },
                  "rectification_ordered");
  ev_a = find_event (a, hazard, on_a);
  ev_b = find_event (b, hazard, on_b);
  insert_one (a, ev_b);
  insert_one (b, ev_a);
  assert_col (a, hazard, "escalation_level", "province");
  assert_col (b, hazard, "escalation_level", "province");
  assert_rebuild_same (a);
  assert_rebuild_same (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/lifecycle/next-state-table", test_next_table);
  g_test_add_func ("/lifecycle/step-event-types", test_step_event_types);
  g_test_add_func ("/lifecycle/role-may-table", test_role_may);
  g_test_add_func ("/lifecycle/extension-once-at-a-time", test_extension_ok_table);
  g_test_add_func ("/lifecycle/overdue-means-not-rectified-by-deadline", test_overdue_boundaries);
  g_test_add_func ("/lifecycle/escalation-rule-day-boundaries", test_escalation_boundaries);
  g_test_add ("/lifecycle/escalation-days-of-the-department", Device, NULL, device_setup,
              test_escalation_days_of_the_department, aj_test_store_teardown);
  g_test_add ("/lifecycle/extension-and-new-order-after-rejection", Device, NULL, device_setup,
              test_extension_and_new_order, aj_test_store_teardown);
  g_test_add ("/lifecycle/escalate-and-refer", Device, NULL, device_setup, test_escalate_and_refer,
              aj_test_store_teardown);
  g_test_add ("/lifecycle/rectified-awaiting-verification-not-overdue-anywhere", Device, NULL, device_setup,
              test_overdue_callers, aj_test_store_teardown);
  g_test_add ("/lifecycle/concurrent/escalation-higher-level-stands", TwoDevices, NULL, two_devices_setup,
              test_concurrent_escalation, two_devices_teardown);
  g_test_add ("/lifecycle/steps-before-finish", Device, NULL, device_setup, test_steps_before_finish,
              aj_test_store_teardown);
  g_test_add ("/lifecycle/closed-loop-major", Device, NULL, device_setup, test_closed_loop_major,
              aj_test_store_teardown);
  g_test_add ("/lifecycle/order-general", Device, NULL, device_setup, test_order_general, aj_test_store_teardown);
  g_test_add ("/lifecycle/self-inspection", Device, NULL, device_setup, test_self_inspection, aj_test_store_teardown);
  g_test_add ("/lifecycle/unknown-hazard-or-user", Device, NULL, device_setup, test_unknown_hazard_and_user,
              aj_test_store_teardown);
  g_test_add ("/lifecycle/concurrent/accept-first", TwoDevices, GINT_TO_POINTER (TRUE), two_devices_setup,
              test_concurrent_verify, two_devices_teardown);
  g_test_add ("/lifecycle/concurrent/reject-first", TwoDevices, GINT_TO_POINTER (FALSE), two_devices_setup,
              test_concurrent_verify, two_devices_teardown);

  return g_test_run ();
}
