/* aj-stats-page.h: statistics of the hazards on this device. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AJ_TYPE_STATS_PAGE (aj_stats_page_get_type ())
G_DECLARE_FINAL_TYPE (AjStatsPage, aj_stats_page, AJ, STATS_PAGE, AdwBin)

void aj_stats_page_refresh (AjStatsPage *self);

G_END_DECLS
