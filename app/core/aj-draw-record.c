/* aj-draw-record.c: stored plans and draws. What is stored is what anyone
 * needs to check a draw: the algorithm's name, the plan, the snapshot of the
 * registers it read, the public seed text and its SHA-256, the result, and a
 * digest over inputs and result. Re-running the pure draw (aj-draw.c) on the
 * stored inputs must give the stored result; the table refuses updates and
 * deletes, and a redraw is a new row that names the one it replaces. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-draw-record.h"
#include "aj-error.h"
#include "aj-roster.h"
#include "aj-util.h"

struct _AjDrawRecord
{
  GObject       parent_instance;
  char         *id, *plan_id, *algorithm, *seed_source, *seed, *digest, *drawn_at, *drawn_by, *replaces, *reason;
  char         *inputs, *result_text;
  AjDrawResult *result;
};

G_DEFINE_FINAL_TYPE (AjDrawRecord, aj_draw_record, G_TYPE_OBJECT)

/* Read-only: a snapshot of the stored row, for pages to bind to. */
static const AjFieldProperty aj_draw_record_fields[] = {
  { "id", G_STRUCT_OFFSET (AjDrawRecord, id) },
  { "plan-id", G_STRUCT_OFFSET (AjDrawRecord, plan_id) },
  { "algorithm", G_STRUCT_OFFSET (AjDrawRecord, algorithm) },
  { "seed-source", G_STRUCT_OFFSET (AjDrawRecord, seed_source) },
  { "seed", G_STRUCT_OFFSET (AjDrawRecord, seed) },
  { "digest", G_STRUCT_OFFSET (AjDrawRecord, digest) },
  { "drawn-at", G_STRUCT_OFFSET (AjDrawRecord, drawn_at) },
  { "drawn-by", G_STRUCT_OFFSET (AjDrawRecord, drawn_by) },
  { "replaces", G_STRUCT_OFFSET (AjDrawRecord, replaces) },
  { "reason", G_STRUCT_OFFSET (AjDrawRecord, reason) },
};

