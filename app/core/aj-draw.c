/* aj-draw.c: the random draw of "double random, one public", a pure function
 * that anyone can re-run from its published inputs. Pure: no store, no clock.
 *
 * How the draw works (anjian-draw-1), in the words the office tells the public:
 *
 * 1. The seed. Before the draw the office announces a public value that no
 *    one knows yet (e.g. "福彩3D 2027年第060期开奖号码", then its number once
 *    drawn, or a date string agreed in advance). The seed is the SHA-256 of
 *    that text's UTF-8 bytes, exactly as written (64 hex digits). Both the
 *    text and the seed are stored with the draw.
 * 2. The random numbers. The 32 bytes of the seed, read as four 64-bit
 *    big-endian numbers, are the state of xoshiro256** 1.0 (Blackman and
 *    Vigna, https://prng.di.unimi.it/xoshiro256starstar.c). A "number below
 *    n" is taken by drawing 64-bit outputs x until x < 2^64 − (2^64 mod n),
 *    then x mod n: every number below n is equally likely.
 * 3. The candidates. The institutions of the snapshot sorted by code (byte
 *    order), kept when their county and type are in the plan's scope (an
 *    empty list means all) and, when the plan excludes checked ones (the
 *    default), when their last spot check does not fall within the plan's
 *    period (first to last day, inclusive). The number to draw is the plan's
 *    count, or its share of the candidates in per mille rounded up; never
 *    more than the candidates.
 * 4. The institutions. Each candidate has lots by its credit grade: normal
 *    1, watch (重点监管) 3, dishonest (失信) always drawn — the plan may set
 *    other whole numbers. First every dishonest candidate is drawn, in code
 *    order (if they are more than the number to draw, all of them are still
 *    drawn). Then, one at a time until the number is reached: with W the
 *    sum of the lots of the candidates not yet drawn, take r, a number below
 *    W; walk the remaining candidates in code order adding their lots; the
 *    first whose running sum exceeds r is drawn. (Weighted sampling without
 *    replacement: a watched institution is three times as likely as a
 *    normal one at every step.) If no lots remain, the draw stops short.
 * 5. The teams. For each drawn institution, in the order drawn, the
 *    eligible inspectors are those on the roster (sorted by id) who may
 *    inspect its county ("*" means every county) and who neither belong to
 *    it nor are marked as related to it (回避). The team's places are filled
 *    one by one: among eligible inspectors not yet in this team, take those
 *    with the fewest teams so far in this draw, and pick one of them by a
 *    number below their count (so the work is shared evenly). If fewer
 *    inspectors are eligible than the team needs, the whole draw fails and
 *    names the institution: nobody inspects alone.
 *
 * The same plan, snapshot and seed give the same result on every machine:
 * only integers are used, and nothing depends on the order of the database. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-draw.h"
#include "aj-error.h"
#include "aj-util.h"

#define MAX_WEIGHT 1000

/* ---- credit grades ---------------------------------------------------- */

static const char * const grade_names[] = {
  [AJ_CREDIT_NORMAL] = "normal",
  [AJ_CREDIT_WATCH] = "watch",
  [AJ_CREDIT_DISHONEST] = "dishonest",
};

/* Also accepts "" (normal) and "low", the word of the first registries,
 * which meant a watched institution. */
gboolean
aj_credit_grade_parse (const char    *text,
                       AjCreditGrade *grade)
{
  AjCreditGrade found = AJ_CREDIT_NORMAL;

  if (text == NULL || *text == '\0' || g_str_equal (text, "normal"))
    found = AJ_CREDIT_NORMAL;
  else if (g_str_equal (text, "watch") || g_str_equal (text, "low"))
    found = AJ_CREDIT_WATCH;
  else if (g_str_equal (text, "dishonest"))
    found = AJ_CREDIT_DISHONEST;
  else
    return FALSE;
  if (grade != NULL)
    *grade = found;
  return TRUE;
}

const char *
aj_credit_grade_to_string (AjCreditGrade grade)
{
  g_return_val_if_fail (grade <= AJ_CREDIT_DISHONEST, "normal");
  return grade_names[grade];
}

