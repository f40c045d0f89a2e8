/* aj-hazard-row.h: one hazard as a row: risk colour, number, text, deadline. */
#pragma once

#include <gtk/gtk.h>

#include "aj-hazard.h"

G_BEGIN_DECLS

GtkWidget *aj_hazard_row_new  (void);
void       aj_hazard_row_bind (GtkWidget  *row,
                               AjHazard   *hazard,
                               const char *today);

G_END_DECLS
