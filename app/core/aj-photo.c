/* aj-photo.c: photo import. Everything is decoded and re-encoded, so what is
 * stored is always a clean JPEG whose name is the hash of its bytes. Only
 * JPEG and PNG reach a decoder, and only after their header has said how
 * big they are: a picture from a file or from the server is hostile input. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "aj-error.h"
#include "aj-photo.h"
#include <cairo.h>
#include <pango/pangocairo.h>
#include "aj-util.h"

char *
aj_photo_blob_path (const char *blob_dir,
                    const char *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], 0 };
  return g_build_filename (blob_dir, prefix, sha256 + 2, NULL);
}

char *
aj_photo_thumb_path (const char *blob_dir,
                     const char *sha256)
{
  g_autofree char *name = g_strconcat (sha256, ".jpg", NULL);
  return g_build_filename (blob_dir, "thumbs", name, NULL);
}

/* The format by its first bytes, never by the file's name or by what
 * gdk-pixbuf would guess: its other loaders (TIFF, ICO, XPM, …) are more
 * attack surface than evidence photos need. */
static const char *
sniff_format (const guint8 *data,
              gsize         length)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };

  if (length >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "png";
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpeg";
  return NULL;
}

static guint
read_be16 (const guint8 *p)
{
  return ((guint) p[0] << 8) | p[1];
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* The size a PNG or JPEG header announces, read before any decoder runs:
 * PNG's IHDR is the first chunk; a JPEG's frame header (SOFn) follows the
 * markers before it, each with its length. FALSE when there is none. */
static gboolean
read_dimensions (const char   *format,
                 const guint8 *data,
                 gsize         length,
                 guint32      *width,
                 guint32      *height)
{
  if (g_str_equal (format, "png"))
    {
      if (length < 24 || memcmp (data + 12, "IHDR", 4) != 0)
        return FALSE;
      *width = read_be32 (data + 16);
      *height = read_be32 (data + 20);
      return TRUE;
    }

  for (gsize p = 2; p + 4 <= length;)
    {
      guint marker, segment;

      if (data[p] != 0xff)
        return FALSE;
      while (p < length && data[p] == 0xff)   /* fill bytes */
        p++;
      if (p >= length)
        return FALSE;
      marker = data[p++];
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;                              /* no length follows */
      if (marker == 0xd9 || marker == 0xda || p + 2 > length)
        return FALSE;                          /* the image data before any frame */
      segment = read_be16 (data + p);
      if (segment < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (p + 7 > length)
            return FALSE;
          *height = read_be16 (data + p + 3);
          *width = read_be16 (data + p + 5);
          return TRUE;
        }
      p += segment;
    }
  return FALSE;
}

static gboolean
check_size (guint32   width,
            guint32   height,
            GError  **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                   _("The picture is damaged or incomplete and was not added (it says it has no pixels)."));
      return FALSE;
    }
  if ((guint64) width * height > AJ_PHOTO_MAX_PIXELS)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("The picture is too large (%u × %u pixels); Anjian takes pictures of up to %u megapixels."),
                   width, height, (guint) (AJ_PHOTO_MAX_PIXELS / 1000000));
      return FALSE;
    }
  return TRUE;
}

static void
set_not_an_image (GError **error)
{
  g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE,
               _("This file is not a picture Anjian can read (JPEG or PNG)."));
}

/* Whether @data may be given to a decoder: JPEG or PNG by its first bytes,
 * with a header that says how big it is, and no bigger than the limit. */
gboolean
aj_photo_check_data (const guint8  *data,
                     gsize          length,
                     GError       **error)
{
  const char *format = sniff_format (data, length);
  guint32 width = 0, height = 0;

  if (length == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE, _("The file is empty."));
      return FALSE;
    }
  if (format == NULL)
    {
      set_not_an_image (error);
      return FALSE;
    }
  if (!read_dimensions (format, data, length, &width, &height))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                   _("The picture is damaged or incomplete and was not added (its header cannot be read)."));
      return FALSE;
    }
  return check_size (width, height, error);
}

/* The same for a stored file, reading only its beginning: what the kiosk
 * checks before it shows a photo or a signature that came from the server. */
gboolean
aj_photo_check_file (const char  *path,
                     GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbufFormat *info;
  g_autofree char *info_name = NULL;
  guint8 head[8];
  gsize got = 0;
  int width = 0, height = 0;

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &got, NULL, &local_error))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("Cannot read the file: %s"), local_error->message);
      return FALSE;
    }
  if (sniff_format (head, got) == NULL)
    {
      set_not_an_image (error);
      return FALSE;
    }
  /* Safe now: only the PNG or JPEG loader reads the header. */
  info = gdk_pixbuf_get_file_info (path, &width, &height);
  if (info != NULL)
    info_name = gdk_pixbuf_format_get_name (info);
  if (info_name == NULL || g_strcmp0 (info_name, sniff_format (head, got)) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                   _("The picture is damaged or incomplete and was not added (its header cannot be read)."));
      return FALSE;
    }
  return check_size (width, height, error);
}

