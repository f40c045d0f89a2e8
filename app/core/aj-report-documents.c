/* aj-report-documents.c: each document drawn from what aj-report.c
 * gathered: the masthead with department, title, number and QR; the
 * institution with its credit code; the team with their certificates; the
 * hazards; the seal's place and the issue date; the lines to sign. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-report-private.h"
#include "aj-signature.h"
#include "aj-util.h"

#define MARGIN   AJ_DOC_MARGIN
#define BODY_W   AJ_DOC_BODY_W
#define PAGE_W   AJ_DOC_PAGE_W

/* The China day an ISO 8601 moment falls on. */
char *
aj_report_china_day (const char *iso)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) when = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = when ? g_date_time_to_timezone (when, zone) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d") : g_strdup (iso ? iso : "");
}

/* The latest referral of a hazard, as the loop's hazard.referred event says. */
JsonObject *
aj_report_referral_of (AjStore    *store,
                       const char *hazard)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT body FROM events WHERE type = 'hazard.referred' AND subject = ? AND refused_code IS NULL "
      "ORDER BY hlc DESC, device_id DESC, id DESC LIMIT 1", NULL);

  aj_db_bind_text (stmt, 1, hazard);
  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    return aj_json_parse_object (aj_db_col_text (stmt, 0), NULL);
  return NULL;
}


static const AjChecklistItem *
find_item (AjReportData     *r,
           AjHazard   *hazard)
{
  return r->checklist ? aj_checklist_find_item (r->checklist, aj_hazard_get_item_code (hazard), NULL) : NULL;
}

static const char *
number_text (AjReportData *r)
{
  return r->number ? r->number->number : _("(not numbered)");
}

static char *
display_date (const char *iso_date)
{
  g_autoptr(GDate) d = g_date_new ();

  if (iso_date == NULL || strlen (iso_date) < 10)
    return g_strdup (iso_date ? iso_date : "");
  g_date_set_parse (d, iso_date);
  if (!g_date_valid (d))
    return g_strdup (iso_date);
  /* 2026年12月2日 */
  return g_strdup_printf (_("%d-%02d-%02d"), g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
}

/* Department, title, number and the document's QR at the top right. */
static void
masthead (AjDoc  *doc,
          AjReportData *r)
{
  aj_doc_qr_at (doc, r->payload, PAGE_W - MARGIN - 60, MARGIN - 24, 60);
  if (!r->self && r->department)
    aj_doc_centered (doc, aj_department_get_name (r->department), 15, TRUE, 4);
  else if (r->self)
    aj_doc_centered (doc, aj_inspection_get_institution_name (r->inspection), 15, TRUE, 4);
  aj_doc_centered (doc, r->title, 19, TRUE, 6);
  if (!r->self || r->kind != AJ_REPORT_INSPECTION)
    {
      g_autofree char *line = r->kind == AJ_REPORT_RECEIPT
                              ? g_strdup_printf (_("Served: %s"), number_text (r))
                              : g_strdup (number_text (r));
      aj_doc_centered (doc, line, 11, FALSE, 10);
    }
  doc->y = MAX (doc->y, MARGIN + 48);
}

static void
institution_fields (AjDoc  *doc,
                    AjReportData *r)
{
  aj_doc_field (doc, r->self ? _("Institution") : _("Inspected institution"),
                aj_inspection_get_institution_name (r->inspection));
  if (r->institution != NULL)
    {
      g_autofree char *where = g_strdup_printf ("%s %s %s", aj_institution_get_county (r->institution),
                                                aj_institution_get_township (r->institution),
                                                aj_institution_get_address (r->institution));
      aj_doc_field (doc, _("Unified social credit code"), aj_institution_get_credit_code (r->institution));
      aj_doc_field (doc, _("Address"), where);
      aj_doc_field (doc, _("Person in charge"), aj_institution_get_head (r->institution));
    }
}

/* Each inspector with his or her enforcement certificate number. */
static void
team_field (AjDoc  *doc,
            AjReportData *r)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < r->team->len; i++)
    {
      AjReportNamed *n = g_ptr_array_index (r->team, i);
      if (i > 0)
        g_string_append (text, r->self ? "、" : "\n");
      if (r->self || *n->certificate == '\0')
        g_string_append (text, n->name);
      else
        g_string_append_printf (text, _("%s (enforcement certificate %s)"), n->name, n->certificate);
    }
  aj_doc_field (doc, r->self ? _("Checked by") : _("Enforcement officers"), text->str);
}

