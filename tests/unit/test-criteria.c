/* test-criteria.c: the bundled checklists against the major-hazard criteria
 * (data/criteria) and the reference list (data/references.json), the grade
 * rule for criteria that need an outside determination, and the versions a
 * hazard keeps its question from. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-hazard-rules.h"
#include "aj-inspection.h"
#include "aj-reference.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"
#define HOME      "DLX003"      /* an elder-care home in the sample registry */

typedef struct
{
  GPtrArray  *checklists;    /* the newest version of each bundled template */
  JsonParser *parsers[2];
  GHashTable *criteria;      /* id -> JsonObject */
  GHashTable *types_of;      /* id -> GStrv institution types of its standard (borrowed) */
} Bundle;

static const char * const criteria_files[] = { "mz2023-elder-care.json", "mz2024-child-welfare.json" };

static void
bundle_setup (Bundle        *b,
              gconstpointer  data)
{
  g_autofree char *dir = aj_test_data_path ("checklists", NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  b->checklists = aj_checklist_load_dir (dir, problems);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);

  b->criteria = g_hash_table_new (g_str_hash, g_str_equal);
  b->types_of = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint f = 0; f < G_N_ELEMENTS (criteria_files); f++)
    {
      g_autofree char *path = aj_test_data_path ("criteria", criteria_files[f], NULL);
      g_autoptr(GError) error = NULL;
      JsonObject *root;
      JsonArray *list;

      b->parsers[f] = json_parser_new ();
      g_assert_true (json_parser_load_from_file (b->parsers[f], path, &error));
      g_assert_no_error (error);
      root = json_node_get_object (json_parser_get_root (b->parsers[f]));
      g_assert_nonnull (aj_reference_find (json_object_get_string_member (root, "standard")));
      list = json_object_get_array_member (root, "criteria");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *c = json_array_get_object_element (list, i);
          const char *id = json_object_get_string_member (c, "id");

          g_assert_true (g_str_has_prefix (id, json_object_get_string_member (root, "id_prefix")));
          g_assert_false (g_hash_table_contains (b->criteria, id));
          g_hash_table_insert (b->criteria, (gpointer) id, c);
          g_hash_table_insert (b->types_of, (gpointer) id, json_object_get_array_member (root, "institution_types"));
        }
    }
}

static void
bundle_teardown (Bundle        *b,
                 gconstpointer  data)
{
  g_ptr_array_unref (b->checklists);
  g_hash_table_unref (b->criteria);
  g_hash_table_unref (b->types_of);
  for (guint f = 0; f < G_N_ELEMENTS (b->parsers); f++)
    g_clear_object (&b->parsers[f]);
}

static gboolean
checklist_serves (AjChecklist *checklist,
                  JsonArray   *types)
{
  for (guint i = 0; i < json_array_get_length (types); i++)
    if (aj_checklist_is_for_type (checklist, json_array_get_string_element (types, i)))
      return TRUE;
  return FALSE;
}

static void
test_every_criterion_has_an_item (Bundle        *b,
                                  gconstpointer  data)
{
  GHashTableIter iter;
  gpointer id, criterion;
  guint n = 0;

  g_test_summary ("Every criterion of the 2023 elder-care and 2024 child-welfare standards is tested by at least "
                  "one item of a checklist for its kind of institution");

  g_hash_table_iter_init (&iter, b->criteria);
  while (g_hash_table_iter_next (&iter, &id, &criterion))
    {
      JsonArray *types = g_hash_table_lookup (b->types_of, id);
      guint found = 0;

      for (guint c = 0; c < b->checklists->len; c++)
        {
          AjChecklist *checklist = g_ptr_array_index (b->checklists, c);

          if (!checklist_serves (checklist, types))
            continue;
          for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
            if (g_strcmp0 (aj_checklist_get_item (checklist, i)->criterion, id) == 0)
              found++;
        }
      if (found == 0)
        g_test_message ("criterion %s has no item", (const char *) id);
      g_assert_cmpuint (found, >, 0);
      n++;
    }
  g_assert_cmpuint (n, >=, 10);
}

