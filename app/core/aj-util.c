/* aj-util.c: ids (UUIDv7), SHA-256, ISO dates, locale choice, JSON and durable file writes. */
#include "config.h"

#include <openssl/evp.h>

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "aj-error.h"
#include "aj-util.h"
#include "anjian-core-resources.h"

/* UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, then random bits.
 * Within one millisecond a process-wide counter in rand_a keeps ids ordered. */
char *
aj_uuid7_new_at (gint64 unix_ms)
{
  static GMutex lock;
  static gint64 last_ms = -1;
  static guint16 counter;
  guint8 b[16];
  guint16 seq;

  g_mutex_lock (&lock);
  if (unix_ms == last_ms)
    counter = (counter + 1) & 0x0fff;
  else
    counter = g_random_int_range (0, 0x0800);
  last_ms = unix_ms;
  seq = counter;
  g_mutex_unlock (&lock);

  for (int i = 0; i < 6; i++)
    b[i] = (unix_ms >> (40 - 8 * i)) & 0xff;
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  for (int i = 8; i < 16; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (b + i, &r, 4);
    }
  b[8] = (b[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
aj_uuid7_new (void)
{
  return aj_uuid7_new_at (aj_now_unix_ms ());
}

gboolean
aj_uuid_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (int i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* OpenSSL's SHA-256 (libcurl brings libcrypto anyway) hashes 3–5× faster
 * than GLib's portable one: photos are hashed on every import, upload and
 * download. */
static char *
digest_to_hex (const unsigned char *md)
{
  static const char hex[] = "0123456789abcdef";
  char *out = g_malloc (65);

  for (guint i = 0; i < 32; i++)
    {
      out[2 * i] = hex[md[i] >> 4];
      out[2 * i + 1] = hex[md[i] & 0xf];
    }
  out[64] = '\0';
  return out;
}

char *
aj_sha256_hex (const void *data,
               gsize       len)
{
  unsigned char md[32];

  if (!EVP_Digest (data, len, md, NULL, EVP_sha256 (), NULL))
    g_error ("SHA-256 failed");
  return digest_to_hex (md);
}

struct _AjSha256
{
  EVP_MD_CTX *ctx;
};

AjSha256 *
aj_sha256_new (void)
{
  AjSha256 *self = g_new0 (AjSha256, 1);

  self->ctx = EVP_MD_CTX_new ();
  if (self->ctx == NULL || !EVP_DigestInit_ex (self->ctx, EVP_sha256 (), NULL))
    g_error ("SHA-256 failed");
  return self;
}

void
aj_sha256_update (AjSha256   *self,
                  const void *data,
                  gsize       len)
{
  if (!EVP_DigestUpdate (self->ctx, data, len))
    g_error ("SHA-256 failed");
}

char *
aj_sha256_finish_hex (AjSha256 *self)
{
  unsigned char md[32];

  if (!EVP_DigestFinal_ex (self->ctx, md, NULL))
    g_error ("SHA-256 failed");
  return digest_to_hex (md);
}

void
aj_sha256_free (AjSha256 *self)
{
  if (self == NULL)
    return;
  EVP_MD_CTX_free (self->ctx);
  g_free (self);
}

/* The SHA-256 of a file, read in pieces; NULL with @error if unreadable. */
char *
aj_sha256_file_hex (const char  *path,
                    GError     **error)
{
  g_autoptr(AjSha256) sha = aj_sha256_new ();
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize n;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot read %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  while ((n = read (fd, buffer, 256 * 1024)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot read %s: %s"), path, g_strerror (saved));
          return NULL;
        }
      aj_sha256_update (sha, buffer, n);
    }
  close (fd);
  return aj_sha256_finish_hex (sha);
}

gboolean
aj_is_sha256_hex (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

gint64
aj_now_unix_ms (void)
{
  return g_get_real_time () / 1000;
}

/* The local time zone, read once for each value of TZ. GLib 2.74 reads
 * /etc/localtime again at every g_date_time_new_now_local () when TZ is
 * unset (its cache compares the zone's name with the unset variable): a
 * tenth of the processor time of recording an answer. */
static GDateTime *
now_local (void)
{
  static GMutex lock;
  static GTimeZone *zone;
  static char *zone_tz;
  const char *tz = g_getenv ("TZ");
  GDateTime *now;

  g_mutex_lock (&lock);
  if (zone == NULL || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      g_free (zone_tz);
      zone_tz = g_strdup (tz);
      zone = g_time_zone_new_local ();
    }
  now = g_date_time_new_now (zone);
  g_mutex_unlock (&lock);
  return now;
}

char *
aj_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = now_local ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
aj_today_iso (void)
{
  g_autoptr(GDateTime) now = now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

char *
aj_date_add_days (const char *iso_date,
                  int         days)
{
  g_autoptr(GDate) d = g_date_new ();
  char buf[16];

  g_date_set_parse (d, iso_date);
  if (!g_date_valid (d))
    return NULL;
  g_date_add_days (d, days);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", d);
  return g_strdup (buf);
}

char *
aj_iso8601_to_display (const char *iso,
                       gboolean    with_time)
{
  g_autoptr(GDateTime) dt = NULL;

  if (iso == NULL || *iso == '\0')
    return g_strdup ("");
  if (strlen (iso) == 10)
    return g_strdup (iso);
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  if (dt == NULL)
    return g_strdup (iso);
  return g_date_time_format (dt, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d");
}

/* Exactly YYYY-MM-DD and a real day: deadlines are compared as text. */
gboolean
aj_is_iso_date (const char *text)
{
  g_autoptr(GDate) d = NULL;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  d = g_date_new ();
  g_date_set_parse (d, text);
  return g_date_valid (d);
}

gboolean
aj_locale_is_chinese (void)
{
  const char * const *names = g_get_language_names ();

  /* The first entry is the most preferred; "C" means no preference: English. */
  return names != NULL && names[0] != NULL && g_str_has_prefix (names[0], "zh");
}

const char *
aj_pick_text (const char *zh,
              const char *en)
{
  if (aj_locale_is_chinese ())
    return zh != NULL && *zh ? zh : (en != NULL ? en : "");
  return en != NULL && *en ? en : (zh != NULL ? zh : "");
}

char *
aj_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* Refuses, before json-glib sees it, JSON nested deeper than @max_depth
 * (json-glib parses recursively, so a body of a million '[' would exhaust
 * the stack) and what json-glib 1.6 accepts beyond JSON: comments and
 * single-quoted strings, where a '"' would hide brackets from this scan,
 * and a second value after the document, which json-glib ignores and leaks
 * (found by tests/fuzz). A linear scan that skips strings; it does not
 * validate the rest. */
gboolean
aj_json_check_depth (const char  *text,
                     gssize       length,
                     guint        max_depth,
                     GError     **error)
{
  gsize n = length < 0 ? strlen (text) : (gsize) length;
  gboolean in_string = FALSE;
  gboolean in_word = FALSE;   /* a number, true, false or null at the top */
  gboolean ended = FALSE;     /* the document's value is complete */
  guint depth = 0;
  gsize i = 0;

  if (n >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    i = 3;   /* a byte-order mark, which json-glib skips */
  for (; i < n; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            {
              in_string = FALSE;
              ended = depth == 0;
            }
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          ended = ended || in_word;
          continue;
        }
      if (ended || (in_word && (c == '"' || c == '[' || c == '{')))
        {
          g_set_error_literal (error, AJ_ERROR, AJ_ERROR_INVALID, _("Text after the end of the JSON document"));
          return FALSE;
        }
      if (c == '/' || c == '\'')
        {
          g_set_error_literal (error, AJ_ERROR, AJ_ERROR_INVALID,
                               _("Comments and single-quoted strings are not JSON"));
          return FALSE;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                           _("JSON nested deeper than %u levels"), max_depth);
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0 && --depth == 0)
            ended = TRUE;
        }
      else if (depth == 0)
        in_word = TRUE;
    }
  return TRUE;
}

JsonObject *
aj_json_parse_object (const char  *text,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (text == NULL)
    {
      g_set_error_literal (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Empty JSON"));
      return NULL;
    }
  if (!aj_json_check_depth (text, -1, AJ_JSON_MAX_DEPTH, error) ||
      !json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("JSON is not an object"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

const char *
aj_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
aj_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

gboolean
aj_json_get_bool (JsonObject *object,
                  const char *member,
                  gboolean    fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

/* Write to a temporary file beside @path, fsync it, then rename over @path,
 * so that a crash leaves either the old file or the whole new one. */
gboolean
aj_write_file_durably (const char  *path,
                       const void  *data,
                       gsize        len,
                       GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  g_autofree char *dir = g_path_get_dirname (path);
  const guint8 *p = data;
  gsize left = len;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create %s: %s"), tmp, g_strerror (saved));
      return FALSE;
    }

  while (left > 0)
    {
      gssize n = write (fd, p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_unlink (tmp);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot write %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      p += n;
      left -= n;
    }

  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot save %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot save %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* Make the rename itself durable. */
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return TRUE;
}

void
aj_install_field_properties (GObjectClass          *klass,
                             const AjFieldProperty *fields,
                             guint                  n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    g_object_class_install_property (klass, i + 1,
        g_param_spec_string (fields[i].name, NULL, NULL, NULL,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

gboolean
aj_get_field_property (GObject               *object,
                       const AjFieldProperty *fields,
                       guint                  n_fields,
                       guint                  prop_id,
                       GValue                *value)
{
  if (prop_id < 1 || prop_id > n_fields)
    return FALSE;
  g_value_set_string (value, G_STRUCT_MEMBER (char *, object, fields[prop_id - 1].offset));
  return TRUE;
}

/* The core's resources (migrations, the reference list), registered once
 * whoever needs them first. */
void
aj_core_resources_ensure (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      aj_core_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}
