/* test-export.c: the ledger exported to CSV (UTF-8 with BOM) and XLSX, and
 * read back by a real reader (openpyxl): the same rows as the ledger; and
 * no CSV cell that a spreadsheet would run as a formula. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
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

/* Where the column headed @header is, in the header row of @rows. */
static guint
column (GPtrArray  *rows,
        const char *header)
{
  GStrv head = g_ptr_array_index (rows, 0);

  for (guint c = 0; head[c] != NULL; c++)
    if (g_str_equal (head[c], header))
      return c;
  g_error ("No column “%s”", header);
  return 0;
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
  g_assert_cmpstr (((GStrv) g_ptr_array_index (rows, 1))[column (rows, "Grade")], ==, aj_grade_label ("major"));

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
    g_assert_cmpint (atoi (((GStrv) g_ptr_array_index (rows, r))[column (rows, "Days overdue")]), >, 0);
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
        found |= g_str_equal (((GStrv) g_ptr_array_index (rows, r))[column (rows, "Description")], cells[i].typed);
      g_assert_true (found);
    }
}

/* The first data row of an exported file, read back by Python's own csv
 * module (CSV) or by unzipping the workbook and reading its sheet's XML
 * with its shared strings (XLSX): header -> value. NULL without Python. */
static GHashTable *
read_back_first_row (const char *path,
                     gboolean    xlsx)
{
  const char *python = g_getenv ("ANJIAN_PYTHON");
  const char *script =
    "import csv, sys, zipfile, xml.etree.ElementTree as ET\n"
    "def out(rows):\n"
    "    for h, v in zip(rows[0], rows[1]):\n"
    "        sys.stdout.write(h + '\\t' + v.replace('\\n', ' ') + '\\n')\n"
    "if sys.argv[2] == 'csv':\n"
    "    with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n"
    "        out(list(csv.reader(f)))\n"
    "else:\n"
    "    ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}\n"
    "    z = zipfile.ZipFile(sys.argv[1])\n"
    "    shared = []\n"
    "    if 'xl/sharedStrings.xml' in z.namelist():\n"
    "        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):\n"
    "            shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))\n"
    "    sheet = ET.fromstring(z.read('xl/worksheets/sheet1.xml'))\n"
    "    rows = []\n"
    "    for row in sheet.find('m:sheetData', ns).findall('m:row', ns):\n"
    "        cells = []\n"
    "        for c in row.findall('m:c', ns):\n"
    "            v = c.find('m:v', ns)\n"
    "            if c.get('t') == 's':\n"
    "                cells.append(shared[int(v.text)])\n"
    "            elif c.get('t') == 'inlineStr':\n"
    "                cells.append(''.join(t.text or '' for t in c.iter('{%s}t' % ns['m'])))\n"
    "            else:\n"
    "                cells.append('' if v is None else str(int(float(v.text))))\n"
    "        rows.append(cells)\n"
    "    out(rows)\n";
  const char *argv[] = { python, "-c", script, path, xlsx ? "xlsx" : "csv", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *row;
  int status;

  if (python == NULL || *python == '\0')
    return NULL;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text, &stderr_text,
                     &status, &error))
    g_error ("Cannot run %s: %s", python, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("Reading %s back failed: %s", path, stderr_text);
  row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (stdout_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cell = g_strsplit (lines[i], "\t", 2);
      if (cell[0] != NULL && cell[1] != NULL)
        g_hash_table_replace (row, g_strdup (cell[0]), g_strdup (cell[1]));
    }
  return row;
}

/* A hazard taken through the whole loop at DLX001 (a township home in
 * 东林县): ordered with measures, rectified by the home's staff, verified by
 * a second inspector, closed. */
static void
record_closed_hazard (AjTestStore *f)
{
  const char * const photos[] = { "0f343b0931126a20f133d67c2b018a3b5e4c1c6f5fd2b1e5a4a3b0c3d2e1f001", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *inspection = aj_inspection_start (f->store, INSPECTOR, "DLX001", "field", f->checklist, &error);
  AjHazardDraft draft = {
    .inspection_id = inspection, .item_code = "EC-FIRE-04", .category = "fire",
    .description = "灭火器过期", .location = "二楼走廊", .risk_level = "yellow", .grade = "general",
    .deadline = "2030-01-01", .responsible = "王建国",
  };
  g_autofree char *id = aj_hazard_record (f->store, INSPECTOR, &draft, &error);
  struct { const char *user; AjHazardStep step; AjStepInput input; } steps[] = {
    { INSPECTOR, AJ_STEP_ORDER, { .measures = "更换灭火器并培训", .responsible = "王建国", .deadline = "2030-01-01" } },
    { "u-li-chunmei", AJ_STEP_RECTIFY, { .note = "已更换", .photos = photos } },
    { "u-liu-yang", AJ_STEP_VERIFY, { .accepted = TRUE, .opinion = "合格" } },
    { INSPECTOR, AJ_STEP_CLOSE, { 0 } },
  };

  g_assert_no_error (error);
  g_assert_true (aj_inspection_finish (f->store, INSPECTOR, inspection, &error));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(AjUser) user = aj_registry_get_user (f->store, steps[i].user);
      g_autofree char *event = aj_hazard_step (f->store, user, id, steps[i].step, &steps[i].input, &error);
      g_assert_no_error (error);
    }
}

