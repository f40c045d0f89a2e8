/* test-photo.c: importing pictures as evidence: scaled, upright, opaque JPEG
 * named by its hash, with a thumbnail; damaged input refused without a trace. */
#include "config.h"

#include <string.h>

#include "aj-error.h"
#include "aj-photo.h"
#include "aj-util.h"

#include "aj-test-util.h"

typedef struct
{
  char *dir;        /* scratch space for the input files */
  char *blob_dir;   /* where the store keeps the photos */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  test_data)
{
  f->dir = aj_test_scratch_dir ("photos");
  f->blob_dir = g_build_filename (f->dir, "blobs", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  test_data)
{
  g_free (f->dir);
  g_free (f->blob_dir);
}

/* A picture with some structure, so that JPEG has something to encode:
 * a gradient with a dark diagonal band. */
static GdkPixbuf *
make_pixbuf (int      width,
             int      height,
             gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * n;
        gboolean band = ABS (x * height / MAX (width, 1) - y) < height / 20 + 1;

        p[0] = band ? 20 : (guint8) (x * 255 / MAX (width - 1, 1));
        p[1] = band ? 20 : (guint8) (y * 255 / MAX (height - 1, 1));
        p[2] = band ? 20 : 128;
        if (alpha)
          p[3] = 255;
      }
  return pixbuf;
}

static void
fill_rect (GdkPixbuf *pixbuf,
           int        x0,
           int        y0,
           int        w,
           int        h,
           guint8     r,
           guint8     g,
           guint8     b,
           guint8     a)
{
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n = gdk_pixbuf_get_n_channels (pixbuf);

  for (int y = y0; y < y0 + h; y++)
    for (int x = x0; x < x0 + w; x++)
      {
        guint8 *p = pixels + y * stride + x * n;
        p[0] = r;
        p[1] = g;
        p[2] = b;
        if (n == 4)
          p[3] = a;
      }
}

static GBytes *
encode (GdkPixbuf  *pixbuf,
        const char *type)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save_to_buffer (pixbuf, &data, &length, type, &error, "quality", "90", NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &data, &length, type, &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 0);
  return g_bytes_new_take (data, length);
}

static char *
write_input (Fixture    *f,
             const char *name,
             const void *data,
             gsize       length)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
  return path;
}

/* pixel (x, y) of @pixbuf */
static const guint8 *
pixel (GdkPixbuf *pixbuf,
       int        x,
       int        y)
{
  return gdk_pixbuf_read_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) +
         x * gdk_pixbuf_get_n_channels (pixbuf);
}

/* Everything a stored photo must be: where its name says, named by the hash
 * of its bytes, a JPEG of the recorded size, with a small thumbnail. */
