/* fuzz-codec.c: the event codec on a batch of events as it arrives (a push
 * body, a pull answer): parsed, decoded field by field, each body checked
 * against its type's schema; what decodes must encode and decode again to
 * the same events with the same hashes. */
#include "config.h"

#include "aj-fuzz.h"
#include "aj-fuzz-json.h"

#include "aj-codec.h"
#include "aj-event-schema.h"
#include "aj-util.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  aj_fuzz_init_logging ();
  return 0;
}

static void
check_same (const AjEvent *a,
            const AjEvent *b)
{
  aj_fuzz_assert (g_str_equal (a->id, b->id) && g_str_equal (a->device_id, b->device_id) &&
                  a->device_seq == b->device_seq && g_str_equal (a->author, b->author) &&
                  a->hlc == b->hlc && g_str_equal (a->type, b->type) &&
                  g_str_equal (a->subject, b->subject) && g_str_equal (a->body, b->body) &&
                  g_str_equal (a->prev_hash, b->prev_hash) && g_str_equal (a->hash, b->hash) &&
                  a->server_seq == b->server_seq && a->gap_before == b->gap_before,
                  "event %s changed on its way through the codec", a->id);
}

static void
check_event (const AjEvent *ev)
{
  g_autoptr(JsonObject) body = aj_json_parse_object (ev->body, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(AjEvent) copy = NULL;
  g_autofree char *hash = NULL, *copy_hash = NULL;
  gboolean known = aj_event_schema_is_known (ev->type);
  gboolean valid;

  aj_fuzz_assert (body != NULL, "the codec let through a body that is not an object: %s", ev->body);
  aj_fuzz_check_json_depth (body);
  valid = aj_event_schema_check (ev->type, body, &error);
  aj_fuzz_assert (valid == (error == NULL), "schema check of %s: result and error disagree", ev->type);
  aj_fuzz_assert (!valid || known, "an unknown type passed its schema: %s", ev->type);

  refs = aj_event_blob_refs (ev);
  for (guint i = 0; i < refs->len; i++)
    aj_fuzz_assert (aj_is_sha256_hex (g_ptr_array_index (refs, i)), "a blob reference is not a SHA-256");

  hash = aj_event_compute_hash (ev);
  copy = aj_event_copy (ev);
  check_same (ev, copy);
  copy_hash = aj_event_compute_hash (copy);
  aj_fuzz_assert (g_str_equal (hash, copy_hash), "a copied event hashes differently");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = aj_fuzz_text (data, size);
  g_autofree char *again = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonObject) root_again = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  root = aj_json_parse_object (text, NULL);
  if (root == NULL)
    return 0;
  aj_fuzz_check_json_depth (root);
  node = json_object_get_member (root, "events");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  events = aj_events_from_array (json_node_get_array (node), &error);
  aj_fuzz_assert ((events == NULL) == (error != NULL), "decoding: result and error disagree");
  if (events == NULL)
    return 0;
  for (guint i = 0; i < events->len; i++)
    check_event (g_ptr_array_index (events, i));

  /* The body travels as the exact string that was hashed: what one end
   * encodes, the other decodes to the same events. */
  again = aj_events_to_batch (events, TRUE);
  root_again = aj_json_parse_object (again, &error);
  aj_fuzz_assert (root_again != NULL, "an encoded batch does not parse: %s", error->message);
  decoded = aj_events_from_array (json_object_get_array_member (root_again, "events"), &error);
  aj_fuzz_assert (decoded != NULL, "an encoded batch does not decode: %s", error->message);
  aj_fuzz_assert (decoded->len == events->len, "%u events came back as %u", events->len, decoded->len);
  for (guint i = 0; i < events->len; i++)
    check_same (g_ptr_array_index (events, i), g_ptr_array_index (decoded, i));
  return 0;
}
