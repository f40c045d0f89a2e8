/* aj-inspection-page.h: walking a checklist one item at a time. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_INSPECTION_PAGE (aj_inspection_page_get_type ())
G_DECLARE_FINAL_TYPE (AjInspectionPage, aj_inspection_page, AJ, INSPECTION_PAGE, AdwBin)

gboolean    aj_inspection_page_load          (AjInspectionPage *self,
                                              const char       *inspection_id,
                                              const char       *item_code);
void        aj_inspection_page_reload        (AjInspectionPage *self);
void        aj_inspection_page_flush         (AjInspectionPage *self);
const char *aj_inspection_page_get_item_code (AjInspectionPage *self);
void        aj_inspection_page_import_photo  (AjInspectionPage *self,
                                              const char       *path);

G_END_DECLS
