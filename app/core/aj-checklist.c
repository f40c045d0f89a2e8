/* aj-checklist.c: loading checklist templates. A broken file is reported with
 * its name, the line of the offending part and the reason; the others still load. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <json-glib/json-glib.h>

#include "aj-checklist.h"
#include "aj-error.h"
#include "aj-util.h"

struct _AjChecklist
{
  GObject    parent_instance;

  char      *id;
  int        version;
  char      *title_zh;
  char      *title_en;
  GStrv      institution_types;
  GPtrArray *categories;
  GPtrArray *items;
  GPtrArray *older;   /* earlier versions of the same template, kept for what was recorded under them */
};

G_DEFINE_FINAL_TYPE (AjChecklist, aj_checklist, G_TYPE_OBJECT)

static void
category_free (AjChecklistCategory *c)
{
  g_free (c->code);
  g_free (c->name_zh);
  g_free (c->name_en);
  g_free (c);
}

static void
item_free (AjChecklistItem *i)
{
  /* parse_template () leaves NULL in the slots of the items it reordered. */
  if (i == NULL)
    return;
  g_free (i->code);
  g_free (i->category);
  g_free (i->question_zh);
  g_free (i->question_en);
  g_free (i->how_zh);
  g_free (i->how_en);
  g_free (i->basis_zh);
  g_free (i->basis_en);
  g_free (i->criterion);
  for (guint c = 0; c < i->n_citations; c++)
    {
      g_free (i->citations[c].ref);
      g_free (i->citations[c].clause);
    }
  g_free (i->citations);
  g_free (i);
}

static void
aj_checklist_finalize (GObject *object)
{
  AjChecklist *self = (AjChecklist *) object;

  g_free (self->id);
  g_free (self->title_zh);
  g_free (self->title_en);
  g_strfreev (self->institution_types);
  g_ptr_array_unref (self->categories);
  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->older);

  G_OBJECT_CLASS (aj_checklist_parent_class)->finalize (object);
}

static void
aj_checklist_class_init (AjChecklistClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aj_checklist_finalize;
}

static void
aj_checklist_init (AjChecklist *self)
{
  self->categories = g_ptr_array_new_with_free_func ((GDestroyNotify) category_free);
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->older = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Where each object starts in the file, recorded while parsing, because
 * json-glib keeps no positions in the tree it builds. */
typedef struct
{
  GArray     *stack;
  GHashTable *lines;  /* JsonObject* -> line */
} LineMap;

static void
on_object_start (JsonParser *parser,
                 LineMap    *map)
{
  guint line = json_parser_get_current_line (parser);
  g_array_append_val (map->stack, line);
}

static void
on_object_end (JsonParser *parser,
               JsonObject *object,
               LineMap    *map)
{
  guint line = 0;

  if (map->stack->len > 0)
    {
      line = g_array_index (map->stack, guint, map->stack->len - 1);
      g_array_set_size (map->stack, map->stack->len - 1);
    }
  g_hash_table_insert (map->lines, object, GUINT_TO_POINTER (line));
}

static guint
line_of (LineMap    *map,
         JsonObject *object)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (map->lines, object));
}

typedef struct
{
  const char *name;
  LineMap    *map;
  GError    **error;
} Ctx;

static gboolean G_GNUC_PRINTF (3, 4)
fail (Ctx        *ctx,
      JsonObject *where,
      const char *format,
      ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (ctx->error, AJ_ERROR, AJ_ERROR_INVALID, _("%s:%u: %s"),
               ctx->name, where ? line_of (ctx->map, where) : 1, reason);
  return FALSE;
}

static gboolean
get_text (Ctx         *ctx,
          JsonObject  *object,
          const char  *member,
          const char  *what,
          char       **out)
{
  const char *value = aj_json_get_string (object, member);

  if (value == NULL)
    return fail (ctx, object, "%s: “%s” is missing or not a string", what, member);
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (value));
    if (*trimmed == '\0')
      return fail (ctx, object, "%s: “%s” is empty", what, member);
  }
  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_i18n (Ctx         *ctx,
          JsonObject  *object,
          const char  *member,
          const char  *what,
          char       **zh,
          char       **en)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *texts;
  g_autofree char *zh_name = g_strdup_printf ("%s.zh", member);
  g_autofree char *en_name = g_strdup_printf ("%s.en", member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, object, "%s: “%s” must be an object with “zh” and “en”", what, member);
  texts = json_node_get_object (node);
  if (aj_json_get_string (texts, "zh") == NULL || *aj_json_get_string (texts, "zh") == '\0')
    return fail (ctx, object, "%s: “%s” is missing or empty", what, zh_name);
  if (aj_json_get_string (texts, "en") == NULL || *aj_json_get_string (texts, "en") == '\0')
    return fail (ctx, object, "%s: “%s” is missing or empty", what, en_name);
  *zh = g_strdup (aj_json_get_string (texts, "zh"));
  *en = g_strdup (aj_json_get_string (texts, "en"));
  return TRUE;
}

