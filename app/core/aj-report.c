/* aj-report.c: the documents, drawn with aj-report-layout. What a document
 * says is gathered first (Report: the inspection, the institution, its
 * department, the team with their certificates, the number), then drawn by
 * the function of its kind. The same function serves the kiosk, the
 * headless command and (from its own store) the server. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-checklist.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-doc-number.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-numbering.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-report-layout.h"
#include "aj-roster.h"
#include "aj-signature.h"
#include "aj-util.h"

#define MARGIN   AJ_DOC_MARGIN
#define BODY_W   AJ_DOC_BODY_W
#define PAGE_W   AJ_DOC_PAGE_W

static const char * const kind_names[] = { "inspection", "notice", "verification", "receipt", "referral" };

/* A person named on a document. */
typedef struct
{
  char *id;
  char *name;
  char *certificate;   /* 执法证号, or "" */
} Named;

static void
named_free (Named *n)
{
  g_free (n->id);
  g_free (n->name);
  g_free (n->certificate);
  g_free (n);
}

typedef struct
{
  AjStore               *store;
  AjReportKind           kind;
  const AjReportOptions *options;
  AjInspection          *inspection;
  AjInstitution         *institution;
  AjDepartment          *department;
  AjHazard              *referred;     /* the referral letter's hazard */
  AjChecklist           *checklist;
  GPtrArray             *team;         /* Named* */
  GPtrArray             *hazards;      /* AjHazard*: live ones, or the visit's verified ones */
  GHashTable            *verdicts;     /* hazard id → JsonObject body of its verification on the visit */
  AjDocumentNumber      *number;       /* of this document (the notice's, for a receipt) */
  AjDocumentNumber      *notice;       /* the notice a verification opinion cites */
  char                  *visit;        /* a verification's visit day */
  char                  *title;
  char                  *payload;      /* the document's own QR */
  gboolean               self;         /* a home's self-inspection record */
} Report;

static void
report_clear (Report *r)
{
  g_clear_object (&r->inspection);
  g_clear_object (&r->institution);
  g_clear_object (&r->department);
  g_clear_object (&r->referred);
  g_clear_pointer (&r->team, g_ptr_array_unref);
  g_clear_pointer (&r->hazards, g_ptr_array_unref);
  g_clear_pointer (&r->verdicts, g_hash_table_unref);
  g_clear_pointer (&r->number, aj_document_number_free);
  g_clear_pointer (&r->notice, aj_document_number_free);
  g_free (r->visit);
  g_free (r->title);
  g_free (r->payload);
}

gboolean
aj_report_kind_from_name (const char   *name,
                          AjReportKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (kind_names[i], name) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
aj_report_kind_name (AjReportKind kind)
{
  return kind_names[kind];
}

/* The document's own QR opens its record: <server>/d/<kind>/<id>, or
 * anjian:d/<kind>/<id> without a server; a numbered document adds its
 * number and the hash of what it was made from (see content_hash). */
char *
aj_report_payload (const char   *server_url,
                   AjReportKind  kind,
                   const char   *subject)
{
  g_autofree char *id = g_strdup_printf ("%s/%s", kind_names[kind], subject);

  if (server_url && *server_url)
    return g_strdup_printf ("%s/d/%s", server_url, id);
  return g_strdup_printf ("anjian:d/%s", id);
}

/* SHA-256 of the hashes of the events the document is made from (its
 * subject's and its hazards', numbering aside), in log order: a copy whose
 * QR hash differs was made from another history. */
static char *
content_hash (Report *r)
{
  const char *subject = r->referred ? aj_hazard_get_id (r->referred) : aj_inspection_get_id (r->inspection);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (r->store),
      "SELECT hash FROM events WHERE type <> 'document.numbered' AND refused_code IS NULL AND "
      "(subject = ?1 OR subject IN (SELECT id FROM hazards WHERE inspection_id = ?1)) "
      "ORDER BY hlc, device_id, id", NULL);
  AjSha256 *sha = aj_sha256_new ();
  char *hex;

  aj_db_bind_text (stmt, 1, subject);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    aj_sha256_update (sha, aj_db_col_text (stmt, 0), strlen (aj_db_col_text (stmt, 0)));
  hex = aj_sha256_finish_hex (sha);
  aj_sha256_free (sha);
  hex[16] = '\0';
  return hex;
}

