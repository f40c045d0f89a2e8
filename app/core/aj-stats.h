/* aj-stats.h: statistics of the hazards found in a month or a year, by
 * county, institution type, category, month, grade and risk level, with
 * what became of them and the rectification rate (整改率). Free of widgets:
 * the kiosk's statistics page and the server's console call the same
 * functions. */
#pragma once

#include <gio/gio.h>

#include "aj-scope.h"
#include "aj-store.h"

G_BEGIN_DECLS

/* One line of a table: the hazards found in the period that share a key. */
#define AJ_TYPE_STATS_LINE (aj_stats_line_get_type ())
G_DECLARE_FINAL_TYPE (AjStatsLine, aj_stats_line, AJ, STATS_LINE, GObject)

const char *aj_stats_line_get_key       (AjStatsLine *self);
const char *aj_stats_line_get_label     (AjStatsLine *self);
guint       aj_stats_line_get_found     (AjStatsLine *self);
guint       aj_stats_line_get_rectified (AjStatsLine *self);
guint       aj_stats_line_get_overdue   (AjStatsLine *self);
guint       aj_stats_line_get_closed    (AjStatsLine *self);
double      aj_stats_line_get_rate      (AjStatsLine *self);
char       *aj_stats_line_format_rate   (AjStatsLine *self);

typedef enum
{
  AJ_STATS_BY_COUNTY,
  AJ_STATS_BY_INSTITUTION_TYPE,
  AJ_STATS_BY_CATEGORY,
  AJ_STATS_BY_MONTH,
  AJ_STATS_BY_GRADE,
  AJ_STATS_BY_RISK_LEVEL,
  AJ_STATS_N_DIMENSIONS
} AjStatsDimension;

/* The statistics of one period: "YYYY" (a year) or "YYYY-MM" (a month). */
typedef struct
{
  char        *period;
  char        *first_day;   /* YYYY-MM-DD, the period's first day */
  char        *end_day;     /* YYYY-MM-DD, the day after its last */
  char        *today;       /* the day overdue is judged on */
  AjStatsLine *total;
  GListStore  *lines[AJ_STATS_N_DIMENSIONS];   /* of AjStatsLine */
} AjStatsReport;

gboolean       aj_stats_period_parse       (const char        *period,
                                            char             **first_day,
                                            char             **end_day);
GPtrArray     *aj_stats_recent_periods     (const char        *today,
                                            guint              n_years,
                                            guint              n_months);
AjStatsReport *aj_stats_report             (AjStore           *store,
                                            const char        *period,
                                            const char        *today,
                                            GError           **error);
AjStatsReport *aj_stats_report_in_scope    (AjStore           *store,
                                            const AjScope     *scope,
                                            const char        *period,
                                            const char        *today,
                                            GError           **error);
void           aj_stats_report_async       (AjStore           *store,
                                            const char        *period,
                                            const char        *today,
                                            GCancellable      *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer           user_data);
AjStatsReport *aj_stats_report_finish      (AjStore           *store,
                                            GAsyncResult      *result,
                                            GError           **error);
void           aj_stats_report_free        (AjStatsReport     *report);
const char    *aj_stats_rate_definition    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjStatsReport, aj_stats_report_free)

G_END_DECLS