static gboolean
get_bool (Ctx        *ctx,
          JsonObject *object,
          const char *member,
          const char *what,
          gboolean   *out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (ctx, object, "%s: “%s” must be true or false", what, member);
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* "refs": [{"ref": ID, "clause": TEXT?, "analogy": BOOL?}, …] citing the
 * built-in reference list; the basis texts are made from it. */
static gboolean
get_citations (Ctx             *ctx,
               JsonObject      *object,
               const char      *what,
               AjChecklistItem *item)
{
  JsonNode *node = json_object_get_member (object, "refs");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return fail (ctx, object, "%s: “refs” must be a non-empty list", what);
  array = json_node_get_array (node);
  item->citations = g_new0 (AjCitation, json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *ref;
      JsonNode *clause, *analogy;
      AjCitation *c = &item->citations[i];

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (ctx, object, "%s: reference %u is not an object", what, i + 1);
      ref = json_node_get_object (element);
      if (aj_json_get_string (ref, "ref") == NULL)
        return fail (ctx, object, "%s: reference %u has no “ref”", what, i + 1);
      if (aj_reference_find (aj_json_get_string (ref, "ref")) == NULL)
        return fail (ctx, object, "%s: “%s” is not in the reference list", what, aj_json_get_string (ref, "ref"));
      clause = json_object_get_member (ref, "clause");
      if (clause != NULL && !JSON_NODE_HOLDS_NULL (clause) &&
          (aj_json_get_string (ref, "clause") == NULL || *aj_json_get_string (ref, "clause") == '\0'))
        return fail (ctx, object, "%s: the clause of “%s” must be text", what, aj_json_get_string (ref, "ref"));
      analogy = json_object_get_member (ref, "analogy");
      if (analogy != NULL && (!JSON_NODE_HOLDS_VALUE (analogy) || json_node_get_value_type (analogy) != G_TYPE_BOOLEAN))
        return fail (ctx, object, "%s: “analogy” must be true or false", what);
      c->ref = g_strdup (aj_json_get_string (ref, "ref"));
      c->clause = g_strdup (aj_json_get_string (ref, "clause"));
      c->analogy = analogy != NULL && json_node_get_boolean (analogy);
      item->n_citations = i + 1;
    }
  item->basis_zh = aj_citations_format (item->citations, item->n_citations, TRUE);
  item->basis_en = aj_citations_format (item->citations, item->n_citations, FALSE);
  return TRUE;
}

/* "criterion": an id or null; "needs_determination": optional, false by default. */
static gboolean
get_criterion (Ctx             *ctx,
               JsonObject      *object,
               const char      *what,
               AjChecklistItem *item)
{
  JsonNode *node = json_object_get_member (object, "criterion");

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!get_text (ctx, object, "criterion", what, &item->criterion))
        return FALSE;
    }
  if (json_object_has_member (object, "needs_determination") &&
      !get_bool (ctx, object, "needs_determination", what, &item->needs_determination))
    return FALSE;
  if (item->needs_determination && item->criterion == NULL)
    return fail (ctx, object, "%s: “needs_determination” needs a criterion", what);
  return TRUE;
}

