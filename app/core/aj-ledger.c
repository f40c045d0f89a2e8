/* aj-ledger.c: one row per hazard, in the ledger's order (major first),
 * with the columns the department files (see the column list below).
 * Headers follow the locale. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "aj-error.h"
#include "aj-inspection.h"
#include "aj-ledger.h"
#include "aj-registry.h"
#include "aj-util.h"

gboolean
aj_ledger_filter_matches (const AjLedgerFilter *filter,
                          AjHazard             *hazard,
                          const char           *today)
{
  const char *status = aj_hazard_get_status (hazard);

  if (filter == NULL)
    return TRUE;
  if (filter->status != NULL)
    {
      if (g_str_equal (filter->status, "open"))
        {
          if (g_strcmp0 (status, "closed") == 0 || g_strcmp0 (status, "withdrawn") == 0)
            return FALSE;
        }
      else if (g_strcmp0 (filter->status, status) != 0)
        return FALSE;
    }
  if (filter->risk_level != NULL && g_strcmp0 (filter->risk_level, aj_hazard_get_risk_level (hazard)) != 0)
    return FALSE;
  if (filter->institution != NULL && g_strcmp0 (filter->institution, aj_hazard_get_institution (hazard)) != 0)
    return FALSE;
  if (filter->overdue_only && !aj_hazard_is_overdue (hazard, today))
    return FALSE;
  if (filter->query != NULL && *filter->query != '\0')
    {
      g_autofree char *needle = g_utf8_casefold (filter->query, -1);
      const char *fields[] = {
        aj_hazard_get_number (hazard), aj_hazard_get_description (hazard), aj_hazard_get_location (hazard),
        aj_hazard_get_institution_name (hazard), aj_hazard_get_responsible (hazard),
      };
      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          g_autofree char *hay = g_utf8_casefold (fields[i] ? fields[i] : "", -1);
          if (strstr (hay, needle) != NULL)
            return TRUE;
        }
      return FALSE;
    }
  return TRUE;
}

/* The columns, in DOMAIN.md's order of the ledger (number, institution,
 * found date, category, description, level, grade, measure, responsible
 * person, deadline, status, closed date), with where and how it was found,
 * when it was rectified and who verified it. */
enum
{
  COL_NUMBER,
  COL_COUNTY,
  COL_INSTITUTION,
  COL_INSTITUTION_TYPE,
  COL_SOURCE,
  COL_FOUND,
  COL_CATEGORY,
  COL_LOCATION,
  COL_DESCRIPTION,
  COL_RISK_LEVEL,
  COL_GRADE,
  COL_MEASURES,
  COL_RESPONSIBLE,
  COL_DEADLINE,
  COL_STATUS,
  COL_RECTIFIED,
  COL_VERIFIED_BY,
  COL_VERIFIED,
  COL_CLOSED,
  COL_DAYS_OVERDUE,
  N_COLUMNS
};

static const char *
header (guint column)
{
  switch (column)
    {
    case COL_NUMBER: return _("Number");
    case COL_COUNTY: return _("County");
    case COL_INSTITUTION: return _("Institution");
    case COL_INSTITUTION_TYPE: return _("Institution type");
    case COL_SOURCE: return _("Found by (source)");
    case COL_FOUND: return _("Found on");
    case COL_CATEGORY: return _("Category");
    case COL_LOCATION: return _("Location");
    case COL_DESCRIPTION: return _("Description");
    case COL_RISK_LEVEL: return _("Risk level");
    case COL_GRADE: return _("Grade");
    case COL_MEASURES: return _("Rectification measures");
    case COL_RESPONSIBLE: return _("Responsible person");
    case COL_DEADLINE: return _("Deadline");
    case COL_STATUS: return _("Status");
    case COL_RECTIFIED: return _("Rectified on");
    case COL_VERIFIED_BY: return _("Verified by");
    case COL_VERIFIED: return _("Verified on");
    case COL_CLOSED: return _("Closed on");
    case COL_DAYS_OVERDUE: return _("Days overdue");
    default: return "";
    }
}

/* How far an export has come: rows read then rows written, each half. */
typedef struct
{
  GCancellable *cancellable;
  volatile gint done;       /* out of 2 * total */
  volatile gint total;
} Progress;

