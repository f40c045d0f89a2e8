/* aj-qr.h: QR payloads for hazards and institutions, and their rendering. */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

typedef enum
{
  AJ_QR_NONE,
  AJ_QR_HAZARD,
  AJ_QR_INSTITUTION,
} AjQrKind;

char      *aj_qr_hazard_payload      (const char  *server_url,
                                      const char  *hazard_id);
char      *aj_qr_institution_payload (const char  *server_url,
                                      const char  *code);
AjQrKind   aj_qr_parse_payload       (const char  *payload,
                                      char       **id);
GdkPixbuf *aj_qr_render              (const char  *payload,
                                      int          module_px,
                                      GError     **error);
gboolean   aj_qr_save_png            (const char  *payload,
                                      int          module_px,
                                      const char  *path,
                                      GError     **error);

G_END_DECLS

G_BEGIN_DECLS

GPtrArray *aj_qr_decode_pixbuf (GdkPixbuf   *pixbuf);
GPtrArray *aj_qr_decode_file   (const char  *path,
                                GError     **error);
gboolean   aj_qr_parse_document (const char *payload,
                                 char      **kind,
                                 char      **inspection_id);

G_END_DECLS