const char *
aj_credit_grade_label (AjCreditGrade grade)
{
  switch (grade)
    {
    case AJ_CREDIT_WATCH:
      return _("Under close supervision");
    case AJ_CREDIT_DISHONEST:
      return _("Dishonest");
    case AJ_CREDIT_NORMAL:
    default:
      return _("Normal");
    }
}

/* ---- plans ------------------------------------------------------------ */

AjDrawPlan *
aj_draw_plan_new (void)
{
  AjDrawPlan *plan = g_new0 (AjDrawPlan, 1);

  plan->team_size = 2;
  plan->weight_normal = 1;
  plan->weight_watch = 3;
  plan->weight_dishonest = 3;
  plan->dishonest_always = TRUE;
  plan->exclude_checked = TRUE;
  return plan;
}

AjDrawPlan *
aj_draw_plan_copy (const AjDrawPlan *plan)
{
  AjDrawPlan *copy = g_memdup2 (plan, sizeof *plan);

  copy->counties = g_strdupv (plan->counties);
  copy->types = g_strdupv (plan->types);
  copy->period_start = g_strdup (plan->period_start);
  copy->period_end = g_strdup (plan->period_end);
  return copy;
}

void
aj_draw_plan_free (AjDrawPlan *plan)
{
  if (plan == NULL)
    return;
  g_strfreev (plan->counties);
  g_strfreev (plan->types);
  g_free (plan->period_start);
  g_free (plan->period_end);
  g_free (plan);
}

gboolean
aj_draw_plan_validate (const AjDrawPlan  *plan,
                       GError           **error)
{
  if (plan->team_size < 2)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("A team has at least two inspectors: nobody inspects alone."));
      return FALSE;
    }
  if (plan->count == 0 && (plan->share_permille == 0 || plan->share_permille > 1000))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Give the number of institutions to draw, or a share between 1‰ and 1000‰."));
      return FALSE;
    }
  if (!aj_is_iso_date (plan->period_start) || !aj_is_iso_date (plan->period_end) ||
      strcmp (plan->period_start, plan->period_end) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("The plan's period needs a first and a last day (YYYY-MM-DD), in that order."));
      return FALSE;
    }
  if (plan->weight_normal > MAX_WEIGHT || plan->weight_watch > MAX_WEIGHT || plan->weight_dishonest > MAX_WEIGHT)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("A credit weight is a whole number from 0 to %d."), MAX_WEIGHT);
      return FALSE;
    }
  return TRUE;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A sorted copy without duplicates or empty strings: scope and roster lists
 * mean a set, so their order never changes a draw. */
static char **
canonical_strv (const char * const *strv)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (*strv[i] != '\0')
      g_ptr_array_add (out, g_strdup (strv[i]));
  g_ptr_array_sort (out, compare_strings);
  for (guint i = 1; i < out->len; )
    if (strcmp (out->pdata[i], out->pdata[i - 1]) == 0)
      {
        g_free (out->pdata[i]);
        g_ptr_array_remove_index (out, i);
      }
    else
      i++;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static JsonArray *
strv_to_array (char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

/* A list of strings from @object's @member; NULL with @error when it is not one. */
static gboolean
array_to_strv (JsonObject   *object,
               const char   *member,
               char       ***out,
               GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        goto bad;
      g_ptr_array_add (list, g_strdup (json_node_get_string (element)));
    }
  g_ptr_array_add (list, NULL);
  *out = canonical_strv ((const char * const *) list->pdata);
  return TRUE;

bad:
  g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("“%s” must be a list of texts"), member);
  return FALSE;
}

