/* test-draw-public.c: 双随机、一公开 end to end, with the real server on
 * loopback and two real kiosk stores: a plan and its draw on the server,
 * the assignment pulled by both kiosks, a team inspection with two
 * inspectors confirmed, finished and pushed, the assignment closed by the
 * server, the draw published, and /public with its JSON and CSV showing it
 * without any personal data. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "aj-assignment.h"
#include "aj-checklist.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define LEADER  "u-zhang-wei"    /* 东林县, signs in on kiosk A */
#define PARTNER "u-liu-yang"     /* of 西河县: his PIN reaches A because he is in the team */

/* A roster where the two who can sign in are the only inspectors of 东林县,
 * so that the draw's team is known (which institution is drawn is not). */
static const char roster[] =
  "id,name,department,certificate,counties,member_of,related_to,active\n"
  "u-zhang-wei,张伟,东林县民政局,鲁民执-DL-0012,东林县,,,true\n"
  "u-liu-yang,刘洋,西河县民政局,鲁民执-XH-0031,东林县;西河县,,,true\n"
  "r-sun-li,孙丽,市民政局,鲁民执-QS-0103,西河县,,,true\n";

typedef struct
{
  AjTestServer *server;
  AjTestKiosk  *a;
  AjTestKiosk  *b;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *calendar = aj_test_source_path ("data/calendar/holidays-2026.txt");
  g_autofree char *copy = NULL;
  g_autofree char *text = NULL;

  f->server = aj_test_server_new ();
  copy = g_build_filename (f->server->data_dir, "holidays.txt", NULL);
  g_assert_true (g_file_get_contents (calendar, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (copy, text, -1, NULL));
  f->a = aj_test_kiosk_new ();
  f->b = aj_test_kiosk_new ();
  aj_test_kiosk_enroll (f->a, f->server, "county:东林县");
  aj_test_kiosk_enroll (f->b, f->server, "county:东林县");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aj_test_kiosk_free (f->a);
  aj_test_kiosk_free (f->b);
  aj_test_server_free (f->server);
}

/* The first tab-separated field of the last line of @out that starts with
 * a UUID: ids printed by plan list and draws. */
static char *
first_field (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  char *id = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 2);
      if (fields[0] != NULL && aj_uuid_is_valid (fields[0]))
        {
          g_free (id);
          id = g_strdup (fields[0]);
        }
    }
  g_assert_nonnull (id);
  return id;
}

static GListModel *
assignments_of (AjTestKiosk *kiosk,
                const char  *person)
{
  g_autoptr(GError) error = NULL;
  GListModel *list = aj_assignment_list_for_member (kiosk->store, person, &error);

  g_assert_no_error (error);
  return list;
}

/* Every person-related word of the sample data and the roster: names, ids,
 * certificate numbers, phone numbers, the institutions' heads and safety
 * officers. */
static GPtrArray *
personal_words (void)
{
  g_autofree char *path = aj_test_source_path ("data/registry.json");
  g_autofree char *text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  JsonObject *root;
  static const char * const lists[][5] = {
    { "users", "id", "name", NULL },
    { "inspectors", "id", "name", "certificate", NULL },
    { "institutions", "head", "safety_officer", "phone", NULL },
  };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *array = json_object_get_array_member (root, lists[l][0]);
      for (guint i = 0; i < json_array_get_length (array); i++)
        for (guint k = 1; lists[l][k] != NULL; k++)
          {
            const char *word = aj_json_get_string (json_array_get_object_element (array, i), lists[l][k]);
            if (word != NULL && *word != '\0')
              g_ptr_array_add (words, g_strdup (word));
          }
    }
  g_ptr_array_add (words, g_strdup ("鲁民执"));   /* any certificate number */
  g_ptr_array_add (words, g_strdup ("0539-"));    /* any phone number of the region */
  return words;
}

static void
assert_no_personal_text (const char *where,
                         const char *text,
                         GPtrArray  *words)
{
  for (guint i = 0; i < words->len; i++)
    if (strstr (text, g_ptr_array_index (words, i)) != NULL)
      g_error ("%s shows personal data “%s”: %s", where, (char *) g_ptr_array_index (words, i), text);
}

