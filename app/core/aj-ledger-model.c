/* aj-ledger-model.c: the ledger as a list that reads what is shown. The
 * filter becomes one WHERE clause. Without a search, the count comes from
 * the hazard tally when the filter allows (one row per institution, status
 * and deadline day) or else one count(*), and rows come in pages of
 * PAGE_SIZE by LIMIT/OFFSET along the hazards_ledger_order index: what one
 * screen costs, however long the ledger. A search walks that index once,
 * keeping the rowids of the matches in order (8 bytes each, no sort however
 * many match), and pages are read by rowid. Only a few pages are kept; a
 * store change counts again and drops them. */
#include "config.h"

#include <string.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-hazard-private.h"
#include "aj-ledger-model.h"

#define PAGE_SIZE 100
#define MAX_PAGES 8

struct _AjLedgerModel
{
  GObject     parent_instance;

  AjStore    *store;
  GString    *where;      /* " WHERE …", the filter in SQL */
  GPtrArray  *args;       /* its parameters, bound as ?1, ?2, … */
  gboolean    search;     /* a free-text search is part of the filter */
  GString    *tally;      /* the count from hazard_tally, or "" if the filter needs count(*) */
  GPtrArray  *tally_args;
  guint       n_items;
  GArray     *rowids;     /* gint64, in a search: the hazards shown, in order */
  char       *query;      /* the search, or NULL */
  GArray     *order;      /* gint64: every hazard under the filter but the search, in order, or NULL */
  char       *order_key;  /* the filter it was read under: where and arguments */
  gint64      order_version;  /* the database's data_version then */
  gulong      changed_id;
  GHashTable *pages;      /* page number -> GPtrArray of AjHazard (or NULL: gone since) */
};

static void list_model_iface_init (GListModelInterface *iface);
static void reload (AjLedgerModel *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (AjLedgerModel, aj_ledger_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* A LIKE pattern that finds @text anywhere, with its % _ and \ taken literally. */
static char *
like_pattern (const char *text)
{
  GString *out = g_string_new ("%");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (out, FALSE);
}

/* An FTS5 phrase: the text in double quotes, its own quotes doubled. With
 * the trigram tokenizer a phrase matches any substring of a column. */
static char *
fts_phrase (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\"", -1);
  g_autofree char *inner = g_strjoinv ("\"\"", parts);

  return g_strconcat ("\"", inner, "\"", NULL);
}

static guint
add_arg (GPtrArray *args,
         char      *value)
{
  g_ptr_array_add (args, value);
  return args->len;
}

/* The filter as SQL over `hazards h`. Every value is a bound parameter. */
static void
build_where (const AjLedgerFilter *filter,
             const char           *today,
             gboolean              with_query,
             GString              *where,
             GPtrArray            *args)
{
  g_string_assign (where, " WHERE 1");
  g_ptr_array_set_size (args, 0);
  if (filter == NULL)
    return;
  if (filter->status != NULL)
    {
      /* The index's first expression as a range (an equality would make
       * SQLite sort again), so that it bounds the walk in the index's order. */
      if (g_str_equal (filter->status, "open"))
        g_string_append (where, " AND (h.status IN ('closed', 'withdrawn')) < 1");
      else
        g_string_append_printf (where, " AND h.status = ?%u", add_arg (args, g_strdup (filter->status)));
    }
  if (filter->risk_level != NULL)
    g_string_append_printf (where, " AND h.risk_level = ?%u", add_arg (args, g_strdup (filter->risk_level)));
  if (filter->institution != NULL)
    g_string_append_printf (where, " AND h.institution = ?%u", add_arg (args, g_strdup (filter->institution)));
  if (filter->overdue_only)
    /* aj_lifecycle_days_overdue () > 0, for the ISO dates the sheet accepts:
     * not rectified by the deadline. */
    g_string_append_printf (where, " AND (h.status IN ('closed', 'withdrawn')) < 1 AND h.deadline <> '' "
                            "AND h.deadline < ?%u AND " AJ_HAZARD_NOT_RECTIFIED ("h.status"),
                            add_arg (args, g_strdup (today)));
  if (with_query && filter->query != NULL && *filter->query != '\0')
    {
      guint like = add_arg (args, like_pattern (filter->query));

      /* One set of rowids, tested from the index alone as it is walked. */
      if (g_utf8_strlen (filter->query, -1) >= 3)
        g_string_append_printf (where, " AND h.rowid IN (SELECT rowid FROM hazards_fts WHERE hazards_fts MATCH ?%u",
                                add_arg (args, fts_phrase (filter->query)));
      else
        /* Trigrams cannot find one or two characters: read the columns. */
        g_string_append_printf (where, " AND h.rowid IN (SELECT rowid FROM hazards WHERE number LIKE ?%u ESCAPE '\\' "
                                "OR description LIKE ?%u ESCAPE '\\' OR location LIKE ?%u ESCAPE '\\' "
                                "OR responsible LIKE ?%u ESCAPE '\\'", like, like, like, like);
      g_string_append_printf (where, " UNION ALL SELECT rowid FROM hazards WHERE institution IN "
                              "(SELECT code FROM institutions WHERE name LIKE ?%u ESCAPE '\\'))", like);
    }
}

/* The count as a sum over hazard_tally (data/sql/0014-ledger-search.sql),
 * which holds the hazards not struck off by institution, status, grade and
 * deadline: possible unless the filter takes in closed or withdrawn hazards,
 * a risk level or a search. Leaves @sql empty otherwise. */
static void
build_tally (const AjLedgerFilter *filter,
             const char           *today,
             GString              *sql,
             GPtrArray            *args)
{
  g_string_truncate (sql, 0);
  g_ptr_array_set_size (args, 0);
  if (filter == NULL || filter->status == NULL || filter->risk_level != NULL ||
      (filter->query != NULL && *filter->query != '\0') ||
      g_str_equal (filter->status, "closed") || g_str_equal (filter->status, "withdrawn"))
    return;
  g_string_append (sql, "SELECT coalesce (sum (n), 0) FROM hazard_tally h WHERE 1");
  if (!g_str_equal (filter->status, "open"))
    g_string_append_printf (sql, " AND status = ?%u", add_arg (args, g_strdup (filter->status)));
  if (filter->institution != NULL)
    g_string_append_printf (sql, " AND institution = ?%u", add_arg (args, g_strdup (filter->institution)));
  if (filter->overdue_only)
    g_string_append_printf (sql, " AND deadline <> '' AND deadline < ?%u AND " AJ_HAZARD_NOT_RECTIFIED ("status"),
                            add_arg (args, g_strdup (today)));
}

static sqlite3_stmt *
prepare (AjStore    *store,
         const char *head,
         GString    *where,
         GPtrArray  *args,
         const char *tail,
         GError    **error)
{
  g_autofree char *sql = g_strconcat (head, where->str, tail, NULL);
  sqlite3_stmt *stmt = aj_db_prepare (aj_store_get_db (store), sql, error);

  for (guint i = 0; stmt != NULL && i < args->len; i++)
    aj_db_bind_text (stmt, i + 1, g_ptr_array_index (args, i));
  return stmt;
}

/* The one number that @head (with @where and its @args) selects. */
static guint
count_sql (AjStore    *store,
           const char *head,
           GString    *where,
           GPtrArray  *args,
           GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, head, where, args, "", error);

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      aj_db_set_error (aj_store_get_db (store), error, "count hazards");
      return 0;
    }
  return (guint) sqlite3_column_int64 (stmt, 0);
}