static void
aj_draw_record_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  if (!aj_get_field_property (object, aj_draw_record_fields, G_N_ELEMENTS (aj_draw_record_fields), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_draw_record_finalize (GObject *object)
{
  AjDrawRecord *self = AJ_DRAW_RECORD (object);

  g_free (self->id);
  g_free (self->plan_id);
  g_free (self->algorithm);
  g_free (self->seed_source);
  g_free (self->seed);
  g_free (self->digest);
  g_free (self->drawn_at);
  g_free (self->drawn_by);
  g_free (self->replaces);
  g_free (self->reason);
  g_free (self->inputs);
  g_free (self->result_text);
  g_clear_pointer (&self->result, aj_draw_result_free);
  G_OBJECT_CLASS (aj_draw_record_parent_class)->finalize (object);
}

static void
aj_draw_record_class_init (AjDrawRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_draw_record_finalize;
  object_class->get_property = aj_draw_record_get_property;
  aj_install_field_properties (object_class, aj_draw_record_fields, G_N_ELEMENTS (aj_draw_record_fields));
}

static void
aj_draw_record_init (AjDrawRecord *self)
{
}

const char *aj_draw_record_get_id (AjDrawRecord *self) { return self->id; }
const char *aj_draw_record_get_plan_id (AjDrawRecord *self) { return self->plan_id; }
const char *aj_draw_record_get_algorithm (AjDrawRecord *self) { return self->algorithm; }
const char *aj_draw_record_get_seed_source (AjDrawRecord *self) { return self->seed_source; }
const char *aj_draw_record_get_seed (AjDrawRecord *self) { return self->seed; }
const char *aj_draw_record_get_digest (AjDrawRecord *self) { return self->digest; }
const char *aj_draw_record_get_drawn_at (AjDrawRecord *self) { return self->drawn_at; }
const char *aj_draw_record_get_drawn_by (AjDrawRecord *self) { return self->drawn_by; }
const char *aj_draw_record_get_replaces (AjDrawRecord *self) { return self->replaces; }
const char *aj_draw_record_get_reason (AjDrawRecord *self) { return self->reason; }
AjDrawResult *aj_draw_record_get_result (AjDrawRecord *self) { return self->result; }

/* The stored inputs as JSON text: {"algorithm", "seed", "plan", "snapshot"}. */
char *
aj_draw_record_dup_inputs (AjDrawRecord *self)
{
  return g_strdup (self->inputs);
}

static JsonNode *
inputs_member (AjDrawRecord *self,
               const char   *member)
{
  g_autoptr(JsonObject) inputs = aj_json_parse_object (self->inputs, NULL);
  JsonNode *node = inputs ? json_object_get_member (inputs, member) : NULL;

  return node ? json_node_copy (node) : NULL;
}

AjDrawPlan *
aj_draw_record_dup_plan (AjDrawRecord *self)
{
  g_autoptr(JsonNode) node = inputs_member (self, "plan");

  return aj_draw_plan_from_json (node, NULL);
}

AjDrawSnapshot *
aj_draw_record_dup_snapshot (AjDrawRecord *self)
{
  g_autoptr(JsonNode) node = inputs_member (self, "snapshot");

  return aj_draw_snapshot_from_json (node, NULL);
}

/* ---- plans ------------------------------------------------------------ */

/* Stores @plan (validated) under a new id, returned. Plans are not edited:
 * a changed plan is a new plan. */
char *
aj_draw_record_save_plan (AjStore          *store,
                          const char       *title,
                          const AjDrawPlan *plan,
                          const char       *author,
                          GError          **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *text = NULL;
  g_autofree char *now = aj_now_iso8601 ();

  if (!aj_draw_plan_validate (plan, error))
    return NULL;
  if (title == NULL || *title == '\0' || author == NULL || *author == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A plan needs a title and the person who makes it"));
      return NULL;
    }
  node = aj_draw_plan_to_json (plan);
  text = aj_json_to_string (node);
  stmt = aj_db_prepare (aj_store_get_db (store),
                        "INSERT INTO draw_plans (id, title, plan, created_at, created_by) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  aj_db_bind_text (stmt, 2, title);
  aj_db_bind_text (stmt, 3, text);
  aj_db_bind_text (stmt, 4, now);
  aj_db_bind_text (stmt, 5, author);
  if (!aj_db_step_done (aj_store_get_db (store), stmt, error))
    return NULL;
  return g_steal_pointer (&id);
}

AjDrawPlan *
aj_draw_record_load_plan (AjStore     *store,
                          const char  *plan_id,
                          char       **title,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT title, plan FROM draw_plans WHERE id = ?", error);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, plan_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("There is no plan “%s”"), plan_id);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, aj_db_col_text (stmt, 1), -1, error))
    return NULL;
  if (title != NULL)
    *title = aj_db_col_dup (stmt, 0);
  return aj_draw_plan_from_json (json_parser_get_root (parser), error);
}

/* ---- snapshots -------------------------------------------------------- */

/* What the draw reads of the registers now: every institution's code, type,
 * county, credit and last spot check (the later of the register's date and
 * the last finished spot-check inspection), and every active inspector's
 * counties and conflicts (member of or related to). */
AjDrawSnapshot *
aj_draw_record_snapshot (AjStore  *store,
                         GError  **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(AjDrawSnapshot) snapshot = aj_draw_snapshot_new ();
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db,
      "SELECT i.code, i.type, i.county, i.credit, "
      "  max(i.last_spot_check, coalesce((SELECT max(substr(s.finished_at, 1, 10)) FROM inspections s "
      "    WHERE s.institution = i.code AND s.mode = 'spot_check' AND s.finished_at IS NOT NULL), '')) "
      "FROM institutions i ORDER BY i.code", error);
  g_autoptr(GListModel) inspectors = NULL;

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjCreditGrade credit = AJ_CREDIT_NORMAL;

      aj_credit_grade_parse (aj_db_col_text (stmt, 3), &credit);
      aj_draw_snapshot_add_institution (snapshot, aj_db_col_text (stmt, 0), aj_db_col_text (stmt, 1),
                                        aj_db_col_text (stmt, 2), credit, aj_db_col_text (stmt, 4));
    }
  inspectors = aj_roster_list_inspectors (store, error);
  if (inspectors == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (inspectors); i++)
    {
      g_autoptr(AjInspector) inspector = g_list_model_get_item (inspectors, i);
      g_autoptr(GStrvBuilder) conflicts = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;

      if (!aj_inspector_get_active (inspector))
        continue;
      g_strv_builder_addv (conflicts, (const char **) aj_inspector_get_member_of (inspector));
      g_strv_builder_addv (conflicts, (const char **) aj_inspector_get_related_to (inspector));
      list = g_strv_builder_end (conflicts);
      aj_draw_snapshot_add_inspector (snapshot, aj_inspector_get_id (inspector),
                                      aj_inspector_get_counties (inspector), (const char * const *) list);
    }
  return g_steal_pointer (&snapshot);
}

/* ---- draws ------------------------------------------------------------ */

#define DRAW_COLUMNS "id, plan_id, algorithm, seed_source, seed, inputs, result, digest, drawn_at, drawn_by, " \
                     "replaces, reason"

static AjDrawRecord *
record_from_row (sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(AjDrawRecord) self = g_object_new (AJ_TYPE_DRAW_RECORD, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  self->id = aj_db_col_dup (stmt, 0);
  self->plan_id = aj_db_col_dup (stmt, 1);
  self->algorithm = aj_db_col_dup (stmt, 2);
  self->seed_source = aj_db_col_dup (stmt, 3);
  self->seed = aj_db_col_dup (stmt, 4);
  self->inputs = aj_db_col_dup (stmt, 5);
  self->digest = aj_db_col_dup (stmt, 7);
  self->drawn_at = aj_db_col_dup (stmt, 8);
  self->drawn_by = aj_db_col_dup (stmt, 9);
  self->replaces = sqlite3_column_type (stmt, 10) == SQLITE_NULL ? NULL : aj_db_col_dup (stmt, 10);
  self->reason = aj_db_col_dup (stmt, 11);
  self->result_text = aj_db_col_dup (stmt, 6);
  if (!json_parser_load_from_data (parser, aj_db_col_text (stmt, 6), -1, error) ||
      (self->result = aj_draw_result_from_json (json_parser_get_root (parser), error)) == NULL)
    {
      g_prefix_error (error, _("Draw %s: "), self->id);
      return NULL;
    }
  return g_steal_pointer (&self);
}

AjDrawRecord *
aj_draw_record_get (AjStore    *store,
                    const char *id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " DRAW_COLUMNS " FROM draws WHERE id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return record_from_row (stmt, NULL);
}

/* The draw of @plan_id that no redraw replaces, or NULL when none was made. */
AjDrawRecord *
aj_draw_record_current (AjStore    *store,
                        const char *plan_id)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " DRAW_COLUMNS " FROM draws d WHERE plan_id = ? "
      "AND NOT EXISTS (SELECT 1 FROM draws r WHERE r.replaces = d.id)", NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, plan_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return record_from_row (stmt, NULL);
}

/* Every draw (of @plan_id, or of all plans when NULL), oldest first. */
GListModel *
aj_draw_record_list (AjStore     *store,
                     const char  *plan_id,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT " DRAW_COLUMNS " FROM draws WHERE ?1 IS NULL OR plan_id = ?1 ORDER BY drawn_at, id", error);
  g_autoptr(GListStore) list = g_list_store_new (AJ_TYPE_DRAW_RECORD);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, plan_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(AjDrawRecord) record = record_from_row (stmt, error);
      if (record == NULL)
        return NULL;
      g_list_store_append (list, record);
    }
  return G_LIST_MODEL (g_steal_pointer (&list));
}

