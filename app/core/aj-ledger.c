/* aj-ledger.c: one row per hazard, in the ledger's order (major first),
 * with the columns the department files: number, institution, category,
 * description, risk level, grade, found, deadline, responsible, status,
 * closed, days overdue. Headers follow the locale. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "aj-error.h"
#include "aj-ledger.h"
#include "aj-util.h"

#define N_COLUMNS 12

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

static const char *
header (guint column)
{
  switch (column)
    {
    case 0: return _("Number");
    case 1: return _("Institution");
    case 2: return _("Category");
    case 3: return _("Description");
    case 4: return _("Risk level");
    case 5: return _("Grade");
    case 6: return _("Found on");
    case 7: return _("Deadline");
    case 8: return _("Responsible person");
    case 9: return _("Status");
    case 10: return _("Closed on");
    case 11: return _("Days overdue");
    default: return "";
    }
}

/* Rows as arrays of N_COLUMNS strings; the first row is the header. */
GPtrArray *
aj_ledger_rows (AjStore              *store,
                const AjLedgerFilter *filter,
                GHashTable           *category_names,
                const char           *today,
                GError              **error)
{
  g_autoptr(GListModel) hazards = aj_hazard_list (store, NULL, error);
  GPtrArray *rows;
  GStrv head;

  if (hazards == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  head = g_new0 (char *, N_COLUMNS + 1);
  for (guint c = 0; c < N_COLUMNS; c++)
    head[c] = g_strdup (header (c));
  g_ptr_array_add (rows, head);

  for (guint i = 0; i < g_list_model_get_n_items (hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (hazards, i);
      const char *category;
      GStrv row;

      if (!aj_ledger_filter_matches (filter, h, today))
        continue;
      category = category_names ? g_hash_table_lookup (category_names, aj_hazard_get_category (h)) : NULL;
      row = g_new0 (char *, N_COLUMNS + 1);
      row[0] = g_strdup (aj_hazard_get_number (h));
      row[1] = g_strdup (aj_hazard_get_institution_name (h));
      row[2] = g_strdup (category ? category : aj_hazard_get_category (h));
      row[3] = g_strdup (aj_hazard_get_description (h));
      row[4] = g_strdup (aj_risk_level_label (aj_hazard_get_risk_level (h)));
      row[5] = g_strdup (aj_grade_label (aj_hazard_get_grade (h)));
      row[6] = aj_iso8601_to_display (aj_hazard_get_found_at (h), FALSE);
      row[7] = g_strdup (aj_hazard_get_deadline (h));
      row[8] = g_strdup (aj_hazard_get_responsible (h));
      row[9] = g_strdup (aj_hazard_status_label (aj_hazard_get_status (h)));
      row[10] = aj_iso8601_to_display (aj_hazard_get_closed_at (h), FALSE);
      row[11] = g_strdup_printf ("%d", aj_hazard_days_overdue (h, today));
      g_ptr_array_add (rows, row);
    }
  return rows;
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
           GError     **error)
{
  /* A byte-order mark, so that spreadsheet programs read UTF-8 Chinese. */
  g_autoptr(GString) out = g_string_new ("\xef\xbb\xbf");

  for (guint r = 0; r < rows->len; r++)
    {
      GStrv row = g_ptr_array_index (rows, r);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (c)
            g_string_append_c (out, ',');
          csv_field (out, row[c]);
        }
      g_string_append (out, "\r\n");
    }
  return aj_write_file_durably (path, out->str, out->len, error);
}

static gboolean
write_xlsx (GPtrArray   *rows,
            const char  *path,
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
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          if (r > 0 && c == 11)
            worksheet_write_number (sheet, r, c, g_ascii_strtod (row[c], NULL), NULL);
          else
            worksheet_write_string (sheet, r, c, row[c], r == 0 ? bold : NULL);
        }
    }
  worksheet_set_column (sheet, 0, 0, 22, NULL);
  worksheet_set_column (sheet, 1, 1, 24, NULL);
  worksheet_set_column (sheet, 3, 3, 48, NULL);
  worksheet_freeze_panes (sheet, 1, 0);
  rc = workbook_close (workbook);
  if (rc != LXW_NO_ERROR)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s: %s"), path, lxw_strerror (rc));
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot write %s"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
aj_ledger_export (AjStore              *store,
                  const AjLedgerFilter *filter,
                  GHashTable           *category_names,
                  AjLedgerFormat        format,
                  const char           *path,
                  GError              **error)
{
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GPtrArray) rows = aj_ledger_rows (store, filter, category_names, today, error);

  if (rows == NULL)
    return FALSE;
  return format == AJ_LEDGER_XLSX ? write_xlsx (rows, path, error) : write_csv (rows, path, error);
}
