/* test-office.c: the office's web console (/office/) over real HTTP against
 * the real anjian-server, with a real kiosk that records hazards in two
 * counties and pushes them: sign-in and its cookies, CSRF refusals, a county
 * clerk who never sees another county's hazard (not even by its URL), the
 * lock-out, the audit log, a register previewed without a write, and a plan,
 * a draw and a publication made from the console. */
#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-store-private.h"
#include "aj-test-pg.h"
#include "aj-test-server.h"
#include "aj-util.h"

#define PASSWORD        "correct horse battery staple"
#define CLERK_PASSWORD  "东林县 clerk 2026 password"

static const char roster[] =
  "id,name,department,certificate,counties,member_of,related_to,active\n"
  "u-zhang-wei,张伟,东林县民政局,鲁民执-DL-0012,东林县,,,true\n"
  "u-liu-yang,刘洋,西河县民政局,鲁民执-XH-0031,东林县;西河县,,,true\n"
  "r-sun-li,孙丽,市民政局,鲁民执-QS-0103,东林县;西河县,,,true\n"
  "r-gao-fei,高飞,市民政局,鲁民执-QS-0999,东林县;西河县,,,true\n";

typedef struct
{
  AjTestPair  pair;
  char       *dl_hazard;    /* in 东林县 */
  char       *xh_hazard;    /* in 西河县 */
  char       *dl_number;
  char       *xh_number;
} Fixture;

/* ---- a browser: one curl handle with its own cookie jar ---- */

typedef struct
{
  CURL       *curl;
  const char *base;
  long        status;
  GString    *body;
  char       *location;
  GString    *cookies_set;   /* every Set-Cookie line of the last answer */
} Browser;

static size_t
on_body (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  g_string_append_len (((Browser *) user_data)->body, data, size * n);
  return size * n;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  Browser *b = user_data;

  if (g_ascii_strncasecmp (data, "Set-Cookie:", 11) == 0)
    g_string_append_len (b->cookies_set, data, size * n);
  if (g_ascii_strncasecmp (data, "Location:", 9) == 0)
    {
      g_free (b->location);
      b->location = g_strstrip (g_strndup (data + 9, size * n - 9));
    }
  return size * n;
}

