/* aj-server-admin.c: registries (JSON or CSV), published checklists, one-time
 * enrollment codes and devices. Each change to reference data bumps the
 * reference version, which devices compare on every sync. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "aj-assignment.h"
#include "aj-checklist.h"
#include "aj-codec.h"
#include "aj-error.h"
#include "aj-register-io.h"
#include "aj-registry.h"
#include "aj-scope.h"
#include "aj-server-admin.h"
#include "aj-server-db.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* ---- CSV ---- */

/* RFC 4180 fields: quotes, doubled quotes, commas and newlines in quotes. */
static GPtrArray *
csv_parse (const char  *text,
           GError     **error)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  const char *p = text;

  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;   /* a BOM from spreadsheet programs */
  for (; *p; p++)
    {
      char c = *p;
      if (quoted)
        {
          if (c == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, c);
          continue;
        }
      if (c == '"' && field->len == 0)
        quoted = TRUE;
      else if (c == ',')
        {
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else if (c == '\n' || c == '\r')
        {
          if (c == '\r' && p[1] == '\n')
            p++;
          g_ptr_array_add (row, g_string_free (field, FALSE));
          field = g_string_new (NULL);
          if (!(row->len == 1 && *(char *) g_ptr_array_index (row, 0) == '\0'))
            g_ptr_array_add (rows, row);
          else
            g_ptr_array_unref (row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
      else
        g_string_append_c (field, c);
    }
  if (quoted)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "The CSV file ends inside a quoted field");
      g_string_free (field, TRUE);
      g_ptr_array_unref (row);
      g_ptr_array_unref (rows);
      return NULL;
    }
  if (field->len > 0 || row->len > 0)
    {
      g_ptr_array_add (row, g_string_free (field, FALSE));
      g_ptr_array_add (rows, row);
    }
  else
    {
      g_string_free (field, TRUE);
      g_ptr_array_unref (row);
    }
  return rows;
}

static int
column (GPtrArray  *header,
        const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_ascii_strcasecmp (g_strstrip ((char *) g_ptr_array_index (header, i)), name) == 0)
      return i;
  return -1;
}

static const char *
cell (GPtrArray *row,
      int        index)
{
  return index >= 0 && (guint) index < row->len ? g_ptr_array_index (row, index) : "";
}

/* A CSV of institutions (code,name,type,...) replaces the institution
 * register (aj_register_import: every field, errors by line); one of users
 * (id,name,role,...) is merged into the registry held. */
static gboolean
import_csv (AjStore     *store,
            const char  *path,
            const char  *text,
            GError     **error)
{
  g_autoptr(GPtrArray) rows = csv_parse (text, error);
  g_autoptr(JsonObject) registry = NULL;
  g_autoptr(AjScope) all = aj_scope_new_all ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;
  GPtrArray *header;
  gboolean users;
  JsonArray *list;

  if (rows == NULL)
    return FALSE;
  if (rows->len < 2)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "%s: a header line and at least one row are needed", path);
      return FALSE;
    }
  header = g_ptr_array_index (rows, 0);
  users = column (header, "role") >= 0;
  if (!users && (column (header, "code") < 0 || column (header, "type") < 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   "%s: the header must name the columns (code,name,type,... for institutions; id,name,role,pin,... for users)",
                   path);
      return FALSE;
    }
  /* Institutions with every field of the register (credit, ownership,
   * fire-safety key unit, last spot check), checked line by line. */
  if (!users)
    {
      if (!aj_register_import (store, AJ_REGISTER_INSTITUTIONS, AJ_REGISTER_CSV, text, strlen (text), NULL, error))
        {
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
      return TRUE;
    }

  registry = aj_server_store_registry_for_scope (store, all);
  list = json_array_new ();
  for (guint r = 1; r < rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (rows, r);
      JsonObject *o = json_object_new ();

        {
          const char *id = cell (row, column (header, "id"));
          const char *pin = cell (row, column (header, "pin"));
          const char *pin_hash = cell (row, column (header, "pin_hash"));
          g_autofree char *hashed = NULL;

          if (*pin_hash == '\0' && *pin != '\0')
            pin_hash = hashed = aj_registry_hash_pin (id, pin);
          json_object_set_string_member (o, "id", id);
          json_object_set_string_member (o, "name", cell (row, column (header, "name")));
          json_object_set_string_member (o, "role", cell (row, column (header, "role")));
          if (*cell (row, column (header, "county")))
            json_object_set_string_member (o, "county", cell (row, column (header, "county")));
          if (*cell (row, column (header, "institution")))
            json_object_set_string_member (o, "institution", cell (row, column (header, "institution")));
          json_object_set_string_member (o, "pin_hash", pin_hash);
        }
      json_array_add_object_element (list, o);
    }
  json_object_set_array_member (registry, "users", list);
  json_node_set_object (node, registry);   /* takes its own reference */
  json = aj_json_to_string (node);
  return aj_registry_import_data (store, json, strlen (json), "server", error);
}

