/* test-checklist.c: the bundled checklists, the reports on broken ones, and
 * the choice of language for their texts. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "aj-checklist.h"
#include "aj-error.h"
#include "aj-util.h"

#include "aj-test-util.h"

/* The bundled templates */

static void
test_bundled (void)
{
  g_autofree char *dir = aj_test_data_path ("checklists", NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) checklists = aj_checklist_load_dir (dir, problems);
  const char *expected[] = { "child-welfare", "day-care", "elder-care", "rescue-station", "round-daily", "round-night" };

  g_test_summary ("The bundled checklist templates (four for inspections, two short ones for a home's rounds) load without a problem, each complete in Chinese and "
                  "English");

  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (checklists->len, ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      AjChecklist *checklist = NULL;
      g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
      guint n_items;

      for (guint j = 0; j < checklists->len; j++)
        if (g_str_equal (aj_checklist_get_id (g_ptr_array_index (checklists, j)), expected[i]))
          checklist = g_ptr_array_index (checklists, j);
      g_assert_nonnull (checklist);

      n_items = aj_checklist_get_n_items (checklist);
      g_test_message ("%s: %u items in %u categories", expected[i], n_items,
                      aj_checklist_get_n_categories (checklist));
      if (g_str_equal (expected[i], "elder-care"))
        g_assert_cmpuint (n_items, >=, 60);
      else if (g_str_has_prefix (expected[i], "round-"))
        {
          g_assert_cmpuint (n_items, >=, 10);   /* a round is short: 10 to 20 items */
          g_assert_cmpuint (n_items, <=, 20);
        }
      else
        g_assert_cmpuint (n_items, >=, 25);

      g_assert_cmpint (aj_checklist_get_version (checklist), >=, 1);
      g_assert_nonnull (aj_checklist_get_institution_types (checklist));
      g_assert_nonnull (aj_checklist_get_institution_types (checklist)[0]);
      g_assert_cmpuint (aj_checklist_get_n_categories (checklist), >, 0);

      for (guint j = 0; j < n_items; j++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (checklist, j);
          const AjChecklistItem *found;
          guint index = G_MAXUINT;

          /* Every item belongs to a category the template defines. */
          g_assert_nonnull (item->category);
          g_assert_nonnull (aj_checklist_find_category (checklist, item->category));
          g_assert_false (g_hash_table_contains (codes, item->code));
          g_hash_table_add (codes, item->code);

          g_assert_cmpstr (item->question_zh, !=, "");
          g_assert_cmpstr (item->question_en, !=, "");
          g_assert_cmpstr (item->how_zh, !=, "");
          g_assert_cmpstr (item->basis_en, !=, "");
          g_assert_true (g_utf8_validate (item->question_zh, -1, NULL));

          found = aj_checklist_find_item (checklist, item->code, &index);
          g_assert_true (found == item);
          g_assert_cmpuint (index, ==, j);
        }

      /* Items come category by category, in the order the categories are listed. */
      {
        guint category = 0;

        for (guint j = 0; j < n_items; j++)
          {
            const AjChecklistItem *item = aj_checklist_get_item (checklist, j);

            while (category < aj_checklist_get_n_categories (checklist) &&
                   !g_str_equal (aj_checklist_get_category (checklist, category)->code, item->category))
              category++;
            g_assert_cmpuint (category, <, aj_checklist_get_n_categories (checklist));
          }
      }
    }
}