static void
draw_signatures (AjDoc      *doc,
                 AjReportData     *r,
                 const char *subject)
{
  g_autoptr(GPtrArray) signatures = aj_signature_list (r->store, subject);

  for (guint i = 0; i < signatures->len; i++)
    {
      AjSignature *s = g_ptr_array_index (signatures, i);
      g_autofree char *when = aj_iso8601_to_display (s->at, TRUE);
      g_autofree char *label = g_strdup_printf ("%s：%s", aj_signature_role_label (s->role), s->signer);
      g_autofree char *text = s->refused ? g_strdup_printf (_("Refused to sign: %s (%s)"), s->reason, when)
                                         : g_strdup_printf (_("Signed %s"), when);
      const double img_w = 150, img_h = 60, text_w = BODY_W - img_w - 12;
      double top;

      aj_doc_need (doc, img_h + 6);
      top = doc->y;
      doc->y += aj_doc_text_at (doc, MARGIN, text_w, label, 10, TRUE, TRUE) + 2;
      doc->y += aj_doc_text_at (doc, MARGIN, text_w, text, 9, FALSE, TRUE);
      if (!s->refused && s->sha256 != NULL)
        {
          g_autofree char *path = aj_photo_blob_path (r->options->blob_dir, s->sha256);
          /* Only a JPEG or PNG of sane size reaches the decoder. */
          g_autoptr(GdkPixbuf) image = aj_photo_check_file (path, NULL) ? gdk_pixbuf_new_from_file (path, NULL) : NULL;
          if (image != NULL)
            aj_doc_image_at (doc, image, PAGE_W - MARGIN - img_w, top, img_w, img_h, TRUE);
          doc->y = MAX (doc->y, top + img_h);
        }
      doc->y += 8;
    }
}

static void
photos (AjDoc    *doc,
        AjReportData   *r,
        AjHazard *hazard)
{
  g_autoptr(GPtrArray) list = aj_inspection_get_photos (r->store, aj_hazard_get_inspection_id (hazard),
                                                        aj_hazard_get_item_code (hazard));
  const double w = (BODY_W - 3 * 8) / 4, h = w * 0.75;

  if (list->len > 0)
    doc->y += 4;
  for (guint i = 0; i < list->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (list, i);
      g_autofree char *thumb = aj_photo_thumb_path (r->options->blob_dir, ref->sha256);
      g_autoptr(GdkPixbuf) pixbuf = aj_photo_check_file (thumb, NULL) ? gdk_pixbuf_new_from_file (thumb, NULL) : NULL;
      if (i % 4 == 0)
        aj_doc_need (doc, h + 6);
      if (pixbuf != NULL)
        aj_doc_image_at (doc, pixbuf, MARGIN + (i % 4) * (w + 8), doc->y, w, h, TRUE);
      if (i % 4 == 3 || i + 1 == list->len)
        doc->y += h + 6;
    }
}

/* A hazard's head: its QR at the right, number, level and description. */
static void
hazard_head (AjDoc    *doc,
             AjReportData   *r,
             AjHazard *hazard,
             guint     index)
{
  const double qr = 64;
  g_autofree char *payload = aj_qr_hazard_payload (r->options->server_url, aj_hazard_get_id (hazard));
  g_autofree char *head = g_strdup_printf ("%u. %s  ·  %s  ·  %s", index + 1, aj_hazard_get_number (hazard),
                                           aj_risk_level_label (aj_hazard_get_risk_level (hazard)),
                                           aj_grade_label (aj_hazard_get_grade (hazard)));
  double top;

  aj_doc_need (doc, qr + 20);
  top = doc->y;
  aj_doc_qr_at (doc, payload, PAGE_W - MARGIN - qr, top, qr);
  doc->y += aj_doc_text_at (doc, MARGIN, BODY_W - qr - 10, head, 10.5, TRUE, TRUE) + 4;
  doc->y += aj_doc_text_at (doc, MARGIN, BODY_W - qr - 10, aj_hazard_get_description (hazard), 10, FALSE, TRUE) + 4;
  doc->y = MAX (doc->y, top + qr + 4);
  aj_doc_field (doc, _("Location"), aj_hazard_get_location (hazard));
}

