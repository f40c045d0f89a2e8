/* test-draw.c: the random draw of "double random, one public" over a
 * generated register of 500 institutions and 60 inspectors: every exclusion
 * holds, teams are as asked, credit weighting changes the frequencies as
 * documented in aj-draw.c, the draw is reproducible and its record
 * auditable; the registers import with line-level errors and round-trip. */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib.h>

#include "aj-assignment.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-draw.h"
#include "aj-draw-record.h"
#include "aj-error.h"
#include "aj-register-io.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-test-util.h"
#include "aj-workdays.h"

#define N_INSTITUTIONS 500
#define N_INSPECTORS   60

static const char * const counties[] = { "东林县", "西河县", "南湖区", "北山县", "青川县" };
static const char * const types[] = { "elder_care", "township_home", "day_care", "child_welfare", "rescue_station" };

/* A register made by a fixed rule (no randomness): 500 institutions, 5
 * counties, 20 dishonest, 50 watched, 25 spot-checked in 2027 Q1; 60
 * inspectors, 4 of them city-wide ("*"), each of the others allowed one or
 * two counties, a third member of one institution and related to two. */
typedef struct
{
  char *code[N_INSTITUTIONS], *county[N_INSTITUTIONS], *type[N_INSTITUTIONS], *checked[N_INSTITUTIONS];
  AjCreditGrade credit[N_INSTITUTIONS];
  char *id[N_INSPECTORS];
  GStrv may[N_INSPECTORS], member[N_INSPECTORS], related[N_INSPECTORS];
} Register;

static void
register_init (Register *r)
{
  for (guint i = 0; i < N_INSTITUTIONS; i++)
    {
      r->code[i] = g_strdup_printf ("QS%04u", (i * 7919u) % 10000u);   /* codes not in index order */
      r->county[i] = g_strdup (counties[i % G_N_ELEMENTS (counties)]);
      r->type[i] = g_strdup (types[(i / 5) % G_N_ELEMENTS (types)]);
      r->credit[i] = i % 25 == 3 ? AJ_CREDIT_DISHONEST : i % 10 == 7 ? AJ_CREDIT_WATCH : AJ_CREDIT_NORMAL;
      r->checked[i] = g_strdup (i % 20 == 11 ? "2027-02-14" : i % 20 == 12 ? "2026-11-30" : "");
    }
  for (guint p = 0; p < N_INSPECTORS; p++)
    {
      r->id[p] = g_strdup_printf ("insp-%02u", (p * 37u) % 100u);
      if (p < 4)
        r->may[p] = g_strsplit ("*", ";", -1);
      else if (p % 2 == 0)
        r->may[p] = g_strsplit (counties[p % 5], ";", -1);
      else
        {
          g_autofree char *two = g_strdup_printf ("%s;%s", counties[p % 5], counties[(p + 1) % 5]);
          r->may[p] = g_strsplit (two, ";", -1);
        }
      if (p % 3 == 0)
        {
          g_autofree char *own = g_strdup (r->code[(p * 13) % N_INSTITUTIONS]);
          g_autofree char *rel = g_strdup_printf ("%s;%s", r->code[(p * 29 + 1) % N_INSTITUTIONS],
                                                  r->code[(p * 31 + 2) % N_INSTITUTIONS]);
          r->member[p] = g_strsplit (own, ";", -1);
          r->related[p] = g_strsplit (rel, ";", -1);
        }
      else
        {
          r->member[p] = g_new0 (char *, 1);
          r->related[p] = g_new0 (char *, 1);
        }
    }
}

static void
register_clear (Register *r)
{
  for (guint i = 0; i < N_INSTITUTIONS; i++)
    {
      g_free (r->code[i]);
      g_free (r->county[i]);
      g_free (r->type[i]);
      g_free (r->checked[i]);
    }
  for (guint p = 0; p < N_INSPECTORS; p++)
    {
      g_free (r->id[p]);
      g_strfreev (r->may[p]);
      g_strfreev (r->member[p]);
      g_strfreev (r->related[p]);
    }
}

static AjDrawSnapshot *
register_snapshot (Register *r,
                   gboolean  reversed)
{
  AjDrawSnapshot *s = aj_draw_snapshot_new ();

  for (guint n = 0; n < N_INSTITUTIONS; n++)
    {
      guint i = reversed ? N_INSTITUTIONS - 1 - n : n;
      aj_draw_snapshot_add_institution (s, r->code[i], r->type[i], r->county[i], r->credit[i], r->checked[i]);
    }
  for (guint n = 0; n < N_INSPECTORS; n++)
    {
      guint p = reversed ? N_INSPECTORS - 1 - n : n;
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) conflicts = NULL;

      g_strv_builder_addv (b, (const char **) r->member[p]);
      g_strv_builder_addv (b, (const char **) r->related[p]);
      conflicts = g_strv_builder_end (b);
      aj_draw_snapshot_add_inspector (s, r->id[p], (const char * const *) r->may[p], (const char * const *) conflicts);
    }
  return s;
}

