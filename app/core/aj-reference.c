/* aj-reference.c: the reference list built into the core. Checklist items cite
 * its documents by id, so a title is written once and never drifts. */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aj-reference.h"
#include "aj-util.h"

#define REFERENCES_RESOURCE "/org/anjian/core/references.json"

static const char *
member_text (JsonObject *object,
             const char *member,
             const char *lang)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return NULL;
  if (lang != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return aj_json_get_string (json_node_get_object (node), lang);
  return aj_json_get_string (object, member);
}

static GPtrArray *
load_references (void)
{
  GPtrArray *list = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *node;
  JsonArray *array;

  aj_core_resources_ensure ();
  bytes = g_resources_lookup_data (REFERENCES_RESOURCE, 0, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      g_warning ("The reference list is not readable: %s", error->message);
      return list;
    }
  root = json_parser_get_root (parser);
  node = JSON_NODE_HOLDS_OBJECT (root) ? json_object_get_member (json_node_get_object (root), "references") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_warning ("The reference list holds no “references”");
      return list;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *o;
      AjReference *r;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      o = json_node_get_object (element);
      if (aj_json_get_string (o, "id") == NULL || member_text (o, "title", "zh") == NULL)
        continue;
      r = g_new0 (AjReference, 1);
      r->id = g_strdup (aj_json_get_string (o, "id"));
      r->kind = g_strdup (aj_json_get_string (o, "kind"));
      r->title_zh = g_strdup (member_text (o, "title", "zh"));
      r->title_en = g_strdup (member_text (o, "title", "en"));
      r->issuer_zh = g_strdup (member_text (o, "issuer", "zh"));
      r->issuer_en = g_strdup (member_text (o, "issuer", "en"));
      r->number = g_strdup (aj_json_get_string (o, "number"));
      r->date = g_strdup (aj_json_get_string (o, "date"));
      r->verified = aj_json_get_bool (o, "verified", FALSE);
      g_ptr_array_add (list, r);
    }
  return list;
}

/* Read once and kept for the life of the process, like the resource itself. */
static GPtrArray *
references (void)
{
  static GPtrArray *list;

  if (g_once_init_enter (&list))
    g_once_init_leave (&list, load_references ());
  return list;
}

guint
aj_reference_get_n (void)
{
  return references ()->len;
}

const AjReference *
aj_reference_get (guint index)
{
  g_return_val_if_fail (index < references ()->len, NULL);
  return g_ptr_array_index (references (), index);
}

const AjReference *
aj_reference_find (const char *id)
{
  GPtrArray *list = references ();

  for (guint i = 0; id != NULL && i < list->len; i++)
    if (g_str_equal (((AjReference *) g_ptr_array_index (list, i))->id, id))
      return g_ptr_array_index (list, i);
  return NULL;
}

/* Regulations, rules and standards are known by their number; a law by its
 * title; a normative document's 文号 is given where it could be verified. */
gboolean
aj_reference_kind_needs_number (const char *kind)
{
  return g_strcmp0 (kind, "regulation") == 0 || g_strcmp0 (kind, "rule") == 0 ||
         g_strcmp0 (kind, "standard") == 0;
}

/* 1..99 in Chinese numerals, as articles are numbered. */
static void
append_chinese_number (GString *s,
                       guint    n)
{
  static const char *digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

  if (n >= 100)
    {
      g_string_append_printf (s, "%u", n);
      return;
    }
  if (n >= 10)
    {
      if (n / 10 > 1)
        g_string_append (s, digits[n / 10]);
      g_string_append (s, "十");
      if (n % 10)
        g_string_append (s, digits[n % 10]);
      return;
    }
  g_string_append (s, digits[n]);
}

/* Clauses of laws and documents are written "ARTICLE" or "ARTICLE.ITEM"
 * (e.g. "4.1" for 第四条第（一）项, Art. 4(1)); a standard's clause is its own.
 * The first clause follows the title; the others follow it with 、 or a comma. */
static void
append_clause (GString    *s,
               const char *clause,
               gboolean    standard,
               gboolean    chinese,
               gboolean    first)
{
  guint64 article = 0, item = 0;
  char *end = NULL;

  if (!standard && g_ascii_isdigit (clause[0]))
    {
      article = g_ascii_strtoull (clause, &end, 10);
      if (*end == '.' && g_ascii_isdigit (end[1]))
        item = g_ascii_strtoull (end + 1, &end, 10);
    }
  if (!first)
    g_string_append (s, chinese ? "、" : ", ");
  if (article == 0 || *end != '\0')
    {
      if (first)
        g_string_append (s, chinese ? " " : ", ");
      g_string_append (s, clause);
      return;
    }
  if (chinese)
    {
      g_string_append (s, "第");
      append_chinese_number (s, (guint) article);
      g_string_append (s, "条");
      if (item > 0)
        {
          g_string_append (s, "第（");
          append_chinese_number (s, (guint) item);
          g_string_append (s, "）项");
        }
      return;
    }
  if (first)
    g_string_append (s, ", ");
  if (item > 0)
    g_string_append_printf (s, "Art. %u(%u)", (guint) article, (guint) item);
  else
    g_string_append_printf (s, "Art. %u", (guint) article);
}