static Browser *
browser_new (const char *base)
{
  Browser *b = g_new0 (Browser, 1);

  b->curl = curl_easy_init ();
  b->base = base;
  b->body = g_string_new (NULL);
  b->cookies_set = g_string_new (NULL);
  curl_easy_setopt (b->curl, CURLOPT_COOKIEFILE, "");   /* cookies kept in memory */
  curl_easy_setopt (b->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (b->curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (b->curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (b->curl, CURLOPT_WRITEDATA, b);
  curl_easy_setopt (b->curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (b->curl, CURLOPT_HEADERDATA, b);
  return b;
}

static void
browser_free (Browser *b)
{
  curl_easy_cleanup (b->curl);
  g_string_free (b->body, TRUE);
  g_string_free (b->cookies_set, TRUE);
  g_free (b->location);
  g_free (b);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Browser, browser_free)

/* GET (@form NULL) or POST an urlencoded @form; the answer in @b. */
static long
browse (Browser    *b,
        const char *path,
        const char *form)
{
  g_autofree char *url = g_strconcat (b->base, path, NULL);
  CURLcode rc;

  g_string_truncate (b->body, 0);
  g_string_truncate (b->cookies_set, 0);
  g_clear_pointer (&b->location, g_free);
  curl_easy_setopt (b->curl, CURLOPT_URL, url);
  if (form != NULL)
    {
      curl_easy_setopt (b->curl, CURLOPT_POST, 1L);
      curl_easy_setopt (b->curl, CURLOPT_COPYPOSTFIELDS, form);
    }
  else
    curl_easy_setopt (b->curl, CURLOPT_HTTPGET, 1L);
  rc = curl_easy_perform (b->curl);
  g_assert_cmpstr (curl_easy_strerror (rc), ==, curl_easy_strerror (CURLE_OK));
  curl_easy_getinfo (b->curl, CURLINFO_RESPONSE_CODE, &b->status);
  return b->status;
}

static char *
escape (Browser    *b,
        const char *text)
{
  char *e = curl_easy_escape (b->curl, text, 0);
  char *copy = g_strdup (e);

  curl_free (e);
  return copy;
}

/* The CSRF token of the last page's first form. */
static char *
csrf_of (Browser *b)
{
  const char *mark = "name=\"csrf\" value=\"";
  const char *p = strstr (b->body->str, mark);

  g_assert_nonnull (p);
  p += strlen (mark);
  return g_strndup (p, strcspn (p, "\""));
}

static long
sign_in (Browser    *b,
         const char *name,
         const char *password)
{
  g_autofree char *csrf = NULL;
  g_autofree char *e_name = escape (b, name);
  g_autofree char *e_password = escape (b, password);
  g_autofree char *form = NULL;

  g_assert_cmpint (browse (b, "/office/sign-in", NULL), ==, 200);
  csrf = csrf_of (b);
  form = g_strdup_printf ("csrf=%s&name=%s&password=%s", csrf, e_name, e_password);
  return browse (b, "/office/sign-in", form);
}

/* POST @form (without csrf) with the CSRF token of the page at @from. */
static long
post_from (Browser    *b,
           const char *from,
           const char *action,
           const char *form)
{
  g_autofree char *csrf = NULL;
  g_autofree char *full = NULL;

  g_assert_cmpint (browse (b, from, NULL), ==, 200);
  csrf = csrf_of (b);
  full = g_strdup_printf ("csrf=%s&%s", csrf, form);
  return browse (b, action, full);
}

/* ---- set-up ---- */

static void
add_office_user (AjTestServer *server,
                 const char   *name,
                 const char   *role,
                 const char   *county,
                 const char   *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *input = g_strconcat (password, "\n", NULL);
  g_autofree char *out = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("ANJIAN_SERVER"), "office-user", "add", name, "--role", role,
                              county ? "--county" : "--data", county ? county : server->data_dir,
                              county ? "--data" : NULL, server->data_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  g_assert_nonnull (strstr (out, "office user added"));
}

static char *
record_hazard (AjTestKiosk  *kiosk,
               const char   *inspector,
               const char   *institution,
               char        **number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = aj_test_kiosk_start_inspection (kiosk, inspector, institution);
  g_autoptr(AjHazard) hazard = NULL;
  AjHazardDraft draft = {
    .inspection_id = inspection, .item_code = "EC-FIRE-01", .category = "fire",
    .description = "安全出口上锁", .risk_level = "red", .grade = "major",
    .deadline = "2026-12-31", .responsible = "王建国",
  };
  char *id;

  g_assert_true (aj_inspection_answer (kiosk->store, inspector, inspection, "EC-FIRE-01", "hazard", "锁着", &error));
  id = aj_hazard_record (kiosk->store, inspector, &draft, &error);
  g_assert_no_error (error);
  g_free (aj_test_kiosk_add_photo (kiosk, inspector, inspection, "EC-FIRE-01", 320, 240, 3));
  hazard = aj_hazard_load (kiosk->store, id);
  *number = g_strdup (aj_hazard_get_number (hazard));
  return id;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  AjSyncReport report = { 0 };

  aj_test_pair_setup (&f->pair, NULL);
  add_office_user (f->pair.server, "admin", "admin", NULL, PASSWORD);
  add_office_user (f->pair.server, "dl-clerk", "clerk", "东林县", CLERK_PASSWORD);
  f->dl_hazard = record_hazard (f->pair.kiosk, "u-zhang-wei", "DLX001", &f->dl_number);
  f->xh_hazard = record_hazard (f->pair.kiosk, "u-liu-yang", "XHX001", &f->xh_number);
  g_assert_true (aj_test_kiosk_sync (f->pair.kiosk, &report, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->dl_hazard);
  g_free (f->xh_hazard);
  g_free (f->dl_number);
  g_free (f->xh_number);
  aj_test_pair_teardown (&f->pair, NULL);
}

static gint64
count (AjTestServer *server,
       const char   *sql)
{
  g_autoptr(AjStore) store = aj_test_server_open_store (server);

  return aj_db_query_int (aj_store_get_db (store), sql, NULL, -1);
}

/* The same of what servers share (sessions): on PostgreSQL when the
 * server runs on it. */
static gint64
count_shared (AjTestServer *server,
              const char   *sql)
{
  if (server->database != NULL)
    return aj_test_pg_query_int (server->database, sql);
  return count (server, sql);
}

/* ---- the tests ---- */

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autoptr(AjStore) store = NULL;
  g_autofree char *hash = NULL;

  g_test_summary ("A page of the console redirects to the sign-in before a session exists; a right password "
                  "opens a session kept in the database behind an HttpOnly, SameSite=Strict cookie, and the "
                  "password is kept only as an Argon2id hash");
  g_assert_cmpint (browse (b, "/office/hazards", NULL), ==, 303);
  g_assert_cmpstr (b->location, ==, "/office/sign-in");
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpstr (b->location, ==, "/office/");
  g_assert_nonnull (strstr (b->cookies_set->str, "anjian_office="));
  g_assert_nonnull (strstr (b->cookies_set->str, "HttpOnly"));
  g_assert_nonnull (strstr (b->cookies_set->str, "SameSite=Strict"));
  g_assert_null (strstr (b->cookies_set->str, "Secure"));   /* plain HTTP here */
  g_assert_cmpint (browse (b, "/office/hazards", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, f->dl_number));
  g_assert_nonnull (strstr (b->body->str, f->xh_number));
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_sessions WHERE user_name = 'admin'"), ==, 1);

  store = aj_test_server_open_store (f->pair.server);
  {
    g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
                                                  "SELECT password_hash FROM office_users WHERE name = 'admin'", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    hash = aj_db_col_dup (stmt, 0);
  }
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, PASSWORD));

  /* Signed out, the cookie no longer opens anything. */
  g_assert_cmpint (post_from (b, "/office/", "/office/sign-out", "x=1"), ==, 303);
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_sessions WHERE user_name = 'admin'"), ==, 0);
  g_assert_cmpint (browse (b, "/office/hazards", NULL), ==, 303);
}

static void
test_csrf_refused (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autoptr(Browser) stranger = browser_new (f->pair.server->url);
  const char *plan = "title=forged&from=2026-12-01&to=2026-12-31&count=1&team_size=2&checklist=elder-care";
  g_autofree char *forged = g_strdup_printf ("csrf=%064d&%s", 0, plan);

  g_test_summary ("A form posted without the session's CSRF token, or with a wrong one, is refused 403 and "
                  "changes nothing; so is a sign-in without the sign-in page's token");
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpint (browse (b, "/office/plans", plan), ==, 403);
  g_assert_cmpint (browse (b, "/office/plans", forged), ==, 403);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draw_plans"), ==, 0);
  /* The right token works, so the refusal was the token's. */
  g_assert_cmpint (post_from (b, "/office/plans", "/office/plans", plan), ==, 303);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draw_plans"), ==, 1);

  g_assert_cmpint (browse (stranger, "/office/sign-in", "name=admin&password=correct+horse+battery+staple"), ==, 403);
  g_assert_null (strstr (stranger->cookies_set->str, "anjian_office="));
}

static void
test_county_scope (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autofree char *own = g_strconcat ("/office/hazards/", f->dl_hazard, NULL);
  g_autofree char *other = g_strconcat ("/office/hazards/", f->xh_hazard, NULL);
  g_autofree char *other_report = NULL;

  g_test_summary ("A clerk of 东林县 sees 东林县's hazard and never 西河县's: not in the list, not in the "
                  "ledger export, nor its statistics, and its page and documents answer 404 by URL");
  g_assert_cmpint (sign_in (b, "dl-clerk", CLERK_PASSWORD), ==, 303);
  g_assert_cmpint (browse (b, "/office/hazards", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, f->dl_number));
  g_assert_null (strstr (b->body->str, f->xh_number));
  g_assert_null (strstr (b->body->str, "西河县"));
  /* Asking for the other county by filter gives nothing either. */
  g_assert_cmpint (browse (b, "/office/hazards?county=%E8%A5%BF%E6%B2%B3%E5%8E%BF", NULL), ==, 200);
  g_assert_null (strstr (b->body->str, f->xh_number));
  g_assert_cmpint (browse (b, "/office/hazards.csv", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, f->dl_number));
  g_assert_null (strstr (b->body->str, f->xh_number));

  g_assert_cmpint (browse (b, own, NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, "<img"));   /* its photo */
  g_assert_cmpint (browse (b, other, NULL), ==, 404);
  g_assert_null (strstr (b->body->str, f->xh_number));
  {
    g_autoptr(AjStore) store = aj_test_server_open_store (f->pair.server);
    g_autoptr(AjHazard) h = aj_hazard_load (store, f->xh_hazard);
    other_report = g_strdup_printf ("/office/reports/%s/inspection.pdf", aj_hazard_get_inspection_id (h));
  }
  g_assert_cmpint (browse (b, other_report, NULL), ==, 404);

  /* Statistics of its county only; the administrator's cover both. */
  g_assert_cmpint (browse (b, "/office/stats", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, "东林县"));
  g_assert_null (strstr (b->body->str, "西河县"));
  {
    g_autoptr(Browser) admin = browser_new (f->pair.server->url);

    g_assert_cmpint (sign_in (admin, "admin", PASSWORD), ==, 303);
    g_assert_cmpint (browse (admin, "/office/stats", NULL), ==, 200);
    g_assert_nonnull (strstr (admin->body->str, "东林县"));
    g_assert_nonnull (strstr (admin->body->str, "西河县"));
  }
}

/* 督办 in the console: the escalation list holds the hazard an inspector
 * escalated on a kiosk, and only it. */
static void
test_escalation_list (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autoptr(AjUser) inspector = aj_registry_get_user (f->pair.kiosk->store, "u-zhang-wei");
  g_autoptr(GError) error = NULL;
  AjStepInput escalate = { .level = "city", .escalation_reason = "major", .note = "安全出口上锁，市级挂牌" };
  AjSyncReport report = { 0 };

  g_test_summary ("A hazard escalated (挂牌督办) on a kiosk and synced is on the console's escalation list with "
                  "its level; the hazard not escalated is not");
  {
    g_autoptr(AjHazard) hazard = aj_hazard_load (f->pair.kiosk->store, f->dl_hazard);

    g_assert_true (aj_inspection_finish (f->pair.kiosk->store, "u-zhang-wei", aj_hazard_get_inspection_id (hazard),
                                         &error));
    g_assert_no_error (error);
  }
  g_free (aj_hazard_step (f->pair.kiosk->store, inspector, f->dl_hazard, AJ_STEP_ESCALATE, &escalate, &error));
  g_assert_no_error (error);
  g_assert_true (aj_test_kiosk_sync (f->pair.kiosk, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.refused, ==, 0);

  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpint (browse (b, "/office/hazards?escalated=1", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, f->dl_number));
  g_assert_null (strstr (b->body->str, f->xh_number));
  g_assert_cmpint (browse (b, "/office/hazards", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, f->xh_number));
}

static void
test_lock_out (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);

  g_test_summary ("Five wrong passwords lock the account, stored in the database: the right password is then "
                  "refused too, and the lock is in the audit log");
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (sign_in (b, "dl-clerk", "wrong password 123"), ==, 401);
  /* On PostgreSQL, counted there for every server (test-multi). */
  g_assert_cmpint (f->pair.server->database
                   ? aj_test_pg_query_int (f->pair.server->database,
                                           "SELECT failures FROM office_lockouts WHERE user_name = 'dl-clerk'")
                   : count (f->pair.server, "SELECT failures FROM office_users WHERE name = 'dl-clerk'"), ==, 4);
  g_assert_cmpint (sign_in (b, "dl-clerk", "wrong password 123"), ==, 401);
  g_assert_cmpint (f->pair.server->database
                   ? aj_test_pg_query_int (f->pair.server->database,
                                           "SELECT (locked_until > extract (epoch FROM now ()))::int "
                                           "FROM office_lockouts WHERE user_name = 'dl-clerk'")
                   : count (f->pair.server, "SELECT locked_until > unixepoch () FROM office_users WHERE name = 'dl-clerk'"),
                   ==, 1);
  g_assert_cmpint (sign_in (b, "dl-clerk", CLERK_PASSWORD), ==, 403);
  g_assert_null (strstr (b->cookies_set->str, "anjian_office="));
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE user_name = 'dl-clerk' "
                                          "AND action = 'sign-in.lock'"), ==, 1);
  /* Another account is not locked by it. */
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
}