static void
test_every_item_criterion_exists (Bundle        *b,
                                  gconstpointer  data)
{
  guint with_criterion = 0;

  g_test_summary ("The criterion every checklist item names exists, and an item on a criterion that needs an "
                  "outside determination says so");

  for (guint c = 0; c < b->checklists->len; c++)
    {
      AjChecklist *checklist = g_ptr_array_index (b->checklists, c);

      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);
          JsonObject *criterion;

          if (item->criterion == NULL)
            continue;
          criterion = g_hash_table_lookup (b->criteria, item->criterion);
          if (criterion == NULL)
            g_test_message ("%s: unknown criterion %s", item->code, item->criterion);
          g_assert_nonnull (criterion);
          with_criterion++;
          /* A verified criterion that needs a determination: every item on it is marked. */
          if (json_object_get_boolean_member (criterion, "needs_determination"))
            g_assert_true (item->needs_determination);
          /* An item marked on a verified criterion: the criterion says so too. */
          if (item->needs_determination && json_object_get_boolean_member (criterion, "verified"))
            g_assert_true (json_object_get_boolean_member (criterion, "needs_determination"));
        }
    }
  g_assert_cmpuint (with_criterion, >=, 40);
}

static void
test_major_only_with_criterion (Bundle        *b,
                                gconstpointer  data)
{
  g_test_summary ("No item presets a major hazard without a criterion id, nor where the criterion needs a "
                  "determination by an authority or a qualified third party");

  for (guint c = 0; c < b->checklists->len; c++)
    {
      AjChecklist *checklist = g_ptr_array_index (b->checklists, c);

      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);

          if (!item->major_if_no)
            continue;
          if (item->criterion == NULL || item->needs_determination)
            g_test_message ("%s presets major", item->code);
          g_assert_nonnull (item->criterion);
          g_assert_false (item->needs_determination);
        }
    }
}

/* "是否未…", "是否没有…", "是否不…", "是否无…": a "yes" would then mean compliant
 * by a double negative. */
static gboolean
is_negative (const char *question)
{
  const char *negations[] = { "是否未", "是否没有", "是否不", "是否无", "是否均未", "是否均无" };

  for (guint i = 0; i < G_N_ELEMENTS (negations); i++)
    if (strstr (question, negations[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_questions_positive (Bundle        *b,
                         gconstpointer  data)
{
  guint n = 0;

  g_test_summary ("Every Chinese question of every bundled checklist is phrased positively");

  g_assert_true (is_negative ("疏散通道是否未被占用？"));
  g_assert_false (is_negative ("疏散通道是否畅通，没有被占用？"));
  for (guint c = 0; c < b->checklists->len; c++)
    {
      AjChecklist *checklist = g_ptr_array_index (b->checklists, c);

      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++, n++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);

          if (is_negative (item->question_zh))
            g_test_message ("%s: %s", item->code, item->question_zh);
          g_assert_false (is_negative (item->question_zh));
          g_assert_true (g_str_has_suffix (item->question_zh, "？"));
        }
    }
  g_assert_cmpuint (n, >=, 250);
}

static void
test_references_exist_with_number (Bundle        *b,
                                   gconstpointer  data)
{
  const AjReference *order381 = aj_reference_find ("sc-order-381");

  g_test_summary ("Every document an item cites is in the reference list, with its number where its kind needs one; "
                  "a clause is cited only from a document whose text was read");

  g_assert_cmpuint (aj_reference_get_n (), >=, 10);
  for (guint r = 0; r < aj_reference_get_n (); r++)
    {
      const AjReference *ref = aj_reference_get (r);

      g_assert_nonnull (ref->kind);
      g_assert_nonnull (ref->title_en);
      if (aj_reference_kind_needs_number (ref->kind))
        g_assert_nonnull (ref->number);
      if (ref->date != NULL)
        g_assert_true (aj_is_iso_date (ref->date));
    }
  g_assert_nonnull (order381);
  g_assert_cmpstr (order381->title_zh, ==, "城市生活无着的流浪乞讨人员救助管理办法");
  g_assert_cmpstr (order381->number, ==, "国务院令第381号");

  for (guint c = 0; c < b->checklists->len; c++)
    {
      AjChecklist *checklist = g_ptr_array_index (b->checklists, c);

      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);

          g_assert_cmpuint (item->n_citations, >, 0);
          for (guint k = 0; k < item->n_citations; k++)
            {
              const AjReference *ref = aj_reference_find (item->citations[k].ref);

              g_assert_nonnull (ref);
              if (item->citations[k].clause != NULL)
                g_assert_true (ref->verified);
            }
          /* The basis shown is made from the list: the title is in it. */
          g_assert_nonnull (strstr (item->basis_zh, aj_reference_find (item->citations[0].ref)->title_zh));
        }
    }
}

