/* aj-stats-line-row.h: one line of a statistics table (AjStatsLine) as a
 * list row: its name and rectification rate with a bar, and its counts. */
#pragma once

#include <adwaita.h>

#include "aj-stats.h"

G_BEGIN_DECLS

#define AJ_TYPE_STATS_LINE_ROW (aj_stats_line_row_get_type ())
G_DECLARE_FINAL_TYPE (AjStatsLineRow, aj_stats_line_row, AJ, STATS_LINE_ROW, GtkListBoxRow)

GtkWidget   *aj_stats_line_row_new      (AjStatsLine    *line,
                                         const char     *title);
AjStatsLine *aj_stats_line_row_get_line (AjStatsLineRow *self);

G_END_DECLS