static void
test_import_preview (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autofree char *e_roster = escape (b, roster);
  g_autofree char *bad = escape (b, "id,name,department,certificate,counties,member_of,related_to,active\n"
                                    "x-1,,某局,,东林县,,,maybe\n");
  g_autofree char *form = g_strdup_printf ("register=inspectors&format=csv&text=%s", e_roster);
  g_autofree char *bad_form = g_strdup_printf ("register=inspectors&format=csv&text=%s", bad);
  g_autofree char *confirm = g_strdup_printf ("step=confirm&register=inspectors&format=csv&text=%s", e_roster);
  gint64 version = count (f->pair.server, "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'reference_version'), 0)");
  gint64 certificates = count (f->pair.server, "SELECT count(*) FROM inspectors");

  g_test_summary ("A register is previewed with its errors before anything is written, and written only "
                  "when confirmed");
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpint (post_from (b, "/office/import", "/office/import", bad_form), ==, 422);
  g_assert_nonnull (strstr (b->body->str, "class=\"error\""));
  g_assert_cmpint (post_from (b, "/office/import", "/office/import", form), ==, 200);
  g_assert_nonnull (strstr (b->body->str, "name=\"step\" value=\"confirm\""));
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM inspectors"), ==, certificates);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM inspectors WHERE id = 'r-gao-fei'"), ==, 0);
  g_assert_cmpint (count (f->pair.server, "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'reference_version'), 0)"), ==, version);
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE action = 'register.import'"), ==, 0);

  g_assert_cmpint (post_from (b, "/office/import", "/office/import", confirm), ==, 200);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM inspectors WHERE id = 'r-gao-fei'"), ==, 1);
  g_assert_cmpint (count (f->pair.server, "SELECT coalesce ((SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'reference_version'), 0)"), >, version);
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE action = 'register.import' "
                                          "AND user_name = 'admin'"), ==, 1);
}