gboolean
aj_admin_import_registry (AjStore     *store,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;
  gboolean ok;

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "%s is not UTF-8 text", path);
      return FALSE;
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"))
    ok = import_csv (store, path, text, error);
  else
    ok = aj_registry_import_data (store, text, length, "server", error);
  if (!ok || !aj_server_store_bump_reference_version (store, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  return aj_store_commit (store, error);
}

gboolean
aj_admin_publish_checklist (AjStore     *store,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(AjChecklist) checklist = aj_checklist_load_file (path, error);
  g_autofree char *text = NULL;
  g_autofree char *now = aj_now_iso8601 ();

  if (checklist == NULL || !g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  if (!aj_store_begin (store, error))
    return FALSE;
  if (!aj_server_store_publish_checklist (store, aj_checklist_get_id (checklist), aj_checklist_get_version (checklist),
                                          text, now, error) ||
      !aj_server_store_bump_reference_version (store, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  return aj_store_commit (store, error);
}

/* Codes read aloud or typed on a tablet: 31 symbols without 0/O, 1/I/L;
 * 15 of them (74 bits, beyond guessing at any rate the server allows) in
 * three groups of five. Dashes and case do not count when typed. */
#define CODE_GROUPS       3
#define CODE_GROUP_LENGTH 5

char *
aj_admin_new_enroll_code (AjServerDb  *db,
                          AjStore     *store,
                          const char  *scope_spec,
                          int          valid_days,
                          GError     **error)
{
  static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  g_autoptr(AjScope) scope = aj_scope_parse_spec (scope_spec, error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expires = g_date_time_add_days (now, valid_days > 0 ? valid_days : 7);
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *expires_text = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GString) code = g_string_new ("AJ");

  if (scope == NULL)
    return NULL;
  if (sodium_init () < 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "No randomness available for a code");
      return NULL;
    }
  for (int group = 0; group < CODE_GROUPS; group++)
    {
      g_string_append_c (code, '-');
      for (int i = 0; i < CODE_GROUP_LENGTH; i++)
        g_string_append_c (code, alphabet[randombytes_uniform (sizeof alphabet - 1)]);
    }
  if (!aj_server_db_add_code (db, store, code->str, scope, now_text, expires_text, error))
    return NULL;
  return g_strdup (code->str);
}

gboolean
aj_admin_revoke_device (AjServerDb  *db,
                        AjStore     *store,
                        const char  *device_id,
                        GError     **error)
{
  g_autofree char *now = aj_now_iso8601 ();

  return aj_server_db_revoke_device (db, store, device_id, now, error);
}

/* Lines: id, name, scope, enrolled, events, active or revoked. */
GPtrArray *
aj_admin_list_devices (AjServerDb *db,
                       AjStore    *store)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) devices = aj_server_db_list_devices (db, store);

  for (guint i = 0; i < devices->len; i++)
    {
      AjServerDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(AjScope) scope = aj_scope_new_from_json (device->scope);
      g_autofree char *spec = aj_scope_to_spec (scope);

      g_ptr_array_add (lines, g_strdup_printf ("%s\t%s\t%s\tenrolled %s\t%lld events\t%s",
                                               device->id, device->name, spec, device->enrolled_at,
                                               (long long) device->events, device->revoked ? "revoked" : "active"));
    }
  return lines;
}

/* ---- what the command line and the office's console both do ---- */

/* Each change below is made through aj_server_db_share_change: on the
 * store alone with SQLite; with a shared database, as a reference document
 * that every server applies (aj_admin_apply_office_document). */

typedef struct
{
  const char        *title;
  const AjDrawPlan  *plan;
  const char        *checklist;
  const char        *due;
  const char        *by;
  char              *id;        /* out */
} PlanChange;

static JsonObject *
rows_document (AjStore     *store,
               const char  *table,
               const char  *column,
               const char  *value)
{
  JsonObject *document = json_object_new ();

  json_object_set_array_member (document, table, aj_server_store_rows_to_json (store, table, column, value));
  return document;
}

/* A plan with its checklist and due date, in one transaction. */
static gboolean
create_plan_change (AjStore     *store,
                    gpointer     data,
                    JsonObject **document,
                    char       **once_key,
                    GError     **error)
{
  PlanChange *c = data;

  if (c->checklist == NULL || *c->checklist == '\0' || !aj_is_iso_date (c->due))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "A plan needs a checklist and a due date (YYYY-MM-DD)");
      return FALSE;
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  g_clear_pointer (&c->id, g_free);
  if ((c->id = aj_draw_record_save_plan (store, c->title, (AjDrawPlan *) c->plan, c->by, error)) == NULL ||
      !aj_server_store_set_plan_task (store, c->id, c->checklist, c->due, error) ||
      !aj_store_commit (store, error))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  if (document != NULL)
    *document = rows_document (store, "draw_plans", "id", c->id);
  return TRUE;
}