JsonNode *
aj_draw_plan_to_json (const AjDrawPlan *plan)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_auto(GStrv) counties = canonical_strv ((const char * const *) plan->counties);
  g_auto(GStrv) types = canonical_strv ((const char * const *) plan->types);

  json_object_set_array_member (o, "counties", strv_to_array (counties));
  json_object_set_array_member (o, "types", strv_to_array (types));
  json_object_set_int_member (o, "count", plan->count);
  json_object_set_int_member (o, "share_permille", plan->share_permille);
  json_object_set_int_member (o, "team_size", plan->team_size);
  json_object_set_string_member (o, "period_start", plan->period_start ? plan->period_start : "");
  json_object_set_string_member (o, "period_end", plan->period_end ? plan->period_end : "");
  json_object_set_int_member (o, "weight_normal", plan->weight_normal);
  json_object_set_int_member (o, "weight_watch", plan->weight_watch);
  json_object_set_int_member (o, "weight_dishonest", plan->weight_dishonest);
  json_object_set_boolean_member (o, "dishonest_always", plan->dishonest_always);
  json_object_set_boolean_member (o, "exclude_checked", plan->exclude_checked);
  json_node_take_object (node, o);
  return node;
}

static gboolean
get_uint (JsonObject  *o,
          const char  *member,
          guint        fallback,
          guint       *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (o, member);
  gint64 value;

  if (node == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < 0 || value > G_MAXINT)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("“%s” must be a whole number of 0 or more"), member);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

/* Reads a plan as written by aj_draw_plan_to_json (members left out take
 * the defaults) and validates it. */
AjDrawPlan *
aj_draw_plan_from_json (JsonNode  *node,
                        GError   **error)
{
  g_autoptr(AjDrawPlan) plan = aj_draw_plan_new ();
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A plan must be a JSON object"));
      return NULL;
    }
  o = json_node_get_object (node);
  if (!array_to_strv (o, "counties", &plan->counties, error) ||
      !array_to_strv (o, "types", &plan->types, error) ||
      !get_uint (o, "count", 0, &plan->count, error) ||
      !get_uint (o, "share_permille", 0, &plan->share_permille, error) ||
      !get_uint (o, "team_size", 2, &plan->team_size, error) ||
      !get_uint (o, "weight_normal", 1, &plan->weight_normal, error) ||
      !get_uint (o, "weight_watch", 3, &plan->weight_watch, error) ||
      !get_uint (o, "weight_dishonest", 3, &plan->weight_dishonest, error))
    return NULL;
  plan->period_start = g_strdup (aj_json_get_string (o, "period_start"));
  plan->period_end = g_strdup (aj_json_get_string (o, "period_end"));
  plan->dishonest_always = aj_json_get_bool (o, "dishonest_always", TRUE);
  plan->exclude_checked = aj_json_get_bool (o, "exclude_checked", TRUE);
  if (!aj_draw_plan_validate (plan, error))
    return NULL;
  return g_steal_pointer (&plan);
}

/* ---- snapshots -------------------------------------------------------- */

typedef struct
{
  char          *code, *type, *county, *last_spot_check;
  AjCreditGrade  credit;
} Institution;

typedef struct
{
  char  *id;
  char **counties;
  char **conflicts;
} Inspector;

struct _AjDrawSnapshot
{
  GPtrArray *institutions;   /* of Institution, sorted by code when sorted */
  GPtrArray *inspectors;     /* of Inspector, sorted by id when sorted */
  gboolean   sorted;
};

static void
institution_free (gpointer data)
{
  Institution *i = data;

  g_free (i->code);
  g_free (i->type);
  g_free (i->county);
  g_free (i->last_spot_check);
  g_free (i);
}

static void
inspector_free (gpointer data)
{
  Inspector *i = data;

  g_free (i->id);
  g_strfreev (i->counties);
  g_strfreev (i->conflicts);
  g_free (i);
}

AjDrawSnapshot *
aj_draw_snapshot_new (void)
{
  AjDrawSnapshot *snapshot = g_new0 (AjDrawSnapshot, 1);

  snapshot->institutions = g_ptr_array_new_with_free_func (institution_free);
  snapshot->inspectors = g_ptr_array_new_with_free_func (inspector_free);
  return snapshot;
}

void
aj_draw_snapshot_free (AjDrawSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_ptr_array_unref (snapshot->institutions);
  g_ptr_array_unref (snapshot->inspectors);
  g_free (snapshot);
}

