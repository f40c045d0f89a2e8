/* aj-photo-strip.h: stored photos as widgets: a picture that was checked
 * before it is decoded, and a strip of thumbnails in a flow box. */
#pragma once

#include <gtk/gtk.h>

#include "aj-session.h"

G_BEGIN_DECLS

GtkWidget *aj_picture_new_for_blob (const char  *path);
void       aj_picture_set_blob     (GtkPicture  *picture,
                                    const char  *path);
gboolean   aj_photo_is_here        (AjSession   *session,
                                    const char  *sha256);
GtkWidget *aj_photo_placeholder_new (gboolean    large);
void       aj_photo_strip_fill     (GtkFlowBox  *box,
                                    AjSession   *session,
                                    GPtrArray   *photos,
                                    const char  *remove_action);

G_END_DECLS