static GdkPixbuf *
check_stored (Fixture           *f,
              const AjPhotoInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = aj_photo_blob_path (f->blob_dir, info->sha256);
  g_autofree char *thumb_path = aj_photo_thumb_path (f->blob_dir, info->sha256);
  g_autofree char *data = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *subdir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *format_name = NULL;
  g_autoptr(GdkPixbuf) thumb = NULL;
  GdkPixbuf *stored;
  GdkPixbufFormat *format;
  gsize length = 0;
  int w = 0, h = 0;

  g_assert_true (aj_is_sha256_hex (info->sha256));

  /* blobs/aa/bbbb… */
  dirname = g_path_get_dirname (path);
  parent = g_path_get_dirname (dirname);
  subdir = g_path_get_basename (dirname);
  base = g_path_get_basename (path);
  g_assert_cmpstr (parent, ==, f->blob_dir);
  g_assert_cmpuint (strlen (subdir), ==, 2);
  g_assert_true (strncmp (subdir, info->sha256, 2) == 0);
  g_assert_cmpstr (base, ==, info->sha256 + 2);

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  sha = aj_sha256_hex (data, length);
  g_assert_cmpstr (sha, ==, info->sha256);
  g_assert_cmpuint (length, ==, info->bytes);
  g_assert_cmpuint (length, >, 4);
  g_assert_cmpint ((guint8) data[0], ==, 0xff);
  g_assert_cmpint ((guint8) data[1], ==, 0xd8);

  format = gdk_pixbuf_get_file_info (path, &w, &h);
  g_assert_nonnull (format);
  format_name = gdk_pixbuf_format_get_name (format);
  g_assert_cmpstr (format_name, ==, "jpeg");
  g_assert_cmpint (w, ==, info->width);
  g_assert_cmpint (h, ==, info->height);
  g_assert_cmpint (MAX (w, h), <=, AJ_PHOTO_MAX_EDGE);

  thumb = gdk_pixbuf_new_from_file (thumb_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (MAX (gdk_pixbuf_get_width (thumb), gdk_pixbuf_get_height (thumb)), <=, AJ_PHOTO_THUMB_EDGE);
  g_assert_cmpint (MAX (gdk_pixbuf_get_width (thumb), gdk_pixbuf_get_height (thumb)), >=,
                   MIN (MAX (w, h), AJ_PHOTO_THUMB_EDGE) - 1);

  g_assert_true (aj_photo_verify (f->blob_dir, info->sha256, &error));
  g_assert_no_error (error);

  stored = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  return stored;
}

/* No half-written temporary file stays behind in the blob folder. */
static void
assert_no_temp_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      g_assert_null (strstr (name, ".tmp"));
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        assert_no_temp_files (child);
    }
}

static void
test_large_jpeg (Fixture       *f,
                 gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = make_pixbuf (4000, 3000, FALSE);
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");
  g_autofree char *path = write_input (f, "camera.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autoptr(GdkPixbuf) stored = NULL;
  AjPhotoInfo info = { { 0 } };

  g_test_summary ("A 4000×3000 camera JPEG is stored as a 2048×1536 JPEG named by its hash, with one "
                  "thumbnail and no temporary file");

  g_assert_true (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 2048);
  g_assert_cmpint (info.height, ==, 1536);

  stored = check_stored (f, &info);
  g_assert_cmpint (gdk_pixbuf_get_width (stored), ==, 2048);
  g_assert_cmpint (gdk_pixbuf_get_height (stored), ==, 1536);
  /* Blob and thumbnail, nothing else. */
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 2);
  assert_no_temp_files (f->blob_dir);

  /* The picture is the same picture: the gradient runs the same way. */
  g_assert_cmpint (pixel (stored, 2000, 100)[0], >, pixel (stored, 40, 100)[0] + 150);
  g_assert_cmpint (pixel (stored, 100, 1500)[1], >, pixel (stored, 100, 40)[1] + 150);
}

/* A JPEG APP1 segment holding only the EXIF orientation tag. */
static GBytes *
insert_orientation (GBytes *jpeg,
                    guint16 orientation)
{
  static const guint8 tiff_head[] = {
    'I', 'I', 0x2a, 0x00,       /* little-endian TIFF */
    0x08, 0x00, 0x00, 0x00,     /* IFD0 at offset 8 */
    0x01, 0x00,                 /* one entry */
    0x12, 0x01,                 /* tag 0x0112 Orientation */
    0x03, 0x00,                 /* SHORT */
    0x01, 0x00, 0x00, 0x00,     /* count 1 */
  };
  const guint8 *data = g_bytes_get_data (jpeg, NULL);
  gsize length = g_bytes_get_size (jpeg);
  GByteArray *out = g_byte_array_new ();
  GByteArray *app1 = g_byte_array_new ();
  guint8 value[4] = { orientation & 0xff, orientation >> 8, 0, 0 };
  guint8 next_ifd[4] = { 0, 0, 0, 0 };
  guint8 marker[4];

  g_assert_cmpuint (length, >, 2);
  g_assert_cmpint (data[0], ==, 0xff);
  g_assert_cmpint (data[1], ==, 0xd8);

  g_byte_array_append (app1, (const guint8 *) "Exif\0\0", 6);
  g_byte_array_append (app1, tiff_head, sizeof tiff_head);
  g_byte_array_append (app1, value, sizeof value);
  g_byte_array_append (app1, next_ifd, sizeof next_ifd);

  marker[0] = 0xff;
  marker[1] = 0xe1;
  marker[2] = (app1->len + 2) >> 8;
  marker[3] = (app1->len + 2) & 0xff;

  g_byte_array_append (out, data, 2);               /* SOI */
  g_byte_array_append (out, marker, 4);
  g_byte_array_append (out, app1->data, app1->len);
  g_byte_array_append (out, data + 2, length - 2);  /* the rest, JFIF APP0 and all */
  g_byte_array_unref (app1);
  return g_byte_array_free_to_bytes (out);
}