void
aj_draw_snapshot_add_institution (AjDrawSnapshot *snapshot,
                                  const char     *code,
                                  const char     *type,
                                  const char     *county,
                                  AjCreditGrade   credit,
                                  const char     *last_spot_check)
{
  Institution *i = g_new0 (Institution, 1);

  i->code = g_strdup (code ? code : "");
  i->type = g_strdup (type ? type : "");
  i->county = g_strdup (county ? county : "");
  i->credit = credit <= AJ_CREDIT_DISHONEST ? credit : AJ_CREDIT_NORMAL;
  i->last_spot_check = g_strdup (last_spot_check ? last_spot_check : "");
  g_ptr_array_add (snapshot->institutions, i);
  snapshot->sorted = FALSE;
}

void
aj_draw_snapshot_add_inspector (AjDrawSnapshot     *snapshot,
                                const char         *id,
                                const char * const *counties,
                                const char * const *conflicts)
{
  Inspector *i = g_new0 (Inspector, 1);

  i->id = g_strdup (id ? id : "");
  i->counties = canonical_strv (counties);
  i->conflicts = canonical_strv (conflicts);
  g_ptr_array_add (snapshot->inspectors, i);
  snapshot->sorted = FALSE;
}

guint
aj_draw_snapshot_get_n_institutions (AjDrawSnapshot *snapshot)
{
  return snapshot->institutions->len;
}

guint
aj_draw_snapshot_get_n_inspectors (AjDrawSnapshot *snapshot)
{
  return snapshot->inspectors->len;
}

static int
compare_institutions (const void *a,
                      const void *b)
{
  return strcmp ((*(Institution * const *) a)->code, (*(Institution * const *) b)->code);
}

static int
compare_inspectors (const void *a,
                    const void *b)
{
  return strcmp ((*(Inspector * const *) a)->id, (*(Inspector * const *) b)->id);
}

static void
snapshot_sort (AjDrawSnapshot *snapshot)
{
  if (snapshot->sorted)
    return;
  g_ptr_array_sort (snapshot->institutions, compare_institutions);
  g_ptr_array_sort (snapshot->inspectors, compare_inspectors);
  snapshot->sorted = TRUE;
}

JsonNode *
aj_draw_snapshot_to_json (AjDrawSnapshot *snapshot)
{
  JsonObject *o = json_object_new ();
  JsonArray *institutions = json_array_new ();
  JsonArray *inspectors = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  snapshot_sort (snapshot);
  for (guint n = 0; n < snapshot->institutions->len; n++)
    {
      Institution *i = g_ptr_array_index (snapshot->institutions, n);
      JsonObject *e = json_object_new ();

      json_object_set_string_member (e, "code", i->code);
      json_object_set_string_member (e, "type", i->type);
      json_object_set_string_member (e, "county", i->county);
      json_object_set_string_member (e, "credit", aj_credit_grade_to_string (i->credit));
      json_object_set_string_member (e, "last_spot_check", i->last_spot_check);
      json_array_add_object_element (institutions, e);
    }
  for (guint n = 0; n < snapshot->inspectors->len; n++)
    {
      Inspector *i = g_ptr_array_index (snapshot->inspectors, n);
      JsonObject *e = json_object_new ();

      json_object_set_string_member (e, "id", i->id);
      json_object_set_array_member (e, "counties", strv_to_array (i->counties));
      json_object_set_array_member (e, "conflicts", strv_to_array (i->conflicts));
      json_array_add_object_element (inspectors, e);
    }
  json_object_set_array_member (o, "institutions", institutions);
  json_object_set_array_member (o, "inspectors", inspectors);
  json_node_take_object (node, o);
  return node;
}