/* Every key and every value, at any depth. */
static void
assert_no_personal_json (const char *where,
                         JsonNode   *node,
                         GPtrArray  *words,
                         guint      *n_checked)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &key, &member))
        {
          static const char * const people_keys[] = {
            "team", "inspector", "inspectors", "author", "drawn_by", "published_by", "responsible", "head",
            "safety_officer", "phone", "name", "certificate", "signer", "members", NULL
          };
          if (g_strv_contains (people_keys, key))
            g_error ("%s has a personal field “%s”", where, key);
          assert_no_personal_text (where, key, words);
          assert_no_personal_json (where, member, words, n_checked);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_no_personal_json (where, json_array_get_element (array, i), words, n_checked);
    }
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        assert_no_personal_text (where, json_node_get_string (node), words);
      (*n_checked)++;
    }
}

static char *
get (AjTestServer *server,
     const char   *path,
     long          status,
     const char   *content_type)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_auto(AjTestReply) reply = { 0 };
  const char *type;

  aj_test_http ("GET", url, NULL, NULL, NULL, 0, &reply);
  g_assert_cmpint (reply.status, ==, status);
  type = g_hash_table_lookup (reply.headers, "content-type");
  g_assert_nonnull (type);
  g_assert_true (g_str_has_prefix (type, content_type));
  g_assert_cmpstr (g_hash_table_lookup (reply.headers, "x-content-type-options"), ==, "nosniff");
  g_assert_nonnull (g_hash_table_lookup (reply.headers, "content-security-policy"));
  return g_strdup (reply.body->str);
}