static void
test_exif_orientation (Fixture       *f,
                       gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 300, 200);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) rotated = NULL;
  g_autoptr(GdkPixbuf) check = NULL;
  g_autoptr(GdkPixbuf) stored = NULL;
  g_autofree char *path = NULL;
  AjPhotoInfo info = { { 0 } };
  const guint8 *top, *bottom;

  g_test_summary ("A photo whose EXIF says it was taken rotated is stored upright, with no orientation left "
                  "to apply twice");

  /* As the sensor saw it: red on the left, blue on the right. */
  fill_rect (source, 0, 0, 150, 200, 220, 20, 20, 255);
  fill_rect (source, 150, 0, 150, 200, 20, 20, 220, 255);
  plain = encode (source, "jpeg");
  rotated = insert_orientation (plain, 6);
  path = write_input (f, "portrait.jpg", g_bytes_get_data (rotated, NULL), g_bytes_get_size (rotated));

  /* The fixture itself is right: gdk-pixbuf reads the tag. */
  check = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gdk_pixbuf_get_option (check, "orientation"), ==, "6");

  g_assert_true (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 200);
  g_assert_cmpint (info.height, ==, 300);
  stored = check_stored (f, &info);
  g_assert_cmpint (gdk_pixbuf_get_width (stored), ==, 200);
  g_assert_cmpint (gdk_pixbuf_get_height (stored), ==, 300);

  /* Orientation 6 means "turn 90° clockwise to view": the left side is now on top. */
  top = pixel (stored, 100, 30);
  bottom = pixel (stored, 100, 270);
  g_assert_cmpint (top[0], >, 150);
  g_assert_cmpint (top[2], <, 100);
  g_assert_cmpint (bottom[2], >, 150);
  g_assert_cmpint (bottom[0], <, 100);

  /* The stored JPEG carries no orientation to be applied twice. */
  g_assert_null (gdk_pixbuf_get_option (stored, "orientation"));
}

static void
test_png_alpha (Fixture       *f,
                gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 64, 48);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkPixbuf) stored = NULL;
  g_autofree char *path = NULL;
  AjPhotoInfo info = { { 0 } };
  const guint8 *p;

  g_test_summary ("A PNG with transparency is stored as an opaque JPEG, transparent parts white");

  /* Left half fully transparent (and black underneath), right half opaque green. */
  fill_rect (source, 0, 0, 32, 48, 0, 0, 0, 0);
  fill_rect (source, 32, 0, 32, 48, 10, 200, 10, 255);
  png = encode (source, "png");
  path = write_input (f, "screenshot.png", g_bytes_get_data (png, NULL), g_bytes_get_size (png));

  g_assert_true (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 64);
  g_assert_cmpint (info.height, ==, 48);

  stored = check_stored (f, &info);
  g_assert_false (gdk_pixbuf_get_has_alpha (stored));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (stored), ==, 3);

  /* Transparent became white, not black. */
  p = pixel (stored, 8, 24);
  g_assert_cmpint (p[0], >=, 240);
  g_assert_cmpint (p[1], >=, 240);
  g_assert_cmpint (p[2], >=, 240);
  /* Opaque stayed what it was. */
  p = pixel (stored, 56, 24);
  g_assert_cmpint (p[0], <, 60);
  g_assert_cmpint (p[1], >, 160);
  g_assert_cmpint (p[2], <, 60);
}

