/* aj-hazard.c: recording hazards as events and reading them back for the
 * ledger, the hazard page and the summary. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-private.h"
#include "aj-inspection.h"
#include "aj-util.h"

struct _AjHazard
{
  GObject  parent_instance;
  char    *id, *number, *inspection_id, *institution, *institution_name, *item_code, *category;
  char    *description, *location, *risk_level, *grade, *suggestion, *deadline, *responsible;
  char    *status, *found_at, *found_by, *closed_at;
  char    *measures, *funds, *contingency_plan, *rectified_note, *verification, *verified_at;
  char    *escalation_level, *escalation_reason, *referred_to, *referral_kind, *extension_deadline;
  char    *criterion, *determination_body, *determination_document;
  char    *county, *institution_type, *source, *rectified_at, *verified_by;
  int      rejections;
  gboolean extension_pending, pending_determination;
};

G_DEFINE_FINAL_TYPE (AjHazard, aj_hazard, G_TYPE_OBJECT)

/* The text fields in the order of AJ_HAZARD_SELECT's columns and of the
 * properties below: one list, so that a new column cannot be missed in one place. */
#define HAZARD_FIELDS(h) \
  &(h)->id, &(h)->number, &(h)->inspection_id, &(h)->institution, &(h)->institution_name, \
  &(h)->item_code, &(h)->category, &(h)->description, &(h)->location, &(h)->risk_level, \
  &(h)->grade, &(h)->suggestion, &(h)->deadline, &(h)->responsible, &(h)->status, \
  &(h)->found_at, &(h)->found_by, &(h)->closed_at, &(h)->measures, &(h)->funds, \
  &(h)->contingency_plan, &(h)->rectified_note, &(h)->verification, &(h)->verified_at, \
  &(h)->escalation_level, &(h)->escalation_reason, &(h)->referred_to, &(h)->referral_kind, \
  &(h)->extension_deadline, &(h)->criterion, &(h)->determination_body, &(h)->determination_document, \
  &(h)->county, &(h)->institution_type, &(h)->source, &(h)->rectified_at, &(h)->verified_by

static const char * const field_names[] = {
  "id", "number", "inspection-id", "institution", "institution-name",
  "item-code", "category", "description", "location", "risk-level",
  "grade", "suggestion", "deadline", "responsible", "status",
  "found-at", "found-by", "closed-at", "measures", "funds",
  "contingency-plan", "rectified-note", "verification", "verified-at",
  "escalation-level", "escalation-reason", "referred-to", "referral-kind",
  "extension-deadline", "criterion", "determination-body", "determination-document",
  "county", "institution-type", "source", "rectified-at", "verified-by",
};

enum { PROP_0, PROP_REJECTIONS = G_N_ELEMENTS (field_names) + 1, PROP_MAJOR, PROP_EXTENSION_PENDING,
       PROP_PENDING_DETERMINATION, N_PROPS };

static void
aj_hazard_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AjHazard *self = AJ_HAZARD (object);
  char **fields[] = { HAZARD_FIELDS (self) };

  if (prop_id >= 1 && prop_id <= G_N_ELEMENTS (fields))
    g_value_set_string (value, *fields[prop_id - 1]);
  else if (prop_id == PROP_REJECTIONS)
    g_value_set_int (value, self->rejections);
  else if (prop_id == PROP_MAJOR)
    g_value_set_boolean (value, aj_hazard_is_major (self));
  else if (prop_id == PROP_EXTENSION_PENDING)
    g_value_set_boolean (value, self->extension_pending);
  else if (prop_id == PROP_PENDING_DETERMINATION)
    g_value_set_boolean (value, self->pending_determination);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_hazard_finalize (GObject *object)
{
  AjHazard *self = (AjHazard *) object;
  char **fields[] = { HAZARD_FIELDS (self) };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  G_OBJECT_CLASS (aj_hazard_parent_class)->finalize (object);
}

/* A hazard is a snapshot of its projection row: every property is read-only,
 * and rows bind to them. */