static JsonNode *
get_json (AjTestServer *server,
          const char   *path)
{
  g_autofree char *text = get (server, path, 200, "application/json");
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

/* tidy, when installed, finds no error in a served page. */
static void
assert_valid_html (const char *html)
{
  g_autofree char *tidy = g_find_program_in_path ("tidy");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  if (tidy == NULL)
    return;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, tidy, "-errors", "-q", NULL);
  g_assert_no_error (error);
  input = g_bytes_new (html, strlen (html));
  g_assert_true (g_subprocess_communicate (process, input, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  /* 0: clean, 1: warnings only, 2: errors */
  if (g_subprocess_get_exit_status (process) >= 2)
    g_error ("tidy finds errors: %.*s", (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));
}

/* With ANJIAN_PUBLIC_SHOTS set to a folder and Chromium installed, the
 * served page as a phone (390 px) and a desktop (1280 px) show it, for
 * people to look at. */
static void
screenshot_page (AjTestServer *server,
                 const char   *path,
                 const char   *name)
{
  const char *folder = g_getenv ("ANJIAN_PUBLIC_SHOTS");
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  static const char * const widths[] = { "390", "1280" };

  if (folder == NULL || chromium == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      g_autofree char *url = g_strconcat (server->url, path, NULL);
      g_autofree char *file = g_strdup_printf ("%s/%s-%s.png", folder, name, widths[i]);
      g_autofree char *shot = g_strconcat ("--screenshot=", file, NULL);
      g_autofree char *size = g_strdup_printf ("--window-size=%s,900", widths[i]);
      const char *argv[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             shot, size, url, NULL };
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
    }
}

static void
test_plan_to_public (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *roster_path = g_build_filename (f->server->data_dir, "roster.csv", NULL);
  g_autofree char *checklist_path = aj_test_source_path ("data/checklists/elder-care.json");
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (checklist_path, &error);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *due = aj_date_add_days (today, 14);
  g_autofree char *out = NULL, *plan = NULL, *draw = NULL, *inspection = NULL, *hazard = NULL;
  g_autoptr(GListModel) on_a = NULL, on_b = NULL, partner_on_a = NULL;
  g_autoptr(AjAssignment) assignment = NULL;
  g_autoptr(AjStore) central = NULL;
  g_autoptr(AjAssignment) closed = NULL;
  g_autoptr(AjUser) partner = NULL;
  g_autoptr(GPtrArray) words = personal_words ();
  const char *present[] = { LEADER, PARTNER, NULL };
  guint n_checked = 0;

  g_test_summary ("Plan, draw, assignment on two kiosks, a team of two confirmed with PINs, the finished "
                  "inspection closing the assignment, publication, and /public in HTML, JSON and CSV with "
                  "no key or value naming a person");
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (roster_path, roster, -1, NULL));
  g_free (aj_test_server_admin (f->server, "register", "import", "inspectors", roster_path, NULL));
  g_free (aj_test_server_admin (f->server, "plan", "create", "--title", "2026年第四季度东林县双随机抽查",
                                "--county", "东林县", "--count", "1", "--team-size", "2", "--from", "2026-10-01",
                                "--to", "2026-12-31", "--include-checked", "--checklist", "elder-care",
                                "--due", due, NULL));
  out = aj_test_server_admin (f->server, "plan", "list", NULL);
  plan = first_field (out);
  g_clear_pointer (&out, g_free);
  out = aj_test_server_admin (f->server, "draw", plan, "--seed-source", "2026-12-01 上证综指收盘 3412.56", NULL);
  g_assert_nonnull (strstr (out, "1 assignments"));
  g_clear_pointer (&out, g_free);
  out = aj_test_server_admin (f->server, "draws", NULL);
  draw = first_field (out);
  g_clear_pointer (&out, g_free);
  out = aj_test_server_admin (f->server, "rerun", draw, NULL);
  g_assert_nonnull (strstr (out, "IDENTICAL"));
  g_clear_pointer (&out, g_free);

  /* Not published yet: not public. */
  g_free (get (f->server, "/public", 200, "text/html"));
  {
    g_autofree char *path = g_strconcat ("/public/", draw, NULL);
    g_free (get (f->server, path, 404, "text/html"));
  }

  /* Both kiosks pull the assignment; A holds the partner from another county. */
  g_assert_true (aj_test_kiosk_sync (f->a, NULL, &error));
  g_assert_true (aj_test_kiosk_sync (f->b, NULL, &error));
  g_assert_no_error (error);
  on_a = assignments_of (f->a, LEADER);
  on_b = assignments_of (f->b, PARTNER);
  g_assert_cmpuint (g_list_model_get_n_items (on_a), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (on_b), ==, 1);
  assignment = g_list_model_get_item (on_a, 0);
  g_assert_cmpstr (aj_assignment_get_draw_id (assignment), ==, draw);
  g_assert_cmpstr (aj_assignment_get_due (assignment), ==, due);
  g_assert_cmpstr (aj_assignment_get_checklist (assignment), ==, "elder-care");
  g_assert_false (aj_assignment_is_overdue (assignment, today));
  g_assert_true (aj_assignment_has_member (assignment, LEADER));
  g_assert_true (aj_assignment_has_member (assignment, PARTNER));
  partner = aj_registry_check_pin (f->a->store, PARTNER, "246810", &error);
  g_assert_no_error (error);
  g_assert_nonnull (partner);

  /* Alone, or with someone outside the team, it does not start. */
  {
    const char *alone[] = { LEADER, NULL };
    const char *stranger[] = { LEADER, "u-chen-jing", NULL };
    g_assert_null (aj_assignment_start (f->a->store, assignment, checklist, LEADER, alone, &error));
    g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
    g_clear_error (&error);
    g_assert_null (aj_assignment_start (f->a->store, assignment, checklist, LEADER, stranger, &error));
    g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
    g_clear_error (&error);
  }

  /* Kiosk B claims the assignment for another institution: the server refuses it. */
  {
    g_autofree char *forged = aj_inspection_start_assigned (f->b->store, PARTNER,
        g_str_equal (aj_assignment_get_institution (assignment), "DLX005") ? "DLX001" : "DLX005",
        "spot_check", checklist, aj_assignment_get_id (assignment), &error);
    g_autoptr(GPtrArray) refused = NULL;
    g_assert_no_error (error);
    g_assert_true (aj_test_kiosk_sync (f->b, NULL, &error));
    g_assert_no_error (error);
    refused = aj_store_list_refused (f->b->store, &error);
    g_assert_cmpuint (refused->len, ==, 1);
    g_assert_cmpstr (((AjRefusedEvent *) g_ptr_array_index (refused, 0))->code, ==, "assignment_mismatch");
  }

  /* The team inspection on kiosk A: two confirmed, one hazard, finished, pushed. */
  inspection = aj_assignment_start (f->a->store, assignment, checklist, LEADER, present, &error);
  g_assert_no_error (error);
  {
    AjHazardDraft draft = {
      .inspection_id = inspection, .item_code = "EC-FIRE-01", .category = "fire",
      .description = "安全出口上锁", .risk_level = "red", .grade = "major",
      .deadline = "2026-12-31", .responsible = "王建国",
    };
    g_assert_true (aj_inspection_answer (f->a->store, LEADER, inspection, "EC-FIRE-02", "pass", NULL, &error));
    g_assert_true (aj_inspection_answer (f->a->store, PARTNER, inspection, "EC-FIRE-01", "hazard", "锁着", &error));
    hazard = aj_hazard_record (f->a->store, LEADER, &draft, &error);
    g_assert_no_error (error);
  }
  g_assert_true (aj_inspection_finish (f->a->store, LEADER, inspection, &error));
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->a, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) refused = aj_store_list_refused (f->a->store, &error);
    g_assert_cmpuint (refused->len, ==, 0);
  }

  /* The server closed the assignment; B's list is empty after its next sync. */
  central = aj_test_server_open_store (f->server);
  closed = aj_assignment_load (central, aj_assignment_get_id (assignment));
  g_assert_cmpstr (aj_assignment_get_status (closed), ==, "done");
  out = aj_test_server_admin (f->server, "assignments", NULL);
  g_assert_nonnull (strstr (out, "\tdone"));
  g_clear_pointer (&out, g_free);
  g_assert_true (aj_test_kiosk_sync (f->b, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GListModel) left = assignments_of (f->b, PARTNER);
    g_autoptr(AjAssignment) on_server_b = aj_assignment_load (f->b->store, aj_assignment_get_id (assignment));
    g_assert_cmpuint (g_list_model_get_n_items (left), ==, 0);
    g_assert_cmpstr (aj_assignment_get_status (on_server_b), ==, "done");
  }

  /* The deadline to publish is counted in working days from the check. */
  out = aj_test_server_admin (f->server, "deadlines", NULL);
  g_assert_nonnull (strstr (out, "unpublished"));
  g_assert_nonnull (strstr (out, "in time"));
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *late = aj_date_add_days (today, 40);
    out = aj_test_server_admin (f->server, "deadlines", "--today", late, NULL);
    g_assert_nonnull (strstr (out, "PAST"));
    g_clear_pointer (&out, g_free);
  }

  /* Published: on /public, its page, and the data beside them. */
  out = aj_test_server_admin (f->server, "publish", draw, "--date", today, NULL);
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *page_path = g_strconcat ("/public/", draw, NULL);
    g_autofree char *json_path = g_strconcat (page_path, ".json", NULL);
    g_autofree char *csv_path = g_strconcat (page_path, ".csv", NULL);
    g_autofree char *list = get (f->server, "/public", 200, "text/html");
    g_autofree char *page = get (f->server, page_path, 200, "text/html");
    g_autofree char *list_csv = get (f->server, "/public.csv", 200, "text/csv");
    g_autofree char *csv = get (f->server, csv_path, 200, "text/csv");
    g_autoptr(JsonNode) list_json = get_json (f->server, "/public.json");
    g_autoptr(JsonNode) json = get_json (f->server, json_path);
    g_autoptr(AjInstitution) institution = aj_registry_get_institution (central, aj_assignment_get_institution (assignment));
    JsonObject *check;

    g_assert_nonnull (strstr (list, draw));
    g_assert_nonnull (strstr (list, "2026年第四季度东林县双随机抽查"));
    g_assert_nonnull (strstr (page, aj_institution_get_name (institution)));
    g_assert_nonnull (strstr (page, "发现隐患 1 处"));
    g_assert_nonnull (strstr (page, "红色（重大风险） 1 处"));
    g_assert_nonnull (strstr (page, "整改中"));
    g_assert_nonnull (strstr (list_csv, draw));
    g_assert_nonnull (strstr (csv, aj_institution_get_name (institution)));
    g_assert_nonnull (strstr (csv, ",hazards_found,1,1,0,0,0,0,in_progress"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (list_json), "draws")), ==, 1);
    check = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json), "checks"), 0);
    g_assert_cmpstr (aj_json_get_string (check, "institution_code"), ==, aj_assignment_get_institution (assignment));
    g_assert_cmpstr (aj_json_get_string (check, "checked_on"), ==, today);
    g_assert_cmpstr (aj_json_get_string (check, "result"), ==, "hazards_found");
    g_assert_cmpint (aj_json_get_int (json_object_get_object_member (check, "hazards_by_risk"), "red", -1), ==, 1);
    g_assert_cmpstr (aj_json_get_string (check, "rectification"), ==, "in_progress");

    assert_no_personal_json ("/public.json", list_json, words, &n_checked);
    assert_no_personal_json (json_path, json, words, &n_checked);
    g_assert_cmpuint (n_checked, >, 20);
    assert_no_personal_text ("/public", list, words);
    assert_no_personal_text (page_path, page, words);
    assert_no_personal_text ("/public.csv", list_csv, words);
    assert_no_personal_text (csv_path, csv, words);
    assert_valid_html (list);
    assert_valid_html (page);
    screenshot_page (f->server, "/public", "public");
    screenshot_page (f->server, page_path, "public-draw");
    screenshot_page (f->server, "/", "office");
  }
}