static void
test_for_type (void)
{
  g_autofree char *path = aj_test_data_path ("checklists", "elder-care.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (path, &error);

  g_test_summary ("A template says which institution types it is for; unknown items and categories are not found");

  g_assert_no_error (error);
  g_assert_true (aj_checklist_is_for_type (checklist, "elder_care"));
  g_assert_false (aj_checklist_is_for_type (checklist, "child_welfare"));
  g_assert_false (aj_checklist_is_for_type (checklist, NULL));
  g_assert_null (aj_checklist_find_item (checklist, "NO-SUCH-ITEM", NULL));
  g_assert_null (aj_checklist_find_category (checklist, "no_such_category"));
}

/* Broken templates */

typedef struct
{
  const char *code;
  const char *category;
  gboolean    drop_how_en;
} ItemSpec;

/* A template written one member per line, so that lines are predictable.
 * @item_lines receives the line on which each item's object starts. */
static char *
make_template (const char     *id,
               const char     *title_zh,
               const ItemSpec *items,
               guint           n_items,
               guint          *item_lines)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s,
                          "{\n"
                          "  \"id\": \"%s\",\n"
                          "  \"version\": 1,\n"
                          "  \"title\": { \"zh\": \"%s\", \"en\": \"Test checklist\" },\n"
                          "  \"institution_types\": [ \"day_care\" ],\n"
                          "  \"categories\": [\n"
                          "    { \"code\": \"fire\", \"name\": { \"zh\": \"消防安全\", \"en\": \"Fire safety\" } },\n"
                          "    { \"code\": \"food\", \"name\": { \"zh\": \"食品安全\", \"en\": \"Food safety\" } }\n"
                          "  ],\n"
                          "  \"items\": [\n",
                          id, title_zh);
  for (guint i = 0; i < n_items; i++)
    {
      guint line = 1;

      for (const char *p = s->str; *p; p++)
        if (*p == '\n')
          line++;
      if (item_lines)
        item_lines[i] = line;

      g_string_append_printf (s,
                              "    {\n"
                              "      \"code\": \"%s\",\n"
                              "      \"category\": \"%s\",\n"
                              "      \"question\": {\n"
                              "        \"zh\": \"问题 %s？\",\n"
                              "        \"en\": \"Question %s?\"\n"
                              "      },\n"
                              "      \"how\": {\n"
                              "        \"zh\": \"查看。\"%s\n"
                              "%s"
                              "      },\n"
                              "      \"basis\": { \"zh\": \"依据\", \"en\": \"Basis\" },\n"
                              "      \"major_if_no\": true,\n"
                              "      \"photo_required\": false\n"
                              "    }%s\n",
                              items[i].code, items[i].category, items[i].code, items[i].code,
                              items[i].drop_how_en ? "" : ",",
                              items[i].drop_how_en ? "" : "        \"en\": \"Look.\"\n",
                              i + 1 < n_items ? "," : "");
    }
  g_string_append (s, "  ]\n}\n");
  return g_string_free (s, FALSE);
}

static void
write_file (const char *dir,
            const char *name,
            const char *text,
            gssize      length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
}

static const char *
find_problem (GPtrArray  *problems,
              const char *file)
{
  g_autofree char *prefix = g_strconcat (file, ":", NULL);

  for (guint i = 0; i < problems->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (problems, i), prefix))
      return g_ptr_array_index (problems, i);
  g_error ("No problem reported for %s", file);
  return NULL;
}

static void
assert_line (const char *message,
             const char *file,
             guint       line)
{
  g_autofree char *prefix = g_strdup_printf ("%s:%u:", file, line);

  if (!g_str_has_prefix (message, prefix))
    g_error ("“%s” does not start with “%s”", message, prefix);
}