static gboolean
parse_template (AjChecklist *self,
                Ctx         *ctx,
                JsonObject  *root)
{
  JsonNode *node;
  JsonArray *array;
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);

  if (!get_text (ctx, root, "id", "template", &self->id))
    return FALSE;
  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 1)
    return fail (ctx, root, "template: “version” must be a whole number from 1");
  self->version = (int) json_node_get_int (node);
  if (!get_i18n (ctx, root, "title", "template", &self->title_zh, &self->title_en))
    return FALSE;

  node = json_object_get_member (root, "institution_types");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return fail (ctx, root, "template: “institution_types” must be a non-empty list");
  array = json_node_get_array (node);
  self->institution_types = g_new0 (char *, json_array_get_length (array) + 1);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      /* json_array_get_string_element () would warn about an object or a list. */
      JsonNode *element = json_array_get_element (array, i);
      const char *type = JSON_NODE_HOLDS_VALUE (element) ? json_node_get_string (element) : NULL;

      if (type == NULL)
        return fail (ctx, root, "template: “institution_types” must hold strings");
      self->institution_types[i] = g_strdup (type);
    }

  node = json_object_get_member (root, "categories");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return fail (ctx, root, "template: “categories” must be a non-empty list");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      AjChecklistCategory *category;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (ctx, root, "category %u is not an object", i + 1);
      object = json_node_get_object (element);
      category = g_new0 (AjChecklistCategory, 1);
      g_ptr_array_add (self->categories, category);
      if (!get_text (ctx, object, "code", "category", &category->code) ||
          !get_i18n (ctx, object, "name", "category", &category->name_zh, &category->name_en))
        return FALSE;
      for (guint j = 0; j + 1 < self->categories->len; j++)
        if (g_str_equal (((AjChecklistCategory *) g_ptr_array_index (self->categories, j))->code, category->code))
          return fail (ctx, object, "category “%s” is defined twice", category->code);
    }

  node = json_object_get_member (root, "items");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return fail (ctx, root, "template: “items” must be a non-empty list");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      AjChecklistItem *item;
      g_autofree char *what = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (ctx, root, "item %u is not an object", i + 1);
      object = json_node_get_object (element);
      item = g_new0 (AjChecklistItem, 1);
      g_ptr_array_add (self->items, item);

      if (!get_text (ctx, object, "code", "item", &item->code))
        return FALSE;
      what = g_strdup_printf ("item %s", item->code);
      if (g_hash_table_contains (codes, item->code))
        return fail (ctx, object, "%s: the code is used twice", what);
      g_hash_table_add (codes, item->code);

      if (!get_text (ctx, object, "category", what, &item->category))
        return FALSE;
      if (aj_checklist_find_category (self, item->category) == NULL)
        return fail (ctx, object, "%s: unknown category “%s”", what, item->category);
      if (!get_i18n (ctx, object, "question", what, &item->question_zh, &item->question_en) ||
          !get_i18n (ctx, object, "how", what, &item->how_zh, &item->how_en) ||
          !(json_object_has_member (object, "refs")
              ? get_citations (ctx, object, what, item)
              : get_i18n (ctx, object, "basis", what, &item->basis_zh, &item->basis_en)) ||
          !get_criterion (ctx, object, what, item) ||
          !get_bool (ctx, object, "major_if_no", what, &item->major_if_no) ||
          !get_bool (ctx, object, "photo_required", what, &item->photo_required))
        return FALSE;
    }

  /* Items are walked category by category; keep the file's category order. */
  {
    g_autoptr(GPtrArray) sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
    for (guint c = 0; c < self->categories->len; c++)
      {
        AjChecklistCategory *category = g_ptr_array_index (self->categories, c);
        for (guint i = 0; i < self->items->len; i++)
          {
            AjChecklistItem *item = g_ptr_array_index (self->items, i);
            if (item != NULL && g_str_equal (item->category, category->code))
              {
                g_ptr_array_add (sorted, item);
                self->items->pdata[i] = NULL;
              }
          }
      }
    g_ptr_array_unref (self->items);
    self->items = g_steal_pointer (&sorted);
  }
  return TRUE;
}

AjChecklist *
aj_checklist_load_data (const char  *name,
                        const char  *text,
                        gssize       length,
                        GError     **error)
{
  g_autoptr(AjChecklist) self = g_object_new (AJ_TYPE_CHECKLIST, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  LineMap map;
  Ctx ctx = { name, &map, error };
  JsonNode *root;
  gboolean ok;

  if (length < 0)
    length = strlen (text);
  if (!g_utf8_validate (text, length, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("%s:1: the file is not UTF-8 text"), name);
      return NULL;
    }

  map.stack = g_array_new (FALSE, FALSE, sizeof (guint));
  map.lines = g_hash_table_new (NULL, NULL);
  g_signal_connect (parser, "object-start", G_CALLBACK (on_object_start), &map);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &map);

  if (!aj_json_check_depth (text, length, AJ_JSON_MAX_DEPTH, &parse_error) ||
      !json_parser_load_from_data (parser, text, length, &parse_error))
    {
      /* json-glib's message starts with "<line>:<column>: ", since 1.6
       * after a "<data>:" that stands for the file we name ourselves. */
      const char *message = parse_error->message;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("%s:%s"), name, message);
      ok = FALSE;
    }
  else
    {
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        ok = fail (&ctx, NULL, "the file must hold one JSON object");
      else
        ok = parse_template (self, &ctx, json_node_get_object (root));
    }

  g_array_unref (map.stack);
  g_hash_table_unref (map.lines);
  return ok ? g_steal_pointer (&self) : NULL;
}