typedef struct
{
  Register        reg;
  AjDrawSnapshot *snapshot;
  AjDrawPlan     *plan;
  GHashTable     *index_of_code;   /* code → index + 1 */
  GHashTable     *index_of_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  register_init (&f->reg);
  f->snapshot = register_snapshot (&f->reg, FALSE);
  f->plan = aj_draw_plan_new ();
  f->plan->count = 50;
  f->plan->team_size = 2;
  f->plan->period_start = g_strdup ("2027-01-01");
  f->plan->period_end = g_strdup ("2027-03-31");
  f->index_of_code = g_hash_table_new (g_str_hash, g_str_equal);
  f->index_of_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < N_INSTITUTIONS; i++)
    g_hash_table_insert (f->index_of_code, f->reg.code[i], GUINT_TO_POINTER (i + 1));
  for (guint p = 0; p < N_INSPECTORS; p++)
    g_hash_table_insert (f->index_of_id, f->reg.id[p], GUINT_TO_POINTER (p + 1));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_hash_table_unref (f->index_of_code);
  g_hash_table_unref (f->index_of_id);
  aj_draw_plan_free (f->plan);
  aj_draw_snapshot_free (f->snapshot);
  register_clear (&f->reg);
}

static AjDrawResult *
run (Fixture    *f,
     const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = aj_draw_seed_from_source (source);
  AjDrawResult *result = aj_draw_run (f->plan, f->snapshot, seed, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Checks every team of 100 draws with @check (institution index, inspector index). */
static guint
check_teams (Fixture  *f,
             gboolean (*check) (Fixture *f, guint i, guint p))
{
  guint checked = 0;

  for (guint d = 0; d < 100; d++)
    {
      g_autofree char *source = g_strdup_printf ("exclusions %u", d);
      g_autoptr(AjDrawResult) result = run (f, source);

      for (guint t = 0; t < aj_draw_result_get_n_teams (result); t++)
        {
          guint i = GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_code, aj_draw_result_get_institution (result, t))) - 1;
          const char * const *team = aj_draw_result_get_team (result, t);

          for (guint m = 0; team[m] != NULL; m++)
            {
              guint p = GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_id, team[m])) - 1;
              g_assert_true (check (f, i, p));
              checked++;
            }
        }
    }
  return checked;
}

static gboolean
not_related (Fixture *f, guint i, guint p)
{
  return !g_strv_contains ((const char * const *) f->reg.related[p], f->reg.code[i]);
}

static gboolean
not_member (Fixture *f, guint i, guint p)
{
  return !g_strv_contains ((const char * const *) f->reg.member[p], f->reg.code[i]);
}

static gboolean
county_allowed (Fixture *f, guint i, guint p)
{
  return g_strv_contains ((const char * const *) f->reg.may[p], "*") ||
         g_strv_contains ((const char * const *) f->reg.may[p], f->reg.county[i]);
}

static void
test_excludes_related_inspector (Fixture *f, gconstpointer data)
{
  g_test_summary ("An inspector is never drawn for an institution he or she is marked related to (回避)");
  /* Make the conflicts bite: the related institutions are all drawn. */
  f->plan->count = 200;
  g_assert_cmpuint (check_teams (f, not_related), >, 0);
}

static void
test_excludes_own_institution (Fixture *f, gconstpointer data)
{
  g_test_summary ("An inspector is never drawn for the institution he or she belongs to");
  f->plan->count = 200;
  g_assert_cmpuint (check_teams (f, not_member), >, 0);
}

static void
test_only_allowed_counties (Fixture *f, gconstpointer data)
{
  g_test_summary ("An inspector goes only to counties he or she may inspect (\"*\" for all)");
  g_assert_cmpuint (check_teams (f, county_allowed), >, 0);
}

static void
test_never_alone (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = aj_draw_seed_from_source ("alone");
  g_autoptr(AjDrawResult) result = NULL;
  g_autoptr(AjDrawSnapshot) lonely = aj_draw_snapshot_new ();
  const char *east[] = { "东林县", NULL };
  const char *none[] = { NULL };

  g_test_summary ("A plan for teams of one is refused, and a draw that cannot find two inspectors fails naming the institution");
  f->plan->team_size = 1;
  g_assert_false (aj_draw_plan_validate (f->plan, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);

  f->plan->team_size = 2;
  aj_draw_snapshot_add_institution (lonely, "DLX001", "township_home", "东林县", AJ_CREDIT_NORMAL, "");
  aj_draw_snapshot_add_inspector (lonely, "only-one", east, none);
  aj_draw_snapshot_add_inspector (lonely, "elsewhere", (const char *[]) { "西河县", NULL }, none);
  f->plan->count = 1;
  result = aj_draw_run (f->plan, lonely, seed, &error);
  g_assert_null (result);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "DLX001"));
}