static void
test_broken (AjTestFolder  *f,
             gconstpointer  test_data)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) checklists = NULL;
  const ItemSpec good_items[] = {
    { "T-01", "fire", FALSE }, { "T-02", "food", FALSE }, { "T-03", "fire", FALSE },
  };
  const ItemSpec missing_items[] = {
    { "M-01", "fire", FALSE }, { "M-02", "food", FALSE }, { "M-03", "fire", TRUE }, { "M-04", "food", FALSE },
  };
  const ItemSpec duplicate_items[] = {
    { "D-01", "fire", FALSE }, { "D-02", "food", FALSE }, { "D-01", "food", FALSE },
  };
  const ItemSpec category_items[] = {
    { "C-01", "fire", FALSE }, { "C-02", "food", FALSE }, { "C-03", "electricity", FALSE },
  };
  guint lines[4];
  guint missing_line, duplicate_line, category_line;
  const char *message;

  g_test_summary ("Each broken template in a folder is reported with its file and line, and the good one "
                  "still loads");

  {
    g_autofree char *text = make_template ("good", "好的检查表", good_items, 3, NULL);
    write_file (f->dir, "good.json", text, -1);
  }
  {
    /* Line 4 holds a bad literal. */
    const char *text =
      "{\n"
      "  \"id\": \"syntax\",\n"
      "  \"version\": 1,\n"
      "  \"major\": tru,\n"
      "  \"title\": { \"zh\": \"语法\", \"en\": \"Syntax\" }\n"
      "}\n";
    write_file (f->dir, "syntax.json", text, -1);
  }
  {
    g_autofree char *text = make_template ("missing", "缺字段", missing_items, 4, lines);
    missing_line = lines[2];
    write_file (f->dir, "missing-field.json", text, -1);
  }
  {
    g_autofree char *text = make_template ("duplicate", "重复", duplicate_items, 3, lines);
    duplicate_line = lines[2];
    write_file (f->dir, "duplicate.json", text, -1);
  }
  {
    g_autofree char *text = make_template ("category", "类别", category_items, 3, lines);
    category_line = lines[2];
    write_file (f->dir, "category.json", text, -1);
  }
  {
    /* Saved by an editor in GBK: "你好" as C4 E3 BA C3. */
    g_autofree char *text = make_template ("gbk", "\xc4\xe3\xba\xc3", good_items, 3, NULL);
    write_file (f->dir, "gbk.json", text, -1);
  }
  /* Not a template at all, and not looked at. */
  write_file (f->dir, "README.txt", "not json", -1);

  checklists = aj_checklist_load_dir (f->dir, problems);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("problem: %s", (const char *) g_ptr_array_index (problems, i));

  /* The good file still loads. */
  g_assert_cmpuint (checklists->len, ==, 1);
  g_assert_cmpstr (aj_checklist_get_id (g_ptr_array_index (checklists, 0)), ==, "good");
  g_assert_cmpuint (aj_checklist_get_n_items (g_ptr_array_index (checklists, 0)), ==, 3);
  g_assert_cmpuint (problems->len, ==, 5);

  message = find_problem (problems, "syntax.json");
  assert_line (message, "syntax.json", 4);

  message = find_problem (problems, "missing-field.json");
  g_assert_cmpuint (missing_line, >, 20);
  assert_line (message, "missing-field.json", missing_line);
  g_assert_nonnull (strstr (message, "how.en"));
  g_assert_nonnull (strstr (message, "M-03"));

  message = find_problem (problems, "duplicate.json");
  assert_line (message, "duplicate.json", duplicate_line);
  g_assert_nonnull (strstr (message, "D-01"));
  g_assert_nonnull (strstr (message, "twice"));

  message = find_problem (problems, "category.json");
  assert_line (message, "category.json", category_line);
  g_assert_nonnull (strstr (message, "electricity"));
  g_assert_nonnull (strstr (message, "unknown category"));

  message = find_problem (problems, "gbk.json");
  g_assert_nonnull (strstr (message, "UTF-8"));
}

static void
test_load_errors (AjTestFolder  *f,
                  gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjChecklist) checklist = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "nothing-here.json", NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) none = NULL;

  g_test_summary ("Not an object, empty, version 0 and a missing file or folder are clear errors, not "
                  "crashes");

  checklist = aj_checklist_load_data ("array.json", "[1, 2, 3]", -1, &error);
  g_assert_null (checklist);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "array.json:"));
  g_clear_error (&error);

  checklist = aj_checklist_load_data ("empty.json", "", 0, &error);
  g_assert_null (checklist);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "empty.json:"));
  g_clear_error (&error);

  checklist = aj_checklist_load_data ("version.json", "{\"id\": \"v\", \"version\": 0}", -1, &error);
  g_assert_null (checklist);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "version"));
  g_clear_error (&error);

  checklist = aj_checklist_load_file (missing, &error);
  g_assert_null (checklist);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* A folder that is not there is one problem, not a crash. */
  none = aj_checklist_load_dir (missing, problems);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (problems->len, ==, 1);
}

/* Of two versions of one template the newer wins, whatever the file names. */
static void
test_newer_version_wins (AjTestFolder  *f,
                         gconstpointer  test_data)
{
  const ItemSpec items[] = { { "V-01", "fire", FALSE }, { "V-02", "food", FALSE } };
  g_autofree char *v1 = make_template ("same", "一版", items, 2, NULL);
  g_autofree char *v2 = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) checklists = NULL;
  GString *s = g_string_new (v1);

  g_test_summary ("Of two versions of one template the newer wins, whatever the file names");

  g_string_replace (s, "\"version\": 1,", "\"version\": 2,", 1);
  v2 = g_string_free (s, FALSE);
  write_file (f->dir, "a-same-v1.json", v1, -1);
  write_file (f->dir, "b-same-v2.json", v2, -1);
  write_file (f->dir, "c-same-v1-again.json", v1, -1);

  checklists = aj_checklist_load_dir (f->dir, problems);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (checklists->len, ==, 1);
  g_assert_cmpint (aj_checklist_get_version (g_ptr_array_index (checklists, 0)), ==, 2);
}

