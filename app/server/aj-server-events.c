/* aj-server-events.c: /api/v1/events: devices push their own events, each
 * answered with its number or the reason it was refused, and pull what their
 * scope may see, in server order. */
#include "config.h"

#include "aj-codec.h"
#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* A device may add only so many events per window (a runaway device must
 * not fill the server): a batch that would pass the bound is refused whole,
 * with the seconds to wait in Retry-After. Events the server holds already
 * (a batch sent again) cost nothing; the pace is counted in the transaction
 * that stores the batch (aj_server_db_push). */
static void
reply_rate_limited (AjRequest *req,
                    gint64     wait)
{
  const AjServerLimits *limits = &aj_request_get_context (req)->limits;
  g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
  g_autofree char *message = g_strdup_printf ("This device may send %" G_GINT64_FORMAT " new events per %" G_GINT64_FORMAT
                                              " seconds; send the rest in %" G_GINT64_FORMAT " seconds",
                                              limits->event_rate, limits->event_window_seconds, wait);

  aj_request_set_header (req, "Retry-After", seconds);
  aj_request_reply_error (req, 429, "rate_limited", message);
}

void
aj_server_events_push (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  JsonNode *node = json_object_get_member (aj_request_get_body (req), "events");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GArray) outcomes = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  JsonArray *acks;
  const AjServerLimits *limits = &aj_request_get_context (req)->limits;
  AjEventRate rate = { limits->event_rate, limits->event_window_seconds };
  guint refused = 0;
  gint64 wait = 0;

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
  outcomes = aj_server_db_push (aj_request_get_context (req)->db, store, aj_request_get_device_id (req),
                                aj_request_get_scope (req), events, &rate, &wait, &error);
  if (outcomes == NULL)
    {
      if (wait > 0)
        reply_rate_limited (req, wait);
      else
        aj_request_reply_gerror (req, error);
      return;
    }

  acks = json_array_new ();
  for (guint i = 0; i < events->len; i++)
    {
      AjPushOutcome *outcome = &g_array_index (outcomes, AjPushOutcome, i);
      JsonObject *ack = json_object_new ();

      json_object_set_string_member (ack, "id", ((AjEvent *) g_ptr_array_index (events, i))->id);
      if (outcome->code != NULL)
        {
          JsonObject *why = json_object_new ();
          json_object_set_string_member (why, "code", outcome->code);
          json_object_set_string_member (why, "message", outcome->message);
          json_object_set_object_member (ack, "error", why);
          refused++;
        }
      else
        json_object_set_int_member (ack, "server_seq", outcome->server_seq);
      json_array_add_object_element (acks, ack);
    }
  reply = json_object_new ();
  json_object_set_array_member (reply, "acks", acks);
  json_object_set_int_member (reply, "refused", refused);
  json_object_set_int_member (reply, "server_seq", aj_server_store_last_server_seq (store));
  aj_request_reply (req, 200, reply);
}

/* A JSON string: UTF-8 as it is, with quotes, backslashes and control
 * characters escaped. */
static void
append_string (GString    *out,
               const char *value)
{
  const char *run = value;

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c != '"' && c != '\\' && c >= 0x20)
        continue;
      g_string_append_len (out, run, p - run);
      if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      run = p + 1;
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

/* ,"name": and the value (a string, or null). */
static void
append_member (GString    *out,
               const char *name,
               const char *value)
{
  g_string_append (out, name);
  if (value != NULL)
    append_string (out, value);
  else
    g_string_append (out, "null");
}

static void
append_int (GString    *out,
            const char *name,
            gint64      value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 n = value < 0 ? -(guint64) value : (guint64) value;

  g_string_append (out, name);
  *--p = '\0';
  do
    *--p = (char) ('0' + n % 10);
  while ((n /= 10) > 0);
  if (value < 0)
    *--p = '-';
  g_string_append (out, p);
}

/* An event as a pull sends it (aj_event_to_json with its server_seq). */
static void
append_event (GString       *out,
              const AjEvent *ev)
{
  append_member (out, "{\"id\":", ev->id);
  append_member (out, ",\"device_id\":", ev->device_id);
  append_int (out, ",\"device_seq\":", ev->device_seq);
  append_member (out, ",\"author\":", ev->author);
  append_int (out, ",\"hlc\":", ev->hlc);
  append_member (out, ",\"type\":", ev->type);
  append_member (out, ",\"subject\":", ev->subject);
  append_member (out, ",\"body\":", ev->body);
  append_member (out, ",\"prev_hash\":", ev->prev_hash);
  append_member (out, ",\"hash\":", ev->hash);
  append_int (out, ",\"server_seq\":", ev->server_seq);
  g_string_append (out, ev->gap_before ? ",\"gap_before\":true}" : "}");
}

/* About what a slow link moves in a minute. */
#define PULL_PAGE_BYTES (1024 * 1024)

void
aj_server_events_pull (AjRequest *req)
{
  gint64 after = aj_request_get_query_int (req, "after", 0);
  gint64 limit = aj_request_get_query_int (req, "limit", 200);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GString *text;
  gboolean more;

  if (after < 0 || limit < 1)
    {
      aj_request_reply_error (req, 400, "bad_request", "after must be 0 or more and limit 1 or more");
      return;
    }
  limit = MIN (limit, AJ_PROTOCOL_MAX_BATCH_EVENTS);
  /* Bounded in bytes as well as in count; a device's own events are not
   * sent back (it learned their numbers from the push answers). */
  events = aj_store_list_page (aj_request_get_store (req), after, limit, PULL_PAGE_BYTES,
                               aj_request_get_scope (req), aj_request_get_device_id (req), &more, &error);
  if (events == NULL)
    {
      aj_request_reply_gerror (req, error);
      return;
    }

  /* Written directly: json-glib's object trees were most of a pull's cost
   * (the same members as aj_event_to_json, in the same order). */
  text = g_string_sized_new (events->len * 640 + 64);
  g_string_append (text, "{\"events\":[");
  for (guint i = 0; i < events->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      append_event (text, g_ptr_array_index (events, i));
    }
  g_string_append_printf (text, "],\"next\":%" G_GINT64_FORMAT ",\"more\":%s}",
                          events->len ? ((AjEvent *) g_ptr_array_index (events, events->len - 1))->server_seq : after,
                          more ? "true" : "false");
  bytes = g_string_free_to_bytes (text);
  aj_request_reply_bytes (req, 200, "application/json; charset=utf-8", bytes);
}
