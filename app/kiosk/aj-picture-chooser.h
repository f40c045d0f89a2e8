/* aj-picture-chooser.h: choosing one picture file (photos, tags) with the native file chooser. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*AjPictureChosen) (GtkWidget  *owner,
                                 const char *path);

void aj_choose_picture (GtkWidget       *owner,
                        const char      *title,
                        AjPictureChosen  chosen);

G_END_DECLS