static void
aj_hazard_class_init (AjHazardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_hazard_finalize;
  object_class->get_property = aj_hazard_get_property;
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    g_object_class_install_property (object_class, i + 1,
        g_param_spec_string (field_names[i], NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_REJECTIONS,
      g_param_spec_int ("rejections", NULL, NULL, 0, G_MAXINT, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_MAJOR,
      g_param_spec_boolean ("major", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_EXTENSION_PENDING,
      g_param_spec_boolean ("extension-pending", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_PENDING_DETERMINATION,
      g_param_spec_boolean ("pending-determination", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
aj_hazard_init (AjHazard *self)
{
}

const char *aj_hazard_get_id (AjHazard *self) { return self->id; }
const char *aj_hazard_get_number (AjHazard *self) { return self->number; }
const char *aj_hazard_get_inspection_id (AjHazard *self) { return self->inspection_id; }
const char *aj_hazard_get_institution (AjHazard *self) { return self->institution; }
const char *aj_hazard_get_institution_name (AjHazard *self) { return self->institution_name; }
const char *aj_hazard_get_item_code (AjHazard *self) { return self->item_code; }
const char *aj_hazard_get_category (AjHazard *self) { return self->category; }
const char *aj_hazard_get_description (AjHazard *self) { return self->description; }
const char *aj_hazard_get_location (AjHazard *self) { return self->location; }
const char *aj_hazard_get_risk_level (AjHazard *self) { return self->risk_level; }
const char *aj_hazard_get_grade (AjHazard *self) { return self->grade; }
const char *aj_hazard_get_suggestion (AjHazard *self) { return self->suggestion; }
const char *aj_hazard_get_deadline (AjHazard *self) { return self->deadline; }
const char *aj_hazard_get_responsible (AjHazard *self) { return self->responsible; }
const char *aj_hazard_get_status (AjHazard *self) { return self->status; }
const char *aj_hazard_get_found_at (AjHazard *self) { return self->found_at; }
const char *aj_hazard_get_found_by (AjHazard *self) { return self->found_by; }
const char *aj_hazard_get_closed_at (AjHazard *self) { return self->closed_at; }
const char *aj_hazard_get_measures (AjHazard *self) { return self->measures; }
const char *aj_hazard_get_funds (AjHazard *self) { return self->funds; }
const char *aj_hazard_get_contingency_plan (AjHazard *self) { return self->contingency_plan; }
const char *aj_hazard_get_rectified_note (AjHazard *self) { return self->rectified_note; }
const char *aj_hazard_get_verification (AjHazard *self) { return self->verification; }
const char *aj_hazard_get_verified_at (AjHazard *self) { return self->verified_at; }
/* The institution's county and type, as the registry has them now. */
const char *aj_hazard_get_county (AjHazard *self) { return self->county; }
const char *aj_hazard_get_institution_type (AjHazard *self) { return self->institution_type; }
/* How it was found: the inspection's mode (field, spot_check, self). */
const char *aj_hazard_get_source (AjHazard *self) { return self->source; }
const char *aj_hazard_get_rectified_at (AjHazard *self) { return self->rectified_at; }
/* The name of who verified it last (their id if the registry lacks them). */
const char *aj_hazard_get_verified_by (AjHazard *self) { return self->verified_by; }
int aj_hazard_get_rejections (AjHazard *self) { return self->rejections; }
/* 挂牌督办: NULL, county, city or province; its reason major, overdue or manual. */
const char *aj_hazard_get_escalation_level (AjHazard *self) { return self->escalation_level; }
const char *aj_hazard_get_escalation_reason (AjHazard *self) { return self->escalation_reason; }
/* 移送: the department it was referred to (NULL when not), and its kind. */
const char *aj_hazard_get_referred_to (AjHazard *self) { return self->referred_to; }
const char *aj_hazard_get_referral_kind (AjHazard *self) { return self->referral_kind; }
/* An extension asked for and not yet decided, and the date asked for. */
gboolean aj_hazard_get_extension_pending (AjHazard *self) { return self->extension_pending; }
const char *aj_hazard_get_extension_deadline (AjHazard *self) { return self->extension_deadline; }
const char *aj_hazard_get_criterion (AjHazard *self) { return self->criterion; }
const char *aj_hazard_get_determination_body (AjHazard *self) { return self->determination_body; }
const char *aj_hazard_get_determination_document (AjHazard *self) { return self->determination_document; }
gboolean aj_hazard_is_pending_determination (AjHazard *self) { return self->pending_determination; }

gboolean
aj_hazard_is_major (AjHazard *self)
{
  return g_strcmp0 (self->grade, "major") == 0;
}

/* Past its deadline and not struck off. @today is YYYY-MM-DD. */
gboolean
aj_hazard_is_overdue (AjHazard   *self,
                      const char *today)
{
  return aj_hazard_days_overdue (self, today) > 0;
}

int
aj_hazard_days_overdue (AjHazard   *self,
                        const char *today)
{
  return aj_lifecycle_days_overdue (self->status, self->deadline, today);
}

static gboolean
validate_draft (const AjHazardDraft  *draft,
                GError              **error)
{
  g_autofree char *description = g_strstrip (g_strdup (draft->description ? draft->description : ""));

  if (*description == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Describe the hazard before saving it."));
      return FALSE;
    }
  if (!aj_risk_level_is_valid (draft->risk_level))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Choose a risk level."));
      return FALSE;
    }
  if (g_strcmp0 (draft->grade, "major") != 0 && g_strcmp0 (draft->grade, "general") != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Choose whether the hazard is general or major."));
      return FALSE;
    }
  if (draft->deadline != NULL && *draft->deadline != '\0')
    {
      if (!aj_is_iso_date (draft->deadline))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The deadline must be a date like 2026-12-31."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Numbers read institution-date-sequence, e.g. DLX001-20261127-02: an
 * inspector can read one aloud over the phone. */
char *
aj_hazard_next_number (AjStore    *store,
                       const char *institution,
                       const char *date)
{
  g_autofree char *compact = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(AjDbCached) stmt = NULL;
  gint64 max = 0;
  char **parts = g_strsplit (date, "-", -1);

  compact = g_strjoinv ("", parts);
  g_strfreev (parts);
  prefix = g_strdup_printf ("%s-%s-", institution, compact);

  /* One read of the counter that the hazard_numbers_count trigger keeps
   * (data/sql/0013-hazard-numbers.sql), however long the ledger. */
  stmt = aj_db_cached (aj_store_get_db (store),
                        "SELECT last FROM hazard_numbers WHERE institution = ?1 AND day = ?2", NULL);
  if (stmt != NULL)
    {
      aj_db_bind_text (stmt, 1, institution);
      aj_db_bind_text (stmt, 2, compact);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        max = sqlite3_column_int64 (stmt, 0);
    }
  return g_strdup_printf ("%s%02" G_GINT64_FORMAT, prefix, max + 1);
}

static void
put (JsonObject *body,
     const char *member,
     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (body, member, value);
}

/* A determination given in the sheet, trimmed; nothing when left blank. */
static void
put_given (JsonObject *body,
           const char *member,
           const char *value)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (value ? value : ""));

  if (*trimmed != '\0')
    json_object_set_string_member (body, member, trimmed);
}

char *
aj_hazard_record (AjStore              *store,
                  const char           *author,
                  const AjHazardDraft  *draft,
                  GError              **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *id = NULL;
  g_autofree char *number = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *at = aj_now_iso8601 ();
  g_autofree char *event = NULL;
  g_autofree char *institution = NULL;
  g_autoptr(AjDbCached) stmt = NULL;
  const char *grade;
  gboolean pending = FALSE;

  if (!validate_draft (draft, error))
    return NULL;
  grade = aj_grade_with_determination (draft->grade, draft->needs_determination, draft->determination_body,
                                       draft->determination_document, &pending);

  stmt = aj_db_cached (aj_store_get_db (store), "SELECT institution, status FROM inspections WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, draft->inspection_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The inspection no longer exists."));
      return NULL;
    }
  institution = aj_db_col_dup (stmt, 0);
  if (g_str_equal (aj_db_col_text (stmt, 1), "finished"))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("This inspection is finished; its hazards can no longer be changed here."));
      return NULL;
    }
  g_clear_pointer (&stmt, aj_db_release);

  if (!aj_store_begin (store, error))
    return NULL;

  id = aj_uuid7_new ();
  number = aj_hazard_next_number (store, institution, today);
  put (body, "number", number);
  put (body, "inspection", draft->inspection_id);
  put (body, "institution", institution);
  put (body, "item", draft->item_code);
  put (body, "category", draft->category);
  put (body, "description", draft->description);
  put (body, "location", draft->location);
  put (body, "risk_level", draft->risk_level);
  put (body, "grade", grade);
  put (body, "suggestion", draft->suggestion);
  put (body, "deadline", draft->deadline);
  put (body, "responsible", draft->responsible);
  put (body, "at", at);
  put (body, "criterion", draft->criterion);
  put_given (body, "determination_body", draft->determination_body);
  put_given (body, "determination_document", draft->determination_document);
  if (pending)
    json_object_set_boolean_member (body, "pending_determination", TRUE);

  event = aj_store_append (store, "hazard.found", id, author, body, error);
  if (event == NULL)
    {
      aj_store_rollback (store);
      return NULL;
    }
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&id);
}

gboolean
aj_hazard_update (AjStore              *store,
                  const char           *author,
                  const char           *hazard_id,
                  const AjHazardDraft  *draft,
                  GError              **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(AjHazard) current = aj_hazard_load (store, hazard_id);
  g_autofree char *event = NULL;
  g_autofree char *at = aj_now_iso8601 ();
  guint changed = 0;
  gboolean pending = FALSE;
  g_autofree char *determination_body = g_strstrip (g_strdup (draft->determination_body ? draft->determination_body : ""));
  g_autofree char *determination_document = g_strstrip (g_strdup (draft->determination_document ? draft->determination_document : ""));
  const char *grade = aj_grade_with_determination (draft->grade, draft->needs_determination, determination_body,
                                                   determination_document, &pending);
  struct { const char *member; const char *old; const char *new; } fields[] = {
    { "description", NULL, draft->description },
    { "location", NULL, draft->location },
    { "risk_level", NULL, draft->risk_level },
    { "grade", NULL, grade },
    { "suggestion", NULL, draft->suggestion },
    { "deadline", NULL, draft->deadline },
    { "responsible", NULL, draft->responsible },
    { "determination_body", NULL, draft->needs_determination ? determination_body : NULL },
    { "determination_document", NULL, draft->needs_determination ? determination_document : NULL },
  };

  if (current == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The hazard no longer exists."));
      return FALSE;
    }
  if (!validate_draft (draft, error))
    return FALSE;

  fields[0].old = current->description;
  fields[1].old = current->location;
  fields[2].old = current->risk_level;
  fields[3].old = current->grade;
  fields[4].old = current->suggestion;
  fields[5].old = current->deadline;
  fields[6].old = current->responsible;
  fields[7].old = current->determination_body ? current->determination_body : "";
  fields[8].old = current->determination_document ? current->determination_document : "";

  /* Only what changed goes into the event, so the history says what was edited. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].new != NULL && g_strcmp0 (fields[i].old, fields[i].new) != 0)
      {
        put (body, fields[i].member, fields[i].new);
        changed++;
      }
  if (pending != current->pending_determination)
    {
      json_object_set_boolean_member (body, "pending_determination", pending);
      changed++;
    }
  if (changed == 0)
    return TRUE;
  put (body, "at", at);
  event = aj_store_append (store, "hazard.updated", hazard_id, author, body, error);
  return event != NULL;
}

/* Only while the inspection that found it is still open. */
gboolean
aj_hazard_withdraw (AjStore     *store,
                    const char  *author,
                    const char  *hazard_id,
                    const char  *reason,
                    GError     **error)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, hazard_id);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *event = NULL;
  g_autofree char *at = aj_now_iso8601 ();

  if (hazard == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The hazard no longer exists."));
      return FALSE;
    }
  if (g_strcmp0 (hazard->status, "found") != 0 ||
      aj_db_query_int (aj_store_get_db (store),
                       "SELECT count(*) FROM inspections WHERE id = ? AND status = 'finished'",
                       hazard->inspection_id, 0) > 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("Only a hazard of an unfinished inspection can be withdrawn."));
      return FALSE;
    }
  put (body, "reason", reason ? reason : "");
  put (body, "at", at);
  event = aj_store_append (store, "hazard.withdrawn", hazard_id, author, body, error);
  return event != NULL;
}