AjDrawSnapshot *
aj_draw_snapshot_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(AjDrawSnapshot) snapshot = aj_draw_snapshot_new ();
  JsonArray *institutions, *inspectors;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o = json_node_get_object (node), "institutions") ?: node) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "inspectors") ?: node))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("A draw's snapshot must list institutions and inspectors"));
      return NULL;
    }
  institutions = json_object_get_array_member (o, "institutions");
  inspectors = json_object_get_array_member (o, "inspectors");
  for (guint n = 0; n < json_array_get_length (institutions); n++)
    {
      JsonNode *element = json_array_get_element (institutions, n);
      JsonObject *e;
      AjCreditGrade credit;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !aj_credit_grade_parse (aj_json_get_string (e = json_node_get_object (element), "credit"), &credit) ||
          aj_json_get_string (e, "code") == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Institution %u of a draw's snapshot is damaged"), n + 1);
          return NULL;
        }
      aj_draw_snapshot_add_institution (snapshot, aj_json_get_string (e, "code"), aj_json_get_string (e, "type"),
                                        aj_json_get_string (e, "county"), credit,
                                        aj_json_get_string (e, "last_spot_check"));
    }
  for (guint n = 0; n < json_array_get_length (inspectors); n++)
    {
      JsonNode *element = json_array_get_element (inspectors, n);
      g_auto(GStrv) counties = NULL;
      g_auto(GStrv) conflicts = NULL;
      JsonObject *e;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          aj_json_get_string (e = json_node_get_object (element), "id") == NULL ||
          !array_to_strv (e, "counties", &counties, NULL) ||
          !array_to_strv (e, "conflicts", &conflicts, NULL))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Inspector %u of a draw's snapshot is damaged"), n + 1);
          return NULL;
        }
      aj_draw_snapshot_add_inspector (snapshot, aj_json_get_string (e, "id"),
                                      (const char * const *) counties, (const char * const *) conflicts);
    }
  return g_steal_pointer (&snapshot);
}

/* ---- results ---------------------------------------------------------- */

typedef struct
{
  char     *institution;
  char    **team;
  gboolean  always;
} Team;

struct _AjDrawResult
{
  GPtrArray *teams;          /* of Team, in the order drawn */
  guint      n_candidates;
  guint      n_excluded;     /* in scope, but spot-checked within the period */
};

static void
team_free (gpointer data)
{
  Team *t = data;

  g_free (t->institution);
  g_strfreev (t->team);
  g_free (t);
}

static AjDrawResult *
result_new (void)
{
  AjDrawResult *result = g_new0 (AjDrawResult, 1);

  result->teams = g_ptr_array_new_with_free_func (team_free);
  return result;
}

void
aj_draw_result_free (AjDrawResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->teams);
  g_free (result);
}

guint
aj_draw_result_get_n_teams (AjDrawResult *result)
{
  return result->teams->len;
}

const char *
aj_draw_result_get_institution (AjDrawResult *result,
                                guint         index)
{
  g_return_val_if_fail (index < result->teams->len, NULL);
  return ((Team *) g_ptr_array_index (result->teams, index))->institution;
}

const char * const *
aj_draw_result_get_team (AjDrawResult *result,
                         guint         index)
{
  g_return_val_if_fail (index < result->teams->len, NULL);
  return (const char * const *) ((Team *) g_ptr_array_index (result->teams, index))->team;
}

/* Whether the institution was drawn for its credit grade, not by lot. */
gboolean
aj_draw_result_get_always (AjDrawResult *result,
                           guint         index)
{
  g_return_val_if_fail (index < result->teams->len, FALSE);
  return ((Team *) g_ptr_array_index (result->teams, index))->always;
}

guint
aj_draw_result_get_n_candidates (AjDrawResult *result)
{
  return result->n_candidates;
}

guint
aj_draw_result_get_n_excluded (AjDrawResult *result)
{
  return result->n_excluded;
}

