/* aj-store.c: opening and migrating the database, appending events under the
 * hash chain in the same transaction as their projection, and rebuilding. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <time.h>
#include <gio/gio.h>

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-event-schema.h"
#include "aj-hlc.h"
#include "aj-projection.h"
#include "aj-store.h"
#include "aj-util.h"

struct _AjStore
{
  GObject   parent_instance;

  char     *path;
  sqlite3  *db;
  char     *device_id;
  AjHlc     hlc;
  guint     depth;       /* nesting of begin/commit */
  gboolean  dirty;       /* an event was appended in the open transaction */
  gboolean  checkpoint_due;   /* the last checkpoint could not copy the whole WAL */
  guint     rebuild_chunk;    /* events to a step of a rebuild; 0: REBUILD_CHUNK_EVENTS */
  guint     rebuild_step;     /* steps of the rebuild under way committed so far */
  AjStoreRebuildHook rebuild_hook;
  gpointer  rebuild_hook_data;
};

/* The checkpoint policy, in place of SQLite's automatic one: after a commit
 * leaves the WAL at WAL_CHECKPOINT_PAGES or more, a passive checkpoint; if
 * something still read then (a statement left running by a caller keeps its
 * snapshot), again when the next write transaction begins, when nothing of
 * the last one runs any more, so that the WAL starts over from its first
 * page instead of growing. journal_size_limit gives back what one large
 * transaction made it grow to. */
#define WAL_CHECKPOINT_PAGES  1000
#define WAL_SIZE_LIMIT        16777216   /* 16 MiB */

/* The meta key a projection rebuild keeps its notes under until it is
 * over (aj_store_rebuild_projections). */
#define REBUILD_PENDING "projection.rebuild"

G_DEFINE_FINAL_TYPE (AjStore, aj_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
checkpoint (AjStore *self)
{
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);

  self->checkpoint_due = rc != SQLITE_OK || copied < log;
}

static int
on_wal_commit (void       *data,
               sqlite3    *db,
               const char *name,
               int         pages)
{
  AjStore *self = data;

  if (pages >= WAL_CHECKPOINT_PAGES)
    checkpoint (self);
  return SQLITE_OK;
}

static void
aj_store_finalize (GObject *object)
{
  AjStore *self = (AjStore *) object;

  if (self->db != NULL)
    {
      /* Closed cleanly: the log folded into the database and emptied, so a
       * kiosk that is switched off leaves no large -wal file behind. */
      aj_db_cache_clear (self->db);
      if (self->depth == 0)
        sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
      sqlite3_close_v2 (self->db);
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->device_id, g_free);

  G_OBJECT_CLASS (aj_store_parent_class)->finalize (object);
}