static void
test_new_columns_read_back (AjTestStore   *f,
                            gconstpointer  test_data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "ledger.csv", NULL);
  g_autofree char *xlsx_path = g_build_filename (f->dir, "ledger.xlsx", NULL);
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GError) error = NULL;
  const struct { const char *header; const char *value; } expected[] = {
    { "County", "东林县" },
    { "Institution", "东林县城关镇敬老院" },
    { "Institution type", aj_institution_type_label ("township_home") },
    { "Found by (source)", aj_inspection_mode_label ("field") },
    { "Found on", today },
    { "Location", "二楼走廊" },
    { "Description", "灭火器过期" },
    { "Grade", aj_grade_label ("general") },
    { "Rectification measures", "更换灭火器并培训" },
    { "Responsible person", "王建国" },
    { "Deadline", "2030-01-01" },
    { "Status", aj_hazard_status_label ("closed") },
    { "Rectified on", today },
    { "Verified by", "刘洋" },
    { "Verified on", today },
    { "Closed on", today },
    { "Days overdue", "0" },
  };

  g_test_summary ("The ledger's columns of DOMAIN.md with county, institution type, source, location, "
                  "measures, rectified, verified and closed dates and the verifier, read back from the CSV "
                  "by a CSV parser and from the XLSX by unzipping it and reading its sheet's XML");
  record_closed_hazard (f);
  g_assert_true (aj_ledger_export (f->store, NULL, NULL, AJ_LEDGER_CSV, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (aj_ledger_export (f->store, NULL, NULL, AJ_LEDGER_XLSX, xlsx_path, &error));
  g_assert_no_error (error);

  for (int xlsx = 0; xlsx <= 1; xlsx++)
    {
      g_autoptr(GHashTable) row = read_back_first_row (xlsx ? xlsx_path : csv_path, xlsx);

      if (row == NULL)
        {
          g_test_skip ("python3 is not available");
          return;
        }
      g_assert_cmpuint (g_hash_table_size (row), ==, 20);
      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          const char *value = g_hash_table_lookup (row, expected[i].header);
          if (g_strcmp0 (value, expected[i].value) != 0)
            g_error ("%s: column “%s” reads “%s”, not “%s”", xlsx ? "XLSX" : "CSV",
                     expected[i].header, value ? value : "(none)", expected[i].value);
        }
    }
}

static void
test_headers_in_chinese (AjTestStore   *f,
                         gconstpointer  test_data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "ledger.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *old_language = g_strdup (g_getenv ("LANGUAGE"));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *headers = "隐患编号,区县,机构,机构类型,隐患来源,发现日期,";

  g_test_summary ("In Chinese the export's headers are Chinese, the new columns included, in the ledger's order");
  record_closed_hazard (f);
  bindtextdomain (GETTEXT_PACKAGE, ANJIAN_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LANG", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  g_assert_true (aj_ledger_export (f->store, NULL, NULL, AJ_LEDGER_CSV, csv_path, &error));
  if (old_language != NULL)
    g_setenv ("LANGUAGE", old_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv + 3, "\r\n", 2);
  if (g_str_equal (_("County"), "County") && !g_str_has_prefix (lines[0], headers))
    {
      /* The translations are not built (no msgfmt): nothing to check. */
      g_test_skip ("the zh_CN catalogue is not available");
      return;
    }
  g_assert_true (g_str_has_prefix (lines[0], headers));
  g_assert_nonnull (strstr (lines[0], ",整改措施,责任人,"));
  g_assert_nonnull (strstr (lines[0], ",整改完成日期,复查人,复查日期,销号日期,"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/ledger/export-csv-and-xlsx-same-rows", "elder-care.json", test_export);
  aj_test_add_with_store ("/ledger/csv-formulas-inert", "elder-care.json", test_csv_formulas_inert);
  aj_test_add_with_store ("/ledger/new-columns-read-back-from-csv-and-xlsx-xml", "elder-care.json",
                          test_new_columns_read_back);
  /* Last: it leaves the process's locale set. */
  aj_test_add_with_store ("/ledger/headers-in-chinese", "elder-care.json", test_headers_in_chinese);
  return g_test_run ();
}