char *
aj_admin_create_plan (AjServerDb        *db,
                      AjStore           *store,
                      const char        *title,
                      const AjDrawPlan  *plan,
                      const char        *checklist,
                      const char        *due,
                      const char        *by,
                      GError           **error)
{
  PlanChange c = { title, plan, checklist, due, by, NULL };

  if (!aj_server_db_share_change (db, store, "plan", create_plan_change, &c, error))
    {
      g_free (c.id);
      return NULL;
    }
  return c.id;
}

typedef struct
{
  const char    *id;
  const char    *seed_source;
  const char    *reason;
  const char    *by;
  AjDrawRecord  *draw;          /* out */
  char          *due;           /* out */
} DrawChange;

/* A new draw of @plan_id (or, with @reason, a redraw replacing the draw
 * @plan_id names), made into assignments in the same transaction. */
static gboolean
make_draw_change (AjStore     *store,
                  gpointer     data,
                  JsonObject **document,
                  char       **once_key,
                  GError     **error)
{
  DrawChange *c = data;
  g_autoptr(AjServerPlan) plan = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (c->seed_source ? c->seed_source : ""));
  const char *id;

  if (*stripped == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "A draw needs the public value announced before it (seed source)");
      return FALSE;
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  g_clear_object (&c->draw);
  g_clear_pointer (&c->due, g_free);
  c->draw = c->reason ? aj_draw_record_redraw (store, c->id, c->seed_source, c->reason, c->by, error)
                      : aj_draw_record_make (store, c->id, c->seed_source, c->by, error);
  if (c->draw == NULL)
    goto fail;
  plan = aj_server_store_get_plan (store, aj_draw_record_get_plan_id (c->draw));
  if (plan == NULL || *plan->checklist == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "Plan %s names no checklist for its teams",
                   aj_draw_record_get_plan_id (c->draw));
      goto fail;
    }
  if (!aj_assignment_make_for_draw (store, c->draw, plan->checklist, plan->due, error) ||
      !aj_server_store_bump_reference_version (store, error) ||
      !aj_store_commit (store, error))
    goto fail;
  c->due = g_strdup (plan->due);
  if (document != NULL)
    {
      id = aj_draw_record_get_id (c->draw);
      *document = rows_document (store, "draws", "id", id);
      json_object_set_array_member (*document, "assignments",
                                    aj_server_store_rows_to_json (store, "assignments", "draw_id", id));
      /* What the redraw cancelled, by id: a cache that applies this before
       * the events that closed some of the replaced draw's assignments
       * (one behind, or rebuilt from nothing) then closes those as here. */
      if (aj_draw_record_get_replaces (c->draw) != NULL)
        json_object_set_array_member (*document, "replaced_assignments",
                                      aj_server_store_rows_to_json (store, "assignments", "draw_id",
                                                                    aj_draw_record_get_replaces (c->draw)));
      /* A plan is drawn once, a draw replaced once. */
      *once_key = aj_draw_record_get_replaces (c->draw)
                  ? g_strconcat ("redraw:", aj_draw_record_get_replaces (c->draw), NULL)
                  : g_strconcat ("draw:", aj_draw_record_get_plan_id (c->draw), NULL);
    }
  return TRUE;