static void
aj_store_class_init (AjStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_store_finalize;

  /* Emitted after a transaction that appended events has been committed. */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
aj_store_init (AjStore *self)
{
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static gboolean
aj_store_migrate (AjStore  *self,
                  GError  **error)
{
  g_auto(GStrv) names = NULL;
  int current = (int) aj_db_query_int (self->db, "PRAGMA user_version", NULL, 0);

  if (current > AJ_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_TOO_NEW,
                   _("The database %s was written by a newer version of Anjian (schema %d, this version knows %d)"),
                   self->path, current, AJ_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  aj_core_resources_ensure ();
  names = g_resources_enumerate_children ("/org/anjian/core/sql", 0, error);
  if (names == NULL)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *resource = g_strconcat ("/org/anjian/core/sql/", names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      int number = atoi (names[i]);

      if (number <= current)
        continue;

      bytes = g_resources_lookup_data (resource, 0, error);
      if (bytes == NULL)
        return FALSE;
      sql = g_strdup_printf ("BEGIN IMMEDIATE;\n%.*s\nPRAGMA user_version = %d;\nCOMMIT;",
                             (int) g_bytes_get_size (bytes),
                             (const char *) g_bytes_get_data (bytes, NULL),
                             number);
      if (!aj_db_exec (self->db, sql, error))
        {
          aj_db_exec (self->db, "ROLLBACK", NULL);
          g_prefix_error (error, _("Cannot upgrade the database to schema %d: "), number);
          return FALSE;
        }
      current = number;
    }
  return TRUE;
}

static AjStore *
open_with_flags (const char  *path,
                 int          mutex_flag,
                 GError     **error)
{
  g_autoptr(AjStore) self = g_object_new (AJ_TYPE_STORE, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  int rc;

  self->path = g_strdup (path);
  g_mkdir_with_parents (dir, 0700);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | mutex_flag,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_DATABASE, _("Cannot open the database %s: %s"),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  /* The first real read tells whether this is a database at all. */
  if (!aj_db_exec (self->db, "PRAGMA journal_mode = WAL", error) ||
      !aj_db_exec (self->db, "PRAGMA synchronous = FULL", error) ||
      !aj_db_exec (self->db, "PRAGMA foreign_keys = ON", error) ||
      !aj_db_exec (self->db, "PRAGMA journal_size_limit = " G_STRINGIFY (WAL_SIZE_LIMIT), error))
    {
      g_prefix_error (error, _("Cannot open the database %s: "), path);
      return NULL;
    }
  sqlite3_wal_hook (self->db, on_wal_commit, self);

  if (!aj_store_migrate (self, error))
    return NULL;

  self->device_id = aj_store_get_meta (self, "device_id");
  if (self->device_id == NULL)
    {
      self->device_id = aj_uuid7_new ();
      if (!aj_store_set_meta (self, "device_id", self->device_id, error))
        return NULL;
    }

  self->hlc.last = aj_db_query_int (self->db, "SELECT max(hlc) FROM events", NULL, 0);

  /* A projection rebuild cut short is done again, whole. */
  {
    g_autofree char *pending = aj_store_get_meta (self, REBUILD_PENDING);

    if (pending != NULL && !aj_store_rebuild_projections (self, error))
      {
        g_prefix_error (error, _("Cannot finish rebuilding the database %s: "), path);
        return NULL;
      }
  }

  return g_steal_pointer (&self);
}

AjStore *
aj_store_open (const char  *path,
               GError     **error)
{
  return open_with_flags (path, SQLITE_OPEN_FULLMUTEX, error);
}

/* A connection that only the calling thread will ever use (a server's
 * worker): SQLite then takes no lock of its own around each call, which
 * is a tenth of reading a page of events. */
AjStore *
aj_store_open_for_thread (const char  *path,
                          GError     **error)
{
  return open_with_flags (path, SQLITE_OPEN_NOMUTEX, error);
}

const char *
aj_store_get_path (AjStore *self)
{
  g_return_val_if_fail (AJ_IS_STORE (self), NULL);
  return self->path;
}

sqlite3 *
aj_store_get_db (AjStore *self)
{
  g_return_val_if_fail (AJ_IS_STORE (self), NULL);
  return self->db;
}

const char *
aj_store_get_device_id (AjStore *self)
{
  g_return_val_if_fail (AJ_IS_STORE (self), NULL);
  return self->device_id;
}

int
aj_store_get_schema_version (AjStore *self)
{
  return (int) aj_db_query_int (self->db, "PRAGMA user_version", NULL, 0);
}

gboolean
aj_store_begin (AjStore  *self,
                GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (AJ_IS_STORE (self), FALSE);

  if (self->depth == 0 && self->checkpoint_due)
    checkpoint (self);
  if (self->depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT aj%u", self->depth);
  if (!aj_db_exec_cached (self->db, sql, error))
    return FALSE;
  if (self->depth == 0)
    self->dirty = FALSE;
  self->depth++;
  return TRUE;
}

gboolean
aj_store_commit (AjStore  *self,
                 GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (AJ_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1)
    sql = g_strdup ("COMMIT");
  else
    sql = g_strdup_printf ("RELEASE aj%u", self->depth - 1);
  if (!aj_db_exec_cached (self->db, sql, error))
    {
      aj_store_rollback (self);
      return FALSE;
    }
  self->depth--;
  if (self->depth == 0 && self->dirty)
    {
      self->dirty = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
  return TRUE;
}

void
aj_store_rollback (AjStore *self)
{
  g_return_if_fail (AJ_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  if (self->depth == 1)
    {
      aj_db_exec (self->db, "ROLLBACK", NULL);
      self->dirty = FALSE;
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO aj%u; RELEASE aj%u",
                                              self->depth - 1, self->depth - 1);
      aj_db_exec (self->db, sql, NULL);
    }
  self->depth--;
}

/* The institution an event concerns: named in its body, or that of the
 * inspection or hazard it is about. Sync sends a device only its scope. */
static char *
event_institution (AjStore       *self,
                   const AjEvent *ev,
                   JsonObject    *parsed)
{
  g_autoptr(JsonObject) body = parsed ? json_object_ref (parsed) : aj_event_parse_body (ev, NULL);
  g_autoptr(AjDbCached) stmt = NULL;
  const char *named = aj_json_get_string (body, "institution");
  char *held;

  if (named != NULL)
    return g_strdup (named);
  held = aj_projection_subject_institution (self->db, ev->subject);
  if (held != NULL)
    return held;
  /* A subject this store holds only as events (e.g. a photo of a subject
   * whose projection row is out of scope): the institution logged with them. */
  stmt = aj_db_cached (self->db,
                        "SELECT institution FROM events WHERE subject = ? AND institution IS NOT NULL LIMIT 1", NULL);
  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, ev->subject);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return aj_db_col_dup (stmt, 0);
  return NULL;
}

char *
aj_store_event_institution (AjStore       *self,
                            const AjEvent *ev)
{
  return event_institution (self, ev, NULL);
}

/* The institution of an inspection or hazard as this store's projection
 * holds it: never what an event says about itself. NULL when unknown. */
char *
aj_store_subject_institution (AjStore    *self,
                              const char *subject)
{
  return aj_projection_subject_institution (self->db, subject);
}

/* The clock of the first event of @type about @subject, or 0 if none. */
gint64
aj_store_first_event_hlc (AjStore    *self,
                          const char *subject,
                          const char *type)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (self->db,
      "SELECT min(hlc) FROM events WHERE subject = ? AND type = ?", NULL);

  if (stmt == NULL)
    return 0;
  aj_db_bind_text (stmt, 1, subject);
  aj_db_bind_text (stmt, 2, type);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

/* @body: the event's body already parsed, or NULL. */
static gboolean
insert_event (AjStore        *self,
              const AjEvent  *ev,
              JsonObject     *body,
              GError        **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (self->db,
      "INSERT INTO events (id, device_id, device_seq, author, hlc, type, subject, body, prev_hash, hash, server_seq, "
      "institution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  g_autofree char *institution = event_institution (self, ev, body);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 12, institution);
  aj_db_bind_text (stmt, 1, ev->id);
  aj_db_bind_text (stmt, 2, ev->device_id);
  sqlite3_bind_int64 (stmt, 3, ev->device_seq);
  aj_db_bind_text (stmt, 4, ev->author);
  sqlite3_bind_int64 (stmt, 5, ev->hlc);
  aj_db_bind_text (stmt, 6, ev->type);
  aj_db_bind_text (stmt, 7, ev->subject);
  aj_db_bind_text (stmt, 8, ev->body);
  aj_db_bind_text (stmt, 9, ev->prev_hash);
  aj_db_bind_text (stmt, 10, ev->hash);
  if (ev->server_seq > 0)
    sqlite3_bind_int64 (stmt, 11, ev->server_seq);
  else
    sqlite3_bind_null (stmt, 11);
  return aj_db_step_done (self->db, stmt, error);
}

/* Appends one event made on this device and applies it to the projections,
 * both or neither. Returns the new event's id. */
char *
aj_store_append (AjStore     *self,
                 const char  *type,
                 const char  *subject,
                 const char  *author,
                 JsonObject  *body,
                 GError     **error)
{
  g_autoptr(AjEvent) ev = aj_event_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(AjDbCached) stmt = NULL;

  g_return_val_if_fail (AJ_IS_STORE (self), NULL);
  g_return_val_if_fail (type != NULL && subject != NULL && author != NULL, NULL);

  /* The same schema the server applies: an event this device makes is one
   * the server will take. */
  if (body != NULL && !aj_event_schema_check (type, body, error))
    return NULL;

  if (!aj_store_begin (self, error))
    return NULL;

  stmt = aj_db_cached (self->db,
                        "SELECT device_seq, hash FROM events WHERE device_id = ? "
                        "ORDER BY device_seq DESC LIMIT 1", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, self->device_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      ev->device_seq = sqlite3_column_int64 (stmt, 0) + 1;
      ev->prev_hash = aj_db_col_dup (stmt, 1);
    }
  else
    {
      ev->device_seq = 1;
      ev->prev_hash = g_strdup (AJ_EVENT_GENESIS_HASH);
    }
  g_clear_pointer (&stmt, aj_db_release);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body ? body : json_object_new ());
  if (body == NULL)
    json_object_unref (json_node_get_object (node));

  ev->id = aj_uuid7_new ();
  ev->device_id = g_strdup (self->device_id);
  ev->author = g_strdup (author);
  ev->hlc = aj_hlc_tick (&self->hlc, aj_now_unix_ms ());
  ev->type = g_strdup (type);
  ev->subject = g_strdup (subject);
  ev->body = aj_json_to_string (node);
  ev->hash = aj_event_compute_hash (ev);

  /* The body is parsed nowhere: the object it was written from serves the
   * institution's lookup and the projection. */
  if (!insert_event (self, ev, json_node_get_object (node), error) ||
      !aj_projection_apply_parsed (self->db, ev, json_node_get_object (node), error))
    goto fail;

  self->dirty = TRUE;
  if (!aj_store_commit (self, error))
    return NULL;
  return g_strdup (ev->id);

fail:
  aj_store_rollback (self);
  return NULL;
}

static AjEvent *
event_from_row (sqlite3_stmt *stmt)
{
  AjEvent *ev = aj_event_new ();

  ev->id = aj_db_col_dup (stmt, 0);
  ev->device_id = aj_db_col_dup (stmt, 1);
  ev->device_seq = sqlite3_column_int64 (stmt, 2);
  ev->author = aj_db_col_dup (stmt, 3);
  ev->hlc = sqlite3_column_int64 (stmt, 4);
  ev->type = aj_db_col_dup (stmt, 5);
  ev->subject = aj_db_col_dup (stmt, 6);
  ev->body = aj_db_col_dup (stmt, 7);
  ev->prev_hash = aj_db_col_dup (stmt, 8);
  ev->hash = aj_db_col_dup (stmt, 9);
  ev->server_seq = sqlite3_column_int64 (stmt, 10);
  /* Pulls add a twelfth column: whether the predecessor is withheld. */
  if (sqlite3_column_count (stmt) > 11 && g_strcmp0 (sqlite3_column_name (stmt, 11), "gap_before") == 0)
    ev->gap_before = sqlite3_column_int (stmt, 11);
  return ev;
}

#define EVENT_COLUMNS "id, device_id, device_seq, author, hlc, type, subject, body, prev_hash, hash, server_seq"
#define EVENT_COLUMNS_OF(t) t ".id, " t ".device_id, " t ".device_seq, " t ".author, " t ".hlc, " t ".type, " \
  t ".subject, " t ".body, " t ".prev_hash, " t ".hash, " t ".server_seq"

static GPtrArray *
read_events (AjStore       *self,
             sqlite3_stmt  *stmt,
             GError       **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (events, event_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (self->db, error, "Cannot read the event log");
      return NULL;
    }
  return g_steal_pointer (&events);
}

static GPtrArray *
list_events (AjStore     *self,
             const char  *sql,
             const char  *arg,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return NULL;
  if (arg != NULL)
    aj_db_bind_text (stmt, 1, arg);
  return read_events (self, stmt, error);
}

/* Events about @subject (or all events when NULL) in the order projections
 * apply them; events the server refused are not among them. */
GPtrArray *
aj_store_list_events (AjStore     *self,
                      const char  *subject,
                      GError     **error)
{
  if (subject == NULL)
    return list_events (self, "SELECT " EVENT_COLUMNS " FROM events WHERE refused_code IS NULL ORDER BY hlc, device_id, id", NULL, error);
  return list_events (self, "SELECT " EVENT_COLUMNS " FROM events WHERE subject = ? AND refused_code IS NULL "
                      "ORDER BY hlc, device_id, id",
                      subject, error);
}

GPtrArray *
aj_store_list_device_events (AjStore     *self,
                             const char  *device_id,
                             GError     **error)
{
  return list_events (self, "SELECT " EVENT_COLUMNS " FROM events WHERE device_id = ? ORDER BY device_seq",
                      device_id, error);
}

gint64
aj_store_count_events (AjStore *self)
{
  return aj_db_query_int (self->db, "SELECT count(*) FROM events", NULL, 0);
}

gint64
aj_store_count_unsynced (AjStore *self)
{
  return aj_db_query_int (self->db, "SELECT count(*) FROM events WHERE server_seq IS NULL AND refused_code IS NULL",
                          NULL, 0);
}

/* Checks one device's chain: sequence numbers without gaps from 1, each
 * event linked to the one before, each digest matching its content. */
gboolean
aj_store_verify_chain (AjStore     *self,
                       const char  *device_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) events = aj_store_list_device_events (self, device_id, error);
  const char *prev = AJ_EVENT_GENESIS_HASH;

  if (events == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *digest = NULL;

      if (ev->device_seq != (gint64) i + 1)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %lld of device %s is missing from the history"),
                       (long long) i + 1, device_id);
          return FALSE;
        }
      if (g_strcmp0 (ev->prev_hash, prev) != 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %lld of device %s does not follow the event before it"),
                       (long long) ev->device_seq, device_id);
          return FALSE;
        }
      digest = aj_event_compute_hash (ev);
      if (g_strcmp0 (digest, ev->hash) != 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %lld of device %s has been altered"),
                       (long long) ev->device_seq, device_id);
          return FALSE;
        }
      prev = ev->hash;
    }
  return TRUE;
}

