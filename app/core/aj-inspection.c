/* aj-inspection.c: starting, answering and finishing an inspection, each a
 * single event written in the same transaction as its projection. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-inspection.h"
#include "aj-util.h"

struct _AjInspection
{
  GObject  parent_instance;
  char    *id, *institution, *institution_name, *mode, *template_id, *inspector;
  char    *started_at, *finished_at, *status;
  int      template_version;
  int      n_answered;
  int      n_hazards;
};

G_DEFINE_FINAL_TYPE (AjInspection, aj_inspection, G_TYPE_OBJECT)

/* Read-only: a snapshot of its row, for rows and pages to bind to. */
static const AjFieldProperty aj_inspection_fields[] = {
  { "id", G_STRUCT_OFFSET (AjInspection, id) },
  { "institution", G_STRUCT_OFFSET (AjInspection, institution) },
  { "institution-name", G_STRUCT_OFFSET (AjInspection, institution_name) },
  { "mode", G_STRUCT_OFFSET (AjInspection, mode) },
  { "template-id", G_STRUCT_OFFSET (AjInspection, template_id) },
  { "inspector", G_STRUCT_OFFSET (AjInspection, inspector) },
  { "started-at", G_STRUCT_OFFSET (AjInspection, started_at) },
  { "finished-at", G_STRUCT_OFFSET (AjInspection, finished_at) },
  { "status", G_STRUCT_OFFSET (AjInspection, status) },
};

static void
aj_inspection_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  if (aj_get_field_property (object, aj_inspection_fields, G_N_ELEMENTS (aj_inspection_fields), prop_id, value))
    return;
  if (prop_id == G_N_ELEMENTS (aj_inspection_fields) + 1)
    g_value_set_int (value, ((AjInspection *) object)->n_answered);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_inspection_finalize (GObject *object)
{
  AjInspection *self = (AjInspection *) object;

  g_free (self->id);
  g_free (self->institution);
  g_free (self->institution_name);
  g_free (self->mode);
  g_free (self->template_id);
  g_free (self->inspector);
  g_free (self->started_at);
  g_free (self->finished_at);
  g_free (self->status);
  G_OBJECT_CLASS (aj_inspection_parent_class)->finalize (object);
}

static void
aj_inspection_class_init (AjInspectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_inspection_finalize;
  object_class->get_property = aj_inspection_get_property;
  aj_install_field_properties (object_class, aj_inspection_fields, G_N_ELEMENTS (aj_inspection_fields));
  g_object_class_install_property (object_class, G_N_ELEMENTS (aj_inspection_fields) + 1,
      g_param_spec_int ("n-answered", NULL, NULL, 0, G_MAXINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
aj_inspection_init (AjInspection *self)
{
}

const char *aj_inspection_get_id (AjInspection *self) { return self->id; }
const char *aj_inspection_get_institution (AjInspection *self) { return self->institution; }
const char *aj_inspection_get_institution_name (AjInspection *self) { return self->institution_name; }
const char *aj_inspection_get_mode (AjInspection *self) { return self->mode; }
const char *aj_inspection_get_template_id (AjInspection *self) { return self->template_id; }
int         aj_inspection_get_template_version (AjInspection *self) { return self->template_version; }
const char *aj_inspection_get_inspector (AjInspection *self) { return self->inspector; }
const char *aj_inspection_get_started_at (AjInspection *self) { return self->started_at; }
const char *aj_inspection_get_finished_at (AjInspection *self) { return self->finished_at; }
gboolean    aj_inspection_is_finished (AjInspection *self) { return g_strcmp0 (self->status, "finished") == 0; }
int         aj_inspection_get_n_answered (AjInspection *self) { return self->n_answered; }
int         aj_inspection_get_n_hazards (AjInspection *self) { return self->n_hazards; }

void
aj_item_result_free (AjItemResult *result)
{
  g_free (result->item_code);
  g_free (result->result);
  g_free (result->note);
  g_free (result->author);
  g_free (result->answered_at);
  g_free (result);
}

void
aj_photo_ref_free (AjPhotoRef *ref)
{
  g_free (ref->event_id);
  g_free (ref->sha256);
  g_free (ref->item_code);
  g_free (ref->hazard_id);
  g_free (ref->withdrawn_reason);
  g_free (ref);
}

gboolean
aj_inspection_mode_is_valid (const char *mode)
{
  return g_strcmp0 (mode, "field") == 0 || g_strcmp0 (mode, "spot_check") == 0 ||
         g_strcmp0 (mode, "self") == 0;
}

const char *
aj_inspection_mode_label (const char *mode)
{
  if (g_strcmp0 (mode, "field") == 0)
    return _("Field inspection");
  if (g_strcmp0 (mode, "spot_check") == 0)
    return _("Random spot check");
  if (g_strcmp0 (mode, "self") == 0)
    return _("Self-inspection");
  return mode ? mode : "";
}

gboolean
aj_item_result_is_valid (const char *result)
{
  return g_strcmp0 (result, "pass") == 0 || g_strcmp0 (result, "hazard") == 0 ||
         g_strcmp0 (result, "na") == 0;
}

const char *
aj_item_result_label (const char *result)
{
  if (g_strcmp0 (result, "pass") == 0)
    return _("Pass");
  if (g_strcmp0 (result, "hazard") == 0)
    return _("Hazard");
  if (g_strcmp0 (result, "na") == 0)
    return _("Not applicable");
  return _("Not answered");
}

static gboolean
check_open (AjStore     *store,
            const char  *inspection_id,
            GError     **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (store),
                                                "SELECT status FROM inspections WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, inspection_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The inspection no longer exists."));
      return FALSE;
    }
  if (g_str_equal (aj_db_col_text (stmt, 0), "finished"))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("This inspection is already finished."));
      return FALSE;
    }
  return TRUE;
}

