/* aj-camera-page.h: a live camera preview and a shutter, for an item's photos. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_CAMERA_PAGE (aj_camera_page_get_type ())
G_DECLARE_FINAL_TYPE (AjCameraPage, aj_camera_page, AJ, CAMERA_PAGE, AdwBin)

void     aj_camera_page_open        (AjCameraPage *self,
                                     const char   *inspection_id,
                                     const char   *item_code);
void     aj_camera_page_open_scanner (AjCameraPage *self);
void     aj_camera_page_close       (AjCameraPage *self);
gboolean aj_camera_page_has_frame   (AjCameraPage *self);
gboolean aj_camera_page_has_failed  (AjCameraPage *self);
void     aj_camera_page_select      (AjCameraPage *self,
                                     guint         index);

G_END_DECLS