/* The event in the current row of @stmt (EVENT_COLUMNS), its strings
 * borrowed from the row: valid until the next step, never freed. */
static void
event_in_row (sqlite3_stmt *stmt,
              AjEvent      *ev)
{
  memset (ev, 0, sizeof *ev);
  ev->id = (char *) sqlite3_column_text (stmt, 0);
  ev->device_id = (char *) sqlite3_column_text (stmt, 1);
  ev->device_seq = sqlite3_column_int64 (stmt, 2);
  ev->author = (char *) sqlite3_column_text (stmt, 3);
  ev->hlc = sqlite3_column_int64 (stmt, 4);
  ev->type = (char *) sqlite3_column_text (stmt, 5);
  ev->subject = (char *) sqlite3_column_text (stmt, 6);
  ev->body = (char *) sqlite3_column_text (stmt, 7);
  ev->prev_hash = (char *) sqlite3_column_text (stmt, 8);
  ev->hash = (char *) sqlite3_column_text (stmt, 9);
  ev->server_seq = sqlite3_column_int64 (stmt, 10);
}

/* Replays the whole log into emptied projections. The events are read as
 * they are applied (a year's log does not fit in memory twice over), the
 * tables' secondary indexes and triggers are made once at the end, and the
 * page cache is large enough meanwhile that SQLite need not spill
 * half-built tables into the WAL and read them back.
 *
 * The write-ahead log holds a whole transaction until it commits, and a
 * year's projections are some 100 MiB: the rebuild commits in steps, a
 * chunk of REBUILD_CHUNK_EVENTS events (in the log's order) at a time, then
 * each index, the search index, and last the tally and the triggers, with a
 * checkpoint after each step (on_wal_commit) so that the log starts over
 * from its first page and stays below a few tens of MiB. Between the first
 * step and the last, meta REBUILD_PENDING holds the dropped indexes and
 * triggers: a rebuild cut short (the power, a kill) is done again from the
 * start when the store is next opened, and nothing is lost, since the
 * projections are a function of the events, which the rebuild never
 * writes. The steps in between commit without an fsync of the log
 * (synchronous = NORMAL): the log keeps their order, so the power can only
 * take the last of them, which are done again. The rebuild assumes nothing
 * else writes to the store meanwhile. */