fail:
  g_clear_object (&c->draw);
  aj_store_rollback (store);
  return FALSE;
}

/* The devices see the assignments at their next sync (through any server). */
AjDrawRecord *
aj_admin_make_draw (AjServerDb  *db,
                    AjStore     *store,
                    const char  *id,
                    const char  *seed_source,
                    const char  *reason,
                    const char  *by,
                    char       **due,
                    GError     **error)
{
  DrawChange c = { id, seed_source, reason, by, NULL, NULL };

  if (!aj_server_db_share_change (db, store, "draw", make_draw_change, &c, error))
    {
      g_clear_object (&c.draw);
      g_free (c.due);
      return NULL;
    }
  if (due != NULL)
    *due = g_steal_pointer (&c.due);
  g_free (c.due);
  return c.draw;
}

typedef struct
{
  const char *draw_id;
  const char *date;
  const char *by;
} PublishChange;

static gboolean
publish_draw_change (AjStore     *store,
                     gpointer     data,
                     JsonObject **document,
                     char       **once_key,
                     GError     **error)
{
  PublishChange *c = data;
  g_autofree char *now = aj_now_iso8601 ();

  if (!aj_server_store_publish_draw (store, c->draw_id, c->date, c->by, now, error))
    return FALSE;
  if (document != NULL)
    {
      *document = rows_document (store, "draw_publications", "draw_id", c->draw_id);
      *once_key = g_strconcat ("publication:", c->draw_id, NULL);
    }
  return TRUE;
}

/* A draw's results made public on @date (YYYY-MM-DD), once. */
gboolean
aj_admin_publish_draw (AjServerDb  *db,
                       AjStore     *store,
                       const char  *draw_id,
                       const char  *date,
                       const char  *by,
                       GError     **error)
{
  PublishChange c = { draw_id, date, by };

  return aj_server_db_share_change (db, store, "publication", publish_draw_change, &c, error);
}

static gboolean
import_register (AjStore           *store,
                 AjRegister         which,
                 AjRegisterFormat   format,
                 const char        *text,
                 gsize              length,
                 gboolean           commit,
                 guint             *n_rows,
                 GError           **error)
{
  if (!aj_store_begin (store, error))
    return FALSE;
  if (!aj_register_import (store, which, format, text, length, n_rows, error) ||
      (commit && (!aj_server_store_bump_reference_version (store, error) || !aj_store_commit (store, error))))
    {
      aj_store_rollback (store);
      return FALSE;
    }
  if (!commit)
    aj_store_rollback (store);
  return TRUE;
}

typedef struct
{
  AjRegister        which;
  AjRegisterFormat  format;
  const char       *text;
  gsize             length;
  guint            *n_rows;
} RegisterChange;

static gboolean
import_register_change (AjStore     *store,
                        gpointer     data,
                        JsonObject **document,
                        char       **once_key,
                        GError     **error)
{
  RegisterChange *c = data;

  if (!import_register (store, c->which, c->format, c->text, c->length, TRUE, c->n_rows, error))
    return FALSE;
  if (document != NULL)
    {
      *document = json_object_new ();
      json_object_set_string_member (*document, "register",
                                     c->which == AJ_REGISTER_INSPECTORS ? "inspectors" : "institutions");
      json_object_set_string_member (*document, "format", c->format == AJ_REGISTER_JSON ? "json" : "csv");
      json_object_set_string_member (*document, "text", c->text);
    }
  return TRUE;
}