static void
test_standards_by_institution (Bundle        *b,
                               gconstpointer  data)
{
  g_test_summary ("Child-welfare items cite the 2024 child-welfare standard, never the elder-care one; day-care "
                  "items apply the elder-care standard by analogy (参照)");

  for (guint c = 0; c < b->checklists->len; c++)
    {
      AjChecklist *checklist = g_ptr_array_index (b->checklists, c);
      gboolean child = aj_checklist_is_for_type (checklist, "child_welfare");
      gboolean day_care = g_str_equal (aj_checklist_get_id (checklist), "day-care");

      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, i);

          if (child && item->criterion != NULL)
            g_assert_true (g_str_has_prefix (item->criterion, "MZ2024"));
          for (guint k = 0; k < item->n_citations; k++)
            {
              const AjCitation *cite = &item->citations[k];

              if (child)
                g_assert_cmpstr (cite->ref, !=, "mz2023-elder-major");
              if (day_care && (g_str_equal (cite->ref, "mz2023-elder-major") || g_str_equal (cite->ref, "gb38600-2019")))
                g_assert_true (cite->analogy);
            }
          if (day_care && strstr (item->basis_zh, "养老机构重大事故隐患判定标准") != NULL)
            g_assert_nonnull (strstr (item->basis_zh, "参照民政部办公厅《养老机构重大事故隐患判定标准》"));
        }
    }
}

static void
test_citation_text (void)
{
  AjCitation article = { "mz2023-elder-major", "4.2", FALSE };
  AjCitation standard = { "gb38600-2019", NULL, TRUE };
  AjCitation regulation = { "sc-order-381", "7.3", FALSE };
  g_autofree char *a_zh = aj_citation_format (&article, TRUE);
  g_autofree char *a_en = aj_citation_format (&article, FALSE);
  g_autofree char *s_zh = aj_citation_format (&standard, TRUE);
  g_autofree char *r_zh = aj_citation_format (&regulation, TRUE);

  g_test_summary ("A citation reads as offices write it: issuer, title, article and item; a standard by its number; "
                  "参照 where applied by analogy");

  g_assert_cmpstr (a_zh, ==, "民政部办公厅《养老机构重大事故隐患判定标准》第四条第（二）项");
  g_assert_cmpstr (a_en, ==, "Criteria for determining major accident hazards in elder-care institutions, Art. 4(2)");
  g_assert_cmpstr (s_zh, ==, "参照GB 38600-2019《养老机构服务安全基本规范》");
  g_assert_cmpstr (r_zh, ==, "《城市生活无着的流浪乞讨人员救助管理办法》（国务院令第381号）第七条第（三）项");
}

static void
test_merged_basis (void)
{
  /* Four items of one notice: two cite the same article, one another
   * article of the same criteria, one a standard and one the criteria as a
   * whole; one applies the standard by analogy. */
  AjCitation cited[] = {
    { "mz2023-elder-major", "4.2", FALSE },
    { "gb38600-2019", "5.2", FALSE },
    { "mz2023-elder-major", "4.2", FALSE },
    { "mz2023-elder-major", "6.1", FALSE },
    { "mz2023-elder-major", NULL, FALSE },
    { "gb38600-2019", "6.1", FALSE },
    { "gb38600-2019", NULL, TRUE },
  };
  const AjCitation *all[G_N_ELEMENTS (cited)];
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;
  g_autofree char *one = NULL;

  g_test_summary ("The rectification notice's basis names each document once, with every clause cited of it once, "
                  "in the order first cited; a document applied by analogy stays apart");
  for (guint i = 0; i < G_N_ELEMENTS (cited); i++)
    all[i] = &cited[i];
  zh = aj_citations_format_merged (all, G_N_ELEMENTS (all), TRUE);
  en = aj_citations_format_merged (all, G_N_ELEMENTS (all), FALSE);
  g_assert_cmpstr (zh, ==, "民政部办公厅《养老机构重大事故隐患判定标准》第四条第（二）项、第六条第（一）项；"
                           "GB 38600-2019《养老机构服务安全基本规范》 5.2、6.1；"
                           "参照GB 38600-2019《养老机构服务安全基本规范》");
  g_assert_cmpstr (en, ==, "Criteria for determining major accident hazards in elder-care institutions, Art. 4(2), "
                           "Art. 6(1); GB 38600-2019 Basic specification of service safety for senior care organizations, "
                           "5.2, 6.1; By analogy: GB 38600-2019 Basic specification of service safety for senior care "
                           "organizations");
  /* One citation reads as aj_citation_format () writes it. */
  one = aj_citations_format_merged (all, 1, TRUE);
  g_assert_cmpstr (one, ==, "民政部办公厅《养老机构重大事故隐患判定标准》第四条第（二）项");
  g_clear_pointer (&one, g_free);
  one = aj_citations_format_merged (NULL, 0, TRUE);
  g_assert_cmpstr (one, ==, "");
}

