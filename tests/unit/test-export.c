/* test-export.c: the ledger exported to CSV (UTF-8 with BOM) and XLSX, and
 * read back by a real reader (openpyxl): the same rows as the ledger; and
 * no CSV cell that a spreadsheet would run as a formula. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-ledger.h"
#include "aj-registry.h"
#include "aj-store.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"

/* Nine hazards at three institutions: one major (red) of each three, one
 * general past its deadline; descriptions with commas, quotes and newlines. */
static void
record_hazards (AjTestStore *f)
{
  AjStore *store = f->store;
  g_autoptr(GError) error = NULL;
  const char *institutions[] = { "DLX001", "XHX002", "NHQ003" };

  for (guint i = 0; i < G_N_ELEMENTS (institutions); i++)
    {
      g_autofree char *inspection = aj_inspection_start (store, INSPECTOR, institutions[i], "field", f->checklist, &error);
      for (guint j = 0; j < 3; j++)
        {
          g_autofree char *description = g_strdup_printf ("隐患 %u-%u：灭火器过期, \"过期\" 三个月\n另有一处", i, j);
          AjHazardDraft draft = {
            .inspection_id = inspection, .item_code = "EC-FIRE-04", .category = "fire",
            .description = description, .risk_level = j == 0 ? "red" : "blue",
            .grade = j == 0 ? "major" : "general", .deadline = j == 1 ? "2020-01-01" : "2030-01-01",
            .responsible = "王建国",
          };
          g_autofree char *id = aj_hazard_record (store, INSPECTOR, &draft, &error);
          g_assert_no_error (error);
        }
    }
}

