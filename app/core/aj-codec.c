/* aj-codec.c: events as JSON. The body travels as the exact string that
 * was hashed, so that both ends compute the same digest. Everything that
 * arrives is checked field by field before it is trusted. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-codec.h"
#include "aj-error.h"
#include "aj-util.h"

JsonObject *
aj_event_to_json (const AjEvent *ev,
                  gboolean       with_server_seq)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", ev->id);
  json_object_set_string_member (o, "device_id", ev->device_id);
  json_object_set_int_member (o, "device_seq", ev->device_seq);
  json_object_set_string_member (o, "author", ev->author);
  json_object_set_int_member (o, "hlc", ev->hlc);
  json_object_set_string_member (o, "type", ev->type);
  json_object_set_string_member (o, "subject", ev->subject);
  json_object_set_string_member (o, "body", ev->body);
  json_object_set_string_member (o, "prev_hash", ev->prev_hash);
  json_object_set_string_member (o, "hash", ev->hash);
  if (with_server_seq)
    json_object_set_int_member (o, "server_seq", ev->server_seq);
  if (with_server_seq && ev->gap_before)
    json_object_set_boolean_member (o, "gap_before", TRUE);
  return o;
}

static const char *
text_member (JsonObject  *o,
             const char  *member,
             gsize        max_len,
             GError     **error)
{
  const char *value = aj_json_get_string (o, member);

  if (value == NULL || *value == '\0' || strlen (value) > max_len || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The event field “%s” is missing or invalid"), member);
      return NULL;
    }
  return value;
}

static gboolean
int_member (JsonObject  *o,
            const char  *member,
            gint64       min,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The event field “%s” is missing or invalid"), member);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

AjEvent *
aj_event_from_json (JsonObject  *o,
                    GError     **error)
{
  g_autoptr(AjEvent) ev = aj_event_new ();
  g_autoptr(JsonObject) body = NULL;
  const char *id, *device, *author, *type, *subject, *text, *prev, *hash;
  g_autoptr(GError) body_error = NULL;

  if (o == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("An event must be a JSON object"));
      return NULL;
    }
  if ((id = text_member (o, "id", 36, error)) == NULL ||
      (device = text_member (o, "device_id", 36, error)) == NULL ||
      (author = text_member (o, "author", 128, error)) == NULL ||
      (type = text_member (o, "type", 64, error)) == NULL ||
      (subject = text_member (o, "subject", 128, error)) == NULL ||
      (text = text_member (o, "body", AJ_PROTOCOL_MAX_BODY_BYTES, error)) == NULL ||
      (prev = text_member (o, "prev_hash", 64, error)) == NULL ||
      (hash = text_member (o, "hash", 64, error)) == NULL ||
      !int_member (o, "device_seq", 1, &ev->device_seq, error) ||
      !int_member (o, "hlc", 0, &ev->hlc, error))
    return NULL;
  if (!aj_uuid_is_valid (id) || !aj_uuid_is_valid (device))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The event id or device id is not a UUID"));
      return NULL;
    }
  if (!aj_is_sha256_hex (prev) || !aj_is_sha256_hex (hash))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The event's hashes are not SHA-256 digests"));
      return NULL;
    }
  body = aj_json_parse_object (text, &body_error);
  if (body == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The event body is not a JSON object"));
      return NULL;
    }
  if (json_object_has_member (o, "server_seq"))
    int_member (o, "server_seq", 0, &ev->server_seq, NULL);
  ev->gap_before = aj_json_get_bool (o, "gap_before", FALSE);

  ev->id = g_strdup (id);
  ev->device_id = g_strdup (device);
  ev->author = g_strdup (author);
  ev->type = g_strdup (type);
  ev->subject = g_strdup (subject);
  ev->body = g_strdup (text);
  ev->prev_hash = g_strdup (prev);
  ev->hash = g_strdup (hash);
  return g_steal_pointer (&ev);
}

char *
aj_events_to_batch (GPtrArray *events,
                    gboolean   with_server_seq)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < events->len; i++)
    json_array_add_object_element (array, aj_event_to_json (g_ptr_array_index (events, i), with_server_seq));
  json_object_set_array_member (root, "events", array);
  json_node_set_object (node, root);
  return aj_json_to_string (node);
}

GPtrArray *
aj_events_from_array (JsonArray  *array,
                      GError    **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_event_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      AjEvent *ev;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Event %u of the batch is not an object"), i + 1);
          return NULL;
        }
      ev = aj_event_from_json (json_node_get_object (node), error);
      if (ev == NULL)
        {
          g_prefix_error (error, _("Event %u of the batch: "), i + 1);
          return NULL;
        }
      g_ptr_array_add (events, ev);
    }
  return g_steal_pointer (&events);
}

/* The last body parsed on this thread, and its text. */
typedef struct
{
  char       *text;
  JsonObject *object;
} ParsedBody;

static void
parsed_body_free (gpointer data)
{
  ParsedBody *parsed = data;

  g_free (parsed->text);
  g_clear_pointer (&parsed->object, json_object_unref);
  g_free (parsed);
}

static GPrivate last_body = G_PRIVATE_INIT (parsed_body_free);

/* An event's body as a JSON object (a reference: unref it). Storing one
 * event asks for its body several times (judged, its institution, its
 * photos, its projection): the last one parsed on this thread is kept and
 * given again while the text is the same. It is sealed, so that no caller
 * can change what the next one reads. */
JsonObject *
aj_event_parse_body (const AjEvent  *event,
                     GError        **error)
{
  ParsedBody *parsed = g_private_get (&last_body);
  JsonObject *object;

  if (parsed != NULL && parsed->object != NULL && g_strcmp0 (parsed->text, event->body) == 0)
    return json_object_ref (parsed->object);
  object = aj_json_parse_object (event->body, error);
  if (object == NULL)
    return NULL;
  json_object_seal (object);
  if (parsed == NULL)
    {
      parsed = g_new0 (ParsedBody, 1);
      g_private_set (&last_body, parsed);
    }
  g_free (parsed->text);
  g_clear_pointer (&parsed->object, json_object_unref);
  parsed->text = g_strdup (event->body);
  parsed->object = json_object_ref (object);
  return object;
}

/* The photos (blobs) an event names: a photo.added's sha256, the evidence
 * photos of a rectification. Sync moves these before the event. */
GPtrArray *
aj_event_blob_refs (const AjEvent *event)
{
  g_autoptr(JsonObject) body = aj_event_parse_body (event, NULL);
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);
  const char *sha = aj_json_get_string (body, "sha256");

  if (body == NULL)
    return refs;
  if (sha != NULL && aj_is_sha256_hex (sha))
    g_ptr_array_add (refs, g_strdup (sha));
  if (json_object_has_member (body, "photos") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "photos")))
    {
      JsonArray *photos = json_object_get_array_member (body, "photos");
      for (guint i = 0; i < json_array_get_length (photos); i++)
        {
          /* Not json_array_get_string_element (), which warns about an
           * object or a list: the body may not have met its schema yet. */
          JsonNode *element = json_array_get_element (photos, i);
          const char *p = JSON_NODE_HOLDS_VALUE (element) ? json_node_get_string (element) : NULL;

          if (p != NULL && aj_is_sha256_hex (p))
            g_ptr_array_add (refs, g_strdup (p));
        }
    }
  return refs;
}