static void
seal_and_date (AjDoc      *doc,
               AjReportData     *r)
{
  g_autofree char *date = display_date (r->number ? r->number->issued_on : NULL);

  if (r->department != NULL)
    aj_doc_seal (doc, aj_department_get_seal_text (r->department), r->number ? date : _("Date:"));
}


/* The institution a notice or opinion is addressed to, with its code. */
static void
addressee (AjDoc  *doc,
           AjReportData *r)
{
  g_autofree char *to = g_strdup_printf (_("%s (unified social credit code %s):"),
                                         aj_inspection_get_institution_name (r->inspection),
                                         r->institution ? aj_institution_get_credit_code (r->institution) : "");

  aj_doc_paragraph (doc, to, 11, TRUE, 6);
}

/* The department's seal and date, then the institution's signature. */
static void
seal_and_receipt (AjDoc  *doc,
                  AjReportData *r)
{
  const char *who[] = { _("Received by (institution)"), NULL };

  seal_and_date (doc, r);
  aj_doc_sign_lines (doc, who);
}

/* 检查记录 / 自查记录: items and results, hazards, signatures. */
static gboolean
draw_inspection (AjDoc    *doc,
                 gpointer  data,
                 GError  **error)
{
  AjReportData *r = data;
  g_autoptr(GHashTable) results = aj_inspection_get_results (r->store, aj_inspection_get_id (r->inspection));
  g_autofree char *started = aj_iso8601_to_display (aj_inspection_get_started_at (r->inspection), TRUE);
  g_autofree char *finished = aj_iso8601_to_display (aj_inspection_get_finished_at (r->inspection), TRUE);
  g_autofree char *when = g_strdup_printf ("%s — %s", started, finished && *finished ? finished : "");

  masthead (doc, r);
  institution_fields (doc, r);
  aj_doc_field (doc, _("Time of the inspection"), when);
  aj_doc_field (doc, _("Mode"), aj_inspection_mode_label (aj_inspection_get_mode (r->inspection)));
  team_field (doc, r);
  if (r->checklist != NULL)
    aj_doc_field (doc, _("Checklist"), aj_checklist_get_title (r->checklist));

  if (r->checklist != NULL)
    {
      aj_doc_heading (doc, _("Items and results"));
      for (guint i = 0; i < aj_checklist_get_n_items (r->checklist); i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (r->checklist, i);
          AjItemResult *res = g_hash_table_lookup (results, item->code);
          g_autofree char *line = g_strdup_printf ("%s  %s", item->code, aj_checklist_item_get_question (item));
          const char *result = aj_item_result_label (res ? res->result : NULL);
          double h = aj_doc_text_at (doc, MARGIN, BODY_W - 90, line, 9, FALSE, FALSE);

          aj_doc_need (doc, h);
          aj_doc_text_at (doc, MARGIN, BODY_W - 90, line, 9, FALSE, TRUE);
          aj_doc_text_at (doc, PAGE_W - MARGIN - 80, 80, result, 9, res && g_str_equal (res->result, "hazard"), TRUE);
          doc->y += h + 2;
          if (res && res->note && *res->note)
            {
              g_autofree char *note = g_strdup_printf ("    %s", res->note);
              aj_doc_paragraph (doc, note, 8.5, FALSE, 2);
            }
        }
    }

  aj_doc_heading (doc, _("Hazards found"));
  for (guint i = 0; i < r->hazards->len; i++)
    {
      AjHazard *h = g_ptr_array_index (r->hazards, i);
      hazard_head (doc, r, h, i);
      aj_doc_field (doc, _("Suggested rectification"), aj_hazard_get_suggestion (h));
      aj_doc_field (doc, _("Deadline"), aj_hazard_get_deadline (h));
      aj_doc_field (doc, _("Responsible person"), aj_hazard_get_responsible (h));
      photos (doc, r, h);
      doc->y += 6;
    }
  if (r->hazards->len == 0)
    aj_doc_paragraph (doc, _("No hazard was found."), 10, FALSE, 6);

  {
    g_autoptr(GPtrArray) signed_list = aj_signature_list (r->store, aj_inspection_get_id (r->inspection));
    if (signed_list->len > 0)
      {
        aj_doc_heading (doc, _("Signatures"));
        draw_signatures (doc, r, aj_inspection_get_id (r->inspection));
      }
  }
  if (r->self)
    {
      const char *who[] = { _("Checked by"), _("Person in charge of the institution"), NULL };
      aj_doc_sign_lines (doc, who);
    }
  else
    {
      g_autoptr(GPtrArray) who = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < r->team->len; i++)
        g_ptr_array_add (who, g_strdup_printf (_("Inspector %s"), ((AjReportNamed *) g_ptr_array_index (r->team, i))->name));
      g_ptr_array_add (who, g_strdup (_("Person in charge of the inspected institution")));
      g_ptr_array_add (who, NULL);
      aj_doc_sign_lines (doc, (const char **) who->pdata);
      seal_and_date (doc, r);
    }
  return TRUE;
}

