/* aj-completion.h: what a home's rounds asked and what was done: today's
 * due rounds, missed ones, and completion per week and month. The kiosk and
 * the server compute it with the same functions from their own store. */
#pragma once

#include "aj-rounds.h"
#include "aj-scope.h"

G_BEGIN_DECLS

typedef struct
{
  AjDueWindow   *window;
  AjWindowState  state;
  char          *institution;
  gboolean       fix_on_spot_items;
} AjDueItem;

void        aj_due_item_free            (AjDueItem    *item);
GPtrArray  *aj_completion_due_today     (AjStore      *store,
                                         const char   *institution,
                                         const char   *post,
                                         gint64        now);
GPtrArray  *aj_completion_missed        (AjStore      *store,
                                         const char   *institution,
                                         const char   *post,
                                         gint64        since,
                                         gint64        now);
void        aj_completion_compute       (AjStore      *store,
                                         const char   *institution,
                                         gint64        from,
                                         gint64        to,
                                         gint64        now,
                                         AjCompletion *completion);
gint64      aj_completion_week_start    (gint64        now);
gint64      aj_completion_month_start   (gint64        now);
JsonArray  *aj_completion_report        (AjStore      *store,
                                         const AjScope *scope,
                                         gint64        now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDueItem, aj_due_item_free)

G_END_DECLS