AjHazard *
aj_hazard_new_from_row (sqlite3_stmt *stmt)
{
  AjHazard *self = g_object_new (AJ_TYPE_HAZARD, NULL);
  char **fields[] = { HAZARD_FIELDS (self) };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = aj_db_col_dup (stmt, i);
  self->rejections = sqlite3_column_int (stmt, G_N_ELEMENTS (fields));
  self->extension_pending = sqlite3_column_int (stmt, G_N_ELEMENTS (fields) + 1) != 0;
  self->pending_determination = sqlite3_column_int (stmt, G_N_ELEMENTS (fields) + 2) != 0;
  return self;
}

AjHazard *
aj_hazard_load (AjStore    *store,
                const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store), AJ_HAZARD_SELECT "WHERE h.id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return aj_hazard_new_from_row (stmt);
  return NULL;
}

AjHazard *
aj_hazard_find_for_item (AjStore    *store,
                         const char *inspection_id,
                         const char *item_code)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      AJ_HAZARD_SELECT "WHERE h.inspection_id = ? AND h.item_code = ? AND h.status <> 'withdrawn' "
      "ORDER BY h.found_at LIMIT 1", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, inspection_id);
  aj_db_bind_text (stmt, 2, item_code);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return aj_hazard_new_from_row (stmt);
  return NULL;
}