static guint
count_where (AjStore    *store,
             GString    *where,
             GPtrArray  *args,
             GError    **error)
{
  return count_sql (store, "SELECT count(*) FROM hazards h", where, args, error);
}

/* How many hazards @filter lets through, without reading them. */
guint
aj_ledger_model_count (AjStore              *store,
                       const AjLedgerFilter *filter,
                       const char           *today,
                       GError              **error)
{
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  build_where (filter, today, TRUE, where, args);
  return count_where (store, where, args, error);
}

static void
unref_hazard (gpointer hazard)
{
  if (hazard != NULL)
    g_object_unref (hazard);
}

/* A page of a search, by the rowids read in reload (). */
static GPtrArray *
load_page_by_rowid (AjLedgerModel *self,
                    guint          page)
{
  g_autoptr(AjDbCached) stmt = aj_db_cached (aj_store_get_db (self->store), AJ_HAZARD_SELECT "WHERE h.rowid = ?", NULL);
  GPtrArray *rows = g_ptr_array_new_full (PAGE_SIZE, unref_hazard);

  for (guint i = page * PAGE_SIZE; stmt != NULL && i < MIN ((page + 1) * PAGE_SIZE, self->rowids->len); i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, g_array_index (self->rowids, gint64, i));
      /* NULL for a hazard gone since the rowids were read; reload () is due. */
      g_ptr_array_add (rows, sqlite3_step (stmt) == SQLITE_ROW ? aj_hazard_new_from_row (stmt) : NULL);
    }
  return rows;
}

static GPtrArray *
load_page (AjLedgerModel *self,
           guint          page)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GPtrArray *rows;

  if (self->search)
    return load_page_by_rowid (self, page);
  rows = g_ptr_array_new_full (PAGE_SIZE, unref_hazard);
  tail = g_strdup_printf (AJ_HAZARD_LEDGER_ORDER " LIMIT %d OFFSET %u", PAGE_SIZE, page * PAGE_SIZE);
  stmt = prepare (self->store, AJ_HAZARD_SELECT, self->where, self->args, tail, &error);
  if (stmt == NULL)
    {
      g_warning ("The ledger cannot be read: %s", error->message);
      return rows;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, aj_hazard_new_from_row (stmt));
  return rows;
}