static void
add_named (Report     *r,
           const char *id)
{
  g_autoptr(AjInspector) inspector = NULL;
  g_autoptr(AjUser) user = NULL;
  Named *n;

  if (id == NULL || *id == '\0')
    return;
  for (guint i = 0; i < r->team->len; i++)
    if (g_str_equal (((Named *) g_ptr_array_index (r->team, i))->id, id))
      return;
  inspector = aj_roster_get_inspector (r->store, id);
  user = aj_registry_get_user (r->store, id);
  n = g_new0 (Named, 1);
  n->id = g_strdup (id);
  n->name = g_strdup (inspector ? aj_inspector_get_name (inspector) : user ? aj_user_get_name (user) : id);
  n->certificate = g_strdup (inspector ? aj_inspector_get_certificate (inspector) : "");
  g_ptr_array_add (r->team, n);
}

/* Who is named: as recorded when the document was numbered; otherwise the
 * inspector, the team confirmed at the inspection, the verifiers of the
 * visit, the issuer and whoever else the options name. */
static void
gather_team (Report *r)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  r->team = g_ptr_array_new_with_free_func ((GDestroyNotify) named_free);
  if (r->number != NULL && r->kind != AJ_REPORT_RECEIPT && r->number->inspectors[0] != NULL)
    {
      for (guint i = 0; r->number->inspectors[i]; i++)
        add_named (r, r->number->inspectors[i]);
      return;
    }
  if (r->kind == AJ_REPORT_VERIFICATION)
    {
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, r->verdicts);
      while (g_hash_table_iter_next (&iter, &key, &value))
        add_named (r, aj_json_get_string (value, "author"));
    }
  add_named (r, aj_inspection_get_inspector (r->inspection));
  stmt = aj_db_prepare (aj_store_get_db (r->store),
                        "SELECT member FROM inspection_team WHERE inspection_id = ? ORDER BY confirmed_at, member", NULL);
  aj_db_bind_text (stmt, 1, aj_inspection_get_id (r->inspection));
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    add_named (r, aj_db_col_text (stmt, 0));
  if (r->options->author)
    {
      g_autoptr(AjUser) author = aj_registry_get_user (r->store, r->options->author);
      if (author && g_strcmp0 (aj_user_get_role (author), "inspector") == 0)
        add_named (r, r->options->author);
    }
  for (guint i = 0; r->options->inspectors && r->options->inspectors[i]; i++)
    add_named (r, r->options->inspectors[i]);
}

static guint
count_certified (Report *r)
{
  guint n = 0;

  for (guint i = 0; i < r->team->len; i++)
    n += *((Named *) g_ptr_array_index (r->team, i))->certificate != '\0';
  return n;
}

static const char *
kind_title (AjReportKind kind,
            gboolean     self)
{
  switch (kind)
    {
    case AJ_REPORT_NOTICE: return _("Rectification notice");
    case AJ_REPORT_VERIFICATION: return _("Verification opinion");
    case AJ_REPORT_RECEIPT: return _("Service receipt");
    case AJ_REPORT_REFERRAL: return _("Referral letter");
    case AJ_REPORT_INSPECTION:
    default: return self ? _("Self-inspection record") : _("Inspection record");
    }
}

/* The China day an ISO 8601 moment falls on. */
static char *
china_day (const char *iso)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) when = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = when ? g_date_time_to_timezone (when, zone) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d") : g_strdup (iso ? iso : "");
}

/* The verifications of the inspection's hazards on the visit day (the
 * latest day with one when none is asked for): the re-inspection's record. */