static void
test_teams_and_counts_as_asked (Fixture *f, gconstpointer data)
{
  g_test_summary ("Team sizes and the number of institutions are as the plan asks; a share is rounded up; "
                  "members of a team are distinct; the load is shared evenly");
  for (guint size = 2; size <= 4; size++)
    {
      g_autoptr(AjDrawResult) result = NULL;
      g_autofree guint *load = g_new0 (guint, N_INSPECTORS);
      guint most = 0, least = G_MAXUINT;

      f->plan->team_size = size;
      f->plan->count = 60;
      result = run (f, "teams");
      g_assert_cmpuint (aj_draw_result_get_n_teams (result), ==, 60);
      for (guint t = 0; t < 60; t++)
        {
          const char * const *team = aj_draw_result_get_team (result, t);

          g_assert_cmpuint (g_strv_length ((char **) team), ==, size);
          for (guint a = 0; a < size; a++)
            {
              load[GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_id, team[a])) - 1]++;
              for (guint b = a + 1; b < size; b++)
                g_assert_cmpstr (team[a], !=, team[b]);
            }
        }
      for (guint p = 0; p < N_INSPECTORS; p++)
        {
          most = MAX (most, load[p]);
          least = MIN (least, load[p]);
        }
      g_test_message ("team of %u: load per inspector from %u to %u", size, least, most);
      g_assert_cmpuint (most - least, <=, size + 2);
    }

  /* 475 candidates (25 checked this quarter are out); 10% is 47.5 → 48. */
  {
    g_autoptr(AjDrawResult) result = NULL;

    f->plan->count = 0;
    f->plan->share_permille = 100;
    result = run (f, "share");
    g_assert_cmpuint (aj_draw_result_get_n_candidates (result), ==, 475);
    g_assert_cmpuint (aj_draw_result_get_n_excluded (result), ==, 25);
    g_assert_cmpuint (aj_draw_result_get_n_teams (result), ==, 48);
  }
}

static void
test_checked_in_period_excluded (Fixture *f, gconstpointer data)
{
  g_autoptr(AjDrawResult) kept = NULL;
  g_autoptr(AjDrawResult) all = NULL;

  g_test_summary ("Institutions spot-checked within the period are not drawn, unless the plan says otherwise");
  f->plan->count = 475;
  kept = run (f, "period");
  for (guint t = 0; t < aj_draw_result_get_n_teams (kept); t++)
    {
      guint i = GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_code, aj_draw_result_get_institution (kept, t))) - 1;
      g_assert_cmpstr (f->reg.checked[i], !=, "2027-02-14");
    }
  f->plan->exclude_checked = FALSE;
  f->plan->count = 500;
  all = run (f, "period");
  g_assert_cmpuint (aj_draw_result_get_n_teams (all), ==, 500);
}

static void
test_dishonest_always_drawn (Fixture *f, gconstpointer data)
{
  g_test_summary ("Every dishonest (失信) candidate is drawn, first and marked so, whatever the seed");
  for (guint d = 0; d < 20; d++)
    {
      g_autofree char *source = g_strdup_printf ("dishonest %u", d);
      g_autoptr(AjDrawResult) result = run (f, source);
      guint always = 0;

      for (guint t = 0; t < aj_draw_result_get_n_teams (result); t++)
        if (aj_draw_result_get_always (result, t))
          {
            guint i = GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_code, aj_draw_result_get_institution (result, t))) - 1;
            g_assert_cmpint (f->reg.credit[i], ==, AJ_CREDIT_DISHONEST);
            g_assert_cmpuint (t, ==, always);
            always++;
          }
      g_assert_cmpuint (always, ==, 20);
      g_assert_cmpuint (aj_draw_result_get_n_teams (result), ==, 50);
    }
}

/* Over 2,000 draws of 50 with fixed seeds: how often a watched and a normal
 * institution is the first drawn by lot (exactly proportional to its lots)
 * and how often it is drawn at all. */
static void
measure (Fixture *f,
         double  *first_ratio,
         double  *inclusion_ratio)
{
  guint first[3] = { 0 }, included[3] = { 0 }, members[3] = { 0 };

  for (guint i = 0; i < N_INSTITUTIONS; i++)
    if (g_strcmp0 (f->reg.checked[i], "2027-02-14") != 0)
      members[f->reg.credit[i]]++;
  for (guint d = 0; d < 2000; d++)
    {
      g_autofree char *source = g_strdup_printf ("statistics %u", d);
      g_autoptr(AjDrawResult) result = run (f, source);
      gboolean seen_first = FALSE;

      for (guint t = 0; t < aj_draw_result_get_n_teams (result); t++)
        {
          guint i = GPOINTER_TO_UINT (g_hash_table_lookup (f->index_of_code, aj_draw_result_get_institution (result, t))) - 1;

          included[f->reg.credit[i]]++;
          if (!aj_draw_result_get_always (result, t) && !seen_first)
            {
              first[f->reg.credit[i]]++;
              seen_first = TRUE;
            }
        }
    }
  *first_ratio = ((double) first[AJ_CREDIT_WATCH] / members[AJ_CREDIT_WATCH]) /
                 ((double) first[AJ_CREDIT_NORMAL] / members[AJ_CREDIT_NORMAL]);
  *inclusion_ratio = ((double) included[AJ_CREDIT_WATCH] / members[AJ_CREDIT_WATCH]) /
                     ((double) included[AJ_CREDIT_NORMAL] / members[AJ_CREDIT_NORMAL]);
  g_test_message ("watched %u, normal %u: first lot %u / %u; drawn at all %.4f / %.4f per institution per draw; "
                  "ratios %.3f (first) %.3f (inclusion)",
                  members[AJ_CREDIT_WATCH], members[AJ_CREDIT_NORMAL], first[AJ_CREDIT_WATCH], first[AJ_CREDIT_NORMAL],
                  included[AJ_CREDIT_WATCH] / 2000.0 / members[AJ_CREDIT_WATCH],
                  included[AJ_CREDIT_NORMAL] / 2000.0 / members[AJ_CREDIT_NORMAL], *first_ratio, *inclusion_ratio);
}

