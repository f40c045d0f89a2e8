/* test-labels.c: label sheets rendered to PDF, turned into PNG by pdftoppm,
 * and every label decoded by zbarimg back to its hazard's or institution's payload. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-labels.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-store.h"

#include "aj-test-util.h"

static char *
decode_pdf (const char *pdf,
            const char *dir,
            const char *prefix)
{
  g_autofree char *stem = g_build_filename (dir, prefix, NULL);
  const char *to_png[] = { "pdftoppm", "-r", "300", "-png", pdf, stem, NULL };
  g_autoptr(GDir) d = NULL;
  GString *all = g_string_new (NULL);
  const char *name;

  g_assert_true (g_spawn_sync (NULL, (char **) to_png, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".png"))
      {
        g_autofree char *png = g_build_filename (dir, name, NULL);
        const char *zbar[] = { g_getenv ("ZBARIMG"), "--raw", "-q", png, NULL };
        g_autofree char *out = NULL;
        g_autoptr(GPtrArray) ours = aj_qr_decode_file (png, NULL);

        g_autoptr(GdkPixbuf) page = gdk_pixbuf_new_from_file (png, NULL);

        g_spawn_sync (NULL, (char **) zbar, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, NULL);
        if (out)
          g_string_append (all, out);
        /* Our own decoder (used by the scan page) finds the same codes. */
        for (guint i = 0; ours && i < ours->len; i++)
          g_assert_nonnull (strstr (out ? out : "", g_ptr_array_index (ours, i)));
        /* And each label on its own, cut out of an A4 sheet (3 × 8 cells):
         * a whole page of 24 codes can hide one from a scanner. */
        if (gdk_pixbuf_get_height (page) > gdk_pixbuf_get_width (page))
          {
            int cw = gdk_pixbuf_get_width (page) / 3, ch = gdk_pixbuf_get_height (page) / 8;
            for (int r = 0; r < 8; r++)
              for (int c = 0; c < 3; c++)
                {
                  g_autoptr(GdkPixbuf) cell = gdk_pixbuf_new_subpixbuf (page, c * cw, r * ch, cw, ch);
                  g_autoptr(GdkPixbuf) copy = gdk_pixbuf_copy (cell);
                  g_autoptr(GPtrArray) codes = aj_qr_decode_pixbuf (copy);
                  for (guint i = 0; i < codes->len; i++)
                    g_string_append_printf (all, "%s\n", (char *) g_ptr_array_index (codes, i));
                }
          }
      }
  return g_string_free (all, FALSE);
}

