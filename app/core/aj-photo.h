/* aj-photo.h: turning an image file into stored evidence: only JPEG or PNG,
 * decoded, upright, at most 2048 px, JPEG, named by its SHA-256, with a thumbnail. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

#define AJ_PHOTO_MAX_EDGE   2048
#define AJ_PHOTO_THUMB_EDGE 320
/* Larger pictures are refused before they are decoded. */
#define AJ_PHOTO_MAX_PIXELS (50 * 1000 * 1000)

typedef struct
{
  char      sha256[65];
  int       width;
  int       height;
  gsize     bytes;
  char      source[16];   /* "camera" or "file"; empty when not said */
  gboolean  stamped;      /* the evidence stamp was burnt in */
  gboolean  located;      /* the device knew where it was (GeoClue) */
  double    latitude;
  double    longitude;
  double    accuracy;     /* metres */
} AjPhotoInfo;

gboolean   aj_photo_import_file      (const char   *blob_dir,
                                      const char   *path,
                                      AjPhotoInfo  *info,
                                      GError      **error);
gboolean   aj_photo_import_data      (const char   *blob_dir,
                                      const guint8 *data,
                                      gsize         length,
                                      AjPhotoInfo  *info,
                                      GError      **error);
gboolean   aj_photo_import_pixbuf    (const char   *blob_dir,
                                      GdkPixbuf    *pixbuf,
                                      AjPhotoInfo  *info,
                                      GError      **error);
GdkPixbuf *aj_photo_decode_file      (const char   *path,
                                      GError      **error);
gboolean   aj_photo_check_data       (const guint8 *data,
                                      gsize         length,
                                      GError      **error);
gboolean   aj_photo_check_file       (const char   *path,
                                      GError      **error);
GdkPixbuf *aj_photo_stamp            (GdkPixbuf    *photo,
                                      const char   *text);
char      *aj_photo_blob_path        (const char   *blob_dir,
                                      const char   *sha256);
char      *aj_photo_thumb_path       (const char   *blob_dir,
                                      const char   *sha256);
gboolean   aj_photo_make_thumbnail   (const char   *blob_dir,
                                      const char   *sha256,
                                      GError      **error);
gboolean   aj_photo_verify           (const char   *blob_dir,
                                      const char   *sha256,
                                      GError      **error);

G_END_DECLS
