/* aj-category-row.h: one checklist category in the list beside the items. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AJ_TYPE_CATEGORY_ROW (aj_category_row_get_type ())
G_DECLARE_FINAL_TYPE (AjCategoryRow, aj_category_row, AJ, CATEGORY_ROW, GtkListBoxRow)

GtkWidget  *aj_category_row_new          (const char    *code,
                                          const char    *title);
const char *aj_category_row_get_code     (AjCategoryRow *self);
void        aj_category_row_set_progress (AjCategoryRow *self,
                                          guint          done,
                                          guint          total,
                                          guint          hazards);

G_END_DECLS
