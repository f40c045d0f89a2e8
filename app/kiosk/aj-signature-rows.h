/* aj-signature-rows.h: who signed (or refused to), as rows with the signature image. */
#pragma once

#include <gtk/gtk.h>

#include "aj-store.h"

G_BEGIN_DECLS

guint aj_signature_rows_fill (GtkListBox *list,
                              AjStore    *store,
                              const char *subject,
                              const char *blob_dir);

G_END_DECLS
