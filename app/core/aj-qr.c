/* aj-qr.c: what a tag says and how it looks. A hazard's QR holds a URL of the
 * server when one is configured (a phone camera opens the public page) and
 * anjian:h/<id> otherwise; the kiosk reads both. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <qrencode.h>
#include <zbar.h>

#include "aj-error.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-util.h"

static char *
payload_for (const char *server_url,
             const char *kind,
             const char *id)
{
  if (server_url != NULL && *server_url != '\0')
    {
      g_autofree char *base = g_strdup (server_url);
      gsize len = strlen (base);
      while (len > 0 && base[len - 1] == '/')
        base[--len] = '\0';
      return g_strdup_printf ("%s/%s/%s", base, kind, id);
    }
  return g_strdup_printf ("anjian:%s/%s", kind, id);
}

char *
aj_qr_hazard_payload (const char *server_url,
                      const char *hazard_id)
{
  return payload_for (server_url, "h", hazard_id);
}

char *
aj_qr_institution_payload (const char *server_url,
                           const char *code)
{
  return payload_for (server_url, "i", code);
}

static gboolean
valid_code (const char *code)
{
  if (code == NULL || *code == '\0' || strlen (code) > 32)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

AjQrKind
aj_qr_parse_payload (const char  *payload,
                     char       **id)
{
  const char *rest = NULL;

  if (id)
    *id = NULL;
  if (payload == NULL)
    return AJ_QR_NONE;

  if (g_str_has_prefix (payload, "anjian:"))
    rest = payload + strlen ("anjian:");
  else if (g_str_has_prefix (payload, "http://") || g_str_has_prefix (payload, "https://"))
    {
      /* <server>/h/<id> or <server>/i/<code>: look at the last two segments. */
      const char *slash = strrchr (payload, '/');
      if (slash == NULL || slash - payload < 3)
        return AJ_QR_NONE;
      rest = slash - 1;
      if (rest[-1] != '/')
        return AJ_QR_NONE;
    }
  else
    return AJ_QR_NONE;

  if (g_str_has_prefix (rest, "h/") && aj_uuid_is_valid (rest + 2))
    {
      if (id)
        *id = g_strdup (rest + 2);
      return AJ_QR_HAZARD;
    }
  if (g_str_has_prefix (rest, "i/") && valid_code (rest + 2))
    {
      if (id)
        *id = g_strdup (rest + 2);
      return AJ_QR_INSTITUTION;
    }
  return AJ_QR_NONE;
}

GdkPixbuf *
aj_qr_render (const char  *payload,
              int          module_px,
              GError     **error)
{
  QRcode *code = QRcode_encodeString8bit (payload, 0, QR_ECLEVEL_M);
  const int quiet = 4;
  GdkPixbuf *pixbuf;
  guint8 *pixels;
  int size, stride;

  if (code == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_FAILED, _("Cannot make a QR code of “%s”"), payload);
      return NULL;
    }

  size = (code->width + 2 * quiet) * module_px;
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, size, size);
  gdk_pixbuf_fill (pixbuf, 0xffffffff);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if (!(code->data[y * code->width + x] & 1))
          continue;
        for (int dy = 0; dy < module_px; dy++)
          {
            guint8 *row = pixels + ((y + quiet) * module_px + dy) * stride;
            memset (row + (x + quiet) * module_px * 3, 0, module_px * 3);
          }
      }
  QRcode_free (code);
  return pixbuf;
}

gboolean
aj_qr_save_png (const char  *payload,
                int          module_px,
                const char  *path,
                GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = aj_qr_render (payload, module_px, error);

  if (pixbuf == NULL)
    return FALSE;
  return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
}

/* Every QR code in a picture (libzbar), as text. */
GPtrArray *
aj_qr_decode_pixbuf (GdkPixbuf *pixbuf)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf), stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *gray = g_malloc ((gsize) w * h);
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();
  zbar_image_t *image = zbar_image_create ();

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = src + y * stride + x * n;
        gray[y * w + x] = (guint8) ((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
      }
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, w, h);
  zbar_image_set_data (image, gray, (unsigned long) w * h, zbar_image_free_data);
  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s; s = zbar_symbol_next (s))
      g_ptr_array_add (found, g_strdup (zbar_symbol_get_data (s)));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return found;
}

GPtrArray *
aj_qr_decode_file (const char  *path,
                   GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) upright = NULL;

  /* A scanned picture comes from anywhere: only JPEG or PNG, of sane size. */
  if (!aj_photo_check_file (path, error) || (pixbuf = gdk_pixbuf_new_from_file (path, error)) == NULL)
    return NULL;
  upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  return aj_qr_decode_pixbuf (upright ? upright : pixbuf);
}

/* anjian:d/<kind>/<inspection-id> or <server>/d/<kind>/<inspection-id> */
gboolean
aj_qr_parse_document (const char  *payload,
                      char       **kind,
                      char       **inspection_id)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  *kind = NULL;
  *inspection_id = NULL;
  if (payload == NULL)
    return FALSE;
  if (g_str_has_prefix (payload, "anjian:d/"))
    parts = g_strsplit (payload + strlen ("anjian:"), "/", -1);
  else if (g_str_has_prefix (payload, "http://") || g_str_has_prefix (payload, "https://"))
    parts = g_strsplit (payload, "/", -1);
  else
    return FALSE;
  /* the last three segments: d, the kind, the inspection */
  n = g_strv_length (parts);
  if (n < 3 || !g_str_equal (parts[n - 3], "d") || !aj_uuid_is_valid (parts[n - 1]))
    return FALSE;
  if (!g_str_equal (parts[n - 2], "inspection") && !g_str_equal (parts[n - 2], "notice") &&
      !g_str_equal (parts[n - 2], "verification"))
    return FALSE;
  *kind = g_strdup (parts[n - 2]);
  *inspection_id = g_strdup (parts[n - 1]);
  return TRUE;
}
