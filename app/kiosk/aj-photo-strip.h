/* aj-photo-strip.h: thumbnails of stored photos in a flow box. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void aj_photo_strip_fill (GtkFlowBox  *box,
                          const char  *blob_dir,
                          GPtrArray   *photos,
                          gboolean     removable,
                          GCallback    on_remove,
                          gpointer     user_data);

G_END_DECLS