JsonNode *
aj_draw_result_to_json (AjDrawResult *result)
{
  JsonObject *o = json_object_new ();
  JsonArray *teams = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint n = 0; n < result->teams->len; n++)
    {
      Team *t = g_ptr_array_index (result->teams, n);
      JsonObject *e = json_object_new ();
      JsonArray *members = json_array_new ();

      for (guint m = 0; t->team[m] != NULL; m++)
        json_array_add_string_element (members, t->team[m]);
      json_object_set_string_member (e, "institution", t->institution);
      json_object_set_boolean_member (e, "always", t->always);
      json_object_set_array_member (e, "inspectors", members);
      json_array_add_object_element (teams, e);
    }
  json_object_set_string_member (o, "algorithm", AJ_DRAW_ALGORITHM);
  json_object_set_int_member (o, "candidates", result->n_candidates);
  json_object_set_int_member (o, "excluded_checked", result->n_excluded);
  json_object_set_array_member (o, "teams", teams);
  json_node_take_object (node, o);
  return node;
}

AjDrawResult *
aj_draw_result_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(AjDrawResult) result = result_new ();
  JsonObject *o;
  JsonArray *teams;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o = json_node_get_object (node), "teams") ?: node))
    goto bad;
  teams = json_object_get_array_member (o, "teams");
  result->n_candidates = aj_json_get_int (o, "candidates", 0);
  result->n_excluded = aj_json_get_int (o, "excluded_checked", 0);
  for (guint n = 0; n < json_array_get_length (teams); n++)
    {
      JsonNode *element = json_array_get_element (teams, n);
      Team *t;
      JsonObject *e;
      char **members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          aj_json_get_string (e = json_node_get_object (element), "institution") == NULL ||
          !JSON_NODE_HOLDS_ARRAY (json_object_get_member (e, "inspectors") ?: element))
        goto bad;
      /* Keep the members' order as drawn: not canonical_strv. */
      {
        JsonArray *array = json_object_get_array_member (e, "inspectors");
        guint len = json_array_get_length (array);

        members = g_new0 (char *, len + 1);
        for (guint m = 0; m < len; m++)
          {
            const char *id = json_node_get_string (json_array_get_element (array, m));
            members[m] = g_strdup (id ? id : "");
          }
      }
      t = g_new0 (Team, 1);
      t->institution = g_strdup (aj_json_get_string (e, "institution"));
      t->always = aj_json_get_bool (e, "always", FALSE);
      t->team = members;
      g_ptr_array_add (result->teams, t);
    }
  return g_steal_pointer (&result);

bad:
  g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("A draw's stored result is damaged"));
  return NULL;
}

gboolean
aj_draw_result_equal (AjDrawResult *a,
                      AjDrawResult *b)
{
  g_autoptr(JsonNode) na = aj_draw_result_to_json (a);
  g_autoptr(JsonNode) nb = aj_draw_result_to_json (b);
  g_autofree char *sa = aj_json_to_string (na);
  g_autofree char *sb = aj_json_to_string (nb);

  return g_strcmp0 (sa, sb) == 0;
}

/* ---- the random numbers: xoshiro256** 1.0 ---------------------------- */

typedef struct
{
  guint64 s[4];
} Prng;

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
prng_next (Prng *p)
{
  const guint64 result = rotl (p->s[1] * 5, 7) * 9;
  const guint64 t = p->s[1] << 17;

  p->s[2] ^= p->s[0];
  p->s[3] ^= p->s[1];
  p->s[1] ^= p->s[2];
  p->s[0] ^= p->s[3];
  p->s[2] ^= t;
  p->s[3] = rotl (p->s[3], 45);
  return result;
}

/* A number below @n (n > 0), every one equally likely: outputs at or above
 * the largest multiple of n below 2^64 are thrown away. */
static guint64
prng_below (Prng    *p,
            guint64  n)
{
  const guint64 rest = (G_MAXUINT64 % n + 1) % n;   /* 2^64 mod n */

  for (;;)
    {
      guint64 x = prng_next (p);
      if (rest == 0 || x <= G_MAXUINT64 - rest)
        return x % n;
    }
}

gboolean
aj_draw_seed_is_valid (const char *seed)
{
  if (seed == NULL || strlen (seed) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (seed[i]) || g_ascii_isupper (seed[i]))
      return FALSE;
  return TRUE;
}

