/* aj-server-events.c: /api/v1/events: devices push their own events, each
 * answered with its number or the reason it was refused, and pull what their
 * scope may see, in server order. */
#include "config.h"

#include <string.h>

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

/* Which bytes a JSON string cannot hold as they are: control characters,
 * quotes and backslashes. */
static const guint8 json_escape[256] = {
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ['\\'] = 1,
};

/* 0x80 in each of eight bytes that is zero, 0 in the others (exact). */
static inline guint64
zero_bytes (guint64 w)
{
  const guint64 low7 = G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f);

  return ~(((w & low7) + low7) | w | low7);
}

/* 0x80 in each of eight bytes that json_escape marks: below 0x20 (no bit
 * of 0xe0 set), a quote or a backslash. */
static inline guint64
escape_mask (guint64 w)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);

  return zero_bytes (w & (ones * 0xe0)) | zero_bytes (w ^ (ones * '"')) | zero_bytes (w ^ (ones * '\\'));
}

static inline char *
escape_byte (char   *p,
             guchar  c)
{
  static const char hex[] = "0123456789abcdef";

  if (G_LIKELY (!json_escape[c]))
    *p++ = (char) c;
  else if (c >= 0x20)
    {
      *p++ = '\\';
      *p++ = (char) c;
    }
  else
    {
      memcpy (p, "\\u00", 4);
      p[4] = hex[c >> 4];
      p[5] = hex[c & 15];
      p += 6;
    }
  return p;
}

/* A JSON string: UTF-8 as it is, with quotes, backslashes and control
 * characters escaped. Written in place, eight bytes at a time where none
 * needs escaping: room for the worst case (every byte six) is made first,
 * and the string cut to what was written. */
static void
append_string (GString    *out,
               const char *value)
{
  gsize length = strlen (value);
  gsize start = out->len;
  const guchar *q = (const guchar *) value;
  const guchar *end = q + length;
  char *p;

  g_string_set_size (out, start + 2 + 6 * length);
  p = out->str + start;
  *p++ = '"';
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  /* The bytes up to the first that needs escaping go at once. */
  while (end - q >= 8)
    {
      guint64 w, mask;
      guint n;

      memcpy (&w, q, 8);
      memcpy (p, q, 8);
      mask = escape_mask (w);
      if (mask == 0)
        {
          p += 8;
          q += 8;
          continue;
        }
      n = (guint) __builtin_ctzll (mask) / 8;
      p = escape_byte (p + n, q[n]);
      q += n + 1;
    }
#endif
  for (; q < end; q++)
    p = escape_byte (p, *q);
  *p++ = '"';
  g_string_truncate (out, p - out->str);
}

/* A name given as a literal, with its length known when compiled. */
#define append_literal(out, text) g_string_append_len ((out), "" text, sizeof (text) - 1)

/* ,"name": and the value (a string, or null). */
#define append_member(out, name, value) \
  G_STMT_START { append_literal (out, name); append_string_or_null (out, value); } G_STMT_END
#define append_int(out, name, value) \
  G_STMT_START { append_literal (out, name); append_number (out, value); } G_STMT_END

static void
append_string_or_null (GString    *out,
                       const char *value)
{
  if (value != NULL)
    append_string (out, value);
  else
    append_literal (out, "null");
}

static void
append_number (GString *out,
               gint64   value)
{
  char digits[24];
  char *p = digits + sizeof digits;
  guint64 n = value < 0 ? -(guint64) value : (guint64) value;

  do
    *--p = (char) ('0' + n % 10);
  while ((n /= 10) > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, digits + sizeof digits - p);
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
  if (ev->gap_before)
    append_literal (out, ",\"gap_before\":true}");
  else
    g_string_append_c (out, '}');
}

/* About what a slow link moves in a minute. */
#define PULL_PAGE_BYTES (1024 * 1024)

/* Each event of the page as it is read (aj_store_visit_page), comma
 * separated; the last one's number is the page's "next". */
typedef struct
{
  GString *text;
  guint    count;
  gint64   last;
} Page;

static void
add_to_page (const AjEvent *ev,
             gpointer       data)
{
  Page *page = data;

  if (page->count++ > 0)
    g_string_append_c (page->text, ',');
  append_event (page->text, ev);
  page->last = ev->server_seq;
}

void
aj_server_events_pull (AjRequest *req)
{
  gint64 after = aj_request_get_query_int (req, "after", 0);
  gint64 limit = aj_request_get_query_int (req, "limit", 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;
  Page page = { NULL, 0, after };
  gboolean more;

  if (after < 0 || limit < 1)
    {
      aj_request_reply_error (req, 400, "bad_request", "after must be 0 or more and limit 1 or more");
      return;
    }
  limit = MIN (limit, AJ_PROTOCOL_MAX_BATCH_EVENTS);
  /* Written directly from the rows as they are read: json-glib's object
   * trees, then copies of each event, were most of a pull's cost (the same
   * members as aj_event_to_json, in the same order). */
  text = page.text = g_string_sized_new (64 * 1024);
  g_string_append (text, "{\"events\":[");
  /* Bounded in bytes as well as in count; a device's own events are not
   * sent back (it learned their numbers from the push answers). */
  if (!aj_store_visit_page (aj_request_get_store (req), after, limit, PULL_PAGE_BYTES, aj_request_get_scope (req),
                            aj_request_get_device_id (req), add_to_page, &page, &more, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  g_string_append_printf (text, "],\"next\":%" G_GINT64_FORMAT ",\"more\":%s}", page.last, more ? "true" : "false");
  {
    gsize length = text->len;
    /* Cut to its length (in place: no copy) while libsoup sends it. */
    char *data = g_realloc (g_string_free (g_steal_pointer (&text), FALSE), length + 1);
    g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

    aj_request_reply_bytes (req, 200, "application/json; charset=utf-8", bytes);
  }
}