static char *
digest_of (const char *inputs,
           const char *result)
{
  g_autoptr(AjSha256) sha = aj_sha256_new ();

  aj_sha256_update (sha, inputs, strlen (inputs));
  aj_sha256_update (sha, "\n", 1);
  aj_sha256_update (sha, result, strlen (result));
  return aj_sha256_finish_hex (sha);
}

static AjDrawRecord *
draw (AjStore     *store,
      const char  *plan_id,
      const char  *seed_source,
      const char  *author,
      const char  *replaces,
      const char  *reason,
      GError     **error)
{
  sqlite3 *db = aj_store_get_db (store);
  g_autoptr(AjDrawPlan) plan = NULL;
  g_autoptr(AjDrawSnapshot) snapshot = NULL;
  g_autoptr(AjDrawResult) result = NULL;
  g_autoptr(JsonNode) inputs_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) result_node = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(AjDrawRecord) current = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *inputs = NULL;
  g_autofree char *result_text = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *now = aj_now_iso8601 ();
  JsonObject *o = json_object_new ();

  json_node_take_object (inputs_node, o);
  if (seed_source == NULL || *seed_source == '\0' || author == NULL || *author == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("A draw needs the public value announced for its seed, and the person who draws"));
      return NULL;
    }
  if ((plan = aj_draw_record_load_plan (store, plan_id, NULL, error)) == NULL)
    return NULL;
  if (!aj_store_begin (store, error))
    return NULL;
  current = aj_draw_record_current (store, plan_id);
  if (replaces == NULL && current != NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT,
                   _("This plan was drawn already (draw %s); a redraw names that draw and gives a reason"),
                   aj_draw_record_get_id (current));
      goto fail;
    }
  if (replaces != NULL && (current == NULL || g_strcmp0 (aj_draw_record_get_id (current), replaces) != 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT, _("Only the plan's latest draw%s%s can be redrawn"),
                   current ? " " : "", current ? aj_draw_record_get_id (current) : "");
      goto fail;
    }
  if ((snapshot = aj_draw_record_snapshot (store, error)) == NULL)
    goto fail;
  seed = aj_draw_seed_from_source (seed_source);
  if ((result = aj_draw_run (plan, snapshot, seed, error)) == NULL)
    goto fail;

  json_object_set_string_member (o, "algorithm", AJ_DRAW_ALGORITHM);
  json_object_set_string_member (o, "seed", seed);
  json_object_set_member (o, "plan", aj_draw_plan_to_json (plan));
  json_object_set_member (o, "snapshot", aj_draw_snapshot_to_json (snapshot));
  inputs = aj_json_to_string (inputs_node);
  result_node = aj_draw_result_to_json (result);
  result_text = aj_json_to_string (result_node);
  digest = digest_of (inputs, result_text);

  stmt = aj_db_prepare (db, "INSERT INTO draws (" DRAW_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, id);
  aj_db_bind_text (stmt, 2, plan_id);
  aj_db_bind_text (stmt, 3, AJ_DRAW_ALGORITHM);
  aj_db_bind_text (stmt, 4, seed_source);
  aj_db_bind_text (stmt, 5, seed);
  aj_db_bind_text (stmt, 6, inputs);
  aj_db_bind_text (stmt, 7, result_text);
  aj_db_bind_text (stmt, 8, digest);
  aj_db_bind_text (stmt, 9, now);
  aj_db_bind_text (stmt, 10, author);
  aj_db_bind_text (stmt, 11, replaces);
  aj_db_bind_text (stmt, 12, reason ? reason : "");
  if (!aj_db_step_done (db, stmt, error) || !aj_store_commit (store, error))
    goto fail;
  return aj_draw_record_get (store, id);