/* anjian-server with @args; its status, and its standard output and
 * error in @out (may be NULL). */
static int
run_server_command (AjTestServer        *server,
                    const char * const  *args,
                    char               **out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  int status = 0;

  g_strv_builder_add (builder, g_getenv ("ANJIAN_SERVER"));
  g_strv_builder_addv (builder, (const char **) args);
  g_strv_builder_add_many (builder, "--data", server->data_dir, NULL);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text, &stderr_text,
                               &status, &error));
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strconcat (stdout_text, stderr_text, NULL);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_csv_registry_keeps_fields (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *first = g_build_filename (f->server->data_dir, "first.csv", NULL);
  g_autofree char *second = g_build_filename (f->server->data_dir, "second.csv", NULL);
  g_autofree char *bad = g_build_filename (f->server->data_dir, "bad.csv", NULL);
  g_autofree char *a = NULL, *b = NULL, *out = NULL;
  const char *export_first[] = { "register", "export", "institutions", first, NULL };
  const char *import_first[] = { "import-registry", first, NULL };
  const char *export_second[] = { "register", "export", "institutions", second, NULL };
  const char *import_bad[] = { "import-registry", bad, NULL };
  const char *register_bad[] = { "register", "import", "institutions", bad, NULL };

  g_test_summary ("A CSV of institutions imported with import-registry keeps every field of the register "
                  "(credit, ownership, fire-safety key unit, last spot check); a bad line is named and changes nothing");
  g_assert_cmpint (run_server_command (f->server, export_first, NULL), ==, 0);
  g_assert_cmpint (run_server_command (f->server, import_first, NULL), ==, 0);
  g_assert_cmpint (run_server_command (f->server, export_second, NULL), ==, 0);
  g_assert_true (g_file_get_contents (first, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (second, &b, NULL, NULL));
  g_assert_nonnull (strstr (a, "dishonest"));
  g_assert_nonnull (strstr (a, "last_spot_check"));
  g_assert_cmpstr (a, ==, b);

  g_assert_true (g_file_set_contents (bad, "code,name,type,county,credit\nDLX001,甲,elder_care,东林县,normal\n"
                                           "DLX002,乙,elder_care,东林县,poor\n", -1, NULL));
  g_assert_cmpint (run_server_command (f->server, import_bad, &out), ==, 1);
  g_assert_nonnull (strstr (out, "line 3"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_server_command (f->server, register_bad, &out), ==, 1);
  g_assert_nonnull (strstr (out, "line 3"));
  g_clear_pointer (&b, g_free);
  g_assert_cmpint (run_server_command (f->server, export_second, NULL), ==, 0);
  g_assert_true (g_file_get_contents (second, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/draw/plan-to-public", Fixture, NULL, fixture_setup, test_plan_to_public, fixture_teardown);
  g_test_add ("/registers/csv-import-keeps-fields", Fixture, NULL, fixture_setup, test_csv_registry_keeps_fields,
              fixture_teardown);
  return g_test_run ();
}
