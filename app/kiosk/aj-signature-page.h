/* aj-signature-page.h: a signature pad (touch and mouse), or a refusal to sign. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_SIGNATURE_PAGE (aj_signature_page_get_type ())
G_DECLARE_FINAL_TYPE (AjSignaturePage, aj_signature_page, AJ, SIGNATURE_PAGE, AdwBin)

void aj_signature_page_load       (AjSignaturePage *self,
                                   const char      *subject,
                                   const char      *role,
                                   const char      *signer,
                                   const char      *what);
void aj_signature_page_add_stroke (AjSignaturePage *self,
                                   const double    *xy,
                                   guint            n_points);

G_END_DECLS
