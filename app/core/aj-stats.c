/* aj-stats.c: statistics of a period in one SQL aggregate. The hazards
 * found in the period (withdrawn ones excepted) are counted in groups of
 * county, institution type, category, month, grade and risk level along the
 * hazards_stats index (data/sql/0018-ledger-columns.sql); the few hundred
 * groups are then summed here into each table. Nothing reads every hazard.
 *
 * Each count is of the hazards found in the period, in their state today:
 * rectified means rectified, verified or closed (a rejected rectification is
 * not); overdue means not rectified by the deadline, as
 * aj_lifecycle_days_overdue () > 0 under the contract with the lifecycle
 * rules: a rectified hazard waiting for verification is never overdue. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-error.h"
#include "aj-hazard-rules.h"
#include "aj-registry.h"
#include "aj-stats.h"
#include "aj-store-private.h"

struct _AjStatsLine
{
  GObject  parent_instance;
  char    *key;
  char    *label;
  guint    found, rectified, overdue, closed;
};

enum { PROP_0, PROP_KEY, PROP_LABEL, PROP_FOUND, PROP_RECTIFIED, PROP_OVERDUE, PROP_CLOSED,
       PROP_RATE, PROP_RATE_TEXT, N_PROPS };

G_DEFINE_FINAL_TYPE (AjStatsLine, aj_stats_line, G_TYPE_OBJECT)

static void
aj_stats_line_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AjStatsLine *self = AJ_STATS_LINE (object);

  switch (prop_id)
    {
    case PROP_KEY: g_value_set_string (value, self->key); break;
    case PROP_LABEL: g_value_set_string (value, self->label); break;
    case PROP_FOUND: g_value_set_uint (value, self->found); break;
    case PROP_RECTIFIED: g_value_set_uint (value, self->rectified); break;
    case PROP_OVERDUE: g_value_set_uint (value, self->overdue); break;
    case PROP_CLOSED: g_value_set_uint (value, self->closed); break;
    case PROP_RATE: g_value_set_double (value, aj_stats_line_get_rate (self)); break;
    case PROP_RATE_TEXT: g_value_take_string (value, aj_stats_line_format_rate (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_stats_line_finalize (GObject *object)
{
  AjStatsLine *self = AJ_STATS_LINE (object);

  g_free (self->key);
  g_free (self->label);
  G_OBJECT_CLASS (aj_stats_line_parent_class)->finalize (object);
}

/* Read-only: a line is a snapshot of one report. */
static void
aj_stats_line_class_init (AjStatsLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const char *counts[] = { "found", "rectified", "overdue", "closed" };

  object_class->get_property = aj_stats_line_get_property;
  object_class->finalize = aj_stats_line_finalize;
  g_object_class_install_property (object_class, PROP_KEY, g_param_spec_string ("key", NULL, NULL, NULL, flags));
  g_object_class_install_property (object_class, PROP_LABEL, g_param_spec_string ("label", NULL, NULL, NULL, flags));
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    g_object_class_install_property (object_class, PROP_FOUND + i,
                                     g_param_spec_uint (counts[i], NULL, NULL, 0, G_MAXUINT, 0, flags));
  /* -1 when nothing was found: there is no rate to give. */
  g_object_class_install_property (object_class, PROP_RATE, g_param_spec_double ("rate", NULL, NULL, -1, 1, -1, flags));
  g_object_class_install_property (object_class, PROP_RATE_TEXT, g_param_spec_string ("rate-text", NULL, NULL, NULL, flags));
}

static void
aj_stats_line_init (AjStatsLine *self)
{
}

static AjStatsLine *
line_new (const char *key,
          const char *label)
{
  AjStatsLine *self = g_object_new (AJ_TYPE_STATS_LINE, NULL);

  self->key = g_strdup (key);
  self->label = g_strdup (label);
  return self;
}