/* The seed of a draw: SHA-256 of the public value's text, in lower-case hex. */
char *
aj_draw_seed_from_source (const char *source)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, source ? source : "", -1);
}

static void
prng_init (Prng       *p,
           const char *seed)
{
  for (guint w = 0; w < 4; w++)
    {
      guint64 v = 0;
      for (guint d = 0; d < 16; d++)
        v = (v << 4) | (guint64) g_ascii_xdigit_value (seed[w * 16 + d]);
      p->s[w] = v;
    }
}

/* ---- the draw --------------------------------------------------------- */

static gboolean
in_list (char * const *list,
         const char   *value)
{
  return list == NULL || list[0] == NULL || g_strv_contains ((const char * const *) list, value);
}

static guint
lots_of (const AjDrawPlan *plan,
         AjCreditGrade     credit)
{
  switch (credit)
    {
    case AJ_CREDIT_WATCH:
      return plan->weight_watch;
    case AJ_CREDIT_DISHONEST:
      return plan->weight_dishonest;
    case AJ_CREDIT_NORMAL:
    default:
      return plan->weight_normal;
    }
}

static gboolean
may_inspect (Inspector   *inspector,
             Institution *institution)
{
  return (g_strv_contains ((const char * const *) inspector->counties, "*") ||
          g_strv_contains ((const char * const *) inspector->counties, institution->county)) &&
         !g_strv_contains ((const char * const *) inspector->conflicts, institution->code);
}

static gboolean
check_unique (AjDrawSnapshot  *snapshot,
              GError         **error)
{
  for (guint n = 1; n < snapshot->institutions->len; n++)
    if (compare_institutions (&snapshot->institutions->pdata[n - 1], &snapshot->institutions->pdata[n]) == 0)
      {
        g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Institution “%s” is twice in the register"),
                     ((Institution *) snapshot->institutions->pdata[n])->code);
        return FALSE;
      }
  for (guint n = 1; n < snapshot->inspectors->len; n++)
    if (compare_inspectors (&snapshot->inspectors->pdata[n - 1], &snapshot->inspectors->pdata[n]) == 0)
      {
        g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Inspector “%s” is twice on the roster"),
                     ((Inspector *) snapshot->inspectors->pdata[n])->id);
        return FALSE;
      }
  return TRUE;
}

static gboolean
draw_team (const AjDrawPlan  *plan,
           AjDrawSnapshot    *snapshot,
           Institution       *institution,
           guint             *load,
           Prng              *prng,
           char            ***team_out,
           GError           **error)
{
  g_autofree gboolean *taken = g_new0 (gboolean, snapshot->inspectors->len);
  g_autoptr(GPtrArray) team = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) lightest = g_array_new (FALSE, FALSE, sizeof (guint));
  guint eligible = 0;

  for (guint n = 0; n < snapshot->inspectors->len; n++)
    if (may_inspect (g_ptr_array_index (snapshot->inspectors, n), institution))
      eligible++;
  if (eligible < plan->team_size)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Institution “%s” (%s): only %u inspectors on the roster may inspect it, the team needs %u"),
                   institution->code, institution->county, eligible, plan->team_size);
      return FALSE;
    }

  for (guint place = 0; place < plan->team_size; place++)
    {
      guint least = G_MAXUINT, pick;

      g_array_set_size (lightest, 0);
      for (guint n = 0; n < snapshot->inspectors->len; n++)
        {
          if (taken[n] || !may_inspect (g_ptr_array_index (snapshot->inspectors, n), institution))
            continue;
          if (load[n] < least)
            {
              least = load[n];
              g_array_set_size (lightest, 0);
            }
          if (load[n] == least)
            g_array_append_val (lightest, n);
        }
      pick = g_array_index (lightest, guint, prng_below (prng, lightest->len));
      taken[pick] = TRUE;
      load[pick]++;
      g_ptr_array_add (team, g_strdup (((Inspector *) g_ptr_array_index (snapshot->inspectors, pick))->id));
    }
  g_ptr_array_add (team, NULL);
  *team_out = (char **) g_ptr_array_free (g_steal_pointer (&team), FALSE);
  return TRUE;
}

