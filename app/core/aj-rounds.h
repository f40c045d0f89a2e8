/* aj-rounds.h: a home's schedules of rounds, stored as schedule.set events,
 * and its self-inspections as the schedules see them. */
#pragma once

#include "aj-hazard.h"
#include "aj-schedule.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct
{
  GArray       *rounds;    /* AjRound */
  GStringChunk *strings;
} AjRoundLog;

gboolean     aj_rounds_set_schedule      (AjStore       *store,
                                          const char    *author,
                                          const AjSchedule *schedule,
                                          GError       **error);
GPtrArray   *aj_rounds_list_schedules    (AjStore       *store,
                                          const char    *institution,
                                          GError       **error);
AjSchedule  *aj_rounds_get_schedule      (AjStore       *store,
                                          const char    *id);
AjRoundLog  *aj_rounds_load_log          (AjStore       *store,
                                          const char    *institution);
void         aj_round_log_free           (AjRoundLog    *log);
gboolean     aj_rounds_fixes_on_spot     (AjStore       *store,
                                          AjHazard      *hazard);
gboolean     aj_rounds_import_file       (AjStore       *store,
                                          const char    *path,
                                          GError       **error);
GPtrArray   *aj_rounds_people_of_post    (AjStore       *store,
                                          const char    *institution,
                                          const char    *post);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjRoundLog, aj_round_log_free)

G_END_DECLS