static gboolean
cancelled (Progress  *progress,
           GError   **error)
{
  return progress != NULL && g_cancellable_set_error_if_cancelled (progress->cancellable, error);
}

/* One hazard's row of the ledger, N_COLUMNS strings. */
static GStrv
hazard_row (AjHazard   *h,
            GHashTable *category_names,
            const char *today)
{
  const char *category = category_names ? g_hash_table_lookup (category_names, aj_hazard_get_category (h)) : NULL;
  GStrv row = g_new0 (char *, N_COLUMNS + 1);

  row[COL_NUMBER] = g_strdup (aj_hazard_get_number (h));
  row[COL_COUNTY] = g_strdup (aj_hazard_get_county (h));
  row[COL_INSTITUTION] = g_strdup (aj_hazard_get_institution_name (h));
  row[COL_INSTITUTION_TYPE] = g_strdup (aj_institution_type_label (aj_hazard_get_institution_type (h)));
  row[COL_SOURCE] = g_strdup (aj_inspection_mode_label (aj_hazard_get_source (h)));
  row[COL_FOUND] = aj_iso8601_to_display (aj_hazard_get_found_at (h), FALSE);
  row[COL_CATEGORY] = g_strdup (category ? category : aj_hazard_get_category (h));
  row[COL_LOCATION] = g_strdup (aj_hazard_get_location (h));
  row[COL_DESCRIPTION] = g_strdup (aj_hazard_get_description (h));
  row[COL_RISK_LEVEL] = g_strdup (aj_risk_level_label (aj_hazard_get_risk_level (h)));
  row[COL_GRADE] = g_strdup (aj_grade_label (aj_hazard_get_grade (h)));
  row[COL_MEASURES] = g_strdup (aj_hazard_get_measures (h));
  row[COL_RESPONSIBLE] = g_strdup (aj_hazard_get_responsible (h));
  row[COL_DEADLINE] = g_strdup (aj_hazard_get_deadline (h));
  row[COL_STATUS] = g_strdup (aj_hazard_status_label (aj_hazard_get_status (h)));
  row[COL_RECTIFIED] = aj_iso8601_to_display (aj_hazard_get_rectified_at (h), FALSE);
  row[COL_VERIFIED_BY] = g_strdup (aj_hazard_get_verified_by (h));
  row[COL_VERIFIED] = aj_iso8601_to_display (aj_hazard_get_verified_at (h), FALSE);
  row[COL_CLOSED] = aj_iso8601_to_display (aj_hazard_get_closed_at (h), FALSE);
  row[COL_DAYS_OVERDUE] = g_strdup_printf ("%d", aj_hazard_days_overdue (h, today));
  return row;
}

static GStrv
header_row (void)
{
  GStrv head = g_new0 (char *, N_COLUMNS + 1);

  for (guint c = 0; c < N_COLUMNS; c++)
    head[c] = g_strdup (header (c));
  return head;
}

/* Rows as arrays of N_COLUMNS strings; the first row is the header. The
 * filter is applied in SQL and the hazards read a page at a time. */
static GPtrArray *
ledger_rows (AjStore              *store,
             const AjLedgerFilter *filter,
             GHashTable           *category_names,
             const char           *today,
             Progress             *progress,
             GError              **error)
{
  g_autoptr(AjLedgerModel) hazards = aj_ledger_model_new (store, filter, today);
  g_autoptr(GPtrArray) rows = NULL;
  guint n;

  n = g_list_model_get_n_items (G_LIST_MODEL (hazards));
  if (progress != NULL)
    g_atomic_int_set (&progress->total, MAX ((gint) n, 1));
  rows = g_ptr_array_new_full (n + 1, (GDestroyNotify) g_strfreev);
  g_ptr_array_add (rows, header_row ());

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (G_LIST_MODEL (hazards), i);
      GStrv row;

      if (i % 256 == 0 && cancelled (progress, error))
        return NULL;
      if (progress != NULL)
        g_atomic_int_inc (&progress->done);
      if (h == NULL)
        continue;
      row = hazard_row (h, category_names, today);
      g_ptr_array_add (rows, row);
    }
  return g_steal_pointer (&rows);
}