/* Sums of the hazard_tally kept by triggers (data/sql/0014-ledger-search.sql):
 * a few rows per deadline day, however many hazards. @institution: NULL for
 * all. Overdue is aj_lifecycle_days_overdue () > 0 for ISO deadlines: not
 * rectified by the deadline. */
gboolean
aj_hazard_count_open (AjStore         *store,
                      const char      *institution,
                      const char      *today,
                      const char      *week_end,
                      AjHazardCounts  *counts,
                      GError         **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (store),
      "SELECT coalesce (sum (n), 0), "
      "coalesce (sum (n) FILTER (WHERE deadline <> '' AND deadline < ?1 AND " AJ_HAZARD_NOT_RECTIFIED ("status") "), 0), "
      "coalesce (sum (n) FILTER (WHERE deadline >= ?1 AND deadline <= ?2), 0), "
      "coalesce (sum (n) FILTER (WHERE status = 'rectified'), 0), "
      "coalesce (sum (n) FILTER (WHERE grade = 'major'), 0) "
      "FROM hazard_tally WHERE ?3 IS NULL OR institution = ?3", error);

  memset (counts, 0, sizeof *counts);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, today);
  aj_db_bind_text (stmt, 2, week_end);
  aj_db_bind_text (stmt, 3, institution);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      aj_db_set_error (aj_store_get_db (store), error, "count hazards");
      return FALSE;
    }
  counts->open = sqlite3_column_int (stmt, 0);
  counts->overdue = sqlite3_column_int (stmt, 1);
  counts->due_this_week = sqlite3_column_int (stmt, 2);
  counts->to_verify = sqlite3_column_int (stmt, 3);
  counts->major = sqlite3_column_int (stmt, 4);
  return TRUE;
}