/* A register from text: with @commit FALSE, a preview that writes nothing
 * (the import runs in a transaction that is rolled back) and says what the
 * import would do or where the text is wrong. */
gboolean
aj_admin_import_register (AjServerDb        *db,
                          AjStore           *store,
                          AjRegister         which,
                          AjRegisterFormat   format,
                          const char        *text,
                          gsize              length,
                          gboolean           commit,
                          guint             *n_rows,
                          GError           **error)
{
  g_autofree char *copy = g_strndup (text, length);
  RegisterChange c = { which, format, copy, length, n_rows };

  if (!commit)
    return import_register (store, which, format, text, length, FALSE, n_rows, error);
  return aj_server_db_share_change (db, store, "register", import_register_change, &c, error);
}

gboolean
aj_admin_is_office_document (const char *kind)
{
  static const char * const kinds[] = { "plan", "draw", "publication", "register", NULL };

  return g_strv_contains (kinds, kind);
}

/* A redraw's document: the assignments of the draw it replaces that it
 * cancelled. */
static gboolean
cancel_replaced (AjStore   *store,
                 JsonNode  *rows,
                 GError   **error)
{
  if (rows == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (rows))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "replaced_assignments in an office document is not a list");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (rows)); i++)
    {
      JsonObject *row = json_array_get_object_element (json_node_get_array (rows), i);
      const char *id = row ? aj_json_get_string (row, "id") : NULL;

      if (id != NULL && g_strcmp0 (aj_json_get_string (row, "status"), "cancelled") == 0 &&
          !aj_server_store_cancel_assignment (store, id, error))
        return FALSE;
    }
  return TRUE;
}

/* A document of the changes above, applied to a server's cache as the
 * change was made where it began (in its own transaction). */
gboolean
aj_admin_apply_office_document (AjStore     *store,
                                const char  *kind,
                                const char  *body,
                                GError     **error)
{
  static const char * const tables[] = { "draw_plans", "draws", "assignments", "draw_publications", NULL };
  g_autoptr(JsonObject) o = aj_json_parse_object (body, error);

  if (o == NULL)
    return FALSE;
  if (g_str_equal (kind, "register"))
    {
      const char *text = aj_json_get_string (o, "text");
      guint rows = 0;

      if (text == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "A register's document holds no text");
          return FALSE;
        }
      return import_register (store,
                              g_strcmp0 (aj_json_get_string (o, "register"), "inspectors") == 0
                              ? AJ_REGISTER_INSPECTORS : AJ_REGISTER_INSTITUTIONS,
                              g_strcmp0 (aj_json_get_string (o, "format"), "json") == 0 ? AJ_REGISTER_JSON
                                                                                        : AJ_REGISTER_CSV,
                              text, strlen (text), TRUE, &rows, error);
    }
  if (!aj_store_begin (store, error))
    return FALSE;
  for (guint t = 0; tables[t] != NULL; t++)
    {
      JsonNode *rows = json_object_get_member (o, tables[t]);

      if (rows == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (rows))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, "%s in an office document is not a list", tables[t]);
          goto fail;
        }
      if (!aj_server_store_insert_rows (store, tables[t], json_node_get_array (rows), error))
        goto fail;
    }
  if (!cancel_replaced (store, json_object_get_member (o, "replaced_assignments"), error) ||
      (g_str_equal (kind, "draw") && !aj_server_store_bump_reference_version (store, error)) ||
      !aj_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  aj_store_rollback (store);
  return FALSE;
}

/* The checklists the server has published, as AjChecklist: the newest
 * version of each, keeping the earlier ones (aj_checklist_get_edition), so
 * that an inspection made with version 1 is shown with its own questions,
 * as the kiosk shows it. */