static gboolean
gather_visit (Report  *r,
              GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (r->store),
      "SELECT e.subject, e.author, e.body FROM events e JOIN hazards h ON h.id = e.subject "
      "WHERE e.type = 'hazard.verified' AND e.refused_code IS NULL AND h.inspection_id = ? "
      "ORDER BY e.hlc, e.device_id, e.id", error);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, aj_inspection_get_id (r->inspection));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *body = aj_json_parse_object (aj_db_col_text (stmt, 2), NULL);
      g_autofree char *day = NULL;
      if (body == NULL)
        continue;
      day = china_day (aj_json_get_string (body, "at"));
      json_object_set_string_member (body, "hazard", aj_db_col_text (stmt, 0));
      json_object_set_string_member (body, "author", aj_db_col_text (stmt, 1));
      json_object_set_string_member (body, "day", day);
      if (r->options->visit == NULL && (r->visit == NULL || strcmp (day, r->visit) > 0))
        {
          g_free (r->visit);
          r->visit = g_strdup (day);
        }
      g_ptr_array_add (rows, body);
    }
  if (r->visit == NULL)
    r->visit = g_strdup (r->options->visit);
  r->verdicts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  r->hazards = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *body = g_ptr_array_index (rows, i);
      const char *hazard = aj_json_get_string (body, "hazard");
      if (g_strcmp0 (aj_json_get_string (body, "day"), r->visit) != 0)
        continue;
      /* The last verification of a hazard on that day stands. */
      if (!g_hash_table_contains (r->verdicts, hazard))
        {
          AjHazard *h = aj_hazard_load (r->store, hazard);
          if (h != NULL)
            g_ptr_array_add (r->hazards, h);
        }
      g_hash_table_replace (r->verdicts, g_strdup (hazard), json_object_ref (body));
    }
  if (r->hazards->len == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("No hazard of this inspection was verified on that day: a verification opinion records a "
                     "re-inspection, made after its hazards are verified"));
      return FALSE;
    }
  return TRUE;
}

static void
gather_live_hazards (Report *r)
{
  g_autoptr(GListModel) list = aj_hazard_list (r->store, aj_inspection_get_id (r->inspection), NULL);

  r->hazards = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; list && i < g_list_model_get_n_items (list); i++)
    {
      AjHazard *h = g_list_model_get_item (list, i);
      if (g_strcmp0 (aj_hazard_get_status (h), "withdrawn") == 0)
        g_object_unref (h);
      else
        g_ptr_array_add (r->hazards, h);
    }
}

/* The latest referral of a hazard, as the loop's hazard.referred event says. */
static JsonObject *
referral_of (AjStore    *store,
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

/* Whether a referral letter can be made for @hazard_id. */
gboolean
aj_report_is_referred (AjStore    *store,
                       const char *hazard_id)
{
  g_autoptr(JsonObject) referral = referral_of (store, hazard_id);

  return referral != NULL;
}

static char **
team_ids (Report *r)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < r->team->len; i++)
    g_ptr_array_add (ids, g_strdup (((Named *) g_ptr_array_index (r->team, i))->id));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* Everything the document says, checked: a department's document names
 * at least two inspectors with certificates and gets its number here. */
static gboolean
gather (Report  *r,
        GError **error)
{
  const char *subject = aj_inspection_get_id (r->inspection);
  const char *number_kind = r->kind == AJ_REPORT_RECEIPT ? "notice" : kind_names[r->kind];
  const char *number_subject = r->referred ? aj_hazard_get_id (r->referred) : subject;

  r->self = g_strcmp0 (aj_inspection_get_mode (r->inspection), "self") == 0;
  r->institution = aj_registry_get_institution (r->store, aj_inspection_get_institution (r->inspection));
  r->department = r->institution ? aj_registry_get_department (r->store, aj_institution_get_department (r->institution))
                                 : NULL;
  for (guint i = 0; r->options->checklists && i < r->options->checklists->len; i++)
    if (g_strcmp0 (aj_checklist_get_id (g_ptr_array_index (r->options->checklists, i)),
                   aj_inspection_get_template_id (r->inspection)) == 0)
      r->checklist = g_ptr_array_index (r->options->checklists, i);
  r->title = g_strdup (kind_title (r->kind, r->self));

  if (r->self && r->kind != AJ_REPORT_INSPECTION && r->kind != AJ_REPORT_REFERRAL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("A self-inspection is the institution's own record: notices and opinions are the "
                     "department's, made from its own inspections"));
      return FALSE;
    }
  if (r->kind == AJ_REPORT_VERIFICATION)
    {
      if (!gather_visit (r, error))
        return FALSE;
      r->notice = aj_numbering_lookup (r->store, "notice", subject, NULL);
      if (r->notice == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                       _("The rectification notice of this inspection has not been issued: issue it first, "
                         "so that the verification opinion can cite its number"));
          return FALSE;
        }
    }
  else
    gather_live_hazards (r);

  if (r->self && r->kind == AJ_REPORT_INSPECTION)
    {
      /* Staff, not inspectors: no number, no seal, no certificates. */
      r->team = g_ptr_array_new_with_free_func ((GDestroyNotify) named_free);
      add_named (r, aj_inspection_get_inspector (r->inspection));
      r->payload = aj_report_payload (r->options->server_url, r->kind, subject);
      return TRUE;
    }

  r->number = aj_numbering_lookup (r->store, number_kind, number_subject, r->visit);
  gather_team (r);
  if (r->number == NULL)
    {
      g_auto(GStrv) ids = NULL;
      if (count_certified (r) < 2)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                       _("%s names at least two inspectors with enforcement certificates; this one has %u. "
                         "Confirm a second inspector of the team before issuing it"),
                       r->title, count_certified (r));
          return FALSE;
        }
      if (r->institution == NULL || r->department == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                       _("The institution belongs to no inspecting department in the registry, so the document "
                         "cannot be numbered; the office adds the department to the registry"));
          return FALSE;
        }
      if (r->options->author != NULL)
        {
          ids = team_ids (r);
          r->number = aj_numbering_issue (r->store, r->options->author, number_kind, number_subject, r->visit,
                                          aj_department_get_id (r->department), (const char * const *) ids, error);
          if (r->number == NULL)
            return FALSE;
        }
    }
  {
    g_autofree char *base = aj_report_payload (r->options->server_url, r->kind, number_subject);
    g_autofree char *hash = content_hash (r);
    g_autofree char *escaped = r->number ? g_uri_escape_string (r->number->number, NULL, FALSE) : NULL;

    r->payload = escaped ? g_strdup_printf ("%s?n=%s&h=%s", base, escaped, hash)
                         : g_strdup_printf ("%s?h=%s", base, hash);
  }
  return TRUE;
}

