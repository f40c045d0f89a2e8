/* test-numbering.c: document numbers (文号) and the department behind them:
 * each department numbers per year from the blocks granted to the device;
 * a document keeps its number; a number is never given twice, not after a
 * restart, not after its event was refused; a new year starts at 1; without
 * a granted number left the device's tag makes it unique; the server's
 * check accepts only numbers of the device's own blocks or tag; credit codes
 * are checked with the GB 32100-2015 check character. */
#include "config.h"

#include <string.h>

#include "aj-department.h"
#include "aj-doc-number.h"
#include "aj-error.h"
#include "aj-inspection.h"
#include "aj-numbering.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"

static char *
start (AjTestStore *f,
       const char  *institution)
{
  g_autoptr(GError) error = NULL;
  char *id = aj_inspection_start (f->store, INSPECTOR, institution, "field", f->checklist, &error);

  g_assert_no_error (error);
  return id;
}

static char *
issue (AjTestStore *f,
       const char  *kind,
       const char  *subject,
       const char  *department,
       const char  *today)
{
  g_autoptr(GError) error = NULL;
  const char *team[] = { INSPECTOR, "u-liu-yang", NULL };
  g_autoptr(AjDocumentNumber) n = aj_numbering_issue_on (f->store, INSPECTOR, kind, subject, NULL, department, team,
                                                         today, &error);

  g_assert_no_error (error);
  g_assert_nonnull (n);
  return g_strdup (n->number);
}

static void
test_department_and_credit_codes (AjTestStore   *f,
                                  gconstpointer  data)
{
  g_autoptr(AjDepartment) dl = aj_registry_get_department (f->store, "dep-dl");
  g_autoptr(GListModel) institutions = aj_registry_list_institutions (f->store, NULL);
  g_autoptr(GError) error = NULL;
  int days = 0;
  g_autofree char *seal = NULL;
  const char *real[] = { "91350200776049653A", "91350500798359476R", "123502001549897397", "91350213678251743X" };

  g_test_summary ("The registry's departments are read with their seal text and number prefix; every sample "
                  "institution has a department and a valid credit code; a wrong check character is refused");
  g_assert_nonnull (dl);
  g_assert_cmpstr (aj_department_get_name (dl), ==, "东林县民政局");
  g_assert_cmpstr (aj_department_get_number_prefix (dl), ==, "东民安检");
  g_object_get (dl, "seal-text", &seal, "escalation-overdue-days", &days, NULL);
  g_assert_cmpstr (seal, ==, "东林县民政局");
  g_assert_cmpint (days, ==, 15);
  g_assert_null (aj_registry_get_department (f->store, "dep-none"));
  for (guint i = 0; i < g_list_model_get_n_items (institutions); i++)
    {
      g_autoptr(AjInstitution) inst = g_list_model_get_item (institutions, i);
      g_autoptr(AjDepartment) d = aj_registry_get_department (f->store, aj_institution_get_department (inst));
      g_assert_nonnull (d);
      g_assert_true (aj_credit_code_is_valid (aj_institution_get_credit_code (inst)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (real); i++)
    {
      char wrong[19];
      g_assert_true (aj_credit_code_is_valid (real[i]));
      memcpy (wrong, real[i], 19);
      wrong[17] = wrong[17] == '0' ? '1' : '0';
      g_assert_false (aj_credit_code_is_valid (wrong));
    }
  g_assert_false (aj_credit_code_is_valid ("91350200776049653"));
  g_assert_false (aj_credit_code_is_valid ("9135020077604965IA"));

  /* A registry with a wrong code is refused whole, naming the field. */
  {
    g_autofree char *path = aj_test_data_path ("registry.json", NULL);
    g_autofree char *text = NULL;
    g_autofree char *bad = NULL;
    g_autoptr(AjInstitution) before = aj_registry_get_institution (f->store, "DLX001");
    g_autofree char *code = g_strdup (aj_institution_get_credit_code (before));
    char *at;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    bad = g_strdup (text);
    at = strstr (bad, code);
    g_assert_nonnull (at);
    at[17] = at[17] == '0' ? '1' : '0';
    g_assert_false (aj_registry_import_data (f->store, bad, strlen (bad), "bad", &error));
    g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "credit_code"));
    g_clear_object (&before);
    before = aj_registry_get_institution (f->store, "DLX001");
    g_assert_cmpstr (aj_institution_get_credit_code (before), ==, code);
  }
}

