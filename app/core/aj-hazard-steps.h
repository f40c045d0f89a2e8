/* aj-hazard-steps.h: taking a step of the closed loop on a stored hazard. */
#pragma once

#include <glib.h>

#include "aj-hazard-rules.h"
#include "aj-registry.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct
{
  const char         *measures;
  const char         *responsible;
  const char         *deadline;   /* ordered; asked for or granted (extension) */
  const char         *funds;
  const char         *contingency_plan;
  const char         *note;
  const char * const *photos;     /* SHA-256 of photos already stored */
  gboolean            accepted;   /* verification accepted; extension approved */
  const char         *opinion;    /* verification or extension opinion; the reason when rejected or refused */
  const char         *reason;     /* for reopening, an extension or a referral */
  const char         *level;      /* escalation: county, city, province */
  const char         *escalation_reason; /* major, overdue, manual */
  const char         *to;         /* referral: the receiving department */
  const char         *kind;       /* referral: fire, market, housing, health, emergency, other */
} AjStepInput;

/* One deadline a hazard has had, oldest first. */
typedef struct
{
  char *deadline;   /* YYYY-MM-DD */
  char *how;        /* found, updated, ordered, extended */
  char *at;         /* when it was set (ISO 8601) */
} AjDeadlineChange;

void        aj_deadline_change_free   (AjDeadlineChange   *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDeadlineChange, aj_deadline_change_free)

gboolean    aj_hazard_can_step        (AjStore            *store,
                                       AjUser             *user,
                                       const char         *hazard_id,
                                       AjHazardStep        step,
                                       GError            **error);
char       *aj_hazard_step            (AjStore            *store,
                                       AjUser             *user,
                                       const char         *hazard_id,
                                       AjHazardStep        step,
                                       const AjStepInput  *input,
                                       GError            **error);
guint       aj_hazard_count_conflicts (AjStore            *store,
                                       const char         *hazard_id);
GPtrArray  *aj_hazard_list_deadlines  (AjStore            *store,
                                       const char         *hazard_id);

G_END_DECLS