/* ---- drawing ---- */

static const AjChecklistItem *
find_item (Report     *r,
           AjHazard   *hazard)
{
  return r->checklist ? aj_checklist_find_item (r->checklist, aj_hazard_get_item_code (hazard), NULL) : NULL;
}

static const char *
number_text (Report *r)
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
          Report *r)
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
                    Report *r)
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
            Report *r)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < r->team->len; i++)
    {
      Named *n = g_ptr_array_index (r->team, i);
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
                 Report     *r,
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
        Report   *r,
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
             Report   *r,
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
               Report     *r)
{
  g_autofree char *date = display_date (r->number ? r->number->issued_on : NULL);

  if (r->department != NULL)
    aj_doc_seal (doc, aj_department_get_seal_text (r->department), r->number ? date : _("Date:"));
}


/* The institution a notice or opinion is addressed to, with its code. */
static void
addressee (AjDoc  *doc,
           Report *r)
{
  g_autofree char *to = g_strdup_printf (_("%s (unified social credit code %s):"),
                                         aj_inspection_get_institution_name (r->inspection),
                                         r->institution ? aj_institution_get_credit_code (r->institution) : "");

  aj_doc_paragraph (doc, to, 11, TRUE, 6);
}

/* The department's seal and date, then the institution's signature. */
static void
seal_and_receipt (AjDoc  *doc,
                  Report *r)
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
  Report *r = data;
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
        g_ptr_array_add (who, g_strdup_printf (_("Inspector %s"), ((Named *) g_ptr_array_index (r->team, i))->name));
      g_ptr_array_add (who, g_strdup (_("Person in charge of the inspected institution")));
      g_ptr_array_add (who, NULL);
      aj_doc_sign_lines (doc, (const char **) who->pdata);
      seal_and_date (doc, r);
    }
  return TRUE;
}

/* 责令限期整改通知书: to the institution, what was found, the basis, each
 * hazard with its deadline and interim measures, what follows if it is not
 * rectified, the remedies, the department's seal and the issue date. */