static void
add_team (AjDrawResult *result,
          Institution  *institution,
          gboolean      always)
{
  Team *t = g_new0 (Team, 1);

  t->institution = g_strdup (institution->code);
  t->always = always;
  g_ptr_array_add (result->teams, t);
}

/* Runs the draw described at the top of this file. @seed is 64 lower-case
 * hex digits (aj_draw_seed_from_source). Fails, drawing nothing, when the
 * plan is invalid, the snapshot names an institution or inspector twice, or
 * a drawn institution cannot get a full team. */
AjDrawResult *
aj_draw_run (const AjDrawPlan  *plan,
             AjDrawSnapshot    *snapshot,
             const char        *seed,
             GError           **error)
{
  g_autoptr(AjDrawResult) result = result_new ();
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  g_autofree guint *load = NULL;
  guint64 total = 0;
  guint wanted;
  Prng prng;

  if (!aj_draw_plan_validate (plan, error))
    return NULL;
  if (!aj_draw_seed_is_valid (seed))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A draw's seed is 64 lower-case hexadecimal digits"));
      return NULL;
    }
  snapshot_sort (snapshot);
  if (!check_unique (snapshot, error))
    return NULL;
  prng_init (&prng, seed);
  if ((prng.s[0] | prng.s[1] | prng.s[2] | prng.s[3]) == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A seed of all zeros cannot start the random numbers"));
      return NULL;
    }

  /* 3. The candidates, in code order. */
  for (guint n = 0; n < snapshot->institutions->len; n++)
    {
      Institution *i = g_ptr_array_index (snapshot->institutions, n);

      if (!in_list (plan->counties, i->county) || !in_list (plan->types, i->type))
        continue;
      if (plan->exclude_checked && *i->last_spot_check != '\0' &&
          strcmp (i->last_spot_check, plan->period_start) >= 0 &&
          strncmp (i->last_spot_check, plan->period_end, 10) <= 0)
        {
          result->n_excluded++;
          continue;
        }
      g_ptr_array_add (candidates, i);
    }
  result->n_candidates = candidates->len;
  wanted = plan->count > 0 ? plan->count
                           : (guint) (((guint64) plan->share_permille * candidates->len + 999) / 1000);
  wanted = MIN (wanted, candidates->len);

  /* 4. The institutions: dishonest ones first, then weighted lots. */
  if (plan->dishonest_always)
    for (guint n = 0; n < candidates->len; )
      {
        Institution *i = g_ptr_array_index (candidates, n);

        if (i->credit == AJ_CREDIT_DISHONEST)
          {
            add_team (result, i, TRUE);
            g_ptr_array_remove_index (candidates, n);   /* keeps the order */
          }
        else
          n++;
      }
  for (guint n = 0; n < candidates->len; n++)
    total += lots_of (plan, ((Institution *) g_ptr_array_index (candidates, n))->credit);
  while (result->teams->len < wanted && total > 0)
    {
      guint64 r = prng_below (&prng, total), sum = 0;

      for (guint n = 0; n < candidates->len; n++)
        {
          Institution *i = g_ptr_array_index (candidates, n);

          sum += lots_of (plan, i->credit);
          if (sum > r)
            {
              add_team (result, i, FALSE);
              total -= lots_of (plan, i->credit);
              g_ptr_array_remove_index (candidates, n);
              break;
            }
        }
    }

  /* 5. The teams, in the order drawn. */
  load = g_new0 (guint, snapshot->inspectors->len);
  for (guint n = 0; n < result->teams->len; n++)
    {
      Team *t = g_ptr_array_index (result->teams, n);
      Institution key = { .code = t->institution }, *keyp = &key;
      Institution **found = bsearch (&keyp, snapshot->institutions->pdata, snapshot->institutions->len,
                                     sizeof (gpointer), compare_institutions);

      g_assert (found != NULL);
      if (!draw_team (plan, snapshot, *found, load, &prng, &t->team, error))
        return NULL;
    }
  return g_steal_pointer (&result);
}