/* The notice's basis for all its hazards: the documents their items cite,
 * each once with the clauses cited of it (aj_citations_format_merged);
 * then the basis texts of items without citations (earlier checklists),
 * each once. */
static void
append_combined_basis (GString      *basis,
                       AjReportData *r)
{
  g_autoptr(GPtrArray) citations = g_ptr_array_new ();
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;

  for (guint i = 0; i < r->hazards->len; i++)
    {
      const AjChecklistItem *item = find_item (r, g_ptr_array_index (r->hazards, i));
      for (guint k = 0; item && k < item->n_citations; k++)
        g_ptr_array_add (citations, &item->citations[k]);
    }
  zh = aj_citations_format_merged ((const AjCitation * const *) citations->pdata, citations->len, TRUE);
  en = aj_citations_format_merged ((const AjCitation * const *) citations->pdata, citations->len, FALSE);
  g_string_append (basis, aj_pick_text (zh, en));
  for (guint i = 0; i < r->hazards->len; i++)
    {
      const AjChecklistItem *item = find_item (r, g_ptr_array_index (r->hazards, i));
      const char *b = item && item->n_citations == 0 ? aj_checklist_item_get_basis (item) : NULL;
      if (b && *b && strstr (basis->str, b) == NULL)
        g_string_append_printf (basis, "%s%s", basis->len ? "；" : "", b);
    }
}

/* 责令限期整改通知书: to the institution, what was found, the basis, each
 * hazard with its deadline and interim measures, what follows if it is not
 * rectified, the remedies, the department's seal and the issue date. */
static gboolean
draw_notice (AjDoc    *doc,
             gpointer  data,
             GError  **error)
{
  AjReportData *r = data;
  g_autofree char *found = aj_report_china_day (aj_inspection_get_started_at (r->inspection));
  g_autofree char *found_text = display_date (found);
  g_autofree char *intro = g_strdup_printf (
      _("On %s this department inspected your institution and found the hazards listed below. You are ordered to "
        "rectify each of them by its deadline, with the measures, funds and responsible person named, to take the "
        "interim measures while the rectification lasts, and to report in writing when it is done, so that it can "
        "be verified."), found_text);
  g_autoptr(GString) basis = g_string_new (NULL);

  masthead (doc, r);
  addressee (doc, r);
  aj_doc_paragraph (doc, intro, 10.5, FALSE, 8);
  team_field (doc, r);

  append_combined_basis (basis, r);
  aj_doc_field (doc, _("Basis"), basis->len ? basis->str : _("The basis named with each hazard"));

  aj_doc_heading (doc, _("Hazards to rectify"));
  for (guint i = 0; i < r->hazards->len; i++)
    {
      AjHazard *h = g_ptr_array_index (r->hazards, i);
      const AjChecklistItem *item = find_item (r, h);
      const char *measures = aj_hazard_get_measures (h);
      const char *plan = aj_hazard_get_contingency_plan (h);

      hazard_head (doc, r, h, i);
      aj_doc_field (doc, _("Measures"), measures && *measures ? measures : aj_hazard_get_suggestion (h));
      aj_doc_field (doc, _("Deadline"), aj_hazard_get_deadline (h));
      aj_doc_field (doc, _("Responsible person"), aj_hazard_get_responsible (h));
      if (aj_hazard_is_major (h))
        aj_doc_field (doc, _("Funds"), aj_hazard_get_funds (h));
      aj_doc_field (doc, _("Interim measures"),
                    plan && *plan ? plan : _("Until it is rectified, keep people away from the danger, put up "
                                             "warnings and keep watch, so that no accident happens"));
      if (item != NULL)
        aj_doc_field (doc, _("Basis"), aj_checklist_item_get_basis (item));
      doc->y += 6;
    }
  if (r->hazards->len == 0)
    aj_doc_paragraph (doc, _("No hazard was found."), 10, FALSE, 6);

  aj_doc_heading (doc, _("If it is not rectified"));
  aj_doc_paragraph (doc, _("A hazard not rectified by its deadline, or not rectified as required, is dealt with "
                           "by this department according to the law; it may be put under supervision (挂牌督办), "
                           "referred to the department responsible, and entered in the institution's credit "
                           "record."), 10, FALSE, 6);
  aj_doc_heading (doc, _("Remedies"));
  aj_doc_paragraph (doc, _("If your institution does not accept this notice, it may apply for administrative "
                           "reconsideration within sixty days of receiving it (Administrative Reconsideration Law "
                           "of the People's Republic of China), or bring an administrative lawsuit before a "
                           "people's court within six months of receiving it (Administrative Procedure Law of the "
                           "People's Republic of China). The rectification is not suspended meanwhile."),
                    10, FALSE, 10);
  seal_and_receipt (doc, r);
  return TRUE;
}