GPtrArray *
aj_admin_published_checklists (AjStore *store)
{
  GPtrArray *checklists = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) published = aj_server_store_published_checklist_editions (store);

  for (guint i = 0; i < json_array_get_length (published); i++)
    {
      g_autoptr(JsonNode) node = json_node_copy (json_array_get_element (published, i));
      g_autofree char *text = aj_json_to_string (node);
      AjChecklist *c = aj_checklist_load_data ("published", text, -1, NULL);
      AjChecklist *last = checklists->len ? g_ptr_array_index (checklists, checklists->len - 1) : NULL;

      if (c == NULL)
        continue;
      /* By id then version: a later version of the same id takes the place. */
      if (last != NULL && g_str_equal (aj_checklist_get_id (last), aj_checklist_get_id (c)))
        {
          aj_checklist_supersede (c, last);
          g_ptr_array_index (checklists, checklists->len - 1) = c;
          g_object_unref (last);
        }
      else
        g_ptr_array_add (checklists, c);
    }
  return checklists;
}

/* The same documents as the kiosk's, from the server's copy of the events,
 * with the checklists the server has published. */
gboolean
aj_admin_write_report (AjStore      *store,
                       const char   *blob_dir,
                       const char   *server_url,
                       AjReportKind  kind,
                       const char   *inspection_id,
                       const char   *path,
                       GError      **error)
{
  g_autoptr(GPtrArray) checklists = aj_admin_published_checklists (store);
  AjReportOptions options = { .blob_dir = blob_dir, .server_url = server_url, .checklists = checklists };

  return aj_report_write_pdf (store, kind, inspection_id, &options, path, error);
}

/* What a device's QR code holds for an enrollment code. */
char *
aj_admin_enroll_payload (const char *server_url,
                         const char *code)
{
  return server_url ? g_strdup_printf ("anjian:enroll?server=%s&code=%s", server_url, code)
                    : g_strdup_printf ("anjian:enroll?code=%s", code);
}

/* ---- office users ---- */

/* Argon2id as for PINs (see aj-registry.c), with more memory: a password
 * is typed once per session, not at every turn of a shared kiosk. */
#define OFFICE_OPSLIMIT  3
#define OFFICE_MEMLIMIT  (64u * 1024 * 1024)

char *
aj_admin_hash_password (const char *password)
{
  char out[crypto_pwhash_STRBYTES];

  if (crypto_pwhash_str (out, password, strlen (password), OFFICE_OPSLIMIT, OFFICE_MEMLIMIT) != 0)
    g_error ("Cannot hash a password: out of memory");
  return g_strdup (out);
}

gboolean
aj_admin_password_matches (const char *hash,
                           const char *password)
{
  return hash != NULL && g_str_has_prefix (hash, "$argon2id$") && password != NULL &&
         crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

gboolean
aj_admin_add_office_user (AjStore     *store,
                          const char  *name,
                          const char  *display_name,
                          const char  *role,
                          const char  *county,
                          const char  *password,
                          GError     **error)
{
  static const char * const roles[] = { "clerk", "chief", "admin", NULL };
  g_autofree char *now = aj_now_iso8601 ();
  g_autoptr(AjOfficeUser) existing = NULL;
  AjOfficeUser user = { 0 };
  g_autofree char *hash = NULL;

  if (name == NULL || !g_regex_match_simple ("^[A-Za-z0-9._-]{2,64}$", name, 0, 0))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   "A sign-in name is 2 to 64 letters, digits, dots, dashes or underscores");
      return FALSE;
    }
  if (role == NULL || !g_strv_contains (roles, role))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "The role is clerk, chief or admin, not “%s”", role ? role : "");
      return FALSE;
    }
  if (password == NULL || g_utf8_strlen (password, -1) < 12)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, "A password has at least 12 characters");
      return FALSE;
    }
  if ((existing = aj_server_store_get_office_user (store, name)) != NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT, "There is already an office user “%s”", name);
      return FALSE;
    }
  if (sodium_init () < 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, "Cannot initialise libsodium");
      return FALSE;
    }
  hash = aj_admin_hash_password (password);
  user.name = (char *) name;
  user.display_name = (char *) (display_name && *display_name ? display_name : name);
  user.role = (char *) role;
  user.county = (char *) county;
  user.password_hash = hash;
  return aj_server_store_add_office_user (store, &user, now, error);
}