static void
test_draw_and_publish (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autofree char *e_roster = escape (b, roster);
  g_autofree char *import = g_strdup_printf ("step=confirm&register=inspectors&format=csv&text=%s", e_roster);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *due = aj_date_add_days (today, 14);
  g_autofree char *plan_form = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *draw_form = NULL;
  g_autofree char *draw_page = NULL;
  g_autofree char *draw = NULL;
  g_autofree char *publish = NULL;
  const char *seed_source = "2026-12-01 上证综指收盘 3412.56";
  g_autofree char *seed = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed_source, -1);
  g_autofree char *e_seed = escape (b, seed_source);
  g_autofree char *e_title = escape (b, "东林县第四季度双随机抽查");
  g_autofree char *e_county = escape (b, "东林县");

  g_test_summary ("A chief's plan, draw and publication made from the console: the draw page shows the seed "
                  "source and its seed, the teams, then the publication; /public lists the draw; each change "
                  "is in the audit log with who and from where");
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpint (post_from (b, "/office/import", "/office/import", import), ==, 200);
  plan_form = g_strdup_printf ("title=%s&counties=%s&count=1&team_size=2&from=2026-10-01&to=2026-12-31"
                               "&due=%s&checklist=elder-care", e_title, e_county, due);
  g_assert_cmpint (post_from (b, "/office/plans", "/office/plans", plan_form), ==, 303);
  {
    g_autoptr(AjStore) store = aj_test_server_open_store (f->pair.server);
    g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), "SELECT id FROM draw_plans", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    plan = aj_db_col_dup (stmt, 0);
  }
  /* A draw with no seed source is refused and makes nothing. */
  draw_form = g_strdup_printf ("id=%s&seed_source=", plan);
  g_assert_cmpint (post_from (b, "/office/plans", "/office/draws", draw_form), ==, 422);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draws"), ==, 0);
  g_free (draw_form);
  draw_form = g_strdup_printf ("id=%s&seed_source=%s", plan, e_seed);
  g_assert_cmpint (post_from (b, "/office/plans", "/office/draws", draw_form), ==, 303);
  g_assert_true (g_str_has_prefix (b->location, "/office/draws/"));
  draw_page = g_strdup (b->location);
  draw = g_strdup (b->location + strlen ("/office/draws/"));
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM assignments"), ==, 1);

  g_assert_cmpint (browse (b, draw_page, NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, "上证综指收盘 3412.56"));
  g_assert_nonnull (strstr (b->body->str, seed));
  g_assert_nonnull (strstr (b->body->str, "name=\"date\""));

  publish = g_strdup_printf ("draw=%s&date=%s", draw, today);
  g_assert_cmpint (post_from (b, draw_page, "/office/publish", publish), ==, 303);
  g_assert_cmpint (browse (b, draw_page, NULL), ==, 200);
  g_assert_null (strstr (b->body->str, "name=\"date\""));
  g_assert_nonnull (strstr (b->body->str, today));
  g_assert_cmpint (browse (b, "/public", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, draw));

  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE user_name = 'admin' AND "
                                          "client = '127.0.0.1' AND action IN ('plan.create', 'draw', 'publish')"),
                   ==, 3);
  /* The audit page shows them. */
  g_assert_cmpint (browse (b, "/office/audit", NULL), ==, 200);
  g_assert_nonnull (strstr (b->body->str, "publish"));
}

