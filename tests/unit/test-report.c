/* test-report.c: the three documents as PDF: their text (pdftotext) holds the
 * institution, every hazard number and the deadlines; rendered to PNG
 * (pdftoppm), every QR code on them decodes (zbarimg) to its payload. */
#include "config.h"

#include <string.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-hazard-steps.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-signature.h"
#include "aj-store.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, &error))
    return NULL;
  return out;
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_documents (AjTestStore   *f,
                gconstpointer  test_data)
{
  AjStore *store = f->store;
  AjChecklist *checklist = f->checklist;
  const char *dir = f->dir;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
  g_autoptr(AjUser) inspector = NULL;
  g_autoptr(GPtrArray) hazards = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *inspection = NULL;
  AjReportOptions options = { .blob_dir = f->blob_dir, .server_url = NULL };
  const char *deadlines[] = { "2026-12-10", "2027-01-15" };

  g_test_summary ("The inspection record, rectification notice and verification opinion as PDF hold the "
                  "institution, every hazard number and deadline, and every QR code on them decodes to its "
                  "payload; the verification opinion is written in a thread");

  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");

  if (pdftotext == NULL || pdftoppm == NULL ||
      g_getenv ("ZBARIMG") == NULL || *g_getenv ("ZBARIMG") == '\0')
    {
      g_test_skip ("poppler-utils or zbarimg are not installed");
      return;
    }
  g_ptr_array_add (checklists, checklist);
  options.checklists = checklists;
  inspector = aj_registry_get_user (store, INSPECTOR);

  inspection = aj_inspection_start (store, INSPECTOR, "XHX002", "spot_check", checklist, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const char *items[] = { "EC-FIRE-01", "EC-FOOD-01" };
      AjHazardDraft draft = { .inspection_id = inspection, .item_code = items[i], .category = i ? "food" : "fire",
                              .description = i ? "未取得食品经营许可证开展集中用餐" : "二楼安全出口被铁链锁闭",
                              .risk_level = i ? "orange" : "red", .grade = "major",
                              .deadline = deadlines[i], .responsible = "李桂兰" };
      char *id;
      g_assert_true (aj_inspection_answer (store, INSPECTOR, inspection, items[i], "hazard", NULL, &error));
      id = aj_hazard_record (store, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
      g_ptr_array_add (hazards, id);
    }
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 300);
    AjPhotoInfo info;
    g_autofree char *ev = NULL;
    gdk_pixbuf_fill (pixbuf, 0x884422ff);
    g_assert_true (aj_photo_import_pixbuf (f->blob_dir, pixbuf, &info, &error));
    ev = aj_inspection_add_photo (store, INSPECTOR, inspection, "EC-FIRE-01", g_ptr_array_index (hazards, 0), &info, &error);
    g_assert_no_error (error);
  }
  g_assert_true (aj_inspection_finish (store, INSPECTOR, inspection, &error));
  {
    AjStepInput order = { .measures = "拆除铁链，恢复安全出口畅通", .responsible = "李桂兰", .deadline = "2026-12-10",
                          .funds = "机构自筹", .contingency_plan = "夜间专人值守" };
    g_autofree char *ev = aj_hazard_step (store, inspector, g_ptr_array_index (hazards, 0), AJ_STEP_ORDER, &order, &error);
    g_assert_no_error (error);
  }

  /* The inspector signs; the institution's head refuses, with a reason. */
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 300, 120);
    g_autofree char *png = NULL;
    gsize length;
    char sha[65];
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    gdk_pixbuf_fill (pixbuf, 0xffffffff);
    g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", &error, NULL));
    g_assert_true (aj_signature_store_png (f->blob_dir, (const guint8 *) png, length, sha, &error));
    a = aj_signature_record (store, INSPECTOR, inspection, "inspector", "张伟", sha, NULL, &error);
    g_assert_no_error (error);
    b = aj_signature_record (store, INSPECTOR, inspection, "institution", "李桂兰", NULL, "认为出口上锁是为防止老人走失", &error);
    g_assert_no_error (error);
    g_assert_null (aj_signature_record (store, INSPECTOR, inspection, "institution", "李桂兰", NULL, "", &error));
    g_clear_error (&error);
    g_assert_null (aj_signature_record (store, INSPECTOR, inspection, "inspector", "张伟", NULL, NULL, &error));
    g_clear_error (&error);
  }

  for (AjReportKind kind = AJ_REPORT_INSPECTION; kind <= AJ_REPORT_VERIFICATION; kind++)
    {
      g_autofree char *name = g_strdup_printf ("%s.pdf", aj_report_kind_name (kind));
      g_autofree char *pdf = g_build_filename (dir, name, NULL);
      g_autofree char *prefix = g_build_filename (dir, aj_report_kind_name (kind), NULL);
      g_autofree char *text = NULL;
      g_autofree char *payload = aj_report_payload (NULL, kind, inspection);
      g_autoptr(GString) decoded = g_string_new (NULL);
      const char *to_text[] = { "pdftotext", "-layout", pdf, "-", NULL };
      const char *to_png[] = { "pdftoppm", "-r", "150", "-png", pdf, prefix, NULL };
      g_autoptr(GDir) d = NULL;
      const char *file;

      if (kind == AJ_REPORT_VERIFICATION)
        {
          /* As the kiosk writes it: in a thread, on a connection of its own. */
          g_autoptr(GAsyncResult) result = NULL;

          aj_report_write_pdf_async (store, kind, inspection, &options, pdf, NULL, keep_result, &result);
          while (result == NULL)
            g_main_context_iteration (NULL, TRUE);
          g_assert_true (aj_report_write_pdf_finish (store, result, &error));
        }
      else
        g_assert_true (aj_report_write_pdf (store, kind, inspection, &options, pdf, &error));
      g_assert_no_error (error);

      text = run (to_text);
      g_assert_nonnull (text);
      g_assert_nonnull (strstr (text, "西河县柳湾乡敬老院"));
      for (guint i = 0; i < hazards->len; i++)
        {
          g_autoptr(AjHazard) h = aj_hazard_load (store, g_ptr_array_index (hazards, i));
          g_assert_nonnull (strstr (text, aj_hazard_get_number (h)));
          g_assert_nonnull (strstr (text, deadlines[i]));
        }
      if (kind == AJ_REPORT_NOTICE)
        g_assert_nonnull (strstr (text, "拆除铁链"));
      if (kind == AJ_REPORT_INSPECTION)
        {
          g_assert_nonnull (strstr (text, "李桂兰"));
          g_assert_nonnull (strstr (text, "防止老人走失"));
        }

      g_free (run (to_png));
      d = g_dir_open (dir, 0, NULL);
      while ((file = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (file, aj_report_kind_name (kind)) && g_str_has_suffix (file, ".png"))
          {
            g_autofree char *png = g_build_filename (dir, file, NULL);
            const char *zbar[] = { g_getenv ("ZBARIMG"), "--raw", "-q", png, NULL };
            g_autofree char *out = run (zbar);
            if (out)
              g_string_append (decoded, out);
          }
      /* The document's own QR, and one per hazard. */
      g_assert_nonnull (strstr (decoded->str, payload));
      for (guint i = 0; i < hazards->len; i++)
        {
          g_autofree char *hp = aj_qr_hazard_payload (NULL, g_ptr_array_index (hazards, i));
          g_assert_nonnull (strstr (decoded->str, hp));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/report/documents-text-and-qr", "elder-care.json", test_documents);
  return g_test_run ();
}
