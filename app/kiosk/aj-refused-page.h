/* aj-refused-page.h: the records of this device that the server refused. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_REFUSED_PAGE (aj_refused_page_get_type ())
G_DECLARE_FINAL_TYPE (AjRefusedPage, aj_refused_page, AJ, REFUSED_PAGE, AdwBin)

void        aj_refused_page_refresh     (AjRefusedPage *self);
GListModel *aj_refused_page_get_records (AjRefusedPage *self);

G_END_DECLS