static void
test_clerk_may_not_draw (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autofree char *form = NULL;
  g_autofree char *plan = NULL;

  g_test_summary ("A clerk may create a plan of his or her county but not draw it, and the plan is of that "
                  "county whatever the form says");
  g_assert_cmpint (sign_in (b, "dl-clerk", CLERK_PASSWORD), ==, 303);
  g_assert_cmpint (post_from (b, "/office/plans", "/office/plans",
                              "title=t&counties=%E8%A5%BF%E6%B2%B3%E5%8E%BF&count=1&team_size=2&from=2026-10-01"
                              "&to=2026-12-31&checklist=elder-care"), ==, 303);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draw_plans WHERE plan LIKE '%西河县%'"), ==, 0);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draw_plans WHERE plan LIKE '%东林县%'"), ==, 1);
  {
    g_autoptr(AjStore) store = aj_test_server_open_store (f->pair.server);
    g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), "SELECT id FROM draw_plans", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    plan = aj_db_col_dup (stmt, 0);
  }
  form = g_strdup_printf ("id=%s&seed_source=x", plan);
  g_assert_cmpint (post_from (b, "/office/plans", "/office/draws", form), ==, 403);
  g_assert_cmpint (count (f->pair.server, "SELECT count(*) FROM draws"), ==, 0);
}

