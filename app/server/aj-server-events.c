/* aj-server-events.c: /api/v1/events: devices push their own events in
 * whole batches and pull what their scope may see, in server order. */
#include "config.h"

#include "aj-codec.h"
#include "aj-db.h"
#include "aj-server-blobs.h"
#include "aj-server-events.h"
#include "aj-server-scope.h"
#include "aj-util.h"

/* The whole batch or nothing, so that a retry is simple; on refusal the
 * reply is sent and FALSE returned. */
static gboolean
store_batch (AjRequest  *req,
             GPtrArray  *events,
             JsonArray  *acks)
{
  AjStore *store = aj_request_get_store (req);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *institution = NULL;
      gint64 seq = 0;
      JsonObject *ack;

      if (!g_str_equal (ev->device_id, aj_request_get_device_id (req)))
        {
          g_autofree char *message = g_strdup_printf ("Event %s was made by another device; a device pushes only its own events", ev->id);
          aj_request_reply_error (req, 403, "not_your_event", message);
          return FALSE;
        }
      institution = aj_store_event_institution (store, ev);
      if (!aj_scope_allows (aj_store_get_db (store), aj_request_get_scope (req), institution))
        {
          g_autofree char *message = g_strdup_printf ("Event %s concerns an institution outside this device's scope", ev->id);
          aj_request_reply_error (req, 403, "outside_scope", message);
          return FALSE;
        }
      {
        g_autoptr(GPtrArray) blobs = aj_event_blob_refs (ev);
        const char *missing = NULL;

        if (g_str_equal (ev->type, "photo.added") && blobs->len == 0)
          missing = "?";
        for (guint j = 0; j < blobs->len && missing == NULL; j++)
          if (!aj_server_blob_is_complete (store, g_ptr_array_index (blobs, j)))
            missing = g_ptr_array_index (blobs, j);
        if (missing != NULL)
          {
            g_autofree char *message = g_strdup_printf ("Upload the photo %s before the event that names it", missing);
            aj_request_reply_error (req, 409, "blob_missing", message);
            return FALSE;
          }
      }
      if (!aj_store_insert_remote (store, ev, TRUE, NULL, &seq, &error))
        {
          aj_request_reply_gerror (req, error);
          return FALSE;
        }
      ack = json_object_new ();
      json_object_set_string_member (ack, "id", ev->id);
      json_object_set_int_member (ack, "server_seq", seq);
      json_array_add_object_element (acks, ack);
    }
  return TRUE;
}

void
aj_server_events_push (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  JsonNode *node = json_object_get_member (aj_request_get_body (req), "events");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) acks = NULL;
  JsonObject *reply;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      aj_request_reply_error (req, 400, "bad_request", "The body must be {\"events\": [...]}");
      return;
    }
  if (json_array_get_length (json_node_get_array (node)) > AJ_PROTOCOL_MAX_BATCH_EVENTS)
    {
      aj_request_reply_error (req, 413, "too_many_events", "A batch holds at most 500 events");
      return;
    }
  events = aj_events_from_array (json_node_get_array (node), &error);
  if (events == NULL)
    {
      aj_request_reply_error (req, 422, "invalid_event", error->message);
      return;
    }

  if (!aj_store_begin (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  acks = json_array_new ();
  if (!store_batch (req, events, acks))
    {
      aj_store_rollback (store);
      return;
    }
  if (!aj_store_commit (store, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }

  reply = json_object_new ();
  json_object_set_array_member (reply, "acks", g_steal_pointer (&acks));
  json_object_set_int_member (reply, "server_seq",
                              aj_db_query_int (aj_store_get_db (store),
                                               "SELECT max(server_seq) FROM events WHERE server_seq IS NOT NULL", NULL, 0));
  aj_request_reply (req, 200, reply);
}

void
aj_server_events_pull (AjRequest *req)
{
  gint64 after = aj_request_get_query_int (req, "after", 0);
  gint64 limit = aj_request_get_query_int (req, "limit", 200);
  g_autofree char *scope_sql = aj_scope_to_sql (aj_request_get_scope (req));
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  JsonArray *array;
  gboolean more;

  if (after < 0 || limit < 1)
    {
      aj_request_reply_error (req, 400, "bad_request", "after must be 0 or more and limit 1 or more");
      return;
    }
  limit = MIN (limit, AJ_PROTOCOL_MAX_BATCH_EVENTS);
  events = aj_store_list_events_after (aj_request_get_store (req), after, limit + 1, scope_sql, &error);
  if (events == NULL)
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  more = events->len > (guint) limit;
  if (more)
    g_ptr_array_set_size (events, limit);

  reply = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < events->len; i++)
    json_array_add_object_element (array, aj_event_to_json (g_ptr_array_index (events, i), TRUE));
  json_object_set_array_member (reply, "events", array);
  json_object_set_int_member (reply, "next",
                              events->len ? ((AjEvent *) g_ptr_array_index (events, events->len - 1))->server_seq : after);
  json_object_set_boolean_member (reply, "more", more);
  aj_request_reply (req, 200, reply);
}