static void
test_credit_weighting_frequencies (Fixture *f, gconstpointer data)
{
  double first, inclusion;

  g_test_summary ("Credit weighting: a watched institution is three times as likely as a normal one at each lot "
                  "(2,000 seeded draws, within 4 standard errors); with equal weights the ratio is 1");
  measure (f, &first, &inclusion);
  g_assert_cmpfloat (first, >, 2.5);
  g_assert_cmpfloat (first, <, 3.5);
  /* Without replacement a watched one's chance to be drawn at all is a bit
   * under three times: 50 of 475 is a large share. */
  g_assert_cmpfloat (inclusion, >, 2.3);
  g_assert_cmpfloat (inclusion, <, 3.1);

  f->plan->weight_watch = 1;
  measure (f, &first, &inclusion);
  g_assert_cmpfloat (first, >, 0.75);
  g_assert_cmpfloat (first, <, 1.3);
  g_assert_cmpfloat (inclusion, >, 0.85);
  g_assert_cmpfloat (inclusion, <, 1.15);
}

static gboolean
results_equal (AjDrawResult *a,
               AjDrawResult *b)
{
  return aj_draw_result_equal (a, b);
}

static void
test_same_seed_same_result (Fixture *f, gconstpointer data)
{
  g_autoptr(AjDrawResult) a = run (f, "福彩3D 2027060 开奖号码 415");
  g_autoptr(AjDrawResult) b = run (f, "福彩3D 2027060 开奖号码 415");
  g_autoptr(AjDrawSnapshot) reversed = register_snapshot (&f->reg, TRUE);
  g_autoptr(AjDrawResult) c = NULL;
  g_autofree char *seed = aj_draw_seed_from_source ("福彩3D 2027060 开奖号码 415");

  g_test_summary ("The same plan, register and seed give the same result, whatever order the register is read in");
  g_assert_true (results_equal (a, b));
  c = aj_draw_run (f->plan, reversed, seed, NULL);
  g_assert_true (results_equal (a, c));
}

static void
test_other_seed_other_result (Fixture *f, gconstpointer data)
{
  g_autoptr(AjDrawResult) a = run (f, "福彩3D 2027060 开奖号码 415");
  g_autoptr(AjDrawResult) b = run (f, "福彩3D 2027060 开奖号码 416");

  g_test_summary ("Another seed gives another result");
  g_assert_false (results_equal (a, b));
}