static void
test_enrollment_code (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Browser) b = browser_new (f->pair.server->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_autofree char *png_path = g_build_filename (f->pair.server->data_dir, "qr.png", NULL);
  g_autofree char *b64 = NULL, *code = NULL, *hash = NULL, *revoke = NULL;
  g_autofree guchar *png = NULL;
  const char *mark = "data:image/png;base64,";
  const char *p, *q;
  gsize png_size;

  g_test_summary ("A chief issues a device enrollment code for a county: the page shows it and a QR that "
                  "decodes to it; revoked, it can no longer enroll a device; a device revoked from the console "
                  "can no longer sync; each is in the audit log");
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_cmpint (post_from (b, "/office/codes", "/office/codes", "county=%E4%B8%9C%E6%9E%97%E5%8E%BF&days=7"), ==, 200);
  p = strstr (b->body->str, mark);
  g_assert_nonnull (p);
  p += strlen (mark);
  b64 = g_strndup (p, strcspn (p, "\""));
  png = g_base64_decode (b64, &png_size);
  g_assert_true (g_file_set_contents (png_path, (const char *) png, png_size, NULL));
  payloads = aj_qr_decode_file (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (payloads->len, ==, 1);
  q = strstr (g_ptr_array_index (payloads, 0), "code=");
  g_assert_nonnull (q);
  code = g_strdup (q + 5);
  g_assert_true (g_str_has_prefix (code, "AJ-"));
  g_assert_nonnull (strstr (b->body->str, code));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (payloads, 0), "anjian:enroll?server=http://127.0.0.1:"));

  {
    g_autofree char *normal = NULL;
    GString *n = g_string_new (NULL);
    for (const char *c = code; *c; c++)
      if (g_ascii_isalnum (*c))
        g_string_append_c (n, g_ascii_toupper (*c));
    normal = g_string_free (n, FALSE);
    hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, normal, -1);
  }
  revoke = g_strdup_printf ("code=%s", hash);
  g_assert_cmpint (post_from (b, "/office/codes", "/office/codes/revoke", revoke), ==, 303);
  {
    g_auto(AjTestReply) r = { 0 };
    g_autofree char *url = g_strconcat (f->pair.server->url, "/api/v1/enroll", NULL);
    g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"device_name\": \"t\", "
                                             "\"device_id\": \"01a00000-0000-7000-8000-000000000001\"}", code);
    aj_test_http ("POST", url, NULL, NULL, body, strlen (body), &r);
    g_assert_cmpint (r.status, ==, 403);
    g_assert_cmpstr (g_hash_table_lookup (r.headers, "anjian-error"), ==, "code_expired");
  }
  g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE action IN ('code.issue', "
                                          "'code.revoke') AND user_name = 'admin'"), ==, 2);
  /* The kiosk's device, revoked from the console, is refused at its next sync. */
  {
    g_autofree char *form = g_strdup_printf ("device=%s", aj_store_get_device_id (f->pair.kiosk->store));
    AjSyncReport report = { 0 };

    g_assert_cmpint (post_from (b, "/office/codes", "/office/devices/revoke", form), ==, 303);
    g_assert_false (aj_test_kiosk_sync (f->pair.kiosk, &report, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_cmpint (count_shared (f->pair.server, "SELECT count(*) FROM office_audit WHERE action = 'device.revoke'"), ==, 1);
  }
  /* The code itself is written nowhere but on the page. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM office_audit WHERE detail LIKE '%%%s%%' "
                                            "OR subject LIKE '%%%s%%'", code + 3, code + 3);
    g_assert_cmpint (count_shared (f->pair.server, sql), ==, 0);
  }
}

static void
test_tls_cookie_secure (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anjian-office-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *openssl_path = g_find_program_in_path ("openssl");
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Browser) b = NULL;
  AjTestServer *server;

  g_test_summary ("Served over TLS, the console's session cookie is also Secure");
  if (openssl_path == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                              "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", key, "-out", cert, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));
  server = aj_test_server_new_tls (cert, key);
  g_assert_true (g_str_has_prefix (server->url, "https://"));
  add_office_user (server, "admin", "admin", NULL, PASSWORD);
  b = browser_new (server->url);
  curl_easy_setopt (b->curl, CURLOPT_CAINFO, cert);
  g_assert_cmpint (sign_in (b, "admin", PASSWORD), ==, 303);
  g_assert_nonnull (strstr (b->cookies_set->str, "anjian_office="));
  g_assert_nonnull (strstr (b->cookies_set->str, "; Secure"));
  g_assert_cmpint (browse (b, "/office/", NULL), ==, 200);
  aj_test_server_free (server);
  aj_test_rm_rf (dir);
}

/* axe-core from the npm registry, installed once into the build folder
 * (never into the sources); NULL when it cannot be had. */
static char *
find_axe (void)
{
  const char *cache = g_getenv ("ANJIAN_NODE_CACHE");
  g_autofree char *npm = g_find_program_in_path ("npm");
  char *axe;

  if (cache == NULL)
    return NULL;
  axe = g_build_filename (cache, "node_modules", "axe-core", "axe.min.js", NULL);
  if (!g_file_test (axe, G_FILE_TEST_EXISTS) && npm != NULL)
    {
      const char *argv[] = { npm, "install", "--no-audit", "--no-fund", "--prefix", cache, "axe-core@4", NULL };
      g_mkdir_with_parents (cache, 0755);
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, NULL, NULL);
    }
  if (!g_file_test (axe, G_FILE_TEST_EXISTS))
    g_clear_pointer (&axe, g_free);
  return axe;
}

static void
test_browser (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *tidy = g_find_program_in_path ("tidy");
  g_autofree char *axe = find_axe ();
  g_autofree char *script = aj_test_source_path ("tests/integration/office-browser.mjs");
  g_autofree char *roster_path = g_build_filename (f->pair.server->data_dir, "roster.csv", NULL);
  g_autofree char *shots = g_strdup (g_getenv ("ANJIAN_OFFICE_SHOTS"));
  g_autofree char *out = NULL, *err = NULL, *draw = NULL, *hazard = NULL, *draw_page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  gboolean temporary = shots == NULL;
  gint64 start;
  int status = 0;

  g_test_summary ("Headless Chromium signs in and walks the console's main pages at 390 and 1280 px: "
                  "screenshots, no serious or critical axe-core violation, nothing wider than the window, "
                  "and every page's HTML valid for tidy");
  if (chromium == NULL || node == NULL || axe == NULL || tidy == NULL)
    {
      g_test_skip ("needs chromium, node, tidy and axe-core (npm install axe-core into $ANJIAN_NODE_CACHE)");
      return;
    }
  g_assert_true (g_file_set_contents (roster_path, roster, -1, NULL));
  g_free (aj_test_server_admin (f->pair.server, "register", "import", "inspectors", roster_path, NULL));
  g_free (aj_test_server_admin (f->pair.server, "plan", "create", "--title", "2026年第四季度东林县双随机抽查",
                                "--county", "东林县", "--count", "2", "--team-size", "2", "--from", "2026-10-01",
                                "--to", "2026-12-31", "--include-checked", "--checklist", "elder-care", NULL));
  out = aj_test_server_admin (f->pair.server, "plan", "list", NULL);
  {
    g_auto(GStrv) fields = g_strsplit (out, "\t", 2);
    g_autofree char *seeded = aj_test_server_admin (f->pair.server, "draw", fields[0], "--seed-source",
                                                    "2026-12-01 上证综指收盘 3412.56", NULL);
    const char *p = strstr (seeded, "draw ");
    g_assert_nonnull (p);
    draw = g_strndup (p + 5, 36);
  }
  g_clear_pointer (&out, g_free);
  if (temporary)
    shots = g_dir_make_tmp ("anjian-shots-XXXXXX", NULL);
  g_mkdir_with_parents (shots, 0755);
  hazard = g_strconcat ("/office/hazards/", f->dl_hazard, NULL);
  draw_page = g_strconcat ("/office/draws/", draw, NULL);
  g_strv_builder_add_many (argv, node, "--experimental-websocket", "--no-warnings", script, f->pair.server->url,
                           shots, axe, "admin", PASSWORD, "/office/", "/office/hazards", hazard,
                           "/office/hazards?escalated=1", "/office/assignments", "/office/completion",
                           "/office/stats", "/office/plans", draw_page, "/office/import", "/office/codes",
                           "/office/audit", NULL);
  args = g_strv_builder_end (argv);
  start = g_get_monotonic_time ();
  g_assert_true (g_spawn_sync (NULL, args, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s(%.1f s)", out, (g_get_monotonic_time () - start) / 1e6);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the browser walk found problems:\n%s", err);
  {
    g_autofree char *shot = g_build_filename (shots, "hazards-390.png", NULL);
    g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));
  }
  if (temporary)
    aj_test_rm_rf (shots);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  g_test_add ("/office/sign-in-opens-a-stored-session", Fixture, NULL, fixture_setup, test_sign_in, fixture_teardown);
  g_test_add ("/office/form-without-csrf-token-refused-403", Fixture, NULL, fixture_setup, test_csrf_refused,
              fixture_teardown);
  g_test_add ("/office/county-clerk-never-sees-another-county", Fixture, NULL, fixture_setup, test_county_scope,
              fixture_teardown);
  g_test_add ("/office/escalation-list-holds-the-escalated-hazard", Fixture, NULL, fixture_setup,
              test_escalation_list, fixture_teardown);
  g_test_add ("/office/five-wrong-passwords-lock-the-account", Fixture, NULL, fixture_setup, test_lock_out,
              fixture_teardown);
  g_test_add ("/office/import-preview-writes-nothing-until-confirmed", Fixture, NULL, fixture_setup,
              test_import_preview, fixture_teardown);
  g_test_add ("/office/plan-draw-publish-from-the-console-audited", Fixture, NULL, fixture_setup,
              test_draw_and_publish, fixture_teardown);
  g_test_add ("/office/clerk-plans-own-county-and-may-not-draw", Fixture, NULL, fixture_setup,
              test_clerk_may_not_draw, fixture_teardown);
  g_test_add_func ("/office/session-cookie-secure-over-tls", test_tls_cookie_secure);
  g_test_add ("/office/enrollment-code-with-qr-and-device-revoked", Fixture, NULL, fixture_setup,
              test_enrollment_code, fixture_teardown);
  g_test_add ("/office/browser-walk-axe-screenshots-valid-html", Fixture, NULL, fixture_setup, test_browser,
              fixture_teardown);
  return g_test_run ();
}
