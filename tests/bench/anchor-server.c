/* anchor-server.c: the load benchmark's yardstick (issue 16): the least a
 * libsoup 3 server can do, on one main loop, with the same listen backlog
 * as anjian-server: answer every request with BYTES of JSON, a body of the
 * same size as a pull of 100 events. No database, no gate, no parsing.
 *
 * Usage: anchor-server HOST:PORT BYTES   (prints "listening on URL") */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>
#include <libsoup/soup.h>

static GBytes *answer;

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Type",
                                "application/json; charset=utf-8");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), answer);
}

static gboolean
on_terminate (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *host = NULL;
  const char *colon;
  GSList *uris;
  gsize size;
  char *body;

  if (argc != 3 || (colon = strrchr (argv[1], ':')) == NULL)
    {
      fprintf (stderr, "Usage: anchor-server HOST:PORT BYTES\n");
      return 2;
    }
  size = (gsize) g_ascii_strtoull (argv[2], NULL, 10);
  body = g_malloc (size + 1);
  /* JSON of the given length: {"events":"xxxx…"} */
  memset (body, 'x', size);
  if (size >= 14)
    {
      memcpy (body, "{\"events\":\"", 11);
      memcpy (body + size - 2, "\"}", 2);
    }
  answer = g_bytes_new_take (body, size);

  host = g_strndup (argv[1], colon - argv[1]);
  inet = g_inet_address_new_from_string (host);
  address = g_inet_socket_address_new (inet, (guint16) atoi (colon + 1));
  server = soup_server_new ("server-header", "anchor ", NULL);
  soup_server_add_handler (server, NULL, on_request, NULL, NULL);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_bind (socket, address, TRUE, &error) || !g_socket_listen (socket, &error) ||
      !soup_server_listen_socket (server, socket, 0, &error))
    {
      fprintf (stderr, "anchor-server: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  {
    g_autofree char *url = g_uri_to_string (uris->data);
    printf ("listening on %s\n", url);
    fflush (stdout);
  }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_terminate, loop);
  g_unix_signal_add (SIGINT, on_terminate, loop);
  g_main_loop_run (loop);
  g_bytes_unref (answer);
  return 0;
}