const char *aj_stats_line_get_key (AjStatsLine *self) { return self->key; }
const char *aj_stats_line_get_label (AjStatsLine *self) { return self->label; }
guint aj_stats_line_get_found (AjStatsLine *self) { return self->found; }
guint aj_stats_line_get_rectified (AjStatsLine *self) { return self->rectified; }
guint aj_stats_line_get_overdue (AjStatsLine *self) { return self->overdue; }
guint aj_stats_line_get_closed (AjStatsLine *self) { return self->closed; }

/* Rectified ÷ found, from 0 to 1; -1 when none was found. */
double
aj_stats_line_get_rate (AjStatsLine *self)
{
  g_return_val_if_fail (AJ_IS_STATS_LINE (self), -1);
  return self->found == 0 ? -1 : (double) self->rectified / self->found;
}

/* The rate as people read it: "66.7%", or "—" when none was found. */
char *
aj_stats_line_format_rate (AjStatsLine *self)
{
  double rate = aj_stats_line_get_rate (self);

  if (rate < 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%%", 100 * rate);
}

/* The rectification rate in words, for every page that shows it. */
const char *
aj_stats_rate_definition (void)
{
  return _("Rectification rate = hazards rectified (including those verified and closed) ÷ hazards found. "
           "Both count the hazards found in the period, as they stand today. Overdue: not rectified by the "
           "deadline; a hazard rectified and waiting for verification is not overdue. Withdrawn hazards are "
           "not counted.");
}

/* A period's first day and the day after its last, for "YYYY" or "YYYY-MM". */
gboolean
aj_stats_period_parse (const char  *period,
                       char       **first_day,
                       char       **end_day)
{
  int year, month = 0;
  size_t len;

  if (period == NULL)
    return FALSE;
  len = strlen (period);
  if ((len != 4 && len != 7) || !g_ascii_isdigit (period[0]) || !g_ascii_isdigit (period[1]) ||
      !g_ascii_isdigit (period[2]) || !g_ascii_isdigit (period[3]))
    return FALSE;
  year = atoi (period);
  if (len == 7)
    {
      if (period[4] != '-' || !g_ascii_isdigit (period[5]) || !g_ascii_isdigit (period[6]))
        return FALSE;
      month = atoi (period + 5);
      if (month < 1 || month > 12)
        return FALSE;
    }
  if (year < 1000 || year > 9998)
    return FALSE;
  if (month == 0)
    {
      *first_day = g_strdup_printf ("%04d-01-01", year);
      *end_day = g_strdup_printf ("%04d-01-01", year + 1);
    }
  else
    {
      *first_day = g_strdup_printf ("%04d-%02d-01", year, month);
      *end_day = month == 12 ? g_strdup_printf ("%04d-01-01", year + 1) : g_strdup_printf ("%04d-%02d-01", year, month + 1);
    }
  return TRUE;
}

/* The periods a page offers: the last @n_years years, then the last
 * @n_months months, each newest first ("2026", "2025", "2026-12", …). */
GPtrArray *
aj_stats_recent_periods (const char *today,
                         guint       n_years,
                         guint       n_months)
{
  GPtrArray *periods = g_ptr_array_new_with_free_func (g_free);
  int year, month;

  if (today == NULL || strlen (today) < 7)
    return periods;
  year = atoi (today);
  month = atoi (today + 5);
  for (guint i = 0; i < n_years; i++)
    g_ptr_array_add (periods, g_strdup_printf ("%04d", year - (int) i));
  for (guint i = 0; i < n_months; i++)
    {
      int m = month - (int) i, y = year;

      while (m < 1)
        {
          m += 12;
          y--;
        }
      g_ptr_array_add (periods, g_strdup_printf ("%04d-%02d", y, m));
    }
  return periods;
}

/* The lines of one table, by key, in the order they were first added. */
typedef struct
{
  GHashTable *by_key;
  GPtrArray  *order;
} Table;

static AjStatsLine *
table_line (Table      *table,
            const char *key,
            const char *label)
{
  AjStatsLine *line = g_hash_table_lookup (table->by_key, key);

  if (line == NULL)
    {
      line = line_new (key, label);
      g_hash_table_insert (table->by_key, line->key, line);
      g_ptr_array_add (table->order, line);
    }
  return line;
}

static void
add_counts (AjStatsLine   *line,
            sqlite3_stmt  *stmt)
{
  line->found += sqlite3_column_int (stmt, 6);
  line->rectified += sqlite3_column_int (stmt, 7);
  line->overdue += sqlite3_column_int (stmt, 8);
  line->closed += sqlite3_column_int (stmt, 9);
}

static const char *
county_label (const char *county)
{
  return *county ? county : _("No county given");
}

static const char *
type_label (const char *type)
{
  return *type ? aj_institution_type_label (type) : _("No type given");
}

/* Counties by name as the collation of the language has it. */
static int
by_label (gconstpointer a,
          gconstpointer b)
{
  AjStatsLine *x = *(AjStatsLine **) a, *y = *(AjStatsLine **) b;

  return g_utf8_collate (x->label, y->label);
}

/* Categories most found first. */
static int
by_found (gconstpointer a,
          gconstpointer b)
{
  AjStatsLine *x = *(AjStatsLine **) a, *y = *(AjStatsLine **) b;

  if (x->found != y->found)
    return x->found < y->found ? 1 : -1;
  return g_strcmp0 (x->key, y->key);
}

/* Tables that list every value people expect to see, even at zero: every
 * grade and risk level, each month of the period up to today's, and the
 * counties and types of the institutions this store knows. */
/* A scope as two parameters of the queries below: a county, or a JSON
 * array of institution codes (NULL: no limit by it). */
typedef struct
{
  const char *county;
  char       *institutions;
} ScopeParams;

static void
scope_params (const AjScope *scope,
              ScopeParams   *params)
{
  params->county = NULL;
  params->institutions = NULL;
  if (scope == NULL)
    return;
  switch (aj_scope_get_kind (scope))
    {
    case AJ_SCOPE_ALL:
      break;
    case AJ_SCOPE_COUNTY:
      params->county = aj_scope_get_county (scope);
      break;
    case AJ_SCOPE_INSTITUTIONS:
      params->institutions = aj_scope_institutions_json (scope);
      break;
    case AJ_SCOPE_NONE:
    default:
      params->institutions = g_strdup ("[]");
      break;
    }
}

#define SCOPE_OF_INSTITUTIONS(county_param, codes_param, county_column, code_column) \
  "(" county_param " IS NULL OR " county_column " = " county_param ") AND " \
  "(" codes_param " IS NULL OR " code_column " IN (SELECT value FROM json_each (" codes_param ")))"

static gboolean
seed_tables (AjStore          *store,
             AjStatsReport    *report,
             const ScopeParams *scope,
             Table            *tables,
             GError          **error)
{
  static const char * const grades[] = { "major", "general" };
  static const char * const levels[] = { "red", "orange", "yellow", "blue" };
  static const char * const types[] = { "elder_care", "township_home", "day_care", "child_welfare", "rescue_station" };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer type;
  int year = atoi (report->first_day);
  int first = atoi (report->first_day + 5), last = strlen (report->period) == 4 ? 12 : first;

  for (guint i = 0; i < G_N_ELEMENTS (grades); i++)
    table_line (&tables[AJ_STATS_BY_GRADE], grades[i], aj_grade_label (grades[i]));
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    table_line (&tables[AJ_STATS_BY_RISK_LEVEL], levels[i], aj_risk_level_label (levels[i]));
  for (int m = first; m <= last; m++)
    {
      g_autofree char *key = g_strdup_printf ("%04d-%02d", year, m);

      if (g_strcmp0 (key, report->today) > 0 && m > first)
        break;
      table_line (&tables[AJ_STATS_BY_MONTH], key, key);
    }

  stmt = aj_db_prepare (aj_store_get_db (store), "SELECT DISTINCT type FROM institutions WHERE "
                        SCOPE_OF_INSTITUTIONS ("?1", "?2", "county", "code"), error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, scope->county);
  aj_db_bind_text (stmt, 2, scope->institutions);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (held, aj_db_col_dup (stmt, 0));
  /* Known types in the registry's order, then any other the store holds. */
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_hash_table_contains (held, types[i]))
      table_line (&tables[AJ_STATS_BY_INSTITUTION_TYPE], types[i], type_label (types[i]));
  g_hash_table_iter_init (&iter, held);
  while (g_hash_table_iter_next (&iter, &type, NULL))
    table_line (&tables[AJ_STATS_BY_INSTITUTION_TYPE], type, type_label (type));
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = aj_db_prepare (aj_store_get_db (store), "SELECT DISTINCT county FROM institutions WHERE "
                        SCOPE_OF_INSTITUTIONS ("?1", "?2", "county", "code"), error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, scope->county);
  aj_db_bind_text (stmt, 2, scope->institutions);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *county = (const char *) sqlite3_column_text (stmt, 0);
      table_line (&tables[AJ_STATS_BY_COUNTY], county, county_label (county));
    }
  return TRUE;
}