#define REBUILD_CACHE_KIB    131072
#define REBUILD_CHUNK_EVENTS 20000
#define REBUILD_MMAP_BYTES   1073741824

static char *
strings_to_json (GPtrArray *strings)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  json_node_set_array (node, array);
  return aj_json_to_string (node);
}

static GPtrArray *
strings_from_json (const char  *text,
                   GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, error);
  GPtrArray *strings;
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("The interrupted rebuild left damaged notes"));
      return NULL;
    }
  array = json_node_get_array (node);
  strings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (strings, g_strdup (json_array_get_string_element (array, i)));
  return strings;
}

/* A step of the rebuild has been committed. A step that left the log at
 * WAL_CHECKPOINT_PAGES or more was checkpointed as it committed
 * (on_wal_commit), so that the next one writes the log from its first page
 * again; small steps (most indexes) share a checkpoint, each of which costs
 * two fsyncs. Tests with small stores ask for one after every step
 * (aj_store_set_rebuild_hook). */
static gboolean
rebuild_stepped (AjStore *self)
{
  if (self->rebuild_chunk != 0)
    checkpoint (self);
  self->rebuild_step++;
  if (self->rebuild_hook != NULL)
    self->rebuild_hook (self, self->rebuild_step, self->rebuild_hook_data);
  return TRUE;
}

void
aj_store_set_rebuild_hook (AjStore            *self,
                           guint               chunk_events,
                           AjStoreRebuildHook  hook,
                           gpointer            data)
{
  g_return_if_fail (AJ_IS_STORE (self));
  self->rebuild_chunk = chunk_events;
  self->rebuild_hook = hook;
  self->rebuild_hook_data = data;
}

/* One step of a rebuild: @sql in a transaction of its own. */
static gboolean
rebuild_step (AjStore     *self,
              const char  *sql,
              GError     **error)
{
  if (!aj_store_begin (self, error))
    return FALSE;
  if (!aj_db_exec (self->db, sql, error))
    {
      aj_store_rollback (self);
      return FALSE;
    }
  return aj_store_commit (self, error) && rebuild_stepped (self);
}

/* The first step: the indexes and triggers dropped (their SQL kept in
 * meta), the projection tables emptied. Returns the pairs of statements
 * (aj_projection_list_indexes), or NULL. */
static GPtrArray *
rebuild_start (AjStore  *self,
               GError  **error)
{
  g_autoptr(GPtrArray) pairs = NULL;
  g_autofree char *pending = NULL;

  if (!aj_store_begin (self, error))
    return NULL;
  /* A rebuild cut short: its notes, as it left them. */
  pending = aj_store_get_meta (self, REBUILD_PENDING);
  if (pending != NULL)
    pairs = strings_from_json (pending, error);
  else
    {
      g_autofree char *notes = NULL;

      pairs = aj_projection_list_indexes (self->db, error);
      if (pairs != NULL)
        notes = strings_to_json (pairs);
      if (notes != NULL && !aj_store_set_meta (self, REBUILD_PENDING, notes, error))
        g_clear_pointer (&pairs, g_ptr_array_unref);
    }
  if (pairs == NULL)
    goto fail;
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (!aj_db_exec (self->db, g_ptr_array_index (pairs, i), error))
      goto fail;
  for (guint i = 0; aj_projection_tables[i] != NULL; i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s", aj_projection_tables[i]);
      if (!aj_db_exec (self->db, sql, error))
        goto fail;
    }
  if (!aj_store_commit (self, error) || !rebuild_stepped (self))
    return NULL;
  return g_steal_pointer (&pairs);

fail:
  aj_store_rollback (self);
  return NULL;
}

/* The hlc up to which the chunk after @lo goes: REBUILD_CHUNK_EVENTS events
 * or so (every event of the last hlc in it), or G_MAXINT64 for the rest. */
static gint64
rebuild_chunk_end (AjStore *self,
                   gint64   lo)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (self->db,
      "SELECT hlc FROM events WHERE hlc > ? ORDER BY hlc LIMIT 1 OFFSET ?", NULL);

  if (stmt == NULL)
    return G_MAXINT64;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, self->rebuild_chunk ? self->rebuild_chunk : REBUILD_CHUNK_EVENTS);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : G_MAXINT64;
}

/* One chunk of the replay: the events whose hlc is in (@lo, @hi]. The
 * answers and the hazards as found go in by a statement each; the rest one
 * by one, in order. @found: the subjects of the hazard.found events so far. */
static gboolean
rebuild_chunk (AjStore     *self,
               gint64       lo,
               gint64       hi,
               GHashTable  *found,
               GError     **error)
{
  g_autoptr(AjDbCached) stmt = NULL;
  int rc;

  if (!aj_store_begin (self, error))
    return FALSE;
  if (!aj_projection_reapply_answers (self->db, lo, hi, error) ||
      !aj_projection_reapply_found (self->db, lo, hi, error))
    goto fail;
  stmt = aj_db_cached (self->db, "SELECT " EVENT_COLUMNS " FROM events WHERE hlc > ?1 AND hlc <= ?2 "
                       "AND refused_code IS NULL AND type <> 'item.answered' ORDER BY hlc, device_id, id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  /* Every event here was checked when it entered the log. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 5);
      const char *subject = (const char *) sqlite3_column_text (stmt, 6);
      AjEvent ev;

      if (g_strcmp0 (type, "hazard.found") == 0)
        {
          g_hash_table_add (found, g_strdup (subject));
          continue;
        }
      /* Before its hazard was found: one by one it found no hazard. */
      if (g_str_has_prefix (type, "hazard.") && !g_hash_table_contains (found, subject))
        continue;
      event_in_row (stmt, &ev);
      if (!aj_projection_reapply (self->db, &ev, error))
        goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (self->db, error, "Cannot read the event log");
      goto fail;
    }
  g_clear_pointer (&stmt, aj_db_release);
  return aj_store_commit (self, error) && rebuild_stepped (self);

fail:
  g_clear_pointer (&stmt, aj_db_release);
  aj_store_rollback (self);
  return FALSE;
}