static void
test_labels (AjTestStore   *f,
             gconstpointer  test_data)
{
  AjStore *store = f->store;
  const char *dir = f->dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *inspection = NULL;

  g_test_summary ("Hazard labels on A4 sheets of 3×8 (more than one sheet) and on 50×30 mm labels, and "
                  "institution labels, each decode on its own to its payload; nothing to print is an error");

  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");

  if (pdftoppm == NULL || g_getenv ("ZBARIMG") == NULL || !*g_getenv ("ZBARIMG"))
    {
      g_test_skip ("pdftoppm or zbarimg is not installed");
      return;
    }
  inspection = aj_inspection_start (store, "u-zhang-wei", "BSX002", "field", f->checklist, &error);
  g_assert_no_error (error);
  /* 26 hazards: more than one A4 sheet of 24. */
  for (guint i = 0; i < 26; i++)
    {
      g_autofree char *description = g_strdup_printf ("第 %u 处：插线板串接使用", i + 1);
      const char *levels[] = { "red", "orange", "yellow", "blue" };
      AjHazardDraft draft = { .inspection_id = inspection, .item_code = "EC-POWER_GAS-01", .category = "power_gas",
                              .description = description, .risk_level = levels[i % 4], .grade = "general",
                              .deadline = "2026-12-31" };
      g_ptr_array_add (ids, aj_hazard_record (store, "u-zhang-wei", &draft, &error));
      g_assert_no_error (error);
    }

  for (AjLabelLayout layout = AJ_LABELS_A4_3X8; layout <= AJ_LABELS_50X30; layout++)
    {
      g_autoptr(GPtrArray) labels = aj_labels_for_hazards (store, layout == AJ_LABELS_A4_3X8 ? NULL : "https://anjian.example.gov.cn",
                                                           inspection, NULL);
      g_autofree char *pdf = g_build_filename (dir, layout == AJ_LABELS_A4_3X8 ? "a4.pdf" : "small.pdf", NULL);
      g_autofree char *decoded = NULL;

      g_assert_cmpuint (labels->len, ==, 26);
      g_assert_true (aj_labels_write_pdf (labels, layout, pdf, &error));
      g_assert_no_error (error);
      decoded = decode_pdf (pdf, dir, layout == AJ_LABELS_A4_3X8 ? "a4" : "small");
      for (guint i = 0; i < ids->len; i++)
        {
          g_autofree char *payload = aj_qr_hazard_payload (layout == AJ_LABELS_A4_3X8 ? NULL : "https://anjian.example.gov.cn",
                                                           g_ptr_array_index (ids, i));
          if (strstr (decoded, payload) == NULL)
            g_error ("Label %u (%s) was not decoded", i, payload);
        }
    }

  {
    g_autoptr(GPtrArray) labels = aj_labels_for_institutions (store, NULL);
    g_autofree char *pdf = g_build_filename (dir, "places.pdf", NULL);
    g_autofree char *decoded = NULL;
    g_assert_cmpuint (labels->len, ==, 20);
    g_assert_true (aj_labels_write_pdf (labels, AJ_LABELS_A4_3X8, pdf, &error));
    decoded = decode_pdf (pdf, dir, "places");
    g_assert_nonnull (strstr (decoded, "anjian:i/DLX001"));
    g_assert_nonnull (strstr (decoded, "anjian:i/BSX004"));
  }

  /* Nothing to print is said, not an empty file. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autofree char *pdf = g_build_filename (dir, "none.pdf", NULL);
    g_assert_false (aj_labels_write_pdf (none, AJ_LABELS_A4_3X8, pdf, &error));
    g_assert_nonnull (error);
    g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  }
}

static GPtrArray *
many_labels (guint n)
{
  GPtrArray *labels = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_label_free);

  for (guint i = 0; i < n; i++)
    {
      AjLabel *label = g_new0 (AjLabel, 1);
      label->payload = g_strdup_printf ("anjian:h/0190f3a2-0000-7000-8000-%012u", i);
      label->title = g_strdup_printf ("DLX001-20261202-%04u", i + 1);
      label->subtitle = g_strdup ("东林县福寿养老院");
      label->footer = g_strdup ("Deadline 2026-12-31");
      label->band = g_strdup (i % 2 ? "red" : "yellow");
      g_ptr_array_add (labels, label);
    }
  return labels;
}

static void
sheet_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_sheet_in_thread (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anjian-labels-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "sheet.pdf", NULL);
  g_autoptr(GPtrArray) labels = many_labels (50);
  g_autoptr(GAsyncResult) task = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A label sheet written in a thread is whole when it is done, its progress at 1");
  task = aj_labels_write_pdf_async (labels, AJ_LABELS_A4_3X8, pdf, NULL, sheet_done, &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aj_labels_write_pdf_finish (done, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (aj_labels_write_pdf_get_progress (task), ==, 1.0);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_unlink (pdf);
  g_rmdir (dir);
}

static void
test_sheet_cancelled (void)
{
  g_autofree char *dir = g_dir_make_tmp ("anjian-labels-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "sheet.pdf", NULL);
  /* 200 pages: far more than are drawn before the cancel. */
  g_autoptr(GPtrArray) labels = many_labels (24 * 200);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) task = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  double at;

  g_test_summary ("A label sheet cancelled midway leaves no file, neither the sheet nor its temporary file, "
                  "and says it was cancelled");
  task = aj_labels_write_pdf_async (labels, AJ_LABELS_A4_3X8, pdf, cancellable, sheet_done, &done);
  /* Midway: once some pages are drawn. */
  while (aj_labels_write_pdf_get_progress (task) == 0 && done == NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  at = aj_labels_write_pdf_get_progress (task);
  g_cancellable_cancel (cancellable);
  g_assert_cmpfloat (at, >, 0);
  g_assert_cmpfloat (at, <, 1);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (aj_labels_write_pdf_finish (done, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files (dir), ==, 0);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/labels/each-label-decodes", "elder-care.json", test_labels);
  g_test_add_func ("/labels/sheet-written-in-a-thread", test_sheet_in_thread);
  g_test_add_func ("/labels/cancelled-sheet-leaves-no-file", test_sheet_cancelled);
  return g_test_run ();
}