static void
check_refused (Fixture    *f,
               const char *name,
               const void *data,
               gsize       length,
               int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_input (f, name, data, length);
  guint before = aj_test_count_files (f->blob_dir);
  AjPhotoInfo info = { { 0 } };

  g_assert_false (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_error (error, AJ_ERROR, code);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("%s: %s", name, error->message);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, before);
  assert_no_temp_files (f->blob_dir);
  g_assert_cmpint (info.sha256[0], ==, '\0');
}

static void
test_truncated_jpeg (Fixture       *f,
                     gconstpointer  test_data)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (640, 480, FALSE);
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");

  g_test_summary ("A JPEG cut in half is refused as damaged and leaves nothing in the blob folder");

  check_refused (f, "cut.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg) / 2,
                 AJ_ERROR_IMAGE_DAMAGED);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 0);
}

static void
test_not_an_image (Fixture       *f,
                   gconstpointer  test_data)
{
  const char *text = "Minutes of the safety meeting, 3 March.\nAttendees: Wang, Li, Zhao.\n";

  g_test_summary ("Text named .jpg, and an empty file, are refused as not an image and leave nothing behind");

  check_refused (f, "minutes.jpg", text, strlen (text), AJ_ERROR_NOT_AN_IMAGE);
  check_refused (f, "empty.jpg", "", 0, AJ_ERROR_NOT_AN_IMAGE);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 0);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "gone.jpg", NULL);
  AjPhotoInfo info = { { 0 } };

  g_test_summary ("A picture that is not there is refused and leaves nothing behind");

  g_assert_false (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 0);
}

static void
test_same_twice (Fixture       *f,
                 gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = make_pixbuf (800, 600, FALSE);
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");
  g_autofree char *path1 = write_input (f, "a.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autofree char *path2 = write_input (f, "b.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  AjPhotoInfo first = { { 0 } };
  AjPhotoInfo second = { { 0 } };
  g_autofree char *thumbs = NULL;

  g_test_summary ("The same picture imported twice is stored once: one blob, one thumbnail");

  g_assert_true (aj_photo_import_file (f->blob_dir, path1, &first, &error));
  g_assert_no_error (error);
  g_assert_true (aj_photo_import_file (f->blob_dir, path2, &second, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (first.sha256, ==, second.sha256);
  g_assert_cmpuint (first.bytes, ==, second.bytes);
  thumbs = g_build_filename (f->blob_dir, "thumbs", NULL);
  /* One blob and one thumbnail. */
  g_assert_cmpuint (aj_test_count_files (thumbs), ==, 1);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 2);
  g_object_unref (check_stored (f, &first));
}

static void
test_tampered_blob (Fixture       *f,
                    gconstpointer  test_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) source = make_pixbuf (320, 240, FALSE);
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");
  g_autofree char *path = write_input (f, "a.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autofree char *blob = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  AjPhotoInfo info = { { 0 } };

  g_test_summary ("A stored blob with one byte changed, or gone, no longer verifies");

  g_assert_true (aj_photo_import_file (f->blob_dir, path, &info, &error));
  g_assert_no_error (error);
  g_assert_true (aj_photo_verify (f->blob_dir, info.sha256, &error));
  g_assert_no_error (error);

  /* One byte in the middle of the picture changes. */
  blob = aj_photo_blob_path (f->blob_dir, info.sha256);
  g_assert_true (g_file_get_contents (blob, &data, &length, NULL));
  data[length / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (blob, data, length, NULL));

  g_assert_false (aj_photo_verify (f->blob_dir, info.sha256, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_CORRUPT);
  g_clear_error (&error);

  /* A blob that is gone does not verify either. */
  g_assert_cmpint (g_unlink (blob), ==, 0);
  g_assert_false (aj_photo_verify (f->blob_dir, info.sha256, &error));
  g_assert_nonnull (error);
}

static void
test_other_formats_refused (Fixture       *f,
                            gconstpointer  test_data)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (64, 48, FALSE);
  const char *formats[] = { "bmp", "tiff", "ico" };
  const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";

  g_test_summary ("Pictures gdk-pixbuf could decode but that are neither JPEG nor PNG (BMP, TIFF, ICO, SVG) are "
                  "refused by their first bytes, before any decoder sees them, and leave nothing behind");

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GBytes) data = encode (source, formats[i]);
      g_autofree char *name = g_strdup_printf ("picture.%s", formats[i]);
      g_autofree char *path = write_input (f, name, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
      g_autoptr(GError) error = NULL;

      check_refused (f, name, g_bytes_get_data (data, NULL), g_bytes_get_size (data), AJ_ERROR_NOT_AN_IMAGE);
      g_assert_false (aj_photo_check_file (path, &error));
      g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE);
    }
  check_refused (f, "drawing.jpg", svg, strlen (svg), AJ_ERROR_NOT_AN_IMAGE);
  g_assert_cmpuint (aj_test_count_files (f->blob_dir), ==, 0);
}