static char *
run_reader (const char *xlsx)
{
  const char *python = g_getenv ("ANJIAN_PYTHON");
  g_autofree char *script = g_strdup_printf (
    "import csv, sys, openpyxl\n"
    "ws = openpyxl.load_workbook(sys.argv[1]).active\n"
    "w = csv.writer(sys.stdout, lineterminator='\\n')\n"
    "for row in ws.iter_rows(values_only=True):\n"
    "    w.writerow(['' if v is None else (str(int(v)) if isinstance(v, float) else str(v)) for v in row])\n");
  const char *argv[] = { python, "-c", script, xlsx, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return out;
}

static char *
rows_as_csv (GPtrArray *rows)
{
  GString *out = g_string_new (NULL);

  for (guint r = 0; r < rows->len; r++)
    {
      GStrv row = g_ptr_array_index (rows, r);
      for (guint c = 0; row[c]; c++)
        {
          const char *v = row[c];
          if (c)
            g_string_append_c (out, ',');
          if (strpbrk (v, ",\"\n"))
            {
              g_string_append_c (out, '"');
              for (const char *p = v; *p; p++)
                {
                  if (*p == '"')
                    g_string_append_c (out, '"');
                  g_string_append_c (out, *p);
                }
              g_string_append_c (out, '"');
            }
          else
            g_string_append (out, v);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
test_export (AjTestStore   *f,
             gconstpointer  test_data)
{
  AjStore *store = f->store;
  g_autofree char *csv_path = g_build_filename (f->dir, "ledger.csv", NULL);
  g_autofree char *xlsx_path = g_build_filename (f->dir, "ledger.xlsx", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *read_back = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  AjLedgerFilter overdue = { .overdue_only = TRUE };
  gsize length;

  g_test_summary ("The ledger exported to CSV (BOM, CRLF, quoting) and to XLSX read back by openpyxl gives "
                  "exactly the ledger's rows, major hazards first, and the overdue filter applies");

  record_hazards (f);
  rows = aj_ledger_rows (store, NULL, NULL, today, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1 + 9);
  /* Major hazards first, as on the ledger. */
  g_assert_cmpstr (((GStrv) g_ptr_array_index (rows, 1))[5], ==, aj_grade_label ("major"));

  /* CSV: a BOM, CRLF lines, quoting of commas, quotes and newlines. */
  g_assert_true (aj_ledger_export (store, NULL, NULL, AJ_LEDGER_CSV, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, &length, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xef\xbb\xbf"));
  expected = rows_as_csv (rows);
  {
    g_auto(GStrv) parts = g_strsplit (csv + 3, "\r\n", -1);
    normalized = g_strjoinv ("\n", parts);
  }
  g_assert_cmpstr (normalized, ==, expected);

  /* XLSX, read by openpyxl: the same rows. */
  g_assert_true (aj_ledger_export (store, NULL, NULL, AJ_LEDGER_XLSX, xlsx_path, &error));
  g_assert_no_error (error);
  if (g_getenv ("ANJIAN_PYTHON") == NULL || *g_getenv ("ANJIAN_PYTHON") == '\0')
    {
      g_test_skip ("python3 with openpyxl is not available");
      return;
    }
  read_back = run_reader (xlsx_path);
  if (read_back == NULL)
    {
      g_test_skip ("openpyxl could not be run");
      return;
    }
  g_assert_cmpstr (read_back, ==, expected);

  /* The filter applies: three hazards are past their deadline. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = aj_ledger_rows (store, &overdue, NULL, today, &error);
  g_assert_cmpuint (rows->len, ==, 1 + 3);
  for (guint r = 1; r < rows->len; r++)
    g_assert_cmpint (atoi (((GStrv) g_ptr_array_index (rows, r))[11]), >, 0);
}

/* Text typed on any device ends up in a cell; a spreadsheet must not run it. */
static void
test_csv_formulas_inert (AjTestStore   *f,
                         gconstpointer  test_data)
{
  AjStore *store = f->store;
  g_autofree char *csv_path = g_build_filename (f->dir, "ledger.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = NULL;
  const struct { const char *typed; const char *in_csv; } cells[] = {
    { "=1+2", "'=1+2" },
    { "+86 139 0000 0000", "'+86 139 0000 0000" },
    { "-2+3 米", "'-2+3 米" },
    { "@SUM(A1:A9)", "'@SUM(A1:A9)" },
    { "=HYPERLINK(\"http://example.com/x\";\"点击\")", "\"'=HYPERLINK(\"\"http://example.com/x\"\";\"\"点击\"\")\"" },
  };

  g_test_summary ("CSV cells that begin with = + - @ get a leading apostrophe (OWASP), so that a spreadsheet "
                  "shows them as text instead of running them; plain numbers and the ledger's own rows stay as they are");

  inspection = aj_inspection_start (store, INSPECTOR, "DLX001", "field", f->checklist, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      AjHazardDraft draft = {
        .inspection_id = inspection, .item_code = "EC-FIRE-04", .category = "fire",
        .description = cells[i].typed, .risk_level = "blue", .grade = "general", .deadline = "2030-01-01",
        .responsible = i == 0 ? "@王建国" : "王建国",
      };
      g_autofree char *id = aj_hazard_record (store, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
    }

  g_assert_true (aj_ledger_export (store, NULL, NULL, AJ_LEDGER_CSV, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      g_autofree char *cell = g_strconcat (",", cells[i].in_csv, ",", NULL);
      if (strstr (csv, cell) == NULL)
        g_error ("The CSV has no cell %s:\n%s", cell, csv);
    }
  g_assert_nonnull (strstr (csv, ",'@王建国,"));

  /* No line of the file has a cell that a spreadsheet would run. */
  {
    g_auto(GStrv) lines = g_strsplit (csv + 3, "\r\n", -1);
    for (guint l = 0; lines[l] != NULL; l++)
      {
        g_auto(GStrv) fields = g_strsplit (lines[l], ",", -1);
        for (guint c = 0; fields[c] != NULL; c++)
          {
            const char *v = fields[c][0] == '"' ? fields[c] + 1 : fields[c];
            gboolean number = g_regex_match_simple ("^-?[0-9]+$", v, 0, 0);
            g_assert_true (number || strchr ("=+-@\t\r", v[0]) == NULL || v[0] == '\0');
          }
      }
  }

  /* The rows themselves (and so the XLSX, whose cells are typed text) are untouched. */
  rows = aj_ledger_rows (store, NULL, NULL, today, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      gboolean found = FALSE;
      for (guint r = 1; r < rows->len; r++)
        found |= g_str_equal (((GStrv) g_ptr_array_index (rows, r))[3], cells[i].typed);
      g_assert_true (found);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/ledger/export-csv-and-xlsx-same-rows", "elder-care.json", test_export);
  aj_test_add_with_store ("/ledger/csv-formulas-inert", "elder-care.json", test_csv_formulas_inert);
  return g_test_run ();
}
