/* test-report.c: the documents as PDF, read back with pdftotext in Chinese:
 * each carries its number (文号) from the department's sequence, the
 * department, both inspectors with their enforcement certificates, "第1页
 * 共N页" and the institution's credit code; the verification opinion cites
 * the notice's number; a document printed twice keeps its number; fewer than
 * two certified inspectors, or a self-inspection, are refused with a clear
 * message; rendered to PNG (pdftoppm), every QR code decodes (zbarimg). */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-checklist.h"
#include "aj-doc-number.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-hazard-steps.h"
#include "aj-numbering.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-signature.h"
#include "aj-store.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define INSPECTOR "u-zhang-wei"
#define SECOND    "u-liu-yang"
#define HEAD      "u-sun-zhiqiang"

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

static gboolean
tools_missing (void)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");

  if (pdftotext == NULL || pdftoppm == NULL || g_getenv ("ZBARIMG") == NULL || *g_getenv ("ZBARIMG") == '\0')
    {
      g_test_skip ("poppler-utils or zbarimg are not installed");
      return TRUE;
    }
  return FALSE;
}

/* The text of a PDF, without the spaces -layout puts between columns. */
static char *
pdf_text (const char *pdf)
{
  const char *to_text[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *text = run (to_text);

  g_assert_nonnull (text);
  return text ? g_strdup (text) : NULL;
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
assert_has (const char *text,
            const char *what)
{
  if (strstr (text, what) == NULL)
    g_error ("“%s” is not in the document:\n%s", what, text);
}

static char *
add_photo (AjTestStore *f,
           const char  *hazard,
           const char  *item)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 400, 300);
  g_autoptr(GError) error = NULL;
  g_autofree char *ev = NULL;
  AjPhotoInfo info;

  gdk_pixbuf_fill (pixbuf, 0x884422ff);
  g_assert_true (aj_photo_import_pixbuf (f->blob_dir, pixbuf, &info, &error));
  if (hazard != NULL)
    {
      ev = aj_inspection_add_photo (f->store, INSPECTOR, f->inspection, item, hazard, &info, &error);
      g_assert_no_error (error);
    }
  return g_strdup (info.sha256);
}

/* An inspection of XHX001 with two major hazards; the first ordered. */
static void
inspect (AjTestStore *f,
         const char  *mode)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) inspector = aj_registry_get_user (f->store, INSPECTOR);
  const char *deadlines[] = { "2026-12-10", "2027-01-15" };

  f->inspection = aj_inspection_start (f->store, INSPECTOR, "XHX001", mode, f->checklist, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      const char *items[] = { "EC-FIRE-01", "EC-FOOD-01" };
      AjHazardDraft draft = { .inspection_id = f->inspection, .item_code = items[i], .category = i ? "food" : "fire",
                              .description = i ? "未取得食品经营许可证开展集中用餐" : "二楼安全出口被铁链锁闭",
                              .risk_level = i ? "orange" : "red", .grade = "major",
                              .deadline = deadlines[i], .responsible = "李桂兰", .location = "二楼东侧" };
      char *id;
      g_assert_true (aj_inspection_answer (f->store, INSPECTOR, f->inspection, items[i], "hazard", NULL, &error));
      id = aj_hazard_record (f->store, INSPECTOR, &draft, &error);
      g_assert_no_error (error);
      g_ptr_array_add (f->hazards, id);
    }
  g_free (add_photo (f, g_ptr_array_index (f->hazards, 0), "EC-FIRE-01"));
  g_assert_true (aj_inspection_finish (f->store, INSPECTOR, f->inspection, &error));
  if (g_str_equal (mode, "self"))
    return;
  {
    AjStepInput order = { .measures = "拆除铁链，恢复安全出口畅通", .responsible = "李桂兰", .deadline = "2026-12-10",
                          .funds = "机构自筹", .contingency_plan = "夜间专人值守，每两小时巡查一次" };
    g_autofree char *ev = aj_hazard_step (f->store, inspector, g_ptr_array_index (f->hazards, 0), AJ_STEP_ORDER,
                                          &order, &error);
    g_assert_no_error (error);
  }
}

static int
this_year (void)
{
  g_autofree char *today = aj_doc_number_china_today ();
  return aj_doc_number_year_of (today);
}