/* @citation's document with @clauses (none: the document as a whole). */
static char *
format_with_clauses (const AjCitation   *citation,
                     const char * const *clauses,
                     guint               n_clauses,
                     gboolean            chinese)
{
  const AjReference *r = aj_reference_find (citation->ref);
  GString *s = g_string_new (NULL);
  gboolean standard;

  if (r == NULL)
    {
      g_string_append (s, citation->ref);
      for (guint i = 0; i < n_clauses; i++)
        g_string_append_printf (s, i ? ", %s" : " %s", clauses[i]);
      return g_string_free (s, FALSE);
    }
  standard = g_strcmp0 (r->kind, "standard") == 0;
  if (chinese)
    {
      if (citation->analogy)
        g_string_append (s, "参照");
      if (g_strcmp0 (r->kind, "normative") == 0 && r->issuer_zh)
        g_string_append (s, r->issuer_zh);
      if (standard && r->number)
        g_string_append (s, r->number);
      g_string_append_printf (s, "《%s》", r->title_zh);
      if (!standard && r->number && g_strcmp0 (r->kind, "law") != 0)
        g_string_append_printf (s, "（%s）", r->number);
    }
  else
    {
      if (citation->analogy)
        g_string_append (s, "By analogy: ");
      if (standard && r->number)
        g_string_append_printf (s, "%s ", r->number);
      g_string_append (s, r->title_en ? r->title_en : r->title_zh);
      if (!standard && r->number && g_strcmp0 (r->kind, "law") != 0)
        g_string_append_printf (s, " (%s)", r->number);
    }
  for (guint i = 0; i < n_clauses; i++)
    append_clause (s, clauses[i], standard, chinese, i == 0);
  return g_string_free (s, FALSE);
}

char *
aj_citation_format (const AjCitation *citation,
                    gboolean          chinese)
{
  const char *clauses[] = { citation->clause, NULL };

  return format_with_clauses (citation, clauses, citation->clause ? 1 : 0, chinese);
}

char *
aj_citations_format (const AjCitation *citations,
                     guint             n_citations,
                     gboolean          chinese)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_citations; i++)
    {
      g_autofree char *one = aj_citation_format (&citations[i], chinese);

      if (i > 0)
        g_string_append (s, chinese ? "；" : "; ");
      g_string_append (s, one);
    }
  return g_string_free (s, FALSE);
}

/* One document cited, directly or by analogy, and its clauses. */
typedef struct
{
  const AjCitation *first;
  GPtrArray        *clauses;   /* const char *, as cited */
} CitedDocument;

static void
cited_document_free (CitedDocument *d)
{
  g_ptr_array_unref (d->clauses);
  g_free (d);
}

/* The citations of several items as one basis (the rectification notice's):
 * each document once, in the order first cited, with every clause cited of
 * it, each clause once; a document cited as a whole and by clause shows its
 * clauses. */
char *
aj_citations_format_merged (const AjCitation * const *citations,
                            guint                     n_citations,
                            gboolean                  chinese)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) cited_document_free);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_citations; i++)
    {
      const AjCitation *c = citations[i];
      CitedDocument *d = NULL;

      for (guint k = 0; d == NULL && k < documents->len; k++)
        {
          CitedDocument *seen = g_ptr_array_index (documents, k);
          if (g_str_equal (seen->first->ref, c->ref) && !seen->first->analogy == !c->analogy)
            d = seen;
        }
      if (d == NULL)
        {
          d = g_new0 (CitedDocument, 1);
          d->first = c;
          d->clauses = g_ptr_array_new ();
          g_ptr_array_add (documents, d);
        }
      if (c->clause != NULL && !g_ptr_array_find_with_equal_func (d->clauses, c->clause, g_str_equal, NULL))
        g_ptr_array_add (d->clauses, c->clause);
    }
  for (guint k = 0; k < documents->len; k++)
    {
      CitedDocument *d = g_ptr_array_index (documents, k);
      g_autofree char *one = format_with_clauses (d->first, (const char * const *) d->clauses->pdata, d->clauses->len,
                                                  chinese);
      if (k > 0)
        g_string_append (s, chinese ? "；" : "; ");
      g_string_append (s, one);
    }
  return g_string_free (s, FALSE);
}
