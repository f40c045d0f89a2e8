/* aj-photo.c: photo import. Everything is decoded and re-encoded, so what is
 * stored is always a clean JPEG whose name is the hash of its bytes. */
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

  if (length == 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE, _("The file is empty."));
      return NULL;
    }

  /* Made only now: a loader dropped without being closed is a warning. */
  loader = gdk_pixbuf_loader_new ();

  if (!gdk_pixbuf_loader_write (loader, data, length, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error))
    {
      format = gdk_pixbuf_loader_get_format (loader);
      if (format == NULL || g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
        g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE,
                     _("This file is not a picture Anjian can read (JPEG, PNG, WebP, TIFF or BMP)."));
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
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE,
                   _("This file is not a picture Anjian can read (JPEG, PNG, WebP, TIFF or BMP)."));
      return NULL;
    }
  format_name = gdk_pixbuf_format_get_name (format);   /* a copy, to be freed */
  if (g_str_equal (format_name, "jpeg") && !jpeg_is_complete (data, length))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_IMAGE_DAMAGED,
                   _("The picture is incomplete (the file was cut short) and was not added."));
      return NULL;
    }
  if (g_str_equal (format_name, "svg"))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE,
                   _("Drawings (SVG) are not photos and cannot be used as evidence."));
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