AjChecklist *
aj_checklist_load_file (const char  *path,
                        GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *name = g_path_get_basename (path);
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return aj_checklist_load_data (name, text, length, error);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Loads every *.json in @dir. Problems are appended to @problems as
 * messages; a template id that appears twice keeps the higher version. */
GPtrArray *
aj_checklist_load_dir (const char *dir,
                       GPtrArray  *problems)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  const char *name;

  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      if (problems)
        g_ptr_array_add (problems, g_strdup_printf ("%s: %s", dir, error->message));
      return result;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (paths, compare_paths);

  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GError) load_error = NULL;
      g_autoptr(AjChecklist) checklist = aj_checklist_load_file (g_ptr_array_index (paths, i), &load_error);
      gboolean replaced = FALSE;

      if (checklist == NULL)
        {
          if (problems)
            g_ptr_array_add (problems, g_strdup (load_error->message));
          continue;
        }
      for (guint j = 0; j < result->len; j++)
        {
          AjChecklist *other = g_ptr_array_index (result, j);
          if (g_str_equal (other->id, checklist->id))
            {
              if (checklist->version > other->version)
                {
                  aj_checklist_supersede (checklist, other);
                  g_object_unref (other);
                  result->pdata[j] = g_object_ref (checklist);
                }
              else
                aj_checklist_supersede (other, checklist);
              replaced = TRUE;
            }
        }
      if (!replaced)
        g_ptr_array_add (result, g_steal_pointer (&checklist));
    }
  return result;
}

/* Keeps @older (and what it kept) inside @newer, so that an inspection or a
 * hazard recorded under an earlier version still finds its own questions. */
void
aj_checklist_supersede (AjChecklist *newer,
                        AjChecklist *older)
{
  g_return_if_fail (AJ_IS_CHECKLIST (newer) && AJ_IS_CHECKLIST (older));

  if (newer == older || !g_str_equal (newer->id, older->id))
    return;
  /* Of two copies of one version (shipped and published) the one kept
   * takes over what the other kept. */
  for (guint i = 0; i < older->older->len; i++)
    aj_checklist_supersede (newer, g_ptr_array_index (older->older, i));
  if (older->version >= newer->version)
    return;
  for (guint i = 0; i < newer->older->len; i++)
    if (((AjChecklist *) g_ptr_array_index (newer->older, i))->version == older->version)
      return;
  g_ptr_array_add (newer->older, g_object_ref (older));
}

/* The version @version of this template if it is known, else this one. */
AjChecklist *
aj_checklist_get_edition (AjChecklist *self,
                          int          version)
{
  g_return_val_if_fail (AJ_IS_CHECKLIST (self), NULL);

  for (guint i = 0; i < self->older->len; i++)
    if (((AjChecklist *) g_ptr_array_index (self->older, i))->version == version)
      return g_ptr_array_index (self->older, i);
  return self;
}

const char *
aj_checklist_get_id (AjChecklist *self)
{
  return self->id;
}

int
aj_checklist_get_version (AjChecklist *self)
{
  return self->version;
}

const char *
aj_checklist_get_title (AjChecklist *self)
{
  return aj_pick_text (self->title_zh, self->title_en);
}

const char * const *
aj_checklist_get_institution_types (AjChecklist *self)
{
  return (const char * const *) self->institution_types;
}

gboolean
aj_checklist_is_for_type (AjChecklist *self,
                          const char  *institution_type)
{
  return institution_type != NULL &&
         g_strv_contains ((const char * const *) self->institution_types, institution_type);
}

guint
aj_checklist_get_n_items (AjChecklist *self)
{
  return self->items->len;
}

const AjChecklistItem *
aj_checklist_get_item (AjChecklist *self,
                       guint        index)
{
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_ptr_array_index (self->items, index);
}

const AjChecklistItem *
aj_checklist_find_item (AjChecklist *self,
                        const char  *code,
                        guint       *index)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      const AjChecklistItem *item = g_ptr_array_index (self->items, i);
      if (g_strcmp0 (item->code, code) == 0)
        {
          if (index)
            *index = i;
          return item;
        }
    }
  return NULL;
}

guint
aj_checklist_get_n_categories (AjChecklist *self)
{
  return self->categories->len;
}

const AjChecklistCategory *
aj_checklist_get_category (AjChecklist *self,
                           guint        index)
{
  g_return_val_if_fail (index < self->categories->len, NULL);
  return g_ptr_array_index (self->categories, index);
}

const AjChecklistCategory *
aj_checklist_find_category (AjChecklist *self,
                            const char  *code)
{
  for (guint i = 0; i < self->categories->len; i++)
    {
      const AjChecklistCategory *c = g_ptr_array_index (self->categories, i);
      if (g_strcmp0 (c->code, code) == 0)
        return c;
    }
  return NULL;
}

const char *
aj_checklist_item_get_question (const AjChecklistItem *item)
{
  return aj_pick_text (item->question_zh, item->question_en);
}

const char *
aj_checklist_item_get_how (const AjChecklistItem *item)
{
  return aj_pick_text (item->how_zh, item->how_en);
}

const char *
aj_checklist_item_get_basis (const AjChecklistItem *item)
{
  return aj_pick_text (item->basis_zh, item->basis_en);
}

const char *
aj_checklist_category_get_name (const AjChecklistCategory *category)
{
  return aj_pick_text (category->name_zh, category->name_en);
}
