/* aj-fault-proxy.c: blocking sockets, one thread per client connection,
 * one upstream connection for each. Requests on a connection are handled
 * one after the other (HTTP/1.1 keep-alive, no pipelining), which is how
 * libcurl talks. */
#define _GNU_SOURCE 1   /* memmem, accept4 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "aj-fault-proxy.h"

#define MAX_HEAD (64 * 1024)

struct _AjFaultProxy
{
  int            listen_fd;
  int            upstream_port;
  char          *url;
  GThread       *accept_thread;
  AjFaultPolicy  policy;
  gpointer       policy_data;

  GMutex         lock;
  GPtrArray     *conns;
  gboolean       stopping;
  guint          requests;
  guint          counts[AJ_FAULT_N_ACTIONS];
};

typedef struct
{
  AjFaultProxy *proxy;
  int           client;
  int           upstream;
  GThread      *thread;
} Conn;

typedef struct
{
  int         fd;
  GByteArray *buf;
} Peer;

typedef struct
{
  char     *method;       /* requests */
  char     *path;
  guint     status;       /* responses */
  gint64    content_length;   /* -1: none */
  gboolean  chunked;
  gboolean  close;
  char     *content_range;
} Head;

static void
head_clear (Head *h)
{
  g_free (h->method);
  g_free (h->path);
  g_free (h->content_range);
  memset (h, 0, sizeof *h);
}

/* ---- bytes ---- */

static gboolean
peer_fill (Peer *p)
{
  guint8 tmp[64 * 1024];
  ssize_t n;

  do
    n = recv (p->fd, tmp, sizeof tmp, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return FALSE;
  g_byte_array_append (p->buf, tmp, n);
  return TRUE;
}

static gboolean
send_all (int         fd,
          const void *data,
          gsize       length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      ssize_t n = send (fd, p, length, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }
  return TRUE;
}

/* The offset just past the first @needle in the buffer, filling it as
 * needed; -1 at the end of the stream or when it grows too long. */
static gssize
peer_find (Peer       *p,
           const char *needle)
{
  gsize len = strlen (needle);

  for (;;)
    {
      if (p->buf->len >= len)
        {
          const guint8 *hit = memmem (p->buf->data, p->buf->len, needle, len);
          if (hit != NULL)
            return hit - p->buf->data + len;
        }
      if (p->buf->len > MAX_HEAD || !peer_fill (p))
        return -1;
    }
}

/* Moves exactly @length bytes from @from (its buffer first) to @to, or
 * drops them when @to is -1. */
static gboolean
pump (Peer   *from,
      int     to,
      gint64  length)
{
  while (length > 0)
    {
      gsize n;

      if (from->buf->len == 0 && !peer_fill (from))
        return FALSE;
      n = (gsize) MIN ((gint64) from->buf->len, length);
      if (to >= 0 && !send_all (to, from->buf->data, n))
        return FALSE;
      g_byte_array_remove_range (from->buf, 0, n);
      length -= n;
    }
  return TRUE;
}

/* Everything until the peer closes. */
static void
pump_to_end (Peer *from,
             int   to)
{
  do
    {
      if (to >= 0 && from->buf->len > 0 && !send_all (to, from->buf->data, from->buf->len))
        return;
      g_byte_array_set_size (from->buf, 0);
    }
  while (peer_fill (from));
}

/* A chunked body, chunk by chunk, trailers included. */
static gboolean
pump_chunked (Peer *from,
              int   to)
{
  for (;;)
    {
      gssize line = peer_find (from, "\r\n");
      gint64 size;

      if (line < 0)
        return FALSE;
      size = g_ascii_strtoll ((const char *) from->buf->data, NULL, 16);
      if (!pump (from, to, line))
        return FALSE;
      if (size == 0)
        {
          /* Trailers, then an empty line. */
          for (;;)
            {
              line = peer_find (from, "\r\n");
              if (line < 0 || !pump (from, to, line))
                return FALSE;
              if (line == 2)
                return TRUE;
            }
        }
      if (!pump (from, to, size + 2))
        return FALSE;
    }
}

/* ---- heads ---- */

static void
parse_head (const guint8 *data,
            gsize         length,
            gboolean      request,
            Head         *h)
{
  g_autofree char *text = g_strndup ((const char *) data, length);
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  memset (h, 0, sizeof *h);
  h->content_length = -1;
  if (lines[0] != NULL)
    {
      g_auto(GStrv) first = g_strsplit (lines[0], " ", 3);
      if (request && first[0] && first[1])
        {
          h->method = g_strdup (first[0]);
          h->path = g_strdup (first[1]);
        }
      else if (!request && first[0] && first[1])
        {
          h->status = (guint) g_ascii_strtoull (first[1], NULL, 10);
          h->close = g_str_equal (first[0], "HTTP/1.0");
        }
    }
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      const char *value;

      if (colon == NULL)
        continue;
      *colon = '\0';
      value = g_strstrip (colon + 1);
      if (g_ascii_strcasecmp (lines[i], "Content-Length") == 0)
        h->content_length = g_ascii_strtoll (value, NULL, 10);
      else if (g_ascii_strcasecmp (lines[i], "Transfer-Encoding") == 0)
        h->chunked = g_ascii_strcasecmp (value, "chunked") == 0;
      else if (g_ascii_strcasecmp (lines[i], "Connection") == 0)
        h->close = g_ascii_strcasecmp (value, "close") == 0;
      else if (g_ascii_strcasecmp (lines[i], "Content-Range") == 0)
        h->content_range = g_strdup (value);
    }
}