/* Language */

static void
set_language (const char *language,
              const char *lang)
{
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  if (language)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_setenv ("LANG", lang, TRUE);
  setlocale (LC_ALL, "");
}

static void
test_locale_in_process (void)
{
  g_autofree char *path = aj_test_data_path ("checklists", "day-care.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (path, &error);
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *old_lang = g_strdup (g_getenv ("LANG"));
  const AjChecklistItem *item;

  g_test_summary ("A change of LANGUAGE in the running process is seen by the next checklist text lookup");

  g_assert_no_error (error);
  item = aj_checklist_get_item (checklist, 0);
  g_assert_cmpstr (item->question_zh, !=, item->question_en);

  set_language ("zh_CN", "C.UTF-8");
  g_assert_true (aj_locale_is_chinese ());
  g_assert_cmpstr (aj_checklist_item_get_question (item), ==, item->question_zh);
  g_assert_cmpstr (aj_checklist_item_get_how (item), ==, item->how_zh);
  g_assert_cmpstr (aj_checklist_category_get_name (aj_checklist_get_category (checklist, 0)), ==,
                   aj_checklist_get_category (checklist, 0)->name_zh);

  /* A change of the environment is seen by the next lookup. */
  set_language ("en", "C.UTF-8");
  g_assert_false (aj_locale_is_chinese ());
  g_assert_cmpstr (aj_checklist_item_get_question (item), ==, item->question_en);
  g_assert_cmpstr (aj_checklist_item_get_basis (item), ==, item->basis_en);

  set_language (old_language, old_lang ? old_lang : "C.UTF-8");
}

static void
check_pick (const char *language,
            const char *lang,
            const char *expected)
{
  if (g_test_subprocess ())
    {
      setlocale (LC_ALL, "");
      /* Raw bytes: g_print () would convert them to the locale's charset. */
      printf ("%s|%s|%s|%s", aj_pick_text ("中文", "English"),
               aj_pick_text ("", "English only"),
               aj_pick_text ("只有中文", NULL),
               aj_locale_is_chinese () ? "zh" : "en");
      fflush (stdout);
      return;
    }

  {
    g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
    g_autofree char *old_lang = g_strdup (g_getenv ("LANG"));
    g_autofree char *old_lc_all = g_strdup (g_getenv ("LC_ALL"));

    set_language (language, lang);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    set_language (old_language, old_lang ? old_lang : "C.UTF-8");
    if (old_lc_all)
      g_setenv ("LC_ALL", old_lc_all, TRUE);
  }
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (expected);
}

static void
test_pick_zh (void)
{
  g_test_summary ("With LANGUAGE=zh_CN:en Chinese text is picked, English where there is no Chinese");

  check_pick ("zh_CN:en", "C.UTF-8", "中文|English only|只有中文|zh");
}

static void
test_pick_en (void)
{
  g_test_summary ("With LANGUAGE=en English text is picked, Chinese where there is no English");

  check_pick ("en", "C.UTF-8", "English|English only|只有中文|en");
}

static void
test_pick_lang_only (void)
{
  g_test_summary ("With only LANG=zh_CN.UTF-8 Chinese text is picked");

  check_pick (NULL, "zh_CN.UTF-8", "中文|English only|只有中文|zh");
}

static void
test_pick_c (void)
{
  g_test_summary ("In the C locale English text is picked");

  check_pick (NULL, "C.UTF-8", "English|English only|只有中文|en");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/checklist/bundled", test_bundled);
  g_test_add_func ("/checklist/for-institution-type", test_for_type);
  aj_test_add_in_folder ("/checklist/broken-files-reported-by-line", test_broken);
  aj_test_add_in_folder ("/checklist/load-errors", test_load_errors);
  aj_test_add_in_folder ("/checklist/newer-version-wins", test_newer_version_wins);
  g_test_add_func ("/checklist/locale-in-process", test_locale_in_process);
  g_test_add_func ("/locale/pick-zh", test_pick_zh);
  g_test_add_func ("/locale/pick-en", test_pick_en);
  g_test_add_func ("/locale/pick-lang-only", test_pick_lang_only);
  g_test_add_func ("/locale/pick-c", test_pick_c);

  return g_test_run ();
}