/* libjpeg pads a truncated file with grey and only warns, so gdk-pixbuf
 * returns a half-grey picture; a JPEG must end with its EOI marker. */
static gboolean
jpeg_is_complete (const guint8 *data,
                  gsize         length)
{
  gsize end = length;

  while (end > 2 && (data[end - 1] == 0x00 || data[end - 1] == 0x0a || data[end - 1] == 0x0d))
    end--;
  return end >= 4 && data[end - 2] == 0xff && data[end - 1] == 0xd9;
}

static GdkPixbuf *
flatten_and_scale (GdkPixbuf *src)
{
  int w = gdk_pixbuf_get_width (src);
  int h = gdk_pixbuf_get_height (src);
  int long_edge = MAX (w, h);
  int nw = w, nh = h;
  GdkPixbuf *scaled;

  if (long_edge > AJ_PHOTO_MAX_EDGE)
    {
      nw = MAX (1, (int) ((gint64) w * AJ_PHOTO_MAX_EDGE / long_edge));
      nh = MAX (1, (int) ((gint64) h * AJ_PHOTO_MAX_EDGE / long_edge));
    }

  if (gdk_pixbuf_get_has_alpha (src))
    {
      /* JPEG has no transparency: composite on white as a printout would.
       * (gdk_pixbuf_copy_area () cannot drop an alpha channel.) */
      scaled = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, nw, nh);
      gdk_pixbuf_fill (scaled, 0xffffffff);
      gdk_pixbuf_composite (src, scaled, 0, 0, nw, nh, 0, 0,
                            (double) nw / w, (double) nh / h, GDK_INTERP_BILINEAR, 255);
    }
  else if (nw != w || nh != h)
    scaled = gdk_pixbuf_scale_simple (src, nw, nh, GDK_INTERP_BILINEAR);
  else
    scaled = g_object_ref (src);
  return scaled;
}

gboolean
aj_photo_import_pixbuf (const char   *blob_dir,
                        GdkPixbuf    *pixbuf,
                        AjPhotoInfo  *info,
                        GError      **error)
{
  g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  g_autoptr(GdkPixbuf) final = NULL;
  g_autoptr(GdkPixbuf) thumb = NULL;
  g_autofree char *jpeg = NULL;
  g_autofree char *thumb_jpeg = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tpath = NULL;
  gsize jpeg_len, thumb_len;
  int tw, th;

  final = flatten_and_scale (upright ? upright : pixbuf);
  if (!gdk_pixbuf_save_to_buffer (final, &jpeg, &jpeg_len, "jpeg", error, "quality", "88", NULL))
    return FALSE;

  sha = aj_sha256_hex (jpeg, jpeg_len);
  path = aj_photo_blob_path (blob_dir, sha);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
      !aj_write_file_durably (path, jpeg, jpeg_len, error))
    return FALSE;

  tw = gdk_pixbuf_get_width (final);
  th = gdk_pixbuf_get_height (final);
  if (MAX (tw, th) > AJ_PHOTO_THUMB_EDGE)
    {
      int long_edge = MAX (tw, th);
      tw = MAX (1, tw * AJ_PHOTO_THUMB_EDGE / long_edge);
      th = MAX (1, th * AJ_PHOTO_THUMB_EDGE / long_edge);
    }
  thumb = gdk_pixbuf_scale_simple (final, tw, th, GDK_INTERP_BILINEAR);
  tpath = aj_photo_thumb_path (blob_dir, sha);
  if (!gdk_pixbuf_save_to_buffer (thumb, &thumb_jpeg, &thumb_len, "jpeg", error, "quality", "80", NULL) ||
      !aj_write_file_durably (tpath, thumb_jpeg, thumb_len, error))
    return FALSE;

  memset (info, 0, sizeof *info);
  memcpy (info->sha256, sha, 65);
  info->width = gdk_pixbuf_get_width (final);
  info->height = gdk_pixbuf_get_height (final);
  info->bytes = jpeg_len;
  return TRUE;
}

static GdkPixbuf *decode_data (const guint8 *data, gsize length, GError **error);

gboolean
aj_photo_import_data (const char    *blob_dir,
                      const guint8  *data,
                      gsize          length,
                      AjPhotoInfo   *info,
                      GError       **error)
{
  g_autoptr(GdkPixbuf) pixbuf = decode_data (data, length, error);

  if (pixbuf == NULL)
    return FALSE;
  return aj_photo_import_pixbuf (blob_dir, pixbuf, info, error);
}

