/* aj-scope.c: scopes are small JSON objects kept with each device:
 * {"all":true}, {"county":"东林县"} or {"institutions":["DLX001","DLX002"]}.
 * Pure data: the store and the registry turn a scope into bound query
 * parameters, never into SQL text. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "aj-error.h"
#include "aj-scope.h"
#include "aj-util.h"

struct _AjScope
{
  AjScopeKind  kind;
  char        *county;
  GStrv        institutions;
};

static AjScope *
scope_new (AjScopeKind kind)
{
  AjScope *self = g_new0 (AjScope, 1);

  self->kind = kind;
  return self;
}

AjScope *
aj_scope_new_all (void)
{
  return scope_new (AJ_SCOPE_ALL);
}

static AjScope *
scope_new_institutions (GStrvBuilder *codes)
{
  AjScope *self = scope_new (AJ_SCOPE_INSTITUTIONS);

  self->institutions = g_strv_builder_end (codes);
  return self;
}

/* "all", "county:NAME" or "institutions:CODE,CODE" from the command line. */
AjScope *
aj_scope_parse_spec (const char  *spec,
                     GError     **error)
{
  if (spec == NULL || g_str_equal (spec, "all"))
    return aj_scope_new_all ();
  if (g_str_has_prefix (spec, "county:") && spec[7] != '\0')
    {
      AjScope *self = scope_new (AJ_SCOPE_COUNTY);
      self->county = g_strdup (spec + 7);
      return self;
    }
  if ((g_str_has_prefix (spec, "institutions:") && spec[13] != '\0') ||
      (g_str_has_prefix (spec, "institution:") && spec[12] != '\0'))
    {
      g_auto(GStrv) codes = g_strsplit (strchr (spec, ':') + 1, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      for (guint i = 0; codes[i]; i++)
        if (*g_strstrip (codes[i]))
          g_strv_builder_add (builder, codes[i]);
      return scope_new_institutions (builder);
    }
  g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
               "Unknown scope “%s”: use all, county:NAME or institutions:CODE,CODE", spec);
  return NULL;
}

AjScope *
aj_scope_new_from_json (const char *json)
{
  g_autoptr(JsonObject) o = aj_json_parse_object (json, NULL);
  JsonNode *member;

  if (o == NULL)
    return scope_new (AJ_SCOPE_NONE);
  if (aj_json_get_bool (o, "all", FALSE))
    return aj_scope_new_all ();
  if (aj_json_get_string (o, "county") != NULL)
    {
      AjScope *self = scope_new (AJ_SCOPE_COUNTY);
      self->county = g_strdup (aj_json_get_string (o, "county"));
      return self;
    }
  member = json_object_get_member (o, "institutions");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *codes = json_node_get_array (member);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      for (guint i = 0; i < json_array_get_length (codes); i++)
        {
          JsonNode *code = json_array_get_element (codes, i);
          if (JSON_NODE_HOLDS_VALUE (code) && json_node_get_value_type (code) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (code));
        }
      return scope_new_institutions (builder);
    }
  return scope_new (AJ_SCOPE_NONE);
}

static JsonNode *
strv_to_array (const char * const *codes)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; codes && codes[i]; i++)
    json_array_add_string_element (array, codes[i]);
  json_node_take_array (node, array);
  return node;
}

char *
aj_scope_to_json (const AjScope *self)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  switch (self->kind)
    {
    case AJ_SCOPE_ALL:
      json_object_set_boolean_member (o, "all", TRUE);
      break;
    case AJ_SCOPE_COUNTY:
      json_object_set_string_member (o, "county", self->county);
      break;
    case AJ_SCOPE_INSTITUTIONS:
      json_object_set_member (o, "institutions", strv_to_array ((const char * const *) self->institutions));
      break;
    case AJ_SCOPE_NONE:
    default:
      break;
    }
  json_node_set_object (node, o);
  return aj_json_to_string (node);
}

/* The institutions as a JSON array, for json_each () in a query. */
char *
aj_scope_institutions_json (const AjScope *self)
{
  g_autoptr(JsonNode) node = strv_to_array ((const char * const *) self->institutions);

  return aj_json_to_string (node);
}

/* The command line's words for a scope: "all", "county:NAME", … */
char *
aj_scope_to_spec (const AjScope *self)
{
  switch (self->kind)
    {
    case AJ_SCOPE_ALL:
      return g_strdup ("all");
    case AJ_SCOPE_COUNTY:
      return g_strdup_printf ("county:%s", self->county);
    case AJ_SCOPE_INSTITUTIONS:
      {
        g_autofree char *codes = g_strjoinv (",", self->institutions);
        return g_strdup_printf ("institutions:%s", codes);
      }
    case AJ_SCOPE_NONE:
    default:
      return g_strdup ("none");
    }
}

AjScopeKind
aj_scope_get_kind (const AjScope *self)
{
  return self->kind;
}

const char *
aj_scope_get_county (const AjScope *self)
{
  return self->county;
}

const char * const *
aj_scope_get_institutions (const AjScope *self)
{
  return (const char * const *) self->institutions;
}

void
aj_scope_free (AjScope *self)
{
  if (self == NULL)
    return;
  g_free (self->county);
  g_strfreev (self->institutions);
  g_free (self);
}