static void
test_grade_with_determination (void)
{
  struct { const char *grade; gboolean needs; const char *body, *document, *expected; gboolean pending; } cases[] = {
    { "major", FALSE, NULL, NULL, "major", FALSE },
    { "general", FALSE, NULL, NULL, "general", FALSE },
    { "general", TRUE, NULL, NULL, "general", FALSE },
    { "major", TRUE, NULL, NULL, "general", TRUE },
    { "major", TRUE, "某县消防救援大队", NULL, "general", TRUE },
    { "major", TRUE, NULL, "某消检字〔2026〕3号", "general", TRUE },
    { "major", TRUE, "  ", "　", "general", TRUE },
    { "major", TRUE, "某县消防救援大队", "某消检字〔2026〕3号 2026-11-20", "major", FALSE },
    { "general", TRUE, "某县消防救援大队", "某消检字〔2026〕3号", "general", FALSE },
  };

  g_test_summary ("Where a criterion needs an outside determination, major only with the determining body and its "
                  "document; without them a suspected major hazard is general and pending");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean pending = !cases[i].pending;

      g_assert_cmpstr (aj_grade_with_determination (cases[i].grade, cases[i].needs, cases[i].body, cases[i].document,
                                                    &pending), ==, cases[i].expected);
      g_assert_cmpint (pending, ==, cases[i].pending);
    }
}

/* Hazards recorded on the elder-care home, on the newest checklist. */
static AjHazard *
record (AjTestStore *f,
        const char  *item_code,
        const char  *body,
        const char  *document)
{
  g_autoptr(GError) error = NULL;
  const AjChecklistItem *item = aj_checklist_find_item (f->checklist, item_code, NULL);
  AjHazardDraft draft = {
    .inspection_id = f->inspection,
    .item_code = item_code,
    .category = item->category,
    .description = "燃气报警器未与切断阀联动",
    .risk_level = "orange",
    .grade = "major",
    .criterion = item->criterion,
    .needs_determination = item->needs_determination,
    .determination_body = body,
    .determination_document = document,
  };
  g_autofree char *id = aj_hazard_record (f->store, INSPECTOR, &draft, &error);

  g_assert_no_error (error);
  return aj_hazard_load (f->store, id);
}

static void
test_hazard_pending_determination (AjTestStore   *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjHazard) pending = NULL;
  g_autoptr(AjHazard) determined = NULL;
  g_autoptr(AjHazard) plain = NULL;

  g_test_summary ("A hazard on a criterion that needs a determination is recorded general and pending without it, "
                  "major with it, and keeps its criterion, body and document through a rebuild of the projection");

  f->inspection = aj_inspection_start (f->store, INSPECTOR, HOME, "field", f->checklist, &error);
  g_assert_no_error (error);
  g_assert_true (aj_checklist_find_item (f->checklist, "EC-POWER_GAS-12", NULL)->needs_determination);

  pending = record (f, "EC-POWER_GAS-12", "", NULL);
  g_assert_cmpstr (aj_hazard_get_grade (pending), ==, "general");
  g_assert_true (aj_hazard_is_pending_determination (pending));
  g_assert_cmpstr (aj_hazard_get_criterion (pending), ==, "MZ2023-4-2");

  determined = record (f, "EC-FIRE-15", "某县消防救援大队", "某消检字〔2026〕3号");
  g_assert_cmpstr (aj_hazard_get_grade (determined), ==, "major");
  g_assert_false (aj_hazard_is_pending_determination (determined));

  /* An item whose criterion the inspector can see: major on his word. */
  plain = record (f, "EC-FIRE-13", NULL, NULL);
  g_assert_cmpstr (aj_hazard_get_grade (plain), ==, "major");
  g_assert_false (aj_hazard_is_pending_determination (plain));

  g_assert_true (aj_store_rebuild_projections (f->store, &error));
  g_assert_no_error (error);
  {
    g_autoptr(AjHazard) again = aj_hazard_load (f->store, aj_hazard_get_id (pending));

    g_assert_true (aj_hazard_is_pending_determination (again));
    g_autoptr(AjHazard) major = aj_hazard_load (f->store, aj_hazard_get_id (determined));

    g_assert_true (aj_hazard_is_pending_determination (again));
    g_assert_cmpstr (aj_hazard_get_criterion (again), ==, "MZ2023-4-2");
    g_assert_cmpstr (aj_hazard_get_grade (major), ==, "major");
    g_assert_cmpstr (aj_hazard_get_determination_body (major), ==, "某县消防救援大队");
    g_assert_cmpstr (aj_hazard_get_determination_document (major), ==, "某消检字〔2026〕3号");
  }
}