/* The last step, durable: the tally, the triggers, the notes struck off. */
static gboolean
rebuild_finish (AjStore    *self,
                GPtrArray  *pairs,
                GError    **error)
{
  if (!aj_db_exec (self->db, "PRAGMA synchronous = FULL", error) ||
      !aj_store_begin (self, error))
    return FALSE;
  if (!aj_projection_rebuild_tally (self->db, error))
    goto fail;
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (g_str_has_prefix (g_ptr_array_index (pairs, i), "DROP TRIGGER") &&
        !aj_db_exec (self->db, g_ptr_array_index (pairs, i + 1), error))
      goto fail;
  if (!aj_store_set_meta (self, REBUILD_PENDING, NULL, error))
    goto fail;
  self->dirty = TRUE;
  return aj_store_commit (self, error) && rebuild_stepped (self);

fail:
  aj_store_rollback (self);
  return FALSE;
}

/* Processor seconds of this process, for the rebuild's debug messages. */
static double
cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gboolean
rebuild (AjStore  *self,
         GError  **error)
{
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 t = g_get_monotonic_time ();
  gint64 lo = G_MININT64, hi;

  g_debug ("rebuild: starts, cpu %.3f", cpu_s ());
  pairs = rebuild_start (self, error);
  if (pairs == NULL)
    return FALSE;
  g_debug ("rebuild: started in %.3f s cpu %.3f", (g_get_monotonic_time () - t) / 1e6, cpu_s ());
  do
    {
      hi = rebuild_chunk_end (self, lo);
      if (!rebuild_chunk (self, lo, hi, found, error))
        return FALSE;
      lo = hi;
    }
  while (hi != G_MAXINT64);
  g_debug ("rebuild: replayed at %.3f s cpu %.3f", (g_get_monotonic_time () - t) / 1e6, cpu_s ());
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (g_str_has_prefix (g_ptr_array_index (pairs, i), "DROP INDEX"))
      {
        if (!rebuild_step (self, g_ptr_array_index (pairs, i + 1), error))
          return FALSE;
        g_debug ("rebuild: %s at %.3f s cpu %.3f", (char *) g_ptr_array_index (pairs, i),
                 (g_get_monotonic_time () - t) / 1e6, cpu_s ());
      }
  if (!aj_store_begin (self, error))
    return FALSE;
  if (!aj_projection_rebuild_search (self->db, error))
    {
      aj_store_rollback (self);
      return FALSE;
    }
  if (!aj_store_commit (self, error) || !rebuild_stepped (self))
    return FALSE;
  g_debug ("rebuild: search index at %.3f s cpu %.3f", (g_get_monotonic_time () - t) / 1e6, cpu_s ());
  if (!rebuild_finish (self, pairs, error))
    return FALSE;
  g_debug ("rebuild: done at %.3f s cpu %.3f", (g_get_monotonic_time () - t) / 1e6, cpu_s ());
  return TRUE;
}

gboolean
aj_store_rebuild_projections (AjStore  *self,
                              GError  **error)
{
  g_autofree char *cache = NULL;
  gint64 cache_size, secure_delete;
  gboolean ok;

  g_return_val_if_fail (AJ_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);

  self->rebuild_step = 0;
  cache_size = aj_db_query_int (self->db, "PRAGMA cache_size", NULL, -2000);
  secure_delete = aj_db_query_int (self->db, "PRAGMA secure_delete", NULL, 1);
  if (!aj_db_exec (self->db, "PRAGMA cache_size = -" G_STRINGIFY (REBUILD_CACHE_KIB), error) ||
      !aj_db_exec (self->db, "PRAGMA synchronous = NORMAL", error) ||
      !aj_db_exec (self->db, "PRAGMA secure_delete = OFF", error) ||
      !aj_db_exec (self->db, "PRAGMA mmap_size = " G_STRINGIFY (REBUILD_MMAP_BYTES), error))
    return FALSE;
  ok = rebuild (self, error);
  aj_db_exec (self->db, "PRAGMA synchronous = FULL", NULL);
  aj_db_exec (self->db, secure_delete ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = OFF", NULL);
  aj_db_exec (self->db, "PRAGMA mmap_size = 0", NULL);
  cache = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  aj_db_exec (self->db, cache, NULL);
  return ok;
}

char *
aj_store_dump_projections (AjStore  *self,
                           GError  **error)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; aj_projection_tables[i] != NULL; i++)
    {
      g_autofree char *dump = aj_db_dump_table (self->db, aj_projection_tables[i], error);
      if (dump == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_printf (out, "== %s\n%s", aj_projection_tables[i], dump);
    }
  return g_string_free (out, FALSE);
}

static char *
get_kv (AjStore    *self,
        const char *table,
        const char *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT value FROM %s WHERE key = ?", table);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db, sql, NULL);

  if (stmt == NULL)
    return NULL;
  aj_db_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return aj_db_col_dup (stmt, 0);
  return NULL;
}

static gboolean
set_kv (AjStore     *self,
        const char  *table,
        const char  *key,
        const char  *value,
        GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (value == NULL)
    sql = g_strdup_printf ("DELETE FROM %s WHERE key = ?", table);
  else
    sql = g_strdup_printf ("INSERT INTO %s (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value", table);
  stmt = aj_db_prepare (self->db, sql, error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, key);
  if (value != NULL)
    aj_db_bind_text (stmt, 2, value);
  return aj_db_step_done (self->db, stmt, error);
}

char *
aj_store_get_local (AjStore    *self,
                    const char *key)
{
  return get_kv (self, "local_state", key);
}

gboolean
aj_store_set_local (AjStore     *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  return set_kv (self, "local_state", key, value, error);
}

char *
aj_store_get_meta (AjStore    *self,
                   const char *key)
{
  return get_kv (self, "meta", key);
}

gboolean
aj_store_set_meta (AjStore     *self,
                   const char  *key,
                   const char  *value,
                   GError     **error)
{
  return set_kv (self, "meta", key, value, error);
}

/* Checks an event received from elsewhere: its digest, and that it follows
 * the event before it of the same device. */