static void
test_per_department_per_year (AjTestStore   *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dl1 = start (f, "DLX001");
  g_autofree char *dl2 = start (f, "DLX002");
  g_autofree char *xh1 = start (f, "XHX001");
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *again = NULL;

  g_test_summary ("Each department numbers its documents 1, 2, … per year from its own blocks; the same "
                  "document issued again keeps its number; the new year starts again at 1");
  g_assert_true (aj_numbering_add_block (f->store, "dep-dl", 2026, 1, 3, &error));
  g_assert_true (aj_numbering_add_block (f->store, "dep-xh", 2026, 41, 45, &error));
  g_assert_true (aj_numbering_add_block (f->store, "dep-dl", 2027, 1, 2, &error));
  g_assert_cmpint (aj_numbering_remaining (f->store, "dep-dl", 2026), ==, 3);

  a = issue (f, "inspection", dl1, "dep-dl", "2026-12-30");
  b = issue (f, "notice", dl1, "dep-dl", "2026-12-30");
  c = issue (f, "inspection", xh1, "dep-xh", "2026-12-31");
  d = issue (f, "inspection", dl2, "dep-dl", "2027-01-02");
  e = issue (f, "notice", dl2, "dep-dl", "2027-01-02");
  again = issue (f, "notice", dl1, "dep-dl", "2027-01-05");
  g_assert_cmpstr (a, ==, "东民安检〔2026〕1号");
  g_assert_cmpstr (b, ==, "东民安检〔2026〕2号");
  g_assert_cmpstr (c, ==, "西民安检〔2026〕41号");
  g_assert_cmpstr (d, ==, "东民安检〔2027〕1号");
  g_assert_cmpstr (e, ==, "东民安检〔2027〕2号");
  g_assert_cmpstr (again, ==, b);
  {
    /* Its issue date stays the day it was first issued. */
    g_autoptr(AjDocumentNumber) n = aj_numbering_lookup (f->store, "notice", dl1, NULL);
    g_assert_cmpstr (n->issued_on, ==, "2026-12-30");
    g_assert_cmpint (n->year, ==, 2026);
    g_assert_cmpint (n->seq, ==, 2);
  }
  g_assert_cmpint (aj_numbering_remaining (f->store, "dep-dl", 2026), ==, 1);
  g_assert_cmpint (aj_numbering_remaining (f->store, "dep-dl", 2027), ==, 0);
}

static void
test_never_reused (AjTestStore   *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *i1 = start (f, "DLX001");
  g_autofree char *i2 = start (f, "DLX002");
  g_autofree char *i3 = start (f, "DLX003");
  g_autofree char *first = NULL, *second = NULL, *third = NULL;
  g_autoptr(GPtrArray) events = NULL;

  g_test_summary ("A number once given is never given again: not after the store is closed and opened, not "
                  "after the server refused the event that gave it and the projections were rebuilt");
  g_assert_true (aj_numbering_add_block (f->store, "dep-dl", 2026, 1, 10, &error));
  first = issue (f, "inspection", i1, "dep-dl", "2026-06-01");

  g_clear_object (&f->store);
  f->store = aj_store_open (f->db_path, &error);
  g_assert_no_error (error);
  second = issue (f, "inspection", i2, "dep-dl", "2026-06-01");
  g_assert_cmpstr (first, ==, "东民安检〔2026〕1号");
  g_assert_cmpstr (second, ==, "东民安检〔2026〕2号");

  /* The server refuses the second's event: its document has no number any
   * more, but 2 may already be on paper. */
  events = aj_store_list_events (f->store, i2, &error);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      if (g_str_equal (ev->type, "document.numbered"))
        g_assert_true (aj_store_mark_refused (f->store, ev->id, "number_not_granted", "test", &error));
    }
  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_null (aj_numbering_lookup (f->store, "inspection", i2, NULL));
  third = issue (f, "inspection", i3, "dep-dl", "2026-06-01");
  g_assert_cmpstr (third, ==, "东民安检〔2026〕3号");
}