/* All hazards (or those of one inspection): major first, then by risk
 * level, then the most recently found. */
GListModel *
aj_hazard_list (AjStore     *store,
                const char  *inspection_id,
                GError     **error)
{
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_HAZARD);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *order = AJ_HAZARD_LEDGER_ORDER;
  g_autofree char *sql = g_strconcat (AJ_HAZARD_SELECT, inspection_id ? "WHERE h.inspection_id = ?" : "", order, NULL);

  stmt = aj_db_prepare (aj_store_get_db (store), sql, error);
  if (stmt == NULL)
    return NULL;
  if (inspection_id)
    aj_db_bind_text (stmt, 1, inspection_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjHazard) hazard = aj_hazard_new_from_row (stmt);
      g_list_store_append (list, hazard);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

/* N of the escalation rule for @hazard: its institution's department's
 * "escalation_overdue_days", or AJ_ESCALATION_DEFAULT_OVERDUE_DAYS when the
 * registry names none. */
int
aj_hazard_escalation_days (AjStore  *store,
                           AjHazard *hazard)
{
  gint64 days = aj_db_query_int (aj_store_get_db (store),
      "SELECT d.escalation_overdue_days FROM institutions i JOIN departments d ON d.id = i.department "
      "WHERE i.code = ?", hazard->institution, 0);

  return days > 0 ? (int) days : AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;
}

/* The office's escalation list (督办): the hazards under supervision and not
 * closed, highest level first, then those the rule
 * (aj_escalation_due ()) says must be raised now, with @threshold_days
 * the N to judge by (0: each hazard's department's). @institution: NULL for all. The SQL
 * only narrows the candidates; the pure rule decides. */