static gboolean
draw_notice (AjDoc    *doc,
             gpointer  data,
             GError  **error)
{
  Report *r = data;
  g_autofree char *found = china_day (aj_inspection_get_started_at (r->inspection));
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

  for (guint i = 0; i < r->hazards->len; i++)
    {
      const AjChecklistItem *item = find_item (r, g_ptr_array_index (r->hazards, i));
      const char *b = item ? aj_checklist_item_get_basis (item) : NULL;
      if (b && *b && strstr (basis->str, b) == NULL)
        g_string_append_printf (basis, "%s%s", basis->len ? "；" : "", b);
    }
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
  Report *r = data;
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
      Named *n = g_ptr_array_index (r->team, i);
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
  Report *r = data;
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
  Report *r = data;
  g_autoptr(JsonObject) referral = referral_of (r->store, aj_hazard_get_id (r->referred));
  g_autofree char *found = china_day (aj_hazard_get_found_at (r->referred));
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

gboolean
aj_report_write_pdf (AjStore                *store,
                     AjReportKind            kind,
                     const char             *subject,
                     const AjReportOptions  *options,
                     const char             *path,
                     GError                **error)
{
  Report r = { .store = store, .kind = kind, .options = options };
  g_autofree char *footer = NULL;
  gboolean ok;

  if (kind == AJ_REPORT_REFERRAL)
    {
      g_autoptr(JsonObject) referral = NULL;
      r.referred = aj_hazard_load (store, subject);
      if (r.referred == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("No hazard %s on this device"), subject);
          return FALSE;
        }
      referral = referral_of (store, subject);
      if (referral == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                       _("Hazard %s has not been referred to another department: record the referral first"),
                       aj_hazard_get_number (r.referred));
          report_clear (&r);
          return FALSE;
        }
      subject = aj_hazard_get_inspection_id (r.referred);
    }
  r.inspection = aj_inspection_load (store, subject);
  if (r.inspection == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("No inspection %s on this device"), subject);
      report_clear (&r);
      return FALSE;
    }
  if (!gather (&r, error))
    {
      report_clear (&r);
      return FALSE;
    }
  footer = g_strdup_printf ("%s · %s", r.title, aj_inspection_get_institution_name (r.inspection));
  ok = aj_doc_write_pdf (path, r.title, r.number ? r.number->number : NULL, footer, drawers[kind], &r, error);
  report_clear (&r);
  return ok;
}

/* What the document thread needs, copied from the caller. */
typedef struct
{
  char         *db_path;
  AjReportKind  kind;
  char         *subject;
  char         *blob_dir;
  char         *server_url;
  char         *author;
  char         *visit;
  char        **inspectors;
  GPtrArray    *checklists;
  char         *path;
} ReportJob;

static void
report_job_free (ReportJob *job)
{
  g_free (job->db_path);
  g_free (job->subject);
  g_free (job->blob_dir);
  g_free (job->server_url);
  g_free (job->author);
  g_free (job->visit);
  g_strfreev (job->inspectors);
  g_clear_pointer (&job->checklists, g_ptr_array_unref);
  g_free (job->path);
  g_free (job);
}

static void
report_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReportJob *job = task_data;
  AjReportOptions options = { .blob_dir = job->blob_dir, .server_url = job->server_url, .checklists = job->checklists,
                              .author = job->author, .visit = job->visit,
                              .inspectors = (const char * const *) job->inspectors };
  g_autoptr(GError) error = NULL;
  /* A connection of its own: the main thread goes on using the store's. */
  g_autoptr(AjStore) store = aj_store_open (job->db_path, &error);

  if (store == NULL || !aj_report_write_pdf (store, job->kind, job->subject, &options, job->path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* aj_report_write_pdf () in a thread, so that the window stays responsive
 * while photos are scaled and pages laid out. */
void
aj_report_write_pdf_async (AjStore               *store,
                           AjReportKind           kind,
                           const char            *subject,
                           const AjReportOptions *options,
                           const char            *path,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ReportJob *job = g_new0 (ReportJob, 1);

  g_task_set_source_tag (task, aj_report_write_pdf_async);
  job->db_path = g_strdup (aj_store_get_path (store));
  job->kind = kind;
  job->subject = g_strdup (subject);
  job->blob_dir = g_strdup (options->blob_dir);
  job->server_url = g_strdup (options->server_url);
  job->author = g_strdup (options->author);
  job->visit = g_strdup (options->visit);
  job->inspectors = g_strdupv ((char **) options->inspectors);
  job->checklists = options->checklists ? g_ptr_array_ref (options->checklists) : NULL;
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify) report_job_free);
  g_task_run_in_thread (task, report_thread);
}

gboolean
aj_report_write_pdf_finish (AjStore       *store,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aj_report_write_pdf_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