GPtrArray *
aj_ledger_rows (AjStore              *store,
                const AjLedgerFilter *filter,
                GHashTable           *category_names,
                const char           *today,
                GError              **error)
{
  return ledger_rows (store, filter, category_names, today, NULL, error);
}

/* A plain number, which a spreadsheet reads as a number and never as a
 * formula: the days overdue may be negative. */
static gboolean
is_plain_number (const char *value)
{
  const char *p = value;

  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '\0';
}

/* A cell that begins with = + - @ (or a tab or carriage return, which some
 * programs skip before looking) would be run as a formula by a spreadsheet
 * that opens the file: "=HYPERLINK(...)" typed into a hazard's description
 * on any device. As OWASP recommends, such a cell gets a leading apostrophe,
 * which spreadsheets read as "this is text". */
static gboolean
needs_defusing (const char *value)
{
  return value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL && !is_plain_number (value);
}

static void
csv_field (GString    *out,
           const char *value)
{
  g_autofree char *defused = needs_defusing (value) ? g_strconcat ("'", value, NULL) : NULL;

  if (defused != NULL)
    value = defused;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
write_csv (GPtrArray   *rows,
           const char  *path,
           Progress    *progress,
           GError     **error)
{
  /* A byte-order mark, so that spreadsheet programs read UTF-8 Chinese. */
  g_autoptr(GString) out = g_string_new ("\xef\xbb\xbf");

  for (guint r = 0; r < rows->len; r++)
    {
      GStrv row = g_ptr_array_index (rows, r);

      if (r % 256 == 0 && cancelled (progress, error))
        return FALSE;
      if (progress != NULL && r > 0)
        g_atomic_int_inc (&progress->done);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (c)
            g_string_append_c (out, ',');
          csv_field (out, row[c]);
        }
      g_string_append (out, "\r\n");
    }
  /* Written whole to a temporary file and renamed: never half a ledger. */
  return aj_write_file_durably (path, out->str, out->len, error);
}