GListModel *
aj_hazard_list_escalation (AjStore     *store,
                           const char  *institution,
                           const char  *today,
                           int          threshold_days,
                           GError     **error)
{
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_HAZARD);
  g_autoptr(GListStore) due = g_list_store_new (AJ_TYPE_HAZARD);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  /* The SQL only narrows, with the smallest N of any department (or the
   * default, for homes without one); each hazard is then judged with its
   * own department's N. */
  gint64 smallest = aj_db_query_int (aj_store_get_db (store),
                                     "SELECT coalesce (min (escalation_overdue_days), 0) FROM departments "
                                     "WHERE escalation_overdue_days > 0", NULL, 0);
  int n = threshold_days > 0 ? threshold_days
        : smallest > 0 ? MIN ((int) smallest, AJ_ESCALATION_DEFAULT_OVERDUE_DAYS)
        : AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;
  g_autofree char *modifier = NULL;

  modifier = g_strdup_printf ("-%d days", n);

  stmt = aj_db_prepare (aj_store_get_db (store), AJ_HAZARD_SELECT
      "WHERE h.status NOT IN ('closed', 'withdrawn') AND (?3 IS NULL OR h.institution = ?3) "
      "AND (h.escalation_level IS NOT NULL OR (h.status IN ('found', 'rectification_ordered', 'rejected', 'reopened') "
      "     AND (h.grade = 'major' OR (h.deadline <> '' AND h.deadline <= date(?1, ?2))))) "
      "ORDER BY CASE h.escalation_level WHEN 'province' THEN 3 WHEN 'city' THEN 2 WHEN 'county' THEN 1 ELSE 0 END DESC, "
      "h.deadline, h.number", error);
  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, today);
  aj_db_bind_text (stmt, 2, modifier);
  aj_db_bind_text (stmt, 3, institution);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjHazard) hazard = aj_hazard_new_from_row (stmt);

      if (hazard->escalation_level != NULL)
        g_list_store_append (list, hazard);
      else if (aj_hazard_escalation_due (hazard, today,
                                         threshold_days > 0 ? threshold_days : aj_hazard_escalation_days (store, hazard),
                                         NULL) != NULL)
        g_list_store_append (due, hazard);
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (due)); i++)
    {
      g_autoptr(AjHazard) hazard = g_list_model_get_item (G_LIST_MODEL (due), i);
      g_list_store_append (list, hazard);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

/* The level this hazard must now be raised to under the rule, or NULL. */
const char *
aj_hazard_escalation_due (AjHazard    *self,
                          const char  *today,
                          int          threshold_days,
                          const char **reason)
{
  return aj_escalation_due (self->status, self->grade, aj_hazard_days_overdue (self, today), threshold_days,
                            self->escalation_level, reason);
}

/* The hazard sheet's "save": a new hazard is the answer "hazard" and the
 * hazard itself in one transaction, so an inspection never shows an item
 * answered "hazard" without its hazard (or the other way round). Returns
 * the hazard's id. */
char *
aj_hazard_save_sheet (AjStore              *store,
                      const char           *author,
                      const char           *hazard_id,
                      const AjHazardDraft  *draft,
                      GError              **error)
{
  g_autofree char *id = NULL;
  gboolean ok;

  if (!aj_store_begin (store, error))
    return NULL;
  if (hazard_id == NULL)
    ok = aj_inspection_answer (store, author, draft->inspection_id, draft->item_code, "hazard", NULL, error) &&
         (id = aj_hazard_record (store, author, draft, error)) != NULL;
  else
    ok = aj_hazard_update (store, author, hazard_id, draft, error) &&
         (id = g_strdup (hazard_id)) != NULL;
  if (!ok)
    {
      aj_store_rollback (store);
      return NULL;
    }
  if (!aj_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&id);
}

/* Answering an item again after it was answered "hazard": the hazard is
 * withdrawn with @withdraw_reason and the new answer recorded, together or
 * not at all. */
gboolean
aj_inspection_reanswer (AjStore     *store,
                        const char  *author,
                        const char  *inspection_id,
                        const char  *item_code,
                        const char  *result,
                        const char  *note,
                        const char  *withdraw_reason,
                        GError     **error)
{
  g_autoptr(AjHazard) hazard = aj_hazard_find_for_item (store, inspection_id, item_code);

  if (!aj_store_begin (store, error))
    return FALSE;
  if ((hazard != NULL && !aj_hazard_withdraw (store, author, hazard->id, withdraw_reason, error)) ||
      !aj_inspection_answer (store, author, inspection_id, item_code, result, note, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  return aj_store_commit (store, error);
}