char *
aj_inspection_start (AjStore      *store,
                     const char   *author,
                     const char   *institution,
                     const char   *mode,
                     AjChecklist  *checklist,
                     GError      **error)
{
  return aj_inspection_start_assigned (store, author, institution, mode, checklist, NULL, error);
}

/* The same, carrying out @assignment (NULL for none): the server checks the
 * inspection against the assignment it made. */
char *
aj_inspection_start_assigned (AjStore      *store,
                              const char   *author,
                              const char   *institution,
                              const char   *mode,
                              AjChecklist  *checklist,
                              const char   *assignment,
                              GError      **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;

  if (!aj_inspection_mode_is_valid (mode))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Choose how this inspection is done."));
      return NULL;
    }
  if (aj_db_query_int (aj_store_get_db (store), "SELECT count(*) FROM institutions WHERE code = ?",
                       institution, 0) == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The institution %s is not in the registry."), institution);
      return NULL;
    }

  json_object_set_string_member (body, "institution", institution);
  json_object_set_string_member (body, "mode", mode);
  json_object_set_string_member (body, "template", aj_checklist_get_id (checklist));
  json_object_set_int_member (body, "template_version", aj_checklist_get_version (checklist));
  if (assignment != NULL)
    json_object_set_string_member (body, "assignment", assignment);
  json_object_set_string_member (body, "at", at);

  event = aj_store_append (store, "inspection.started", id, author, body, error);
  if (event == NULL)
    return NULL;
  return g_steal_pointer (&id);
}

gboolean
aj_inspection_answer (AjStore     *store,
                      const char  *author,
                      const char  *inspection_id,
                      const char  *item_code,
                      const char  *result,
                      const char  *note,
                      GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;
  g_autoptr(AjDbCached) stmt = NULL;

  if (!aj_item_result_is_valid (result))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("An item is answered pass, hazard or not applicable."));
      return FALSE;
    }
  if (!check_open (store, inspection_id, error))
    return FALSE;

  /* Saying the same thing twice adds nothing to the history. */
  stmt = aj_db_cached (aj_store_get_db (store),
                        "SELECT result, note FROM item_results WHERE inspection_id = ? AND item_code = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, inspection_id);
  aj_db_bind_text (stmt, 2, item_code);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      g_strcmp0 (aj_db_col_text (stmt, 0), result) == 0 &&
      g_strcmp0 (aj_db_col_text (stmt, 1), note ? note : "") == 0)
    return TRUE;
  g_clear_pointer (&stmt, aj_db_release);

  json_object_set_string_member (body, "item", item_code);
  json_object_set_string_member (body, "result", result);
  if (note != NULL && *note != '\0')
    json_object_set_string_member (body, "note", note);
  json_object_set_string_member (body, "at", at);

  event = aj_store_append (store, "item.answered", inspection_id, author, body, error);
  return event != NULL;
}