static GType
get_item_type (GListModel *model)
{
  return AJ_TYPE_HAZARD;
}

static guint
get_n_items (GListModel *model)
{
  return AJ_LEDGER_MODEL (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  AjLedgerModel *self = AJ_LEDGER_MODEL (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *rows;

  if (position >= self->n_items)
    return NULL;
  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows == NULL)
    {
      /* A list view asks for the rows around what is shown: a few pages do. */
      if (g_hash_table_size (self->pages) >= MAX_PAGES)
        g_hash_table_remove_all (self->pages);
      rows = load_page (self, page);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
    }
  if (position % PAGE_SIZE >= rows->len || g_ptr_array_index (rows, position % PAGE_SIZE) == NULL)
    return NULL;
  return g_object_ref (g_ptr_array_index (rows, position % PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
aj_ledger_model_finalize (GObject *object)
{
  AjLedgerModel *self = AJ_LEDGER_MODEL (object);

  if (self->changed_id != 0)
    g_signal_handler_disconnect (self->store, self->changed_id);
  g_clear_object (&self->store);
  g_clear_pointer (&self->order, g_array_unref);
  g_free (self->order_key);
  g_string_free (self->where, TRUE);
  g_ptr_array_unref (self->args);
  g_array_unref (self->rowids);
  g_free (self->query);
  g_string_free (self->tally, TRUE);
  g_ptr_array_unref (self->tally_args);
  g_hash_table_unref (self->pages);
  G_OBJECT_CLASS (aj_ledger_model_parent_class)->finalize (object);
}

static void
aj_ledger_model_class_init (AjLedgerModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aj_ledger_model_finalize;
}

static void
aj_ledger_model_init (AjLedgerModel *self)
{
  self->where = g_string_new (" WHERE 1");
  self->args = g_ptr_array_new_with_free_func (g_free);
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->tally = g_string_new (NULL);
  self->tally_args = g_ptr_array_new_with_free_func (g_free);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

/* The order kept for searches is stale once anything is recorded. */
static void
forget_order (AjLedgerModel *self)
{
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->order_key, g_free);
}

/* The store changed: nothing read ahead is used again (the next
 * aj_ledger_model_set_filter reads what it needs). */
void
aj_ledger_model_forget (AjLedgerModel *self)
{
  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));
  forget_order (self);
}

/* The hazards @filter lets through (NULL: every one); @today decides what
 * is overdue. */
AjLedgerModel *
aj_ledger_model_new (AjStore              *store,
                     const AjLedgerFilter *filter,
                     const char           *today)
{
  AjLedgerModel *self = g_object_new (AJ_TYPE_LEDGER_MODEL, NULL);

  self->store = g_object_ref (store);
  self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (forget_order), self);
  aj_ledger_model_set_filter (self, filter, today);
  return self;
}

/* Shows what @filter lets through (NULL: everything); @today decides what is overdue. */
void
aj_ledger_model_set_filter (AjLedgerModel        *self,
                            const AjLedgerFilter *filter,
                            const char           *today)
{
  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));

  self->search = filter != NULL && filter->query != NULL && *filter->query != '\0';
  /* A search's matches are read apart (read_rowids). */
  build_where (filter, today, !self->search, self->where, self->args);
  build_tally (filter, today, self->tally, self->tally_args);
  g_clear_pointer (&self->query, g_free);
  if (self->search)
    self->query = g_strdup (filter->query);
  reload (self);
}

static int
compare_rowids (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Appends the rowids that @stmt selects. */
static gboolean
step_rowids (sqlite3       *db,
             sqlite3_stmt  *stmt,
             GArray        *into,
             GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (into, rowid);
    }
  if (rc != SQLITE_DONE)
    {
      aj_db_set_error (db, error, "read the ledger");
      return FALSE;
    }
  return TRUE;
}

/* Appends the rowids that @sql (over the one parameter @arg) selects. */
static gboolean
collect_rowids (sqlite3     *db,
                const char  *sql,
                const char  *arg,
                GArray      *into,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  aj_db_bind_text (stmt, 1, arg);
  return step_rowids (db, stmt, into, error);
}

/* The hazards a search finds, sorted by rowid: through the trigram index
 * (or, for one or two characters, which trigrams cannot find, the
 * columns), and those of the institutions whose name has the text. */
