/* aj-fuzz-json.h: properties of a parsed JSON body the codec and push
 * targets check: the depth pre-check and json-glib agree. */
#pragma once

#include <json-glib/json-glib.h>

#include "aj-util.h"

/* Nesting of @node as aj_json_check_depth counts it: an object or array is one level. */
static guint
aj_fuzz_json_depth (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        deepest = MAX (deepest, aj_fuzz_json_depth (member));
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        deepest = MAX (deepest, aj_fuzz_json_depth (json_array_get_element (array, i)));
      return deepest + 1;
    }
  return 0;
}

/* What aj_json_parse_object let through is no deeper than it promises:
 * json-glib parses recursively, so a deeper body could exhaust the stack. */
static inline void
aj_fuzz_check_json_depth (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  guint depth;

  json_node_set_object (node, object);
  depth = aj_fuzz_json_depth (node);
  aj_fuzz_assert (depth <= AJ_JSON_MAX_DEPTH, "a body %u levels deep passed the depth check", depth);
}