static void
test_old_version_keeps_its_questions (AjTestStore   *f,
                                      gconstpointer  data)
{
  g_autofree char *dir = aj_test_data_path ("checklists", NULL);
  g_autofree char *v1_path = aj_test_data_path ("checklists", "elder-care.v1.json", NULL);
  g_autoptr(GPtrArray) all = aj_checklist_load_dir (dir, NULL);
  g_autoptr(AjChecklist) v1 = NULL;
  g_autoptr(AjInspection) inspection = NULL;
  g_autoptr(GError) error = NULL;
  AjChecklist *latest = NULL, *edition;
  const AjChecklistItem *old_item, *new_item;
  g_autofree char *hazard_id = NULL;
  AjHazardDraft draft = { 0 };

  g_test_summary ("Version 1 of a checklist still loads beside version 2, and a hazard found under version 1 "
                  "shows its version-1 question");

  v1 = aj_checklist_load_file (v1_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aj_checklist_get_version (v1), ==, 1);

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (aj_checklist_get_id (g_ptr_array_index (all, i)), "elder-care"))
      latest = g_ptr_array_index (all, i);
  g_assert_nonnull (latest);
  g_assert_cmpint (aj_checklist_get_version (latest), >=, 2);
  g_assert_true (aj_checklist_get_edition (latest, aj_checklist_get_version (latest)) == latest);
  g_assert_true (aj_checklist_get_edition (latest, 99) == latest);

  /* A hazard found on an inspection started with version 1. */
  f->inspection = aj_inspection_start (f->store, INSPECTOR, HOME, "field", v1, &error);
  g_assert_no_error (error);
  old_item = aj_checklist_find_item (v1, "EC-FIRE-10", NULL);
  draft = (AjHazardDraft) { .inspection_id = f->inspection, .item_code = old_item->code, .category = old_item->category,
                            .description = "泡沫软包墙面", .risk_level = "red", .grade = "major" };
  hazard_id = aj_hazard_save_sheet (f->store, INSPECTOR, NULL, &draft, &error);
  g_assert_no_error (error);

  inspection = aj_inspection_load (f->store, f->inspection);
  g_assert_cmpint (aj_inspection_get_template_version (inspection), ==, 1);
  edition = aj_checklist_get_edition (latest, aj_inspection_get_template_version (inspection));
  g_assert_cmpint (aj_checklist_get_version (edition), ==, 1);
  {
    g_autoptr(AjHazard) hazard = aj_hazard_load (f->store, hazard_id);
    const AjChecklistItem *shown = aj_checklist_find_item (edition, aj_hazard_get_item_code (hazard), NULL);

    new_item = aj_checklist_find_item (latest, "EC-FIRE-10", NULL);
    g_assert_cmpstr (shown->question_zh, ==, old_item->question_zh);
    g_assert_cmpstr (shown->question_zh, !=, new_item->question_zh);
    g_assert_cmpstr (shown->basis_zh, ==, old_item->basis_zh);
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/criteria/every-criterion-has-an-item", Bundle, NULL, bundle_setup, test_every_criterion_has_an_item,
              bundle_teardown);
  g_test_add ("/criteria/every-item-criterion-exists", Bundle, NULL, bundle_setup, test_every_item_criterion_exists,
              bundle_teardown);
  g_test_add ("/criteria/no-major-without-criterion", Bundle, NULL, bundle_setup, test_major_only_with_criterion,
              bundle_teardown);
  g_test_add ("/criteria/questions-phrased-positively", Bundle, NULL, bundle_setup, test_questions_positive,
              bundle_teardown);
  g_test_add ("/criteria/child-welfare-cites-2024-day-care-by-analogy", Bundle, NULL, bundle_setup,
              test_standards_by_institution, bundle_teardown);
  g_test_add ("/references/cited-documents-listed-with-number", Bundle, NULL, bundle_setup,
              test_references_exist_with_number, bundle_teardown);
  g_test_add_func ("/references/citation-reads-as-offices-write-it", test_citation_text);
  g_test_add_func ("/references/notice-basis-names-each-document-once", test_merged_basis);
  g_test_add_func ("/determination/major-only-with-body-and-document", test_grade_with_determination);
  aj_test_add_with_store ("/determination/hazard-pending-until-determined", "elder-care.json",
                          test_hazard_pending_determination);
  aj_test_add_with_store ("/checklist/hazard-under-v1-shows-v1-question", "elder-care.json",
                          test_old_version_keeps_its_questions);
  return g_test_run ();
}