static GArray *
search_matches (AjLedgerModel  *self,
                GError        **error)
{
  sqlite3 *db = aj_store_get_db (self->store);
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *like = like_pattern (self->query);
  g_autofree char *phrase = fts_phrase (self->query);
  gboolean ok;

  if (g_utf8_strlen (self->query, -1) >= 3)
    ok = collect_rowids (db, "SELECT rowid FROM hazards_fts WHERE hazards_fts MATCH ?1", phrase, matches, error);
  else
    ok = collect_rowids (db, "SELECT rowid FROM hazards WHERE number LIKE ?1 ESCAPE '\\' "
                         "OR description LIKE ?1 ESCAPE '\\' OR location LIKE ?1 ESCAPE '\\' "
                         "OR responsible LIKE ?1 ESCAPE '\\'", like, matches, error);
  if (!ok || !collect_rowids (db, "SELECT rowid FROM hazards WHERE institution IN "
                              "(SELECT code FROM institutions WHERE name LIKE ?1 ESCAPE '\\')", like, matches, error))
    return NULL;
  g_array_sort (matches, compare_rowids);
  return g_steal_pointer (&matches);
}

static char *
order_key (AjLedgerModel *self)
{
  GString *key = g_string_new (self->where->str);

  for (guint i = 0; i < self->args->len; i++)
    g_string_append_printf (key, "\x1f%s", (char *) g_ptr_array_index (self->args, i));
  return g_string_free (key, FALSE);
}

/* Every hazard under the filter but the search, in the ledger's order: one
 * walk of the order index, kept for the next keystrokes until the filter
 * changes or anything is written (here: the store's changed signal; by
 * another connection, a sync: SQLite's data_version). */
static GArray *
read_order (AjLedgerModel  *self,
            GError        **error)
{
  sqlite3 *db = aj_store_get_db (self->store);
  g_autofree char *key = order_key (self);
  gint64 version = aj_db_query_int (db, "PRAGMA data_version", NULL, -1);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) order = NULL;

  if (self->order != NULL && g_strcmp0 (key, self->order_key) == 0 && version == self->order_version)
    return self->order;
  forget_order (self);
  stmt = prepare (self->store, "SELECT h.rowid FROM hazards h INDEXED BY hazards_ledger_order",
                  self->where, self->args, AJ_HAZARD_LEDGER_ORDER, error);
  if (stmt == NULL)
    return NULL;
  order = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!step_rowids (db, stmt, order, error))
    return NULL;
  self->order = g_steal_pointer (&order);
  self->order_key = g_steal_pointer (&key);
  self->order_version = version;
  return self->order;
}

/* Reads ahead, when the page has nothing else to do, the order a search
 * under the present filter will keep its matches in: the first keystroke
 * then costs what the later ones do. */
void
aj_ledger_model_prepare_search (AjLedgerModel *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));
  if (!self->search && read_order (self, &error) == NULL)
    g_warning ("The ledger cannot be read: %s", error->message);
}

/* A search's matches, in the ledger's order: the set of matches read once
 * (the search index gives them in no useful order), then the hazards under
 * the other filters in order (read_order) are kept if they are in the set,
 * tested by bisection: no sort, however many match, and no temporary table. */
static gboolean
read_rowids (AjLedgerModel  *self,
             GError        **error)
{
  g_autoptr(GArray) matches = search_matches (self, error);
  GArray *order;

  if (matches == NULL)
    return FALSE;
  if (matches->len == 0)
    return TRUE;
  order = read_order (self, error);
  if (order == NULL)
    return FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      gint64 rowid = g_array_index (order, gint64, i);
      guint lo = 0, hi = matches->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (g_array_index (matches, gint64, mid) < rowid)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < matches->len && g_array_index (matches, gint64, lo) == rowid)
        g_array_append_val (self->rowids, rowid);
    }
  return TRUE;
}

static guint
count (AjLedgerModel  *self,
       GError        **error)
{
  if (self->tally->len > 0)
    {
      g_autoptr(GString) none = g_string_new ("");
      return count_sql (self->store, self->tally->str, none, self->tally_args, error);
    }
  return count_where (self->store, self->where, self->args, error);
}

/* After the store changed: counts (or, in a search, reads which hazards
 * match) again and forgets the pages read, so only the rows shown are read
 * again. */
void
aj_ledger_model_reload (AjLedgerModel *self)
{
  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));

  forget_order (self);
  reload (self);
}

static void
reload (AjLedgerModel *self)
{
  guint before;
  g_autoptr(GError) error = NULL;

  before = self->n_items;
  g_hash_table_remove_all (self->pages);
  g_array_set_size (self->rowids, 0);
  if (self->search)
    {
      if (!read_rowids (self, &error))
        g_warning ("The ledger cannot be read: %s", error->message);
      self->n_items = self->rowids->len;
    }
  else
    {
      self->n_items = count (self, &error);
      if (error != NULL)
        g_warning ("The ledger cannot be counted: %s", error->message);
    }
  if (before > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, before, self->n_items);
}