/* The statistics of the hazards found in @period ("YYYY" or "YYYY-MM"),
 * overdue judged on @today (YYYY-MM-DD). Free with aj_stats_report_free (). */
AjStatsReport *
aj_stats_report (AjStore     *store,
                 const char  *period,
                 const char  *today,
                 GError     **error)
{
  return aj_stats_report_in_scope (store, NULL, period, today, error);
}

/* The same, of the institutions in @scope only (all when NULL): what an
 * office user of one county sees. */
AjStatsReport *
aj_stats_report_in_scope (AjStore        *store,
                          const AjScope  *scope,
                          const char     *period,
                          const char     *today,
                          GError        **error)
{
  ScopeParams params = { NULL, NULL };
  g_autoptr(AjStatsReport) report = g_new0 (AjStatsReport, 1);
  g_autoptr(AjDbCached) stmt = NULL;
  Table tables[AJ_STATS_N_DIMENSIONS];
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (AJ_IS_STORE (store), NULL);

  if (!aj_stats_period_parse (period, &report->first_day, &report->end_day))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("“%s” is not a period: give a year (2026) or a month (2026-11)"), period ? period : "");
      return NULL;
    }
  report->period = g_strdup (period);
  report->today = g_strdup (today);
  report->total = line_new ("", _("All hazards found"));
  for (guint d = 0; d < AJ_STATS_N_DIMENSIONS; d++)
    {
      tables[d].by_key = g_hash_table_new (g_str_hash, g_str_equal);
      tables[d].order = g_ptr_array_new_with_free_func (g_object_unref);
    }
  scope_params (scope, &params);
  if (!seed_tables (store, report, &params, tables, error))
    goto out;

  /* found_at starts with the local date ("2026-11-05T09:30:00+08:00"), so a
   * range of text is a range of days and its first seven characters the month. */
  stmt = aj_db_cached (aj_store_get_db (store),
      "SELECT coalesce (i.county, ''), coalesce (i.type, ''), h.category, substr (h.found_at, 1, 7), "
      "h.grade, h.risk_level, count(*), "
      "count(*) FILTER (WHERE h.status IN ('rectified', 'verified', 'closed')), "
      "count(*) FILTER (WHERE h.status NOT IN ('rectified', 'verified', 'closed') "
      "                 AND h.deadline <> '' AND h.deadline < ?3), "
      "count(*) FILTER (WHERE h.status = 'closed') "
      "FROM hazards h INDEXED BY hazards_stats LEFT JOIN institutions i ON i.code = h.institution "
      "WHERE h.found_at >= ?1 AND h.found_at < ?2 AND h.status <> 'withdrawn' AND "
      SCOPE_OF_INSTITUTIONS ("?4", "?5", "i.county", "h.institution") " "
      "GROUP BY 1, 2, 3, 4, 5, 6", error);
  if (stmt == NULL)
    goto out;
  aj_db_bind_text (stmt, 1, report->first_day);
  aj_db_bind_text (stmt, 2, report->end_day);
  aj_db_bind_text (stmt, 3, today);
  aj_db_bind_text (stmt, 4, params.county);
  aj_db_bind_text (stmt, 5, params.institutions);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key[AJ_STATS_N_DIMENSIONS];

      key[AJ_STATS_BY_COUNTY] = (const char *) sqlite3_column_text (stmt, 0);
      key[AJ_STATS_BY_INSTITUTION_TYPE] = (const char *) sqlite3_column_text (stmt, 1);
      key[AJ_STATS_BY_CATEGORY] = (const char *) sqlite3_column_text (stmt, 2);
      key[AJ_STATS_BY_MONTH] = (const char *) sqlite3_column_text (stmt, 3);
      key[AJ_STATS_BY_GRADE] = (const char *) sqlite3_column_text (stmt, 4);
      key[AJ_STATS_BY_RISK_LEVEL] = (const char *) sqlite3_column_text (stmt, 5);
      add_counts (report->total, stmt);
      add_counts (table_line (&tables[AJ_STATS_BY_COUNTY], key[0], county_label (key[0])), stmt);
      add_counts (table_line (&tables[AJ_STATS_BY_INSTITUTION_TYPE], key[1], type_label (key[1])), stmt);
      /* Category names live in the checklists: the page names them. */
      add_counts (table_line (&tables[AJ_STATS_BY_CATEGORY], key[2], key[2]), stmt);
      add_counts (table_line (&tables[AJ_STATS_BY_MONTH], key[3], key[3]), stmt);
      add_counts (table_line (&tables[AJ_STATS_BY_GRADE], key[4], aj_grade_label (key[4])), stmt);
      add_counts (table_line (&tables[AJ_STATS_BY_RISK_LEVEL], key[5], aj_risk_level_label (key[5])), stmt);
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (aj_store_get_db (store), error, "count the hazards of a period");
      goto out;
    }

  g_ptr_array_sort (tables[AJ_STATS_BY_COUNTY].order, by_label);
  g_ptr_array_sort (tables[AJ_STATS_BY_CATEGORY].order, by_found);
  for (guint d = 0; d < AJ_STATS_N_DIMENSIONS; d++)
    {
      report->lines[d] = g_list_store_new (AJ_TYPE_STATS_LINE);
      g_list_store_splice (report->lines[d], 0, 0, tables[d].order->pdata, tables[d].order->len);
    }
  ok = TRUE;