static gboolean
answer (int         fd,
        const char *method,
        guint       status)
{
  const char *code = status == 503 ? "unavailable" : "internal";
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"The fault proxy answers %u\"}}",
                                           code, status);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                                           "Anjian-Error: %s\r\nContent-Length: %zu\r\n\r\n",
                                           status, status == 503 ? "Service Unavailable" : "Internal Server Error",
                                           code, strlen (body));

  return send_all (fd, head, strlen (head)) &&
         (g_str_equal (method, "HEAD") || send_all (fd, body, strlen (body)));
}

/* ---- one connection ---- */

static void
serve (Conn *conn)
{
  AjFaultProxy *proxy = conn->proxy;
  Peer client = { conn->client, g_byte_array_new () };
  Peer up = { conn->upstream, g_byte_array_new () };

  for (;;)
    {
      g_autoptr(GByteArray) request_head = NULL;
      g_autoptr(GByteArray) response_head = NULL;
      AjFaultDecision decision = { AJ_FAULT_PASS, 0.5, 0, 500 };
      AjFaultRequest request;
      Head req = { 0 }, res = { 0 };
      gssize length;
      gint64 body;
      gboolean keep = TRUE;

      length = peer_find (&client, "\r\n\r\n");
      if (length < 0)
        break;
      parse_head (client.buf->data, length, TRUE, &req);
      if (req.method == NULL || req.chunked)
        {
          head_clear (&req);
          break;
        }
      request_head = g_byte_array_sized_new (length);
      g_byte_array_append (request_head, client.buf->data, length);
      g_byte_array_remove_range (client.buf, 0, length);
      body = MAX (req.content_length, 0);

      g_mutex_lock (&proxy->lock);
      request = (AjFaultRequest) { proxy->requests++, req.method, req.path, body, req.content_range };
      if (proxy->policy)
        proxy->policy (&request, &decision, proxy->policy_data);
      if (decision.action == AJ_FAULT_CUT_REQUEST && body == 0)
        decision.action = AJ_FAULT_DROP_REQUEST;
      proxy->counts[decision.action]++;
      g_mutex_unlock (&proxy->lock);

      switch (decision.action)
        {
        case AJ_FAULT_DROP_REQUEST:
          keep = FALSE;
          break;
        case AJ_FAULT_ANSWER:
          keep = pump (&client, -1, body) && answer (client.fd, req.method, decision.status);
          break;
        case AJ_FAULT_CUT_REQUEST:
          send_all (up.fd, request_head->data, request_head->len);
          pump (&client, up.fd, (gint64) (body * CLAMP (decision.fraction, 0.0, 1.0)));
          keep = FALSE;
          break;
        default:
          if (!send_all (up.fd, request_head->data, request_head->len) || !pump (&client, up.fd, body))
            {
              keep = FALSE;
              break;
            }
          length = peer_find (&up, "\r\n\r\n");
          if (length < 0)
            {
              keep = FALSE;
              break;
            }
          parse_head (up.buf->data, length, FALSE, &res);
          response_head = g_byte_array_sized_new (length);
          g_byte_array_append (response_head, up.buf->data, length);
          g_byte_array_remove_range (up.buf, 0, length);
          if (g_str_equal (req.method, "HEAD") || res.status < 200 || res.status == 204 || res.status == 304)
            res.content_length = 0;

          if (decision.action == AJ_FAULT_DROP_RESPONSE)
            {
              /* The server has done the work; the answer is lost. */
              if (res.chunked)
                pump_chunked (&up, -1);
              else if (res.content_length >= 0)
                pump (&up, -1, res.content_length);
              keep = FALSE;
              break;
            }
          if (decision.action == AJ_FAULT_DELAY_RESPONSE)
            g_usleep ((gulong) decision.delay_ms * 1000);
          if (decision.action == AJ_FAULT_TRUNCATE_RESPONSE)
            {
              gint64 total = response_head->len + (res.chunked ? 0 : MAX (res.content_length, 0));
              gint64 part = (gint64) (total * CLAMP (decision.fraction, 0.0, 1.0));
              gint64 from_head;

              /* Always short of the whole answer. */
              if (part >= total && total > 0)
                part = total - 1;
              from_head = MIN (part, (gint64) response_head->len);
              if (send_all (client.fd, response_head->data, from_head))
                pump (&up, client.fd, part - from_head);
              keep = FALSE;
              break;
            }
          if (!send_all (client.fd, response_head->data, response_head->len))
            keep = FALSE;
          else if (res.chunked)
            keep = pump_chunked (&up, client.fd);
          else if (res.content_length >= 0)
            keep = pump (&up, client.fd, res.content_length);
          else
            {
              pump_to_end (&up, client.fd);
              keep = FALSE;
            }
          if (res.close || req.close)
            keep = FALSE;
          break;
        }
      head_clear (&req);
      head_clear (&res);
      if (!keep)
        break;
    }

  g_byte_array_unref (client.buf);
  g_byte_array_unref (up.buf);
}