static void
test_device_tag_when_none_left (AjTestStore   *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tag = aj_doc_number_device_tag (aj_store_get_device_id (f->store));
  g_autofree char *i1 = start (f, "DLX001");
  g_autofree char *i2 = start (f, "DLX002");
  g_autofree char *i3 = start (f, "DLX003");
  g_autofree char *a = issue (f, "inspection", i1, "dep-dl", "2026-06-01");
  g_autofree char *b = NULL, *c = NULL, *expected_b = NULL, *expected_c = NULL, *parsed_tag = NULL;
  int year = 0;
  gint64 seq = 0;

  g_test_summary ("Offline with no granted number left, a document is numbered with the device's tag and a "
                  "count of its own, which no other device can make");
  /* No block at all: tagged from the first. */
  expected_b = aj_doc_number_format_tagged ("东民安检", 2026, tag, 1);
  g_assert_cmpstr (a, ==, expected_b);
  g_clear_pointer (&expected_b, g_free);
  g_assert_true (aj_numbering_add_block (f->store, "dep-dl", 2026, 7, 7, &error));
  b = issue (f, "inspection", i2, "dep-dl", "2026-06-01");
  c = issue (f, "inspection", i3, "dep-dl", "2026-06-01");
  g_assert_cmpstr (b, ==, "东民安检〔2026〕7号");
  expected_c = aj_doc_number_format_tagged ("东民安检", 2026, tag, 2);
  g_assert_cmpstr (c, ==, expected_c);
  g_assert_true (aj_doc_number_parse (c, "东民安检", &year, &parsed_tag, &seq));
  g_assert_cmpint (year, ==, 2026);
  g_assert_cmpstr (parsed_tag, ==, tag);
  g_assert_cmpint (seq, ==, 2);
  g_clear_pointer (&parsed_tag, g_free);
  g_assert_false (aj_doc_number_parse (c, "西民安检", &year, &parsed_tag, &seq));
}

static JsonObject *
claim (const char *department,
       const char *number,
       gint64      seq)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "kind", "inspection");
  json_object_set_string_member (body, "department", department);
  json_object_set_string_member (body, "number", number);
  json_object_set_int_member (body, "year", 2026);
  if (seq > 0)
    json_object_set_int_member (body, "seq", seq);
  return body;
}

static void
test_server_checks_claims (AjTestStore   *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *me = aj_store_get_device_id (f->store);
  g_autofree char *my_tag = aj_doc_number_device_tag (me);
  g_autofree char *other_tag = aj_doc_number_device_tag ("another-device");
  g_autofree char *mine_tagged = aj_doc_number_format_tagged ("东民安检", 2026, my_tag, 3);
  g_autofree char *theirs_tagged = aj_doc_number_format_tagged ("东民安检", 2026, other_tag, 3);
  g_autofree char *inspection = start (f, "DLX001");
  g_autofree char *given = NULL;
  struct { JsonObject *body; gboolean ok; } cases[] = {
    { claim ("dep-dl", "东民安检〔2026〕3号", 3), TRUE },
    { claim ("dep-dl", "东民安检〔2026〕9号", 9), FALSE },      /* outside the block */
    { claim ("dep-dl", "东民安检〔2026〕3号", 4), FALSE },      /* seq and number disagree */
    { claim ("dep-xh", "西民安检〔2026〕3号", 3), FALSE },      /* not the institution's department */
    { claim ("dep-dl", "西民安检〔2026〕3号", 3), FALSE },      /* another department's prefix */
    { claim ("dep-dl", mine_tagged, 0), TRUE },
    { claim ("dep-dl", theirs_tagged, 0), FALSE },             /* another device's tag */
    { claim ("dep-dl", "东民安检〔2026〕03号", 3), FALSE },
  };

  g_test_summary ("The server accepts a number only from a block granted to the device that claims it, or "
                  "with that device's tag, of the subject's own department, and not one already given");
  g_assert_true (aj_numbering_add_block (f->store, "dep-dl", 2026, 1, 5, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean ok = aj_numbering_check_claim (f->store, me, inspection, cases[i].body, &error);
      if (ok != cases[i].ok)
        g_error ("case %u: %s", i, error ? error->message : "accepted");
      g_clear_error (&error);
      /* Another device holds no block: only its own tag passes. */
      g_assert_true (aj_numbering_check_claim (f->store, "another-device", inspection, cases[i].body, NULL) ==
                     (cases[i].body == cases[6].body));
      json_object_unref (cases[i].body);
    }
  /* Once given, a number is not given to a second document. */
  given = issue (f, "inspection", inspection, "dep-dl", "2026-06-01");
  {
    g_autoptr(JsonObject) same = claim ("dep-dl", given, 1);
    g_autofree char *other = start (f, "DLX002");
    g_assert_false (aj_numbering_check_claim (f->store, me, other, same, &error));
    g_assert_nonnull (strstr (error->message, "already"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/numbering/departments-and-credit-codes", "elder-care.json", test_department_and_credit_codes);
  aj_test_add_with_store ("/numbering/per-department-per-year", "elder-care.json", test_per_department_per_year);
  aj_test_add_with_store ("/numbering/never-reused-after-restart-or-refusal", "elder-care.json", test_never_reused);
  aj_test_add_with_store ("/numbering/device-tag-when-no-number-left", "elder-care.json", test_device_tag_when_none_left);
  aj_test_add_with_store ("/numbering/server-checks-claims", "elder-care.json", test_server_checks_claims);
  return g_test_run ();
}