fail:
  aj_store_rollback (store);
  return NULL;
}

/* Draws @plan_id once, over the registers as they are now, with the seed
 * SHA-256(@seed_source). A plan drawn already is refused (AJ_ERROR_CONFLICT):
 * use aj_draw_record_redraw. */
AjDrawRecord *
aj_draw_record_make (AjStore     *store,
                     const char  *plan_id,
                     const char  *seed_source,
                     const char  *author,
                     GError     **error)
{
  return draw (store, plan_id, seed_source, author, NULL, NULL, error);
}

/* A new draw of the same plan that replaces @old_id (the plan's latest draw)
 * for @reason, which is required and stored; the old draw stays as it was. */
AjDrawRecord *
aj_draw_record_redraw (AjStore     *store,
                       const char  *old_id,
                       const char  *seed_source,
                       const char  *reason,
                       const char  *author,
                       GError     **error)
{
  g_autoptr(AjDrawRecord) old = aj_draw_record_get (store, old_id);
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));

  if (old == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("There is no draw “%s”"), old_id);
      return NULL;
    }
  if (*trimmed == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A redraw needs a reason, kept with it for the record"));
      return NULL;
    }
  return draw (store, aj_draw_record_get_plan_id (old), seed_source, author, old_id, trimmed, error);
}

/* Runs the draw again from the stored inputs alone; TRUE when it gives the
 * stored result and the stored digest still matches inputs and result.
 * @rerun (may be NULL) gets the result of the re-run, to show. */
gboolean
aj_draw_record_rerun (AjDrawRecord  *self,
                      AjDrawResult **rerun,
                      GError       **error)
{
  g_autoptr(AjDrawPlan) plan = aj_draw_record_dup_plan (self);
  g_autoptr(AjDrawSnapshot) snapshot = aj_draw_record_dup_snapshot (self);
  g_autoptr(AjDrawResult) again = NULL;
  g_autofree char *digest = digest_of (self->inputs, self->result_text);
  g_autofree char *seed = aj_draw_seed_from_source (self->seed_source);
  g_autoptr(JsonObject) inputs = aj_json_parse_object (self->inputs, NULL);
  gboolean same;

  if (plan == NULL || snapshot == NULL || inputs == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Draw %s: its stored inputs are damaged"), self->id);
      return FALSE;
    }
  if (g_strcmp0 (self->algorithm, AJ_DRAW_ALGORITHM) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_TOO_NEW, _("Draw %s was made with %s; this version runs %s"),
                   self->id, self->algorithm, AJ_DRAW_ALGORITHM);
      return FALSE;
    }
  if (g_strcmp0 (aj_json_get_string (inputs, "seed"), self->seed) != 0 ||
      g_strcmp0 (seed, self->seed) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Draw %s: its seed is not the SHA-256 of its public value"),
                   self->id);
      return FALSE;
    }
  again = aj_draw_run (plan, snapshot, self->seed, error);
  if (again == NULL)
    return FALSE;
  same = aj_draw_result_equal (again, self->result) && g_strcmp0 (digest, self->digest) == 0;
  if (rerun != NULL)
    *rerun = g_steal_pointer (&again);
  return same;
}