/* 送达回证: which document was served on whom, where, how and when; the
 * recipient signs (or a witness notes the refusal). */
static gboolean
draw_receipt (AjDoc    *doc,
              gpointer  data,
              GError  **error)
{
  AjReportData *r = data;
  g_autofree char *served = g_strdup_printf ("%s %s", _("Rectification notice"), number_text (r));
  g_autoptr(GString) servers = g_string_new (NULL);
  const char *rows[][2] = {
    { _("Document served"), served },
    { _("Recipient"), aj_inspection_get_institution_name (r->inspection) },
    { _("Unified social credit code"), r->institution ? aj_institution_get_credit_code (r->institution) : "" },
    { _("Place of service"), r->institution ? aj_institution_get_address (r->institution) : "" },
    { _("Method of service"), _("□ in person   □ left at the premises (留置)   □ by post   □ other: ________") },
  };

  masthead (doc, r);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    aj_doc_field (doc, rows[i][0], rows[i][1]);
  for (guint i = 0; i < r->team->len; i++)
    {
      AjReportNamed *n = g_ptr_array_index (r->team, i);
      g_string_append_printf (servers, "%s%s", i ? "\n" : "", n->name);
      if (*n->certificate)
        g_string_append_printf (servers, _(" (enforcement certificate %s)"), n->certificate);
    }
  aj_doc_field (doc, _("Served by"), servers->str);
  doc->y += 10;
  {
    const char *who[] = { _("Recipient's signature or seal"), _("Served by"), NULL };
    aj_doc_sign_lines (doc, who);
  }
  {
    const char *who[] = { _("Witness (if service was refused)"), _("Reason for refusal"), NULL };
    aj_doc_sign_lines (doc, who);
  }
  aj_doc_paragraph (doc, _("Note: the recipient writes the date of receipt beside the signature. Where the "
                           "recipient refuses to sign, the server notes the reason and the date, and a witness signs."),
                    9, FALSE, 8);
  seal_and_date (doc, r);
  return TRUE;
}

/* 复查意见书: cites the notice's number, the visit's own date and team,
 * each hazard's result and a conclusion. */
