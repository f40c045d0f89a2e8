/* aj-round-rows.h: the home page's section of a home's own rounds. */
#pragma once

#include <adwaita.h>

#include "aj-session.h"

G_BEGIN_DECLS

#define AJ_TYPE_ROUND_ROWS (aj_round_rows_get_type ())
G_DECLARE_FINAL_TYPE (AjRoundRows, aj_round_rows, AJ, ROUND_ROWS, GtkBox)

void     aj_round_rows_refresh     (AjRoundRows *self,
                                    AjSession   *session);
guint    aj_round_rows_get_n_due   (AjRoundRows *self);
guint    aj_round_rows_get_percent (AjRoundRows *self);

G_END_DECLS