/* Decodes and checks a picture; the pixbuf keeps its EXIF orientation. */
static GdkPixbuf *
decode_data (const guint8  *data,
             gsize          length,
             GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbufFormat *format;
  GdkPixbuf *pixbuf;
  g_autofree char *format_name = NULL;

  if (!aj_photo_check_data (data, length, error))
    return NULL;

  /* Made only now: a loader dropped without being closed is a warning.
   * The type is named, so that no other loader is ever tried. */
  loader = gdk_pixbuf_loader_new_with_type (sniff_format (data, length), &local_error);
  if (loader == NULL)
    {
      set_not_an_image (error);
      return NULL;
    }

  if (!gdk_pixbuf_loader_write (loader, data, length, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error))
    {
      format = gdk_pixbuf_loader_get_format (loader);
      if (format == NULL || g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
        set_not_an_image (error);
      else
        g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                     _("The picture is damaged or incomplete and was not added (%s)."),
                     local_error->message);
      return NULL;
    }

  format = gdk_pixbuf_loader_get_format (loader);
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || format == NULL)
    {
      set_not_an_image (error);
      return NULL;
    }
  format_name = gdk_pixbuf_format_get_name (format);   /* a copy, to be freed */
  if (g_str_equal (format_name, "jpeg") && !jpeg_is_complete (data, length))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                   _("The picture is incomplete (the file was cut short) and was not added."));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

gboolean
aj_photo_import_file (const char   *blob_dir,
                      const char   *path,
                      AjPhotoInfo  *info,
                      GError      **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("Cannot read the file: %s"), local_error->message);
      return FALSE;
    }
  return aj_photo_import_data (blob_dir, (const guint8 *) data, length, info, error);
}

/* Thumbnails are derived data: made again for a photo received by sync. */
gboolean
aj_photo_make_thumbnail (const char  *blob_dir,
                         const char  *sha256,
                         GError     **error)
{
  g_autofree char *path = aj_photo_blob_path (blob_dir, sha256);
  g_autofree char *tpath = aj_photo_thumb_path (blob_dir, sha256);
  g_autofree char *jpeg = NULL;
  g_autoptr(GdkPixbuf) thumb = NULL;
  gsize length;

  if (g_file_test (tpath, G_FILE_TEST_EXISTS))
    return TRUE;
  /* A blob from the server is checked like a file someone picked. */
  if (!aj_photo_check_file (path, error))
    return FALSE;
  thumb = gdk_pixbuf_new_from_file_at_size (path, AJ_PHOTO_THUMB_EDGE, AJ_PHOTO_THUMB_EDGE, error);
  if (thumb == NULL)
    return FALSE;
  if (!gdk_pixbuf_save_to_buffer (thumb, &jpeg, &length, "jpeg", error, "quality", "80", NULL))
    return FALSE;
  return aj_write_file_durably (tpath, jpeg, length, error);
}

GdkPixbuf *
aj_photo_decode_file (const char  *path,
                      GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GdkPixbuf *upright;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("Cannot read the file: %s"), local_error->message);
      return NULL;
    }
  pixbuf = decode_data ((const guint8 *) data, length, error);
  if (pixbuf == NULL)
    return NULL;
  upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  return upright ? upright : g_object_ref (pixbuf);
}

/* The "watermark camera" stamp Chinese inspectors expect: a dark band at
 * the bottom with time, institution and inspector, burnt into the image. */
GdkPixbuf *
aj_photo_stamp (GdkPixbuf  *photo,
                const char *text)
{
  int w = gdk_pixbuf_get_width (photo), h = gdk_pixbuf_get_height (photo);
  int n = gdk_pixbuf_get_n_channels (photo), stride = gdk_pixbuf_get_rowstride (photo);
  const guint8 *src = gdk_pixbuf_read_pixels (photo);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *dst = cairo_image_surface_get_data (surface);
  int dstride = cairo_image_surface_get_stride (surface);
  double font = MAX (12, MIN (w, h) / 28.0);
  PangoLayout *layout;
  PangoFontDescription *desc;
  GdkPixbuf *result;
  guint8 *out;
  int ostride, lw, lh;
  cairo_t *cr;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = src + y * stride + x * n;
        *(guint32 *) (dst + y * dstride + x * 4) = ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (surface);

  cr = cairo_create (surface);
  layout = pango_cairo_create_layout (cr);
  desc = pango_font_description_from_string ("Noto Sans CJK SC, Noto Sans, sans-serif");
  pango_font_description_set_absolute_size (desc, font * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) ((w - 2 * font) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
  cairo_rectangle (cr, 0, h - lh - font, w, lh + font);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, font, h - lh - font / 2);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  result = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  out = gdk_pixbuf_get_pixels (result);
  ostride = gdk_pixbuf_get_rowstride (result);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 v = *(guint32 *) (dst + y * dstride + x * 4);
        guint8 *q = out + y * ostride + x * 3;
        q[0] = (v >> 16) & 0xff;
        q[1] = (v >> 8) & 0xff;
        q[2] = v & 0xff;
      }
  cairo_surface_destroy (surface);
  return result;
}

/* Checks that the stored blob still has the bytes its name promises. */
gboolean
aj_photo_verify (const char  *blob_dir,
                 const char  *sha256,
                 GError     **error)
{
  g_autofree char *path = aj_photo_blob_path (blob_dir, sha256);
  g_autofree char *data = NULL;
  g_autofree char *actual = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  actual = aj_sha256_hex (data, length);
  if (!g_str_equal (actual, sha256))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("The photo %s has been changed since it was taken."), sha256);
      return FALSE;
    }
  return TRUE;
}