static void
test_documents (AjTestStore   *f,
                gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
  g_autoptr(AjUser) inspector = NULL;
  g_autoptr(AjUser) head = NULL;
  g_autoptr(AjInstitution) institution = NULL;
  g_autoptr(GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const char *second[] = { SECOND, NULL };
  AjReportOptions options = { .blob_dir = f->blob_dir, .server_url = NULL, .author = INSPECTOR,
                              .inspectors = second };
  int year = this_year ();
  g_autofree char *shots = g_strdup (g_getenv ("ANJIAN_REPORT_SHOTS"));

  g_test_summary ("Each of the five documents as PDF holds its number from the department's yearly sequence, "
                  "the department, both inspectors with their certificates, 第1页 共N页, the credit code and every "
                  "hazard; the verification opinion cites the notice's number; the QR codes decode");
  if (tools_missing ())
    return;
  g_ptr_array_add (checklists, f->checklist);
  options.checklists = checklists;
  inspector = aj_registry_get_user (f->store, INSPECTOR);
  head = aj_registry_get_user (f->store, HEAD);
  institution = aj_registry_get_institution (f->store, "XHX001");
  g_assert_true (aj_credit_code_is_valid (aj_institution_get_credit_code (institution)));
  g_assert_true (aj_numbering_add_block (f->store, "dep-xh", year, 1, 20, &error));

  inspect (f, "spot_check");
  {
    g_autofree char *evidence = add_photo (f, NULL, NULL);
    const char *evidences[] = { evidence, NULL };
    AjStepInput order = { .measures = "办理食品经营许可证前暂停集中用餐", .responsible = "李桂兰",
                          .deadline = "2027-01-15", .funds = "机构自筹", .contingency_plan = "暂停集中用餐，改由配餐" };
    AjStepInput rectified = { .note = "已拆除铁链，安全出口畅通", .photos = evidences };
    AjStepInput accepted = { .accepted = TRUE, .opinion = "现场复查，出口畅通，符合要求" };
    AjStepInput rejected = { .accepted = FALSE, .opinion = "许可证尚在办理中，未达到整改要求" };
    g_autofree char *e1 = aj_hazard_step (f->store, inspector, g_ptr_array_index (f->hazards, 1), AJ_STEP_ORDER, &order, &error);
    g_assert_no_error (error);
    g_autofree char *e2 = aj_hazard_step (f->store, head, g_ptr_array_index (f->hazards, 0), AJ_STEP_RECTIFY, &rectified, &error);
    g_assert_no_error (error);
    g_autofree char *e3 = aj_hazard_step (f->store, head, g_ptr_array_index (f->hazards, 1), AJ_STEP_RECTIFY, &rectified, &error);
    g_assert_no_error (error);
    g_autofree char *e4 = aj_hazard_step (f->store, inspector, g_ptr_array_index (f->hazards, 0), AJ_STEP_VERIFY, &accepted, &error);
    g_assert_no_error (error);
    g_autofree char *e5 = aj_hazard_step (f->store, inspector, g_ptr_array_index (f->hazards, 1), AJ_STEP_VERIFY, &rejected, &error);
    g_assert_no_error (error);
  }
  /* The loop's referral step (hazard.referred), recorded as the contract says. */
  {
    g_autoptr(JsonObject) body = json_object_new ();
    g_autofree char *at = aj_now_iso8601 ();
    g_autofree char *ev = NULL;
    json_object_set_string_member (body, "to", "西河县市场监督管理局");
    json_object_set_string_member (body, "kind", "market");
    json_object_set_string_member (body, "reason", "无证经营食品属市场监管部门职责");
    json_object_set_string_member (body, "at", at);
    ev = aj_store_append (f->store, "hazard.referred", g_ptr_array_index (f->hazards, 1), INSPECTOR, body, &error);
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
    a = aj_signature_record (f->store, INSPECTOR, f->inspection, "inspector", "张伟", sha, NULL, &error);
    g_assert_no_error (error);
    b = aj_signature_record (f->store, INSPECTOR, f->inspection, "institution", "李桂兰", NULL, "认为出口上锁是为防止老人走失", &error);
    g_assert_no_error (error);
  }

  /* Referred, the letter has no number until it is issued. */
  g_assert_null (aj_report_referral_letter_number (f->store, g_ptr_array_index (f->hazards, 1)));

  /* Issued in this order, they take 1 to 4 of 西民安检〔year〕; the receipt
   * serves the notice and carries its number. */
  for (AjReportKind kind = AJ_REPORT_INSPECTION; kind <= AJ_REPORT_REFERRAL; kind++)
    {
      static const int expected[] = { 1, 2, 3, 2, 4 };
      const char *subject = kind == AJ_REPORT_REFERRAL ? g_ptr_array_index (f->hazards, 1) : f->inspection;
      g_autofree char *name = g_strdup_printf ("%s.pdf", aj_report_kind_name (kind));
      g_autofree char *pdf = g_build_filename (shots ? shots : f->dir, name, NULL);
      g_autofree char *prefix = g_build_filename (shots ? shots : f->dir, aj_report_kind_name (kind), NULL);
      g_autofree char *number = aj_doc_number_format ("西民安检", year, expected[kind]);
      g_autofree char *text = NULL;
      g_autofree char *payload = aj_report_payload (NULL, kind, subject);
      g_autoptr(GString) decoded = g_string_new (NULL);
      g_autofree char *png_dpi = g_strdup (shots ? "60" : "150");
      const char *to_png[] = { "pdftoppm", "-r", png_dpi, "-png", pdf, prefix, NULL };
      g_autoptr(GDir) d = NULL;
      const char *file;

      if (kind == AJ_REPORT_VERIFICATION)
        {
          /* As the kiosk writes it: in a thread, on a connection of its own. */
          g_autoptr(GAsyncResult) result = NULL;

          aj_report_write_pdf_async (f->store, kind, subject, &options, pdf, NULL, keep_result, &result);
          while (result == NULL)
            g_main_context_iteration (NULL, TRUE);
          g_assert_true (aj_report_write_pdf_finish (f->store, result, &error));
        }
      else
        g_assert_true (aj_report_write_pdf (f->store, kind, subject, &options, pdf, &error));
      g_assert_no_error (error);

      text = pdf_text (pdf);
      assert_has (text, number);
      assert_has (text, "西河县民政局");
      assert_has (text, "张伟");
      assert_has (text, "鲁民执-DL-0012");
      assert_has (text, "刘洋");
      assert_has (text, "鲁民执-XH-0031");
      assert_has (text, "第1页 共");
      assert_has (text, aj_institution_get_credit_code (institution));
      assert_has (text, "西河县石桥镇敬老院");
      if (kind != AJ_REPORT_RECEIPT && kind != AJ_REPORT_REFERRAL)
        for (guint i = 0; i < f->hazards->len; i++)
          {
            g_autoptr(AjHazard) h = aj_hazard_load (f->store, g_ptr_array_index (f->hazards, i));
            assert_has (text, aj_hazard_get_number (h));
          }
      switch (kind)
        {
        case AJ_REPORT_NOTICE:
          assert_has (text, "拆除铁链");
          assert_has (text, "2026-12-10");
          assert_has (text, "行政复议");
          assert_has (text, "六十日");
          assert_has (text, "六个月");
          assert_has (text, "夜间专人值守");
          break;
        case AJ_REPORT_INSPECTION:
          assert_has (text, "防止老人走失");
          assert_has (text, "执法证号");
          break;
        case AJ_REPORT_VERIFICATION:
          {
            /* It cites the notice (number 2) and has its own visit day. */
            g_autofree char *notice = aj_doc_number_format ("西民安检", year, 2);
            assert_has (text, notice);
            assert_has (text, "未通过");
            assert_has (text, "符合要求");
          }
          break;
        case AJ_REPORT_RECEIPT:
          assert_has (text, "送达");
          assert_has (text, "责令限期整改通知书");
          break;
        case AJ_REPORT_REFERRAL:
          assert_has (text, "西河县市场监督管理局");
          assert_has (text, "无证经营食品");
          break;
        }
      g_hash_table_replace (numbers, (gpointer) aj_report_kind_name (kind), g_strdup (number));

      g_free (run (to_png));
      d = g_dir_open (shots ? shots : f->dir, 0, NULL);
      while ((file = g_dir_read_name (d)) != NULL)
        if (g_str_has_prefix (file, aj_report_kind_name (kind)) && g_str_has_suffix (file, ".png"))
          {
            g_autofree char *png = g_build_filename (shots ? shots : f->dir, file, NULL);
            const char *zbar[] = { g_getenv ("ZBARIMG"), "--raw", "-q", png, NULL };
            g_autofree char *out = run (zbar);
            if (out)
              g_string_append (decoded, out);
          }
      /* The document's own QR (with its number), and one per hazard. */
      if (!shots)
        {
          g_autofree char *escaped = g_uri_escape_string (number, NULL, FALSE);
          assert_has (decoded->str, payload);
          assert_has (decoded->str, escaped);
          if (kind == AJ_REPORT_INSPECTION || kind == AJ_REPORT_NOTICE)
            for (guint i = 0; i < f->hazards->len; i++)
              {
                g_autofree char *hp = aj_qr_hazard_payload (NULL, g_ptr_array_index (f->hazards, i));
                assert_has (decoded->str, hp);
              }
        }
    }

  /* The letter's number, given when it was issued (document.numbered),
   * is the referral's letter number: the hazard's history shows it. */
  {
    g_autofree char *letter = aj_report_referral_letter_number (f->store, g_ptr_array_index (f->hazards, 1));
    g_autoptr(GPtrArray) history = aj_store_list_events (f->store, g_ptr_array_index (f->hazards, 1), &error);
    gboolean numbered = FALSE;

    g_assert_cmpstr (letter, ==, g_hash_table_lookup (numbers, "referral"));
    for (guint i = 0; i < history->len; i++)
      {
        AjEvent *ev = g_ptr_array_index (history, i);
        numbered |= g_str_equal (ev->type, "document.numbered") && strstr (ev->body, letter) != NULL;
      }
    g_assert_true (numbered);
  }

  /* Printed again, the notice keeps its number; nothing new is recorded. */
  {
    g_autofree char *pdf = g_build_filename (f->dir, "again.pdf", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) events = aj_store_list_events (f->store, f->inspection, &error);
    guint numbered = 0;

    g_assert_true (aj_report_write_pdf (f->store, AJ_REPORT_NOTICE, f->inspection, &options, pdf, &error));
    text = pdf_text (pdf);
    assert_has (text, g_hash_table_lookup (numbers, "notice"));
    for (guint i = 0; i < events->len; i++)
      numbered += g_str_equal (((AjEvent *) g_ptr_array_index (events, i))->type, "document.numbered");
    g_assert_cmpuint (numbered, ==, 3);   /* record, notice, opinion */
  }
}

static void
test_refuses_one_inspector (AjTestStore   *f,
                            gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "notice.pdf", NULL);
  AjReportOptions options = { .blob_dir = f->blob_dir, .author = INSPECTOR };

  g_test_summary ("A notice with one certified inspector is refused with a message that says two are needed, "
                  "and no number is used up");
  inspect (f, "field");
  g_assert_false (aj_report_write_pdf (f->store, AJ_REPORT_NOTICE, f->inspection, &options, pdf, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "两名"));
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_null (aj_numbering_lookup (f->store, "notice", f->inspection, NULL));
  g_clear_error (&error);

  /* The verification opinion before its notice is issued: refused too. */
  g_assert_false (aj_report_write_pdf (f->store, AJ_REPORT_VERIFICATION, f->inspection, &options, pdf, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
}

static void
test_self_inspection (AjTestStore   *f,
                      gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  const char *shots = g_getenv ("ANJIAN_REPORT_SHOTS");
  g_autofree char *pdf = g_build_filename (shots ? shots : f->dir, "self.pdf", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) checklists = g_ptr_array_new ();
  AjReportOptions options = { .blob_dir = f->blob_dir, .author = INSPECTOR };

  g_test_summary ("A self-inspection record uses staff wording (自查记录, 检查人), no inspectors' words, no "
                  "number; a notice of a self-inspection is refused");
  if (tools_missing ())
    return;
  g_ptr_array_add (checklists, f->checklist);
  options.checklists = checklists;
  inspect (f, "self");
  g_assert_true (aj_report_write_pdf (f->store, AJ_REPORT_INSPECTION, f->inspection, &options, pdf, &error));
  g_assert_no_error (error);
  text = pdf_text (pdf);
  assert_has (text, "自查记录");
  assert_has (text, "检查人");
  assert_has (text, "第1页 共");
  g_assert_null (strstr (text, "执法"));
  g_assert_null (strstr (text, "民安检"));
  g_assert_false (aj_report_write_pdf (f->store, AJ_REPORT_NOTICE, f->inspection, &options, pdf, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED);
}

int
main (int   argc,
      char *argv[])
{
  /* The documents in Chinese, from the build's translations. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, ANJIAN_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  aj_test_add_with_store ("/report/five-documents-numbered-with-team-and-pages", "elder-care.json", test_documents);
  aj_test_add_with_store ("/report/refuses-fewer-than-two-inspectors", "elder-care.json", test_refuses_one_inspector);
  aj_test_add_with_store ("/report/self-inspection-in-staff-words", "elder-care.json", test_self_inspection);
  return g_test_run ();
}
