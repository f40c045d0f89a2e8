/* aj-stats.h: counts for the statistics page: by status, risk level,
 * institution and category, overdue, and found vs closed per week. */
#pragma once

#include <glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_STATS_WEEKS 12

typedef struct
{
  GHashTable *by_status;        /* status -> count (GUINT_TO_POINTER) */
  GHashTable *by_level;
  GHashTable *by_institution;   /* institution name -> count */
  GHashTable *by_category;
  guint       total;
  guint       open;
  guint       overdue;
  guint       closed;
  char       *week_start[AJ_STATS_WEEKS];   /* Monday of each week, oldest first */
  guint       found[AJ_STATS_WEEKS];
  guint       closed_in[AJ_STATS_WEEKS];
} AjStats;

AjStats *aj_stats_compute (AjStore    *store,
                           const char *today);
void     aj_stats_free    (AjStats    *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjStats, aj_stats_free)

G_END_DECLS