static gpointer
conn_thread (gpointer data)
{
  Conn *conn = data;
  AjFaultProxy *proxy = conn->proxy;

  serve (conn);
  g_mutex_lock (&proxy->lock);
  close (conn->client);
  close (conn->upstream);
  conn->client = conn->upstream = -1;
  g_mutex_unlock (&proxy->lock);
  return NULL;
}

static int
connect_upstream (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0)
    return -1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gpointer
accept_thread (gpointer data)
{
  AjFaultProxy *proxy = data;

  for (;;)
    {
      int fd = accept4 (proxy->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      struct timeval timeout = { 60, 0 };
      int one = 1;
      Conn *conn;

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          break;
        }
      /* Nothing waits for ever, whatever the other side does. */
      setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conn = g_new0 (Conn, 1);
      conn->proxy = proxy;
      conn->client = fd;
      conn->upstream = connect_upstream (proxy->upstream_port);
      if (conn->upstream < 0)
        {
          /* The server is down: the client sees the connection close. */
          close (fd);
          g_free (conn);
          continue;
        }
      setsockopt (conn->upstream, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      setsockopt (conn->upstream, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

      g_mutex_lock (&proxy->lock);
      if (proxy->stopping)
        {
          g_mutex_unlock (&proxy->lock);
          close (conn->client);
          close (conn->upstream);
          g_free (conn);
          break;
        }
      g_ptr_array_add (proxy->conns, conn);
      conn->thread = g_thread_new ("fault-proxy-conn", conn_thread, conn);
      g_mutex_unlock (&proxy->lock);
    }
  return NULL;
}

AjFaultProxy *
aj_fault_proxy_new (int            upstream_port,
                    AjFaultPolicy  policy,
                    gpointer       data)
{
  AjFaultProxy *proxy = g_new0 (AjFaultProxy, 1);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
  socklen_t len = sizeof addr;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_mutex_init (&proxy->lock);
  proxy->conns = g_ptr_array_new ();
  proxy->upstream_port = upstream_port;
  proxy->policy = policy;
  proxy->policy_data = data;
  proxy->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (proxy->listen_fd, >=, 0);
  g_assert_cmpint (bind (proxy->listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (proxy->listen_fd, 16), ==, 0);
  g_assert_cmpint (getsockname (proxy->listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  proxy->url = g_strdup_printf ("http://127.0.0.1:%d", ntohs (addr.sin_port));
  proxy->accept_thread = g_thread_new ("fault-proxy", accept_thread, proxy);
  return proxy;
}

const char *
aj_fault_proxy_get_url (AjFaultProxy *proxy)
{
  return proxy->url;
}

guint
aj_fault_proxy_count (AjFaultProxy  *proxy,
                      AjFaultAction  action)
{
  guint n;

  g_mutex_lock (&proxy->lock);
  n = proxy->counts[action];
  g_mutex_unlock (&proxy->lock);
  return n;
}

guint
aj_fault_proxy_requests (AjFaultProxy *proxy)
{
  guint n;

  g_mutex_lock (&proxy->lock);
  n = proxy->requests;
  g_mutex_unlock (&proxy->lock);
  return n;
}

void
aj_fault_proxy_free (AjFaultProxy *proxy)
{
  g_mutex_lock (&proxy->lock);
  proxy->stopping = TRUE;
  /* Wakes the blocked accept() (Linux answers EINVAL). */
  shutdown (proxy->listen_fd, SHUT_RDWR);
  g_mutex_unlock (&proxy->lock);
  g_thread_join (proxy->accept_thread);
  close (proxy->listen_fd);

  g_mutex_lock (&proxy->lock);
  for (guint i = 0; i < proxy->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (proxy->conns, i);
      if (conn->client >= 0)
        shutdown (conn->client, SHUT_RDWR);
      if (conn->upstream >= 0)
        shutdown (conn->upstream, SHUT_RDWR);
    }
  g_mutex_unlock (&proxy->lock);
  for (guint i = 0; i < proxy->conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (proxy->conns, i);
      g_thread_join (conn->thread);
      g_free (conn);
    }
  g_ptr_array_unref (proxy->conns);
  g_mutex_clear (&proxy->lock);
  g_free (proxy->url);
  g_free (proxy);
}
