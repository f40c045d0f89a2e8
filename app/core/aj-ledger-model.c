/* aj-ledger-model.c: the ledger as a list that reads what is shown. The
 * filter becomes one WHERE clause; the count is one count(*); rows come in
 * pages of PAGE_SIZE by LIMIT/OFFSET in the order of the hazards_ledger_order
 * index, so a page at any depth is an index walk, never a sort of the whole
 * ledger. Only a few pages are kept; a store change re-counts and drops them. */
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
  guint       n_items;
  GHashTable *pages;      /* page number -> GPtrArray of AjHazard */
};

static void list_model_iface_init (GListModelInterface *iface);

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
    /* aj_lifecycle_days_overdue () > 0, for the ISO dates the sheet accepts. */
    g_string_append_printf (where, " AND (h.status IN ('closed', 'withdrawn')) < 1 AND h.deadline <> '' "
                            "AND h.deadline < ?%u", add_arg (args, g_strdup (today)));
  if (filter->query != NULL && *filter->query != '\0')
    {
      guint like = add_arg (args, like_pattern (filter->query));

      g_string_append (where, " AND (");
      if (g_utf8_strlen (filter->query, -1) >= 3)
        g_string_append_printf (where, "h.rowid IN (SELECT rowid FROM hazards_fts WHERE hazards_fts MATCH ?%u)",
                                add_arg (args, fts_phrase (filter->query)));
      else
        /* Trigrams cannot find one or two characters: read the columns. */
        g_string_append_printf (where, "h.number LIKE ?%u ESCAPE '\\' OR h.description LIKE ?%u ESCAPE '\\' "
                                "OR h.location LIKE ?%u ESCAPE '\\' OR h.responsible LIKE ?%u ESCAPE '\\'",
                                like, like, like, like);
      g_string_append_printf (where, " OR h.institution IN (SELECT code FROM institutions WHERE name LIKE ?%u "
                              "ESCAPE '\\'))", like);
    }
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

static guint
count_where (AjStore    *store,
             GString    *where,
             GPtrArray  *args,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (store, "SELECT count(*) FROM hazards h", where, args, "", error);

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      aj_db_set_error (aj_store_get_db (store), error, "count hazards");
      return 0;
    }
  return (guint) sqlite3_column_int64 (stmt, 0);
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

  build_where (filter, today, where, args);
  return count_where (store, where, args, error);
}

static GPtrArray *
load_page (AjLedgerModel *self,
           guint          page)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tail = g_strdup_printf (AJ_HAZARD_LEDGER_ORDER " LIMIT %d OFFSET %u", PAGE_SIZE, page * PAGE_SIZE);
  g_autoptr(sqlite3_stmt) stmt = prepare (self->store, AJ_HAZARD_SELECT, self->where, self->args, tail, &error);
  GPtrArray *rows = g_ptr_array_new_full (PAGE_SIZE, g_object_unref);

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
  /* Shorter than counted only if the store changed and reload () is due. */
  if (position % PAGE_SIZE >= rows->len)
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

  g_clear_object (&self->store);
  g_string_free (self->where, TRUE);
  g_ptr_array_unref (self->args);
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
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

/* Every hazard, until a filter is set. */
AjLedgerModel *
aj_ledger_model_new (AjStore *store)
{
  AjLedgerModel *self = g_object_new (AJ_TYPE_LEDGER_MODEL, NULL);

  self->store = g_object_ref (store);
  self->n_items = count_where (store, self->where, self->args, NULL);
  return self;
}

/* Shows what @filter lets through (NULL: everything); @today decides what is overdue. */
void
aj_ledger_model_set_filter (AjLedgerModel        *self,
                            const AjLedgerFilter *filter,
                            const char           *today)
{
  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));

  build_where (filter, today, self->where, self->args);
  aj_ledger_model_reload (self);
}

/* After the store changed: counts again and forgets the pages read, so only
 * the rows shown are read again. */
void
aj_ledger_model_reload (AjLedgerModel *self)
{
  guint before = self->n_items;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AJ_IS_LEDGER_MODEL (self));

  g_hash_table_remove_all (self->pages);
  self->n_items = count_where (self->store, self->where, self->args, &error);
  if (error != NULL)
    g_warning ("The ledger cannot be counted: %s", error->message);
  if (before > 0 || self->n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, before, self->n_items);
}
