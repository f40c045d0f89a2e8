/* aj-report.c: the documents, drawn with aj-report-layout. What a document
 * says is gathered first (AjReportData: the inspection, the institution, its
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
#include "aj-report-private.h"
#include "aj-report-layout.h"
#include "aj-roster.h"
#include "aj-signature.h"
#include "aj-util.h"

#define MARGIN   AJ_DOC_MARGIN
#define BODY_W   AJ_DOC_BODY_W
#define PAGE_W   AJ_DOC_PAGE_W

static const char * const kind_names[] = { "inspection", "notice", "verification", "receipt", "referral" };

static void
named_free (AjReportNamed *n)
{
  g_free (n->id);
  g_free (n->name);
  g_free (n->certificate);
  g_free (n);
}

static void
report_clear (AjReportData *r)
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
content_hash (AjReportData *r)
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
add_named (AjReportData     *r,
           const char *id)
{
  g_autoptr(AjInspector) inspector = NULL;
  g_autoptr(AjUser) user = NULL;
  AjReportNamed *n;

  if (id == NULL || *id == '\0')
    return;
  for (guint i = 0; i < r->team->len; i++)
    if (g_str_equal (((AjReportNamed *) g_ptr_array_index (r->team, i))->id, id))
      return;
  inspector = aj_roster_get_inspector (r->store, id);
  user = aj_registry_get_user (r->store, id);
  n = g_new0 (AjReportNamed, 1);
  n->id = g_strdup (id);
  n->name = g_strdup (inspector ? aj_inspector_get_name (inspector) : user ? aj_user_get_name (user) : id);
  n->certificate = g_strdup (inspector ? aj_inspector_get_certificate (inspector) : "");
  g_ptr_array_add (r->team, n);
}

/* Who is named: as recorded when the document was numbered; otherwise the
 * inspector, the team confirmed at the inspection, the verifiers of the
 * visit, the issuer and whoever else the options name. */
static void
gather_team (AjReportData *r)
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
count_certified (AjReportData *r)
{
  guint n = 0;

  for (guint i = 0; i < r->team->len; i++)
    n += *((AjReportNamed *) g_ptr_array_index (r->team, i))->certificate != '\0';
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

/* The verifications of the inspection's hazards on the visit day (the
 * latest day with one when none is asked for): the re-inspection's record. */
static gboolean
gather_visit (AjReportData  *r,
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
      day = aj_report_china_day (aj_json_get_string (body, "at"));
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
gather_live_hazards (AjReportData *r)
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

/* Whether a referral letter can be made for @hazard_id. */
gboolean
aj_report_is_referred (AjStore    *store,
                       const char *hazard_id)
{
  g_autoptr(JsonObject) referral = aj_report_referral_of (store, hazard_id);

  return referral != NULL;
}

/* The number (文号) of @hazard_id's referral letter: as the referral
 * recorded it (letter_number, when the letter was numbered beforehand or
 * on paper), or as the letter got it when issued (document.numbered);
 * NULL while the letter has none. */
char *
aj_report_referral_letter_number (AjStore    *store,
                                  const char *hazard_id)
{
  g_autoptr(JsonObject) referral = aj_report_referral_of (store, hazard_id);
  g_autoptr(AjDocumentNumber) letter = NULL;
  const char *recorded = referral ? aj_json_get_string (referral, "letter_number") : NULL;

  if (referral == NULL)
    return NULL;
  if (recorded != NULL && *recorded != '\0')
    return g_strdup (recorded);
  letter = aj_numbering_lookup (store, "referral", hazard_id, NULL);
  return letter ? g_strdup (letter->number) : NULL;
}

static char **
team_ids (AjReportData *r)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < r->team->len; i++)
    g_ptr_array_add (ids, g_strdup (((AjReportNamed *) g_ptr_array_index (r->team, i))->id));
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* Everything the document says, checked: a department's document names
 * at least two inspectors with certificates and gets its number here. */
static gboolean
gather (AjReportData  *r,
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
      /* The version the inspection was made with: its own questions. */
      r->checklist = aj_checklist_get_edition (g_ptr_array_index (r->options->checklists, i),
                                               aj_inspection_get_template_version (r->inspection));
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

gboolean
aj_report_write_pdf (AjStore                *store,
                     AjReportKind            kind,
                     const char             *subject,
                     const AjReportOptions  *options,
                     const char             *path,
                     GError                **error)
{
  AjReportData r = { .store = store, .kind = kind, .options = options };
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
      referral = aj_report_referral_of (store, subject);
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
  ok = aj_doc_write_pdf (path, r.title, r.number ? r.number->number : NULL, footer, aj_report_drawer (kind), &r, error);
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
