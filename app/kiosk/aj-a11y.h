/* aj-a11y.h: names and actions that GTK 4.8 does not give assistive
 * technologies by itself. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *aj_a11y_strip_mnemonic (const char *label);
void  aj_a11y_fix_tree       (GtkWidget  *root);

G_END_DECLS