out:
  g_free (params.institutions);
  for (guint d = 0; d < AJ_STATS_N_DIMENSIONS; d++)
    {
      g_hash_table_unref (tables[d].by_key);
      g_ptr_array_unref (tables[d].order);
    }
  return ok ? g_steal_pointer (&report) : NULL;
}

typedef struct
{
  char *db_path;
  char *period;
  char *today;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->db_path);
  g_free (job->period);
  g_free (job->today);
  g_free (job);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  /* A connection of its own: the main thread goes on using the store's. */
  g_autoptr(AjStore) store = aj_store_open (job->db_path, &error);
  AjStatsReport *report = store ? aj_stats_report (store, job->period, job->today, &error) : NULL;

  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) aj_stats_report_free);
}

/* aj_stats_report () in a thread, through a connection of its own to the
 * store's file: a year of a large store is a walk of many index entries,
 * which the page's main loop should not wait for. */
void
aj_stats_report_async (AjStore             *store,
                       const char          *period,
                       const char          *today,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ReportJob *job = g_new0 (ReportJob, 1);

  g_task_set_source_tag (task, aj_stats_report_async);
  job->db_path = g_strdup (aj_store_get_path (store));
  job->period = g_strdup (period);
  job->today = g_strdup (today);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, report_thread);
}

AjStatsReport *
aj_stats_report_finish (AjStore       *store,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aj_stats_report_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
aj_stats_report_free (AjStatsReport *report)
{
  if (report == NULL)
    return;
  g_free (report->period);
  g_free (report->first_day);
  g_free (report->end_day);
  g_free (report->today);
  g_clear_object (&report->total);
  for (guint d = 0; d < AJ_STATS_N_DIMENSIONS; d++)
    g_clear_object (&report->lines[d]);
  g_free (report);
}