static gboolean
write_xlsx (GPtrArray   *rows,
            const char  *path,
            Progress    *progress,
            GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp.xlsx", path);
  lxw_workbook *workbook = workbook_new (tmp);
  lxw_worksheet *sheet;
  lxw_format *bold;
  lxw_error rc;

  if (workbook == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot create %s"), path);
      return FALSE;
    }
  sheet = workbook_add_worksheet (workbook, _("Hazard ledger"));
  bold = workbook_add_format (workbook);
  format_set_bold (bold);
  for (guint r = 0; r < rows->len; r++)
    {
      GStrv row = g_ptr_array_index (rows, r);

      if (r % 256 == 0 && cancelled (progress, error))
        {
          /* Nothing is on disk until the workbook is closed. */
          workbook_close (workbook);
          g_unlink (tmp);
          return FALSE;
        }
      if (progress != NULL && r > 0)
        g_atomic_int_inc (&progress->done);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (r > 0 && c == COL_DAYS_OVERDUE)
            worksheet_write_number (sheet, r, c, g_ascii_strtod (row[c], NULL), NULL);
          else
            worksheet_write_string (sheet, r, c, row[c], r == 0 ? bold : NULL);
        }
    }
  worksheet_set_column (sheet, COL_NUMBER, COL_NUMBER, 22, NULL);
  worksheet_set_column (sheet, COL_INSTITUTION, COL_INSTITUTION, 24, NULL);
  worksheet_set_column (sheet, COL_DESCRIPTION, COL_DESCRIPTION, 48, NULL);
  worksheet_set_column (sheet, COL_MEASURES, COL_MEASURES, 36, NULL);
  worksheet_freeze_panes (sheet, 1, 0);
  rc = workbook_close (workbook);
  if (rc != LXW_NO_ERROR)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s: %s"), path, lxw_strerror (rc));
      g_unlink (tmp);
      return FALSE;
    }
  if (cancelled (progress, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s"), path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
export (AjStore              *store,
        const AjLedgerFilter *filter,
        GHashTable           *category_names,
        AjLedgerFormat        format,
        const char           *path,
        Progress             *progress,
        GError              **error)
{
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GPtrArray) rows = ledger_rows (store, filter, category_names, today, progress, error);

  if (rows == NULL)
    return FALSE;
  if (format == AJ_LEDGER_XLSX)
    return write_xlsx (rows, path, progress, error);
  return write_csv (rows, path, progress, error);
}

/* The ledger of hazards chosen by the caller (the office's console filters
 * on more than AjLedgerFilter holds), with the same columns and writers. */
gboolean
aj_ledger_export_hazards (GPtrArray      *hazards,
                          GHashTable     *category_names,
                          const char     *today,
                          AjLedgerFormat  format,
                          const char     *path,
                          GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (hazards->len + 1, (GDestroyNotify) g_strfreev);

  g_ptr_array_add (rows, header_row ());
  for (guint i = 0; i < hazards->len; i++)
    g_ptr_array_add (rows, hazard_row (g_ptr_array_index (hazards, i), category_names, today));
  if (format == AJ_LEDGER_XLSX)
    return write_xlsx (rows, path, NULL, error);
  return write_csv (rows, path, NULL, error);
}

gboolean
aj_ledger_export (AjStore              *store,
                  const AjLedgerFilter *filter,
                  GHashTable           *category_names,
                  AjLedgerFormat        format,
                  const char           *path,
                  GError              **error)
{
  return export (store, filter, category_names, format, path, NULL, error);
}

/* What the export thread needs, copied: the page may change its filter meanwhile. */
typedef struct
{
  Progress        progress;
  char           *db_path;
  char           *status, *risk_level, *institution, *query;
  gboolean        overdue_only;
  GHashTable     *category_names;
  AjLedgerFormat  format;
  char           *path;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->progress.cancellable);
  g_free (job->db_path);
  g_free (job->status);
  g_free (job->risk_level);
  g_free (job->institution);
  g_free (job->query);
  g_clear_pointer (&job->category_names, g_hash_table_unref);
  g_free (job->path);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  AjLedgerFilter filter = {
    .status = job->status, .risk_level = job->risk_level, .institution = job->institution,
    .overdue_only = job->overdue_only, .query = job->query,
  };
  g_autoptr(GError) error = NULL;
  /* A connection of its own: the main thread goes on using the store's. */
  g_autoptr(AjStore) store = aj_store_open (job->db_path, &error);

  if (store == NULL || !export (store, &filter, job->category_names, job->format, job->path, &job->progress, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Exports in a thread, reading the store's file through a connection of its
 * own. Cancelled, it leaves no file at @path (nor any temporary one).
 * Returns (transfer full) the export's result-to-be, for
 * aj_ledger_export_get_progress (). */
GAsyncResult *
aj_ledger_export_async (AjStore              *store,
                        const AjLedgerFilter *filter,
                        GHashTable           *category_names,
                        AjLedgerFormat        format,
                        const char           *path,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ExportJob *job = g_new0 (ExportJob, 1);

  g_task_set_source_tag (task, aj_ledger_export_async);
  job->progress.cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->db_path = g_strdup (aj_store_get_path (store));
  if (filter != NULL)
    {
      job->status = g_strdup (filter->status);
      job->risk_level = g_strdup (filter->risk_level);
      job->institution = g_strdup (filter->institution);
      job->query = g_strdup (filter->query);
      job->overdue_only = filter->overdue_only;
    }
  job->category_names = category_names ? g_hash_table_ref (category_names) : NULL;
  job->format = format;
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
  return G_ASYNC_RESULT (g_steal_pointer (&task));
}

/* From 0 to 1: rows read, then rows written. Safe to call from the main
 * thread while the export runs. */
double
aj_ledger_export_get_progress (GAsyncResult *result)
{
  ExportJob *job;

  g_return_val_if_fail (G_IS_TASK (result), 0);
  job = g_task_get_task_data (G_TASK (result));
  if (job == NULL || g_atomic_int_get (&job->progress.total) == 0)
    return 0;
  return MIN (1.0, g_atomic_int_get (&job->progress.done) / (2.0 * g_atomic_int_get (&job->progress.total)));
}

gboolean
aj_ledger_export_finish (AjStore       *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aj_ledger_export_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
