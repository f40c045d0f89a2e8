/* aj-institution-row.h: one institution of the registry as a row. */
#pragma once

#include <gtk/gtk.h>

#include "aj-registry.h"

G_BEGIN_DECLS

#define AJ_TYPE_INSTITUTION_ROW (aj_institution_row_get_type ())
G_DECLARE_FINAL_TYPE (AjInstitutionRow, aj_institution_row, AJ, INSTITUTION_ROW, GtkBox)

AjInstitution *aj_institution_row_get_item (AjInstitutionRow *self);
void           aj_institution_row_set_item (AjInstitutionRow *self,
                                            AjInstitution    *item);

G_END_DECLS