/* Where a JPEG's frame header keeps its height and width. */
static gsize
jpeg_frame_offset (const guint8 *data,
                   gsize         length)
{
  for (gsize p = 2; p + 9 < length; p++)
    if (data[p] == 0xff && (data[p + 1] == 0xc0 || data[p + 1] == 0xc2))
      return p + 5;
  g_assert_not_reached ();
}

/* PNG's chunk checksum (CRC-32, ISO 3309), so that a patched header is
 * still a well-formed one that any decoder would believe. */
static guint32
png_crc (const guint8 *data,
         gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }
  return crc ^ 0xffffffff;
}

static void
test_too_many_pixels_refused (Fixture       *f,
                              gconstpointer  test_data)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (64, 48, FALSE);
  g_autoptr(GBytes) png = encode (source, "png");
  g_autoptr(GBytes) jpeg = encode (source, "jpeg");
  g_autofree guint8 *huge_png = g_memdup2 (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_autofree guint8 *huge_jpeg = g_memdup2 (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autofree char *small_path = write_input (f, "small.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autofree char *huge_path = NULL;
  g_autoptr(GError) error = NULL;
  gsize frame = jpeg_frame_offset (huge_jpeg, g_bytes_get_size (jpeg));

  g_test_summary ("A PNG or JPEG whose header announces more than 50 megapixels (a decompression bomb) is refused "
                  "from its header, before it is decoded; a small one passes the same check");

  /* PNG: IHDR says 10000 × 6000; JPEG: the frame says 65000 × 65000. */
  huge_png[16] = 0; huge_png[17] = 0; huge_png[18] = 0x27; huge_png[19] = 0x10;
  huge_png[20] = 0; huge_png[21] = 0; huge_png[22] = 0x17; huge_png[23] = 0x70;
  {
    guint32 crc = png_crc (huge_png + 12, 17);   /* "IHDR" and its 13 bytes */
    huge_png[29] = crc >> 24; huge_png[30] = crc >> 16; huge_png[31] = crc >> 8; huge_png[32] = crc;
  }
  huge_jpeg[frame] = 0xfd; huge_jpeg[frame + 1] = 0xe8;
  huge_jpeg[frame + 2] = 0xfd; huge_jpeg[frame + 3] = 0xe8;

  check_refused (f, "huge.png", huge_png, g_bytes_get_size (png), AJ_ERROR_INVALID);
  check_refused (f, "huge.jpg", huge_jpeg, g_bytes_get_size (jpeg), AJ_ERROR_INVALID);
  g_assert_false (aj_photo_check_data (huge_png, g_bytes_get_size (png), NULL));

  huge_path = write_input (f, "huge.png", huge_png, g_bytes_get_size (png));
  g_assert_false (aj_photo_check_file (huge_path, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (aj_photo_check_file (small_path, &error));
  g_assert_no_error (error);
  g_assert_true (aj_photo_check_data (g_bytes_get_data (png, NULL), g_bytes_get_size (png), &error));
  g_assert_no_error (error);
}

static void
test_received_blob_checked (Fixture       *f,
                            gconstpointer  test_data)
{
  g_autoptr(GdkPixbuf) source = make_pixbuf (64, 48, FALSE);
  g_autoptr(GBytes) bmp = encode (source, "bmp");
  g_autofree char *sha = aj_sha256_hex (g_bytes_get_data (bmp, NULL), g_bytes_get_size (bmp));
  g_autofree char *blob = aj_photo_blob_path (f->blob_dir, sha);
  g_autofree char *thumb = aj_photo_thumb_path (f->blob_dir, sha);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A blob received by sync that is not a JPEG or PNG gets no thumbnail: it is refused before "
                  "gdk-pixbuf decodes it");

  g_assert_true (aj_write_file_durably (blob, g_bytes_get_data (bmp, NULL), g_bytes_get_size (bmp), &error));
  g_assert_no_error (error);
  g_assert_false (aj_photo_make_thumbnail (f->blob_dir, sha, &error));
  g_assert_error (error, AJ_ERROR, AJ_ERROR_NOT_AN_IMAGE);
  g_assert_false (g_file_test (thumb, G_FILE_TEST_EXISTS));
}

/* The evidence stamp darkens a band at the bottom and writes into it;
 * the rest of the picture is untouched and the size stays. */
static void
test_stamp (void)
{
  g_autoptr(GdkPixbuf) photo = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 800, 600);
  g_autoptr(GdkPixbuf) stamped = NULL;
  const guint8 *before, *after;
  int stride;
  guint changed_bottom = 0, changed_top = 0;

  g_test_summary ("The evidence stamp writes into a band at the bottom, leaves the rest of the picture alone "
                  "and keeps its size");

  gdk_pixbuf_fill (photo, 0xc0c0c0ff);
  stamped = aj_photo_stamp (photo, "2026-11-27 09:30 · 东林县城关镇敬老院 · 张伟");
  g_assert_cmpint (gdk_pixbuf_get_width (stamped), ==, 800);
  g_assert_cmpint (gdk_pixbuf_get_height (stamped), ==, 600);
  before = gdk_pixbuf_read_pixels (photo);
  after = gdk_pixbuf_read_pixels (stamped);
  stride = gdk_pixbuf_get_rowstride (stamped);
  for (int y = 0; y < 600; y++)
    for (int x = 0; x < 800; x++)
      if (before[y * gdk_pixbuf_get_rowstride (photo) + x * 3] != after[y * stride + x * 3])
        {
          if (y > 500)
            changed_bottom++;
          else if (y < 400)
            changed_top++;
        }
  g_assert_cmpuint (changed_top, ==, 0);
  g_assert_cmpuint (changed_bottom, >, 800 * 20);
}

/* Each on an empty blob folder of its own. */
#define add_photo_test(path, test) \
  g_test_add (path, Fixture, NULL, fixture_setup, test, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  /* gdk-pixbuf tells image types apart with the system's MIME database,
   * which isolated XDG folders would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add_photo_test ("/photo/large-jpeg-scaled", test_large_jpeg);
  add_photo_test ("/photo/exif-orientation-applied", test_exif_orientation);
  add_photo_test ("/photo/png-alpha-on-white", test_png_alpha);
  add_photo_test ("/photo/truncated-jpeg-refused", test_truncated_jpeg);
  add_photo_test ("/photo/not-an-image-refused", test_not_an_image);
  add_photo_test ("/photo/missing-file-refused", test_missing_file);
  add_photo_test ("/photo/same-twice-stored-once", test_same_twice);
  add_photo_test ("/photo/tampered-blob-fails-verify", test_tampered_blob);
  add_photo_test ("/photo/other-formats-refused", test_other_formats_refused);
  add_photo_test ("/photo/too-many-pixels-refused", test_too_many_pixels_refused);
  add_photo_test ("/photo/received-blob-checked", test_received_blob_checked);
  g_test_add_func ("/photo/stamp", test_stamp);

  return g_test_run ();
}