gboolean
aj_inspection_finish (AjStore     *store,
                      const char  *author,
                      const char  *inspection_id,
                      GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;
  sqlite3 *db = aj_store_get_db (store);

  if (!check_open (store, inspection_id, error))
    return FALSE;

  json_object_set_string_member (body, "at", at);
  json_object_set_int_member (body, "answered",
                              aj_db_query_int (db, "SELECT count(*) FROM item_results WHERE inspection_id = ?",
                                               inspection_id, 0));
  json_object_set_int_member (body, "hazards",
                              aj_db_query_int (db, "SELECT count(*) FROM hazards WHERE inspection_id = ?",
                                               inspection_id, 0));
  event = aj_store_append (store, "inspection.finished", inspection_id, author, body, error);
  return event != NULL;
}

char *
aj_inspection_add_photo (AjStore            *store,
                         const char         *author,
                         const char         *inspection_id,
                         const char         *item_code,
                         const char         *hazard_id,
                         const AjPhotoInfo  *photo,
                         GError            **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();

  if (!check_open (store, inspection_id, error))
    return NULL;

  json_object_set_string_member (body, "sha256", photo->sha256);
  json_object_set_string_member (body, "inspection", inspection_id);
  if (item_code)
    json_object_set_string_member (body, "item", item_code);
  if (hazard_id)
    json_object_set_string_member (body, "hazard", hazard_id);
  json_object_set_int_member (body, "width", photo->width);
  json_object_set_int_member (body, "height", photo->height);
  json_object_set_int_member (body, "bytes", photo->bytes);
  if (photo->source[0])
    json_object_set_string_member (body, "source", photo->source);
  if (photo->stamped)
    json_object_set_boolean_member (body, "stamped", TRUE);
  if (photo->located)
    {
      JsonObject *where = json_object_new ();
      json_object_set_double_member (where, "latitude", photo->latitude);
      json_object_set_double_member (where, "longitude", photo->longitude);
      json_object_set_double_member (where, "accuracy", photo->accuracy);
      json_object_set_object_member (body, "location", where);
    }
  json_object_set_string_member (body, "at", at);

  return aj_store_append (store, "photo.added", inspection_id, author, body, error);
}

/* The inspection a live (not removed) photo belongs to, and whether it has
 * already been withdrawn.  Returns NULL with @error set if there is none. */
char *
aj_inspection_photo_owner (AjStore     *store,
                           const char  *photo_event_id,
                           gboolean    *withdrawn,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT inspection_id, withdrawn_reason FROM photos WHERE event_id = ? AND removed = 0", error);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, photo_event_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The photo no longer exists."));
      return NULL;
    }
  *withdrawn = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
  return aj_db_col_dup (stmt, 0);
}

/* Allowed only while the inspection is open; afterwards photos stay. */
gboolean
aj_inspection_remove_photo (AjStore     *store,
                            const char  *author,
                            const char  *photo_event_id,
                            GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *event = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  gboolean withdrawn;
  g_autofree char *inspection = aj_inspection_photo_owner (store, photo_event_id, &withdrawn, error);

  if (inspection == NULL || !check_open (store, inspection, error))
    return FALSE;

  json_object_set_string_member (body, "photo", photo_event_id);
  json_object_set_string_member (body, "at", at);
  event = aj_store_append (store, "photo.removed", inspection, author, body, error);
  return event != NULL;
}

/* After the inspection is finished a photo stays in the record; it can be
 * marked as withdrawn (wrong picture, personal data in it), with why. */
gboolean
aj_inspection_withdraw_photo (AjStore     *store,
                              const char  *author,
                              const char  *photo_event_id,
                              const char  *reason,
                              GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *event = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  gboolean withdrawn;
  g_autofree char *inspection = aj_inspection_photo_owner (store, photo_event_id, &withdrawn, error);

  if (inspection == NULL)
    return FALSE;
  if (withdrawn)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("This photo is already withdrawn."));
      return FALSE;
    }
  if (reason == NULL || *reason == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Give the reason for withdrawing the photo."));
      return FALSE;
    }
  json_object_set_string_member (body, "photo", photo_event_id);
  json_object_set_string_member (body, "reason", reason);
  json_object_set_string_member (body, "at", at);
  event = aj_store_append (store, "photo.withdrawn", inspection, author, body, error);
  return event != NULL;
}

#define INSPECTION_SELECT \
  "SELECT s.id, s.institution, coalesce(i.name, s.institution), s.mode, s.template_id, s.template_version, " \
  "s.inspector, s.started_at, s.finished_at, s.status, " \
  "(SELECT count(*) FROM item_results r WHERE r.inspection_id = s.id), " \
  "(SELECT count(*) FROM hazards h WHERE h.inspection_id = s.id) " \
  "FROM inspections s LEFT JOIN institutions i ON i.code = s.institution "