static gboolean
draw_verification (AjDoc    *doc,
                   gpointer  data,
                   GError  **error)
{
  AjReportData *r = data;
  g_autofree char *visit = display_date (r->visit);
  g_autofree char *notice_day = display_date (r->notice->issued_on);
  g_autofree char *intro = g_strdup_printf (
      _("This department re-inspected on %s the rectification of the hazards listed in the rectification notice "
        "%s issued on %s. The results are as follows."), visit, r->notice->number, notice_day);
  guint accepted = 0;
  g_autoptr(GString) rejected = g_string_new (NULL);

  masthead (doc, r);
  addressee (doc, r);
  aj_doc_paragraph (doc, intro, 10.5, FALSE, 8);
  aj_doc_field (doc, _("Notice verified"), r->notice->number);
  aj_doc_field (doc, _("Date of the re-inspection"), visit);
  team_field (doc, r);

  aj_doc_heading (doc, _("Result per hazard"));
  for (guint i = 0; i < r->hazards->len; i++)
    {
      AjHazard *h = g_ptr_array_index (r->hazards, i);
      JsonObject *verdict = g_hash_table_lookup (r->verdicts, aj_hazard_get_id (h));
      gboolean ok = aj_json_get_bool (verdict, "accepted", FALSE);
      const char *opinion = aj_json_get_string (verdict, "opinion");

      hazard_head (doc, r, h, i);
      aj_doc_field (doc, _("Deadline"), aj_hazard_get_deadline (h));
      aj_doc_field (doc, _("What was done"), aj_hazard_get_rectified_note (h));
      aj_doc_field (doc, _("Result"), ok ? _("Rectified as required (accepted)") : _("Not rectified as required (rejected)"));
      aj_doc_field (doc, _("Opinion"), opinion);
      draw_signatures (doc, r, aj_hazard_get_id (h));
      doc->y += 6;
      if (ok)
        accepted++;
      else
        g_string_append_printf (rejected, "%s%s", rejected->len ? "、" : "", aj_hazard_get_number (h));
    }

  aj_doc_heading (doc, _("Conclusion"));
  if (rejected->len == 0)
    aj_doc_paragraph (doc, _("All the hazards re-inspected have been rectified as required and are struck off the "
                             "ledger."), 10.5, FALSE, 8);
  else
    {
      g_autofree char *text = g_strdup_printf (
          _("%u of the hazards re-inspected were rectified as required. Not rectified as required: %s. Your "
            "institution continues their rectification at once; this department will order a new deadline and "
            "re-inspect."), accepted, rejected->str);
      aj_doc_paragraph (doc, text, 10.5, FALSE, 8);
    }
  seal_and_receipt (doc, r);
  return TRUE;
}

static const char *
referral_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "fire") == 0) return _("fire safety");
  if (g_strcmp0 (kind, "market") == 0) return _("market regulation");
  if (g_strcmp0 (kind, "housing") == 0) return _("housing and construction");
  if (g_strcmp0 (kind, "health") == 0) return _("health");
  if (g_strcmp0 (kind, "emergency") == 0) return _("emergency management");
  return _("other");
}

/* 移送函: to the receiving department, what was found where, why it is
 * theirs, what is enclosed, and who to contact. */
static gboolean
draw_referral (AjDoc    *doc,
               gpointer  data,
               GError  **error)
{
  AjReportData *r = data;
  g_autoptr(JsonObject) referral = aj_report_referral_of (r->store, aj_hazard_get_id (r->referred));
  g_autofree char *found = aj_report_china_day (aj_hazard_get_found_at (r->referred));
  g_autofree char *found_text = display_date (found);
  g_autofree char *to = g_strdup_printf ("%s：", referral ? aj_json_get_string (referral, "to") : "");
  g_autofree char *body = g_strdup_printf (
      _("On %s, in an inspection of %s (unified social credit code %s, %s), this department found the problem "
        "below, which falls within your department's responsibility for %s. We refer it to you to deal with "
        "according to the law, and ask you to tell us in writing how it was dealt with."),
      found_text, aj_hazard_get_institution_name (r->referred),
      r->institution ? aj_institution_get_credit_code (r->institution) : "",
      r->institution ? aj_institution_get_address (r->institution) : "",
      referral_kind_label (referral ? aj_json_get_string (referral, "kind") : NULL));
  g_autoptr(AjDocumentNumber) record = aj_numbering_lookup (r->store, "inspection",
                                                            aj_hazard_get_inspection_id (r->referred), NULL);
  g_autofree char *enclosed = g_strdup_printf (_("1. Inspection record %s\n2. Photos of the hazard"),
                                               record ? record->number : _("(not numbered)"));

  masthead (doc, r);
  aj_doc_paragraph (doc, to, 11, TRUE, 6);
  aj_doc_paragraph (doc, body, 10.5, FALSE, 8);
  hazard_head (doc, r, r->referred, 0);
  aj_doc_field (doc, _("Reason for referral"), referral ? aj_json_get_string (referral, "reason") : "");
  photos (doc, r, r->referred);
  aj_doc_field (doc, _("Enclosed"), enclosed);
  team_field (doc, r);
  doc->y += 6;
  seal_and_date (doc, r);
  return TRUE;
}

static const AjDocDraw drawers[] = {
  [AJ_REPORT_INSPECTION] = draw_inspection,
  [AJ_REPORT_NOTICE] = draw_notice,
  [AJ_REPORT_VERIFICATION] = draw_verification,
  [AJ_REPORT_RECEIPT] = draw_receipt,
  [AJ_REPORT_REFERRAL] = draw_referral,
};

AjDocDraw
aj_report_drawer (AjReportKind kind)
{
  return drawers[kind];
}
