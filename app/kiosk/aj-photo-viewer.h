/* aj-photo-viewer.h: photos full screen, swiped or stepped with the keyboard;
 * before and after side by side for a rectified hazard. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_PHOTO_VIEWER (aj_photo_viewer_get_type ())
G_DECLARE_FINAL_TYPE (AjPhotoViewer, aj_photo_viewer, AJ, PHOTO_VIEWER, AdwBin)

void  aj_photo_viewer_show_photos (AjPhotoViewer *self,
                                   GPtrArray     *photos,
                                   guint          index,
                                   gboolean       can_withdraw);
void  aj_photo_viewer_show_pair   (AjPhotoViewer *self,
                                   const char    *before_sha256,
                                   const char    *after_sha256);
guint aj_photo_viewer_get_position (AjPhotoViewer *self);

G_END_DECLS