static void
test_seed_is_sha256_of_source (void)
{
  g_autofree char *seed = aj_draw_seed_from_source ("abc");

  g_test_summary ("The seed is the SHA-256 of the public value's text (FIPS 180-2 test vector)");
  g_assert_cmpstr (seed, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_true (aj_draw_seed_is_valid (seed));
  g_assert_false (aj_draw_seed_is_valid ("BA7816BF"));
}

static void
test_plan_round_trips (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again_node = NULL;
  g_autoptr(AjDrawPlan) again = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A plan written as JSON reads back the same");
  f->plan->counties = g_strsplit ("西河县;东林县", ";", -1);
  f->plan->weight_watch = 4;
  node = aj_draw_plan_to_json (f->plan);
  again = aj_draw_plan_from_json (node, &error);
  g_assert_no_error (error);
  again_node = aj_draw_plan_to_json (again);
  a = json_to_string (node, FALSE);
  b = json_to_string (again_node, FALSE);
  g_assert_cmpstr (a, ==, b);
}

/* ---- stored draws and the registers in a store ------------------------ */

typedef struct
{
  Register  reg;
  AjStore  *store;
} StoreFixture;

static char *
register_csv (Register *r,
              gboolean  inspectors)
{
  GString *csv = g_string_new (NULL);

  if (!inspectors)
    {
      g_string_append (csv, "code,name,type,county,township,credit,ownership,fire_key_unit,last_spot_check,beds\n");
      for (guint i = 0; i < N_INSTITUTIONS; i++)
        g_string_append_printf (csv, "%s,\"机构 %u, 测试\",%s,%s,某镇,%s,%s,%s,%s,%u\n", r->code[i], i, r->type[i],
                                r->county[i], aj_credit_grade_to_string (r->credit[i]), i % 2 ? "public" : "private",
                                i % 4 ? "否" : "是", r->checked[i], 20 + i % 100);
    }
  else
    {
      g_string_append (csv, "id,name,department,certificate,counties,member_of,related_to\n");
      for (guint p = 0; p < N_INSPECTORS; p++)
        {
          g_autofree char *may = g_strjoinv ("、", r->may[p]);
          g_autofree char *member = g_strjoinv (";", r->member[p]);
          g_autofree char *related = g_strjoinv (";", r->related[p]);
          g_string_append_printf (csv, "%s,检查员%u,民政局,执-%04u,%s,%s,%s\n", r->id[p], p, p, may, member, related);
        }
    }
  return g_string_free (csv, FALSE);
}

static void
store_setup (StoreFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "draw", NULL);
  g_autofree char *path = g_build_filename (dir, "anjian.db", NULL);
  g_autofree char *registry = aj_test_data_path ("registry.json", NULL);
  g_autofree char *institutions = NULL;
  g_autofree char *inspectors = NULL;
  guint rows = 0;

  register_init (&f->reg);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  f->store = aj_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (aj_registry_import_file (f->store, registry, "test", &error));
  g_assert_no_error (error);
  if (data != NULL)
    {
      institutions = register_csv (&f->reg, FALSE);
      inspectors = register_csv (&f->reg, TRUE);
      g_assert_true (aj_register_import (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV, institutions,
                                         strlen (institutions), &rows, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rows, ==, N_INSTITUTIONS);
      g_assert_true (aj_register_import (f->store, AJ_REGISTER_INSPECTORS, AJ_REGISTER_CSV, inspectors,
                                         strlen (inspectors), &rows, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rows, ==, N_INSPECTORS);
    }
}

static void
store_teardown (StoreFixture  *f,
                gconstpointer  data)
{
  g_clear_object (&f->store);
  register_clear (&f->reg);
}

static char *
save_plan (StoreFixture *f)
{
  g_autoptr(AjDrawPlan) plan = aj_draw_plan_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  plan->count = 40;
  plan->team_size = 3;
  plan->period_start = g_strdup ("2027-01-01");
  plan->period_end = g_strdup ("2027-03-31");
  id = aj_draw_record_save_plan (f->store, "2027年第一季度养老机构双随机抽查", plan, "u-zhou-min", &error);
  g_assert_no_error (error);
  return id;
}

static void
test_stored_draw_reruns_identically (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = save_plan (f);
  g_autoptr(AjDrawRecord) record = aj_draw_record_make (f->store, plan, "2027-01-05 福彩3D 第005期 802", "u-zhou-min", &error);
  g_autoptr(AjDrawRecord) loaded = NULL;
  g_autoptr(AjDrawResult) rerun = NULL;
  g_autofree char *seed = aj_draw_seed_from_source ("2027-01-05 福彩3D 第005期 802");

  g_test_summary ("A stored draw keeps its seed text, seed, inputs and result; re-run from the store it gives the "
                  "identical result; changing the register afterwards does not change the re-run");
  g_assert_no_error (error);
  g_assert_cmpuint (aj_draw_result_get_n_teams (aj_draw_record_get_result (record)), ==, 40);
  g_assert_cmpstr (aj_draw_record_get_seed (record), ==, seed);
  g_assert_cmpstr (aj_draw_record_get_algorithm (record), ==, AJ_DRAW_ALGORITHM);

  /* The register changes after the draw: the stored snapshot still stands. */
  g_assert_true (aj_db_exec (aj_store_get_db (f->store), "UPDATE institutions SET credit = 'dishonest'", &error));
  loaded = aj_draw_record_get (f->store, aj_draw_record_get_id (record));
  g_assert_nonnull (loaded);
  g_assert_true (aj_draw_record_rerun (loaded, &rerun, &error));
  g_assert_no_error (error);
  g_assert_true (aj_draw_result_equal (rerun, aj_draw_record_get_result (record)));

  /* A draw is never changed or deleted in place. */
  g_assert_false (aj_db_exec (aj_store_get_db (f->store), "UPDATE draws SET result = '{}'", &error));
  g_clear_error (&error);
  g_assert_false (aj_db_exec (aj_store_get_db (f->store), "DELETE FROM draws", &error));
  g_clear_error (&error);
}

static void
test_redraw_names_old_and_reason (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = save_plan (f);
  g_autoptr(AjDrawRecord) first = aj_draw_record_make (f->store, plan, "公开值 A", "u-zhou-min", &error);
  g_autoptr(AjDrawRecord) again = NULL;
  g_autoptr(AjDrawRecord) redraw = NULL;
  g_autoptr(AjDrawRecord) current = NULL;
  g_autoptr(GListModel) all = NULL;

  g_test_summary ("A plan is drawn once; a redraw needs a reason, names the draw it replaces, and leaves it as it was");
  g_assert_no_error (error);
  again = aj_draw_record_make (f->store, plan, "公开值 B", "u-zhou-min", &error);
  g_assert_null (again);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CONFLICT);
  g_clear_error (&error);

  redraw = aj_draw_record_redraw (f->store, aj_draw_record_get_id (first), "公开值 B", "  ", "u-zhou-min", &error);
  g_assert_null (redraw);
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);

  redraw = aj_draw_record_redraw (f->store, aj_draw_record_get_id (first), "公开值 B",
                                  "检查人员名录有误，重新抽取", "u-zhou-min", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (aj_draw_record_get_replaces (redraw), ==, aj_draw_record_get_id (first));
  g_assert_cmpstr (aj_draw_record_get_reason (redraw), ==, "检查人员名录有误，重新抽取");
  current = aj_draw_record_current (f->store, plan);
  g_assert_cmpstr (aj_draw_record_get_id (current), ==, aj_draw_record_get_id (redraw));

  /* The old one can no longer be redrawn: only the latest. */
  g_assert_null (aj_draw_record_redraw (f->store, aj_draw_record_get_id (first), "公开值 C", "again", "u-zhou-min", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CONFLICT);
  g_clear_error (&error);

  all = aj_draw_record_list (f->store, plan, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (all), ==, 2);
  {
    g_autoptr(AjDrawRecord) kept = aj_draw_record_get (f->store, aj_draw_record_get_id (first));
    g_assert_true (aj_draw_result_equal (aj_draw_record_get_result (kept), aj_draw_record_get_result (first)));
  }
}

static void
test_sample_registry_roster (StoreFixture *f, gconstpointer data)
{
  g_autoptr(AjInspector) sun = aj_roster_get_inspector (f->store, "r-sun-li");
  g_autoptr(AjInstitution) watched = aj_registry_get_institution (f->store, "XHX002");
  g_autoptr(GListModel) roster = aj_roster_list_inspectors (f->store, NULL);

  g_test_summary ("The sample registry carries the roster and the institutions' new fields; the old credit word "
                  "“low” reads as watch");
  g_assert_cmpuint (g_list_model_get_n_items (roster), ==, 8);
  g_assert_nonnull (sun);
  g_assert_true (aj_inspector_may_inspect (sun, "DLX001", "东林县"));
  g_assert_false (aj_inspector_may_inspect (sun, "XHX002", "西河县"));
  g_assert_cmpint (aj_institution_get_credit (watched), ==, AJ_CREDIT_WATCH);
  g_assert_true (aj_institution_is_low_credit (watched));
  g_assert_cmpstr (aj_institution_get_ownership (watched), ==, "public");
}

static void
expect_import_error (AjStore          *store,
                     AjRegister        which,
                     AjRegisterFormat  format,
                     const char       *text,
                     const char       *start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) before = aj_registry_list_institutions (store, NULL);

  g_assert_false (aj_register_import (store, which, format, text, strlen (text), NULL, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_test_message ("%s", error->message);
  if (!g_str_has_prefix (error->message, start))
    g_error ("expected “%s…”, got “%s”", start, error->message);
  {
    g_autoptr(GListModel) after = aj_registry_list_institutions (store, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (after), ==, g_list_model_get_n_items (before));
  }
}

static void
test_bad_line_named (StoreFixture *f, gconstpointer data)
{
  g_test_summary ("A bad line in a CSV or JSON register is refused with its line number and field, and the "
                  "register is left as it was");
  expect_import_error (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV,
                       "code,name,type,county,credit\r\n"
                       "A1,甲,elder_care,东林县,normal\r\n"
                       "\r\n"
                       "A2,\"乙,\n二\",elder_care,东林县,watch\r\n"
                       "A3,丙,elder_care,东林县,bad\r\n",
                       "line 6, field “credit”: “bad”");
  expect_import_error (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV,
                       "code,name,type,county\nA1,甲,elder_care\n", "line 2: 3 fields");
  expect_import_error (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV,
                       "code,name,kind\nA1,甲,elder_care\n", "line 1: unknown column “kind”");
  expect_import_error (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV,
                       "code,name,type,last_spot_check\nA1,甲,elder_care,2027-02-30\n",
                       "line 2, field “last_spot_check”");
  expect_import_error (f->store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_JSON,
                       "{\"institutions\": [\n"
                       "  {\"code\": \"A1\", \"name\": \"甲\", \"type\": \"elder_care\"},\n"
                       "  {\"code\": \"A2\", \"name\": \"乙\",\n"
                       "   \"type\": \"spa\"}\n"
                       "]}\n",
                       "line 3 (element 2), field “type”");
  expect_import_error (f->store, AJ_REGISTER_INSPECTORS, AJ_REGISTER_CSV,
                       "id,name,certificate,counties,related_to\n"
                       "p1,甲,执-1,东林县,DLX001\n"
                       "p2,乙,执-2,东林县,NOPE01\n",
                       "line 3, field “related_to”: no institution “NOPE01”");
  expect_import_error (f->store, AJ_REGISTER_INSPECTORS, AJ_REGISTER_CSV,
                       "id,name,certificate,counties\np1,甲,执-1,\n", "line 2, field “counties”");
  expect_import_error (f->store, AJ_REGISTER_INSPECTORS, AJ_REGISTER_JSON,
                       "[{\"id\": \"p1\", \"name\": \"甲\", \"certificate\": \"执-1\", \"counties\": [\"*\"]},\n"
                       " {\"id\": \"p1\", \"name\": \"乙\", \"certificate\": \"执-2\", \"counties\": [\"*\"]}]",
                       "line 2 (element 2), field “id”");
}

static void
test_export_round_trips (StoreFixture *f, gconstpointer data)
{
  const AjRegister registers[] = { AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_INSPECTORS };
  const AjRegisterFormat formats[] = { AJ_REGISTER_CSV, AJ_REGISTER_JSON };

  g_test_summary ("Both registers exported as CSV or JSON import back to the same register");
  for (guint r = 0; r < G_N_ELEMENTS (registers); r++)
    for (guint k = 0; k < G_N_ELEMENTS (formats); k++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *first = aj_register_export (f->store, registers[r], formats[k], &error);
        g_autofree char *second = NULL;
        g_autofree char *other = NULL;
        guint rows = 0;

        g_assert_no_error (error);
        g_assert_true (aj_register_import (f->store, registers[r], formats[k], first, strlen (first), &rows, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (rows, ==, registers[r] == AJ_REGISTER_INSTITUTIONS ? N_INSTITUTIONS : N_INSPECTORS);
        second = aj_register_export (f->store, registers[r], formats[k], &error);
        g_assert_cmpstr (first, ==, second);
        /* and across formats */
        other = aj_register_export (f->store, registers[r], formats[1 - k], &error);
        g_assert_true (aj_register_import (f->store, registers[r], formats[1 - k], other, strlen (other), NULL, &error));
        g_assert_no_error (error);
        g_free (second);
        second = aj_register_export (f->store, registers[r], formats[k], &error);
        g_assert_cmpstr (first, ==, second);
      }
}

static AjHolidayCalendar *
sample_calendar (void)
{
  g_autofree char *path = aj_test_data_path ("calendar", "holidays-2026.txt", NULL);
  g_autoptr(GError) error = NULL;
  AjHolidayCalendar *calendar = aj_holiday_calendar_load (path, &error);

  g_assert_no_error (error);
  return calendar;
}

static void
test_working_days_with_holidays (void)
{
  g_autoptr(AjHolidayCalendar) calendar = sample_calendar ();
  g_autoptr(AjHolidayCalendar) weekends = aj_holiday_calendar_new ();
  int days = -1;

  g_test_summary ("Working days from a check to its publication skip China's 2026 public holidays and count the "
                  "weekend days made working days (调休); 20 is the deadline, 15 is near");
  g_assert_true (aj_holiday_calendar_covers (calendar, 2026));
  g_assert_false (aj_holiday_calendar_covers (calendar, 2027));
  g_assert_false (aj_holiday_calendar_is_working (calendar, "2026-10-01"));   /* 国庆, a Thursday */
  g_assert_true (aj_holiday_calendar_is_working (calendar, "2026-10-10"));    /* 调休, a Saturday */
  g_assert_true (aj_holiday_calendar_is_working (weekends, "2026-10-01"));
  /* Wednesday 30 September to Monday 12 October: 8, 9, 10 (Saturday, worked) and 12 October. */
  g_assert_cmpint (aj_holiday_calendar_count (calendar, "2026-09-30", "2026-10-12"), ==, 4);
  g_assert_cmpint (aj_holiday_calendar_count (weekends, "2026-09-30", "2026-10-12"), ==, 8);
  /* Friday 13 February to Friday 27 February: the worked Saturday 14th and 24-27 after 春节. */
  g_assert_cmpint (aj_holiday_calendar_count (calendar, "2026-02-13", "2026-02-27T09:00:00+08:00"), ==, 5);
  g_assert_cmpint (aj_holiday_calendar_count (calendar, "2026-03-02", "2026-03-02"), ==, 0);

  /* Checked Monday 2 November: 20 working days end on 30 November. */
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", NULL, "2026-11-20", &days), ==, AJ_DEADLINE_IN_TIME);
  g_assert_cmpint (days, ==, 14);
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", NULL, "2026-11-23", &days), ==, AJ_DEADLINE_NEAR);
  g_assert_cmpint (days, ==, 15);
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", NULL, "2026-11-30", &days), ==, AJ_DEADLINE_NEAR);
  g_assert_cmpint (days, ==, 20);
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", NULL, "2026-12-01", &days), ==, AJ_DEADLINE_PAST);
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", "2026-11-30", "2026-12-20", &days), ==,
                   AJ_DEADLINE_IN_TIME);
  g_assert_cmpint (aj_publication_deadline (calendar, "2026-11-02", "2026-12-01", "2026-12-20", &days), ==,
                   AJ_DEADLINE_PAST);
  g_assert_cmpint (aj_publication_deadline (calendar, NULL, NULL, "2026-12-20", &days), ==, AJ_DEADLINE_NONE);
}

static void
test_calendar_bad_line_named (void)
{
  g_autoptr(AjHolidayCalendar) calendar = aj_holiday_calendar_new ();
  g_autoptr(GError) error = NULL;
  const char *text = "# 2027\n2027-01-01 holiday 元旦\n\n2027-02-30 holiday\n";

  g_test_summary ("A holiday calendar with a bad line is refused with the line's number");
  g_assert_false (aj_holiday_calendar_parse (calendar, text, strlen (text), &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "line 4:"));
  g_clear_error (&error);
  text = "2027-01-01 vacation\n";
  g_assert_false (aj_holiday_calendar_parse (calendar, text, strlen (text), &error));
  g_assert_true (g_str_has_prefix (error->message, "line 1:"));
}

static void
test_assignments_from_draw (StoreFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = save_plan (f);
  g_autoptr(AjDrawRecord) first = aj_draw_record_make (f->store, plan, "公开值 A", "u-zhou-min", &error);
  g_autoptr(AjDrawRecord) redraw = NULL;
  g_autoptr(GListModel) old = NULL, fresh = NULL;
  AjDrawResult *result;
  guint n;

  g_test_summary ("Each drawn institution becomes one assignment for its team, in the order drawn; a redraw "
                  "cancels the open assignments of the draw it replaces");
  g_assert_no_error (error);
  g_assert_false (aj_assignment_make_for_draw (f->store, first, "elder-care", "31/12/2027", &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (aj_assignment_make_for_draw (f->store, first, "elder-care", "2027-03-31", &error));
  g_assert_no_error (error);
  result = aj_draw_record_get_result (first);
  n = aj_draw_result_get_n_teams (result);
  old = aj_assignment_list_for_draw (f->store, aj_draw_record_get_id (first), &error);
  g_assert_cmpuint (g_list_model_get_n_items (old), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjAssignment) a = g_list_model_get_item (old, i);
      const char * const *team = aj_draw_result_get_team (result, i);

      g_assert_cmpstr (aj_assignment_get_institution (a), ==, aj_draw_result_get_institution (result, i));
      g_assert_cmpuint (g_strv_length ((char **) aj_assignment_get_team (a)), ==, g_strv_length ((char **) team));
      g_assert_true (aj_assignment_has_member (a, team[0]));
      g_assert_true (aj_assignment_has_member (a, team[1]));
      g_assert_cmpstr (aj_assignment_get_status (a), ==, "open");
      g_assert_true (aj_assignment_is_overdue (a, "2027-04-01"));
      g_assert_false (aj_assignment_is_overdue (a, "2027-03-31"));
    }

  redraw = aj_draw_record_redraw (f->store, aj_draw_record_get_id (first), "公开值 B", "名录有误", "u-zhou-min", &error);
  g_assert_no_error (error);
  g_assert_true (aj_assignment_make_for_draw (f->store, redraw, "elder-care", "2027-03-31", &error));
  g_clear_object (&old);
  old = aj_assignment_list_for_draw (f->store, aj_draw_record_get_id (first), &error);
  fresh = aj_assignment_list_for_draw (f->store, aj_draw_record_get_id (redraw), &error);
  g_assert_cmpuint (g_list_model_get_n_items (fresh), ==, aj_draw_result_get_n_teams (aj_draw_record_get_result (redraw)));
  for (guint i = 0; i < g_list_model_get_n_items (old); i++)
    {
      g_autoptr(AjAssignment) a = g_list_model_get_item (old, i);
      g_assert_cmpstr (aj_assignment_get_status (a), ==, "cancelled");
    }
}

static void
test_assignments_from_server_checked (StoreFixture *f, gconstpointer data)
{
  static const char * const bad[] = {
    "[{\"id\": \"a-1\", \"draw\": \"d\", \"institution\": \"DLX001\", \"team\": [\"u-zhang-wei\"], "
    "\"checklist\": \"elder-care\", \"due\": \"tomorrow\", \"status\": \"open\"}]",
    "[{\"id\": \"a-1\", \"draw\": \"d\", \"institution\": \"DLX001\", \"team\": [\"<b>x</b>\"], "
    "\"checklist\": \"elder-care\", \"due\": \"2027-01-01\", \"status\": \"open\"}]",
    "[{\"id\": \"a-1\", \"draw\": \"d\", \"institution\": \"DLX001\", \"team\": [], "
    "\"checklist\": \"elder-care\", \"due\": \"2027-01-01\", \"status\": \"finished?\"}]",
    "[42]",
  };
  const char *good = "[{\"id\": \"a-1\", \"draw\": \"d\", \"institution\": \"DLX001\", "
                     "\"team\": [\"u-zhang-wei\", \"u-liu-yang\"], \"checklist\": \"elder-care\", "
                     "\"due\": \"2027-01-01\", \"status\": \"open\"}]";
  g_autoptr(GError) error = NULL;

  g_test_summary ("Assignments from the server replace the device's copy only when every one is valid");
  for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GListModel) mine = NULL;
      gboolean ok;

      g_assert_true (json_parser_load_from_data (parser, i < G_N_ELEMENTS (bad) ? bad[i] : good, -1, NULL));
      ok = aj_assignment_replace_all (f->store, json_node_get_array (json_parser_get_root (parser)), &error);
      g_assert_true (ok == (i == G_N_ELEMENTS (bad)));
      if (!ok)
        g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
      g_clear_error (&error);
      mine = aj_assignment_list_for_member (f->store, "u-zhang-wei", &error);
      g_assert_cmpuint (g_list_model_get_n_items (mine), ==, ok ? 1 : 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, test) g_test_add (path, Fixture, NULL, fixture_setup, test, fixture_teardown)
#define ADD_STORE(path, data, test) g_test_add (path, StoreFixture, data, store_setup, test, store_teardown)
  ADD ("/draw/excludes-related-inspector", test_excludes_related_inspector);
  ADD ("/draw/excludes-own-institution", test_excludes_own_institution);
  ADD ("/draw/only-allowed-counties", test_only_allowed_counties);
  ADD ("/draw/never-alone", test_never_alone);
  ADD ("/draw/teams-and-counts-as-asked", test_teams_and_counts_as_asked);
  ADD ("/draw/checked-in-period-excluded", test_checked_in_period_excluded);
  ADD ("/draw/dishonest-always-drawn", test_dishonest_always_drawn);
  ADD ("/draw/credit-weighting-frequencies", test_credit_weighting_frequencies);
  ADD ("/draw/same-seed-same-result", test_same_seed_same_result);
  ADD ("/draw/other-seed-other-result", test_other_seed_other_result);
  ADD ("/draw/plan-round-trips", test_plan_round_trips);
  g_test_add_func ("/draw/seed-is-sha256-of-source", test_seed_is_sha256_of_source);
  ADD_STORE ("/draw/stored-draw-reruns-identically", "register", test_stored_draw_reruns_identically);
  ADD_STORE ("/draw/redraw-names-old-and-reason", "register", test_redraw_names_old_and_reason);
  ADD_STORE ("/registers/sample-has-roster", NULL, test_sample_registry_roster);
  ADD_STORE ("/registers/bad-line-named", NULL, test_bad_line_named);
  ADD_STORE ("/registers/export-round-trips", "register", test_export_round_trips);
  ADD_STORE ("/draw/assignments-from-draw", "register", test_assignments_from_draw);
  ADD_STORE ("/draw/assignments-from-server-checked", NULL, test_assignments_from_server_checked);
  g_test_add_func ("/workdays/holidays-and-adjusted-days", test_working_days_with_holidays);
  g_test_add_func ("/workdays/bad-line-named", test_calendar_bad_line_named);
  return g_test_run ();
}
