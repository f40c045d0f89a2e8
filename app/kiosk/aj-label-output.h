/* aj-label-output.h: QR labels to the printer (GTK print dialog) or to a PDF file,
 * written in a thread with progress and cancel. */
#pragma once

#include <gtk/gtk.h>

#include "aj-labels.h"

G_BEGIN_DECLS

void aj_label_output_print (GtkWindow  *window,
                            GPtrArray  *labels);
void aj_label_output_print_to_file (GtkWindow  *window,
                                    GPtrArray  *labels,
                                    const char *path);
void aj_label_output_write (GtkWindow  *window,
                            GPtrArray  *labels,
                            const char *path);
void aj_label_output_save  (GtkWindow  *window,
                            GPtrArray  *labels,
                            const char *suggested_name);

G_END_DECLS