static AjInspection *
inspection_from_row (sqlite3_stmt *stmt)
{
  AjInspection *self = g_object_new (AJ_TYPE_INSPECTION, NULL);

  self->id = aj_db_col_dup (stmt, 0);
  self->institution = aj_db_col_dup (stmt, 1);
  self->institution_name = aj_db_col_dup (stmt, 2);
  self->mode = aj_db_col_dup (stmt, 3);
  self->template_id = aj_db_col_dup (stmt, 4);
  self->template_version = sqlite3_column_int (stmt, 5);
  self->inspector = aj_db_col_dup (stmt, 6);
  self->started_at = aj_db_col_dup (stmt, 7);
  self->finished_at = aj_db_col_dup (stmt, 8);
  self->status = aj_db_col_dup (stmt, 9);
  self->n_answered = sqlite3_column_int (stmt, 10);
  self->n_hazards = sqlite3_column_int (stmt, 11);
  return self;
}

AjInspection *
aj_inspection_load (AjStore    *store,
                    const char *id)
{
  /* Cached: every event a device pushes about an inspection loads it. */
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (store), INSPECTION_SELECT "WHERE s.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return inspection_from_row (stmt);
  return NULL;
}

AjInspection *
aj_inspection_find_unfinished (AjStore    *store,
                               const char *inspector)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      INSPECTION_SELECT "WHERE s.status <> 'finished' AND s.inspector = ? ORDER BY s.started_at DESC LIMIT 1", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, inspector);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return inspection_from_row (stmt);
  return NULL;
}

static GListModel *
list_inspections (AjStore     *store,
                  const char  *sql,
                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), sql, error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_INSPECTION);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjInspection) inspection = inspection_from_row (stmt);
      g_list_store_append (list, inspection);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

GListModel *
aj_inspection_list (AjStore  *store,
                    GError  **error)
{
  return list_inspections (store, INSPECTION_SELECT "ORDER BY s.started_at DESC", error);
}

/* The @limit most recently started, read through the inspections_started
 * index: the home page shows five however many there are. */
GListModel *
aj_inspection_list_recent (AjStore  *store,
                           guint     limit,
                           GError  **error)
{
  g_autofree char *sql = g_strdup_printf (INSPECTION_SELECT "ORDER BY s.started_at DESC LIMIT %u", limit);

  return list_inspections (store, sql, error);
}

/* item code -> AjItemResult */
GHashTable *
aj_inspection_get_results (AjStore    *store,
                           const char *inspection_id)
{
  GHashTable *results = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) aj_item_result_free);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT item_code, result, note, author, answered_at FROM item_results WHERE inspection_id = ?", NULL);

  if (stmt == NULL)
    return results;
  aj_db_bind_text (stmt, 1, inspection_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjItemResult *r = g_new0 (AjItemResult, 1);
      r->item_code = aj_db_col_dup (stmt, 0);
      r->result = aj_db_col_dup (stmt, 1);
      r->note = aj_db_col_dup (stmt, 2);
      r->author = aj_db_col_dup (stmt, 3);
      r->answered_at = aj_db_col_dup (stmt, 4);
      g_hash_table_insert (results, r->item_code, r);
    }
  return results;
}

/* Photos of one item (or of the whole inspection when @item_code is NULL). */
GPtrArray *
aj_inspection_get_photos (AjStore    *store,
                          const char *inspection_id,
                          const char *item_code)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_photo_ref_free);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT event_id, sha256, item_code, hazard_id, width, height, withdrawn_reason FROM photos "
      "WHERE inspection_id = ?1 AND (?2 IS NULL OR item_code = ?2) AND removed = 0 ORDER BY added_at, event_id", NULL);

  if (stmt == NULL)
    return photos;
  aj_db_bind_text (stmt, 1, inspection_id);
  aj_db_bind_text (stmt, 2, item_code);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjPhotoRef *ref = g_new0 (AjPhotoRef, 1);
      ref->event_id = aj_db_col_dup (stmt, 0);
      ref->sha256 = aj_db_col_dup (stmt, 1);
      ref->item_code = aj_db_col_dup (stmt, 2);
      ref->hazard_id = aj_db_col_dup (stmt, 3);
      ref->width = sqlite3_column_int (stmt, 4);
      ref->height = sqlite3_column_int (stmt, 5);
      ref->withdrawn_reason = aj_db_col_dup (stmt, 6);
      g_ptr_array_add (photos, ref);
    }
  return photos;
}