static gboolean
check_remote (AjStore        *self,
              const AjEvent  *ev,
              gboolean        from_device,
              GError        **error)
{
  g_autofree char *digest = aj_event_compute_hash (ev);
  g_autoptr(AjDbCached) stmt = NULL;

  if (g_strcmp0 (digest, ev->hash) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                   _("Event %s does not match its hash"), ev->id);
      return FALSE;
    }
  if (ev->device_seq == 1)
    {
      if (g_strcmp0 (ev->prev_hash, AJ_EVENT_GENESIS_HASH) != 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                       _("Event %s is the first of its device but links to another"), ev->id);
          return FALSE;
        }
      return TRUE;
    }
  stmt = aj_db_cached (self->db, "SELECT hash FROM events WHERE device_id = ? AND device_seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, ev->device_id);
  sqlite3_bind_int64 (stmt, 2, ev->device_seq - 1);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      /* The server vouches that the predecessor is withheld from this
       * device; a device pushing its own chain never has such a gap. */
      if (ev->gap_before && !from_device)
        return TRUE;
      g_set_error (error, AJ_ERROR, AJ_ERROR_GAP,
                   _("Event %lld of device %s arrived before event %lld"),
                   (long long) ev->device_seq, ev->device_id, (long long) ev->device_seq - 1);
      return FALSE;
    }
  if (g_strcmp0 (aj_db_col_text (stmt, 0), ev->prev_hash) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT,
                   _("Event %s does not follow the event before it of its device"), ev->id);
      return FALSE;
    }
  return TRUE;
}

gboolean
aj_store_want_blob (AjStore     *self,
                    const char  *sha256,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db,
      "INSERT OR IGNORE INTO blobs_wanted (sha256, since) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, sha256);
  return aj_db_step_done (self->db, stmt, error);
}

static gboolean
want_blobs (AjStore        *self,
            const AjEvent  *ev,
            GError        **error)
{
  g_autoptr(GPtrArray) blobs = aj_event_blob_refs (ev);

  for (guint i = 0; i < blobs->len; i++)
    if (!aj_store_want_blob (self, g_ptr_array_index (blobs, i), error))
      return FALSE;
  return TRUE;
}

/* The photos still wanted, the least tried first, at most @limit. */
GPtrArray *
aj_store_list_wanted_blobs (AjStore     *self,
                            guint        limit,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db,
      "SELECT sha256 FROM blobs_wanted ORDER BY attempts, since, sha256 LIMIT ?", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, aj_db_col_dup (stmt, 0));
  return g_steal_pointer (&list);
}

/* Records the outcome of one attempt: the row goes only when @message is
 * NULL, i.e. the file is on disk and verified. */
gboolean
aj_store_blob_attempted (AjStore     *self,
                         const char  *sha256,
                         const char  *message,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db, message == NULL ?
      "DELETE FROM blobs_wanted WHERE sha256 = ?1" :
      "UPDATE blobs_wanted SET attempts = attempts + 1, last_error = ?2 WHERE sha256 = ?1", error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, sha256);
  if (message != NULL)
    aj_db_bind_text (stmt, 2, message);
  return aj_db_step_done (self->db, stmt, error);
}

gboolean
aj_store_blob_is_wanted (AjStore    *self,
                         const char *sha256)
{
  return aj_db_query_int (self->db, "SELECT count(*) FROM blobs_wanted WHERE sha256 = ?", sha256, 0) > 0;
}

gint64
aj_store_count_wanted_blobs (AjStore *self)
{
  return aj_db_query_int (self->db, "SELECT count(*) FROM blobs_wanted", NULL, 0);
}

/* Every image the projections name (photos, rectification evidence,
 * signatures), so that a check at start-up can want again what is missing. */
GPtrArray *
aj_store_list_named_blobs (AjStore     *self,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db,
      "SELECT sha256 FROM photos UNION SELECT sha256 FROM signatures WHERE sha256 IS NOT NULL "
      "UNION SELECT value FROM events, json_each(events.body, '$.photos') "
      "WHERE events.type = 'hazard.rectified' AND events.refused_code IS NULL", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (list, aj_db_col_dup (stmt, 0));
  return g_steal_pointer (&list);
}

/* Re-applies every event of one subject in order: used when an event
 * arrives that belongs before events already applied. Every projection row
 * belongs to exactly one subject (an inspection or a hazard). */
static gboolean
rebuild_subject (AjStore     *self,
                 const char  *subject,
                 GError     **error)
{
  g_autoptr(GPtrArray) events = NULL;

  if (!aj_projection_forget_subject (self->db, subject, error))
    return FALSE;
  events = aj_store_list_events (self, subject, error);
  if (events == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    if (!aj_projection_apply (self->db, g_ptr_array_index (events, i), error))
      return FALSE;
  return TRUE;
}

/* Stores an event made on another device (a kiosk's pull) or pushed by a
 * device (the server), once: an event already held with the same digest
 * is a duplicate and changes nothing. With @number_it the event gets the
 * next server sequence number (the server); otherwise it keeps the one it
 * came with (a kiosk). *@server_seq is the number it has afterwards. */
gboolean
aj_store_insert_remote (AjStore        *self,
                        const AjEvent  *event,
                        gboolean        number_it,
                        gboolean       *inserted,
                        gint64         *server_seq,
                        GError        **error)
{
  g_autoptr(AjDbCached) stmt = NULL;
  g_autoptr(AjEvent) ev = aj_event_copy (event);
  gint64 latest;

  if (inserted)
    *inserted = FALSE;
  if (!aj_store_begin (self, error))
    return FALSE;

  stmt = aj_db_cached (self->db, "SELECT hash, server_seq FROM events WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, ev->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 held_seq = sqlite3_column_int64 (stmt, 1);

      if (g_strcmp0 (aj_db_col_text (stmt, 0), ev->hash) != 0)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT,
                       _("Event %s is already held with different content"), ev->id);
          goto fail;
        }
      /* A kiosk learns the number the server gave its own event. */
      if (held_seq == 0 && !number_it && ev->server_seq > 0)
        {
          g_autoptr(sqlite3_stmt) ack = aj_db_prepare (self->db,
                                                       "UPDATE events SET server_seq = ? WHERE id = ?", error);
          if (ack == NULL)
            goto fail;
          sqlite3_bind_int64 (ack, 1, ev->server_seq);
          aj_db_bind_text (ack, 2, ev->id);
          if (!aj_db_step_done (self->db, ack, error))
            goto fail;
          held_seq = ev->server_seq;
        }
      if (server_seq)
        *server_seq = held_seq;
      g_clear_pointer (&stmt, aj_db_release);
      return aj_store_commit (self, error);
    }
  g_clear_pointer (&stmt, aj_db_release);

  stmt = aj_db_cached (self->db, "SELECT id FROM events WHERE device_id = ? AND device_seq = ?", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, ev->device_id);
  sqlite3_bind_int64 (stmt, 2, ev->device_seq);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CONFLICT,
                   _("Device %s has two different events numbered %lld"),
                   ev->device_id, (long long) ev->device_seq);
      goto fail;
    }
  g_clear_pointer (&stmt, aj_db_release);

  if (!check_remote (self, ev, number_it, error))
    goto fail;

  if (number_it)
    /* "IS NOT NULL" lets SQLite use the partial index on server_seq
     * instead of reading every event for every event numbered. */
    ev->server_seq = aj_db_query_int_cached (self->db, "SELECT coalesce(max(server_seq), 0) + 1 FROM events "
                                             "WHERE server_seq IS NOT NULL", NULL, 1);

  /* Whether something later about the same subject was applied already. */
  stmt = aj_db_cached (self->db, "SELECT max(hlc) FROM events WHERE subject = ?", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, ev->subject);
  latest = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  g_clear_pointer (&stmt, aj_db_release);

  if (!insert_event (self, ev, NULL, error))
    goto fail;
  /* A kiosk wants every photo a pulled event names, until it is on disk. */
  if (!number_it && !want_blobs (self, ev, error))
    goto fail;
  if (latest > ev->hlc || (latest == ev->hlc && latest != 0))
    {
      if (!rebuild_subject (self, ev->subject, error))
        goto fail;
    }
  else if (!aj_projection_apply (self->db, ev, error))
    goto fail;

  /* Our clock moves past every time we have seen. */
  aj_hlc_observe (&self->hlc, ev->hlc, aj_now_unix_ms ());

  self->dirty = TRUE;
  if (!aj_store_commit (self, error))
    return FALSE;
  if (inserted)
    *inserted = TRUE;
  if (server_seq)
    *server_seq = ev->server_seq;
  return TRUE;

