/* aj-scan-page.h: reading a QR tag (from a picture for now) and going where it points. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_SCAN_PAGE (aj_scan_page_get_type ())
G_DECLARE_FINAL_TYPE (AjScanPage, aj_scan_page, AJ, SCAN_PAGE, AdwBin)

void     aj_scan_page_reset        (AjScanPage *self);
gboolean aj_scan_page_open_payload (AjScanPage *self,
                                    const char *payload);
void     aj_scan_page_scan_file    (AjScanPage *self,
                                    const char *path);

G_END_DECLS