fail:
  aj_store_rollback (self);
  return FALSE;
}

/* Events of this device that the server has not acknowledged, oldest
 * first, at most @limit of them and about @max_bytes of bodies. */
GPtrArray *
aj_store_list_outbox (AjStore     *self,
                      guint        limit,
                      gsize        max_bytes,
                      GError     **error)
{
  /* Read by the outbox index, one batch at a time: never the whole backlog. */
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db,
      "SELECT " EVENT_COLUMNS " FROM events WHERE server_seq IS NULL AND refused_code IS NULL AND device_id = "
      "(SELECT value FROM meta WHERE key = 'device_id') ORDER BY device_seq LIMIT ?", error);
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *batch;
  gsize bytes = 0;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  all = read_events (self, stmt, error);
  if (all == NULL)
    return NULL;
  batch = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);
  for (guint i = 0; i < all->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (all, i);
      gsize size = strlen (ev->body) + 512;
      if (batch->len > 0 && bytes + size > max_bytes)
        break;
      bytes += size;
      g_ptr_array_add (batch, aj_event_copy (ev));
    }
  return batch;
}

/* A kiosk learns that the server refused one of its events: the event
 * leaves the outbox and the projections (its subject is re-applied without
 * it) and is kept, with the reason, for the person to see. */
gboolean
aj_store_mark_refused (AjStore     *self,
                       const char  *event_id,
                       const char  *code,
                       const char  *message,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *subject = NULL;

  if (!aj_store_begin (self, error))
    return FALSE;
  stmt = aj_db_prepare (self->db,
      "UPDATE events SET refused_code = ?, refused_message = ? WHERE id = ? AND refused_code IS NULL "
      "RETURNING subject", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, code);
  aj_db_bind_text (stmt, 2, message);
  aj_db_bind_text (stmt, 3, event_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    subject = aj_db_col_dup (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (subject != NULL && !rebuild_subject (self, subject, error))
    goto fail;
  if (subject != NULL)
    self->dirty = TRUE;
  return aj_store_commit (self, error);

fail:
  aj_store_rollback (self);
  return FALSE;
}

/* The server keeps an event it refused in its device's chain, so that the
 * device's later events still link to it, but never applies, numbers or
 * serves it. An event held already changes nothing. */
gboolean
aj_store_insert_refused (AjStore        *self,
                         const AjEvent  *ev,
                         const char     *code,
                         const char     *message,
                         GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (aj_db_query_int (self->db, "SELECT count(*) FROM events WHERE id = ?", ev->id, 0) > 0)
    return TRUE;
  if (!aj_store_begin (self, error))
    return FALSE;
  if (!check_remote (self, ev, TRUE, error) || !insert_event (self, ev, NULL, error))
    goto fail;
  stmt = aj_db_prepare (self->db, "UPDATE events SET refused_code = ?, refused_message = ?, server_seq = NULL "
                                  "WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  aj_db_bind_text (stmt, 1, code);
  aj_db_bind_text (stmt, 2, message);
  aj_db_bind_text (stmt, 3, ev->id);
  if (!aj_db_step_done (self->db, stmt, error))
    goto fail;
  return aj_store_commit (self, error);

fail:
  aj_store_rollback (self);
  return FALSE;
}

/* Whether the log holds event @id; if so, its number (0 if none) and, when
 * it was refused, the code and message (both NULL otherwise). */
gboolean
aj_store_lookup_event (AjStore     *self,
                       const char  *id,
                       gint64      *server_seq,
                       char       **refused_code,
                       char       **refused_message)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (self->db,
      "SELECT coalesce(server_seq, 0), refused_code, refused_message FROM events WHERE id = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  if (server_seq)
    *server_seq = sqlite3_column_int64 (stmt, 0);
  if (refused_code)
    *refused_code = aj_db_col_dup (stmt, 1);
  if (refused_message)
    *refused_message = aj_db_col_dup (stmt, 2);
  return TRUE;
}

/* This device's events the server refused, oldest first, each with
 * "code" and "message" in its body's place: see AjRefusedEvent. */
GPtrArray *
aj_store_list_refused (AjStore     *self,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (self->db,
      "SELECT " EVENT_COLUMNS ", refused_code, refused_message FROM events WHERE refused_code IS NOT NULL "
      "ORDER BY device_id, device_seq", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_refused_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AjRefusedEvent *refused = g_new0 (AjRefusedEvent, 1);
      refused->event = event_from_row (stmt);
      refused->code = aj_db_col_dup (stmt, 11);
      refused->message = aj_db_col_dup (stmt, 12);
      g_ptr_array_add (list, refused);
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (self->db, error, "Cannot read the event log");
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
aj_refused_event_free (AjRefusedEvent *refused)
{
  aj_event_free (refused->event);
  g_free (refused->code);
  g_free (refused->message);
  g_free (refused);
}

gboolean
aj_store_mark_acked (AjStore     *self,
                     const char  *event_id,
                     gint64       server_seq,
                     GError     **error)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (self->db,
      "UPDATE events SET server_seq = ? WHERE id = ? AND server_seq IS NULL", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, server_seq);
  aj_db_bind_text (stmt, 2, event_id);
  return aj_db_step_done (self->db, stmt, error);
}

/* Another connection to the same file (the sync thread) may have stored
 * events: the clock must move past them too. */
void
aj_store_refresh_clock (AjStore *self)
{
  gint64 latest = aj_db_query_int (self->db, "SELECT max(hlc) FROM events", NULL, 0);

  if (latest > self->hlc.last)
    self->hlc.last = latest;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The events numbered after @after that @scope may see, in server order.
 * The scope's values are bound parameters: a county name or an institution
 * code never becomes SQL. */
GPtrArray *
aj_store_list_events_in_scope (AjStore        *self,
                               gint64          after,
                               guint           limit,
                               const AjScope  *scope,
                               GError        **error)
{
  return aj_store_list_page (self, after, limit, G_MAXSIZE, scope, NULL, NULL, error);
}

/* A pull page: at most @limit events and about @max_bytes (never fewer than
 * one event), that @scope may see, leaving out @except_device's own (it
 * learns their numbers from the push answers), in server order. */
/* What the office set for all homes of a type (a schedule of rounds) has no
 * institution: every device sees it. */
#define OFFICE_WIDE(t) "OR (" t ".institution IS NULL AND " t ".type = 'schedule.set')"

gboolean
aj_store_visit_page (AjStore        *self,
                     gint64          after,
                     guint           limit,
                     gsize           max_bytes,
                     const AjScope  *scope,
                     const char     *except_device,
                     AjEventVisit    visit,
                     gpointer        data,
                     gboolean       *more,
                     GError        **error)
{
  /* One condition per scope kind, on the institution of the event served
   * (e) and of its predecessor (p). */
  static const char * const conditions[][2] = {
    [AJ_SCOPE_NONE] = { "AND 0", "AND 0" },
    [AJ_SCOPE_ALL] = { "", "" },
    [AJ_SCOPE_COUNTY] = { "AND (e.institution IN (SELECT code FROM institutions WHERE county = :value) " OFFICE_WIDE ("e") ")",
                          "AND (p.institution IN (SELECT code FROM institutions WHERE county = :value) " OFFICE_WIDE ("p") ")" },
    [AJ_SCOPE_INSTITUTIONS] = { "AND (e.institution IN (SELECT value FROM json_each(:value)) " OFFICE_WIDE ("e") ")",
                                "AND (p.institution IN (SELECT value FROM json_each(:value)) " OFFICE_WIDE ("p") ")" },
  };
  /* The statement's text per scope kind, with and without @except_device:
   * made once, not for every pull. */
  static char *texts[G_N_ELEMENTS (conditions)][2];
  AjScopeKind kind = aj_scope_get_kind (scope);
  const char *sql;
  g_autofree char *codes = kind == AJ_SCOPE_INSTITUTIONS ? aj_scope_institutions_json (scope) : NULL;
  g_autoptr(AjDbCached) stmt = NULL;
  gsize bytes = 0;
  guint count = 0;
  int rc;

  if (g_once_init_enter (&texts[kind][except_device != NULL]))
    /* gap_before: the event before this one in its device's chain will not
     * be served to this device (refused, or outside its scope), so the
     * device can tell that absence from a gap in what it holds. */
    g_once_init_leave (&texts[kind][except_device != NULL], g_strdup_printf (
        "SELECT " EVENT_COLUMNS_OF ("e") ", e.device_seq > 1 AND NOT EXISTS (SELECT 1 FROM events p "
        "  WHERE p.device_id = e.device_id AND p.device_seq = e.device_seq - 1 AND p.server_seq IS NOT NULL %s) AS gap_before "
        "FROM events e WHERE e.server_seq > :after %s %s ORDER BY e.server_seq LIMIT :limit",
        conditions[kind][1], conditions[kind][0], except_device ? "AND e.device_id <> :me" : ""));
  sql = texts[kind][except_device != NULL];
  /* Cached: a server answers this for every pull. */
  stmt = aj_db_cached (self->db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":after"), after);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), (gint64) limit + 1);
  if (kind == AJ_SCOPE_COUNTY || kind == AJ_SCOPE_INSTITUTIONS)
    aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":value"),
                     kind == AJ_SCOPE_COUNTY ? aj_scope_get_county (scope) : codes);
  if (except_device != NULL)
    aj_db_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":me"), except_device);
  if (more)
    *more = FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* The row's own text, not copied: valid until the next step. */
      AjEvent ev = {
        .id = (char *) sqlite3_column_text (stmt, 0),
        .device_id = (char *) sqlite3_column_text (stmt, 1),
        .device_seq = sqlite3_column_int64 (stmt, 2),
        .author = (char *) sqlite3_column_text (stmt, 3),
        .hlc = sqlite3_column_int64 (stmt, 4),
        .type = (char *) sqlite3_column_text (stmt, 5),
        .subject = (char *) sqlite3_column_text (stmt, 6),
        .body = (char *) sqlite3_column_text (stmt, 7),
        .prev_hash = (char *) sqlite3_column_text (stmt, 8),
        .hash = (char *) sqlite3_column_text (stmt, 9),
        .server_seq = sqlite3_column_int64 (stmt, 10),
        .gap_before = sqlite3_column_int (stmt, 11),
      };
      gsize size = (gsize) sqlite3_column_bytes (stmt, 7) + 512;

      /* One row past the page, or past its bytes (never fewer than one
       * event): there is more. */
      if (count == limit || (count > 0 && bytes + size > max_bytes))
        {
          if (more)
            *more = TRUE;
          break;
        }
      bytes += size;
      count++;
      visit (&ev, data);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      aj_db_set_error (self->db, error, "Cannot read the event log");
      return FALSE;
    }
  return TRUE;
}

static void
add_copy (const AjEvent *ev,
          gpointer       data)
{
  g_ptr_array_add (data, aj_event_copy (ev));
}

GPtrArray *
aj_store_list_page (AjStore        *self,
                    gint64          after,
                    guint           limit,
                    gsize           max_bytes,
                    const AjScope  *scope,
                    const char     *except_device,
                    gboolean       *more,
                    GError        **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);

  if (!aj_store_visit_page (self, after, limit, max_bytes, scope, except_device, add_copy, events, more, error))
    return NULL;
  return g_steal_pointer (&events);
}
