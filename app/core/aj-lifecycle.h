/* aj-lifecycle.h: the hazard's closed loop as a state machine, who may take
 * each step, and the steps as events. */
#pragma once

#include <glib.h>

#include "aj-registry.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_STEP_ORDER,      /* hazard.rectification_ordered: measures, responsibility, funds, deadline, plan */
  AJ_STEP_RECTIFY,    /* hazard.rectified: evidence photos and a note */
  AJ_STEP_VERIFY,     /* hazard.verified: accepted, or rejected with a reason */
  AJ_STEP_CLOSE,      /* hazard.closed: struck off the ledger (销号) */
  AJ_STEP_REOPEN,     /* hazard.reopened: found again */
} AjHazardStep;

typedef struct
{
  const char         *measures;
  const char         *responsible;
  const char         *deadline;
  const char         *funds;
  const char         *contingency_plan;
  const char         *note;
  const char * const *photos;     /* SHA-256 of photos already stored */
  gboolean            accepted;
  const char         *opinion;    /* verification opinion; the reason when rejected */
  const char         *reason;     /* for reopening */
} AjStepInput;

const char *aj_step_event_type      (AjHazardStep  step);
gboolean    aj_step_from_event_type (const char   *type,
                                     AjHazardStep *step);
const char *aj_step_label           (AjHazardStep  step);
const char *aj_lifecycle_next       (const char   *status,
                                     const char   *grade,
                                     AjHazardStep  step,
                                     gboolean      accepted);
gboolean    aj_lifecycle_role_may   (const char   *role,
                                     AjHazardStep  step,
                                     gboolean      own_institution,
                                     gboolean      found_in_self_inspection);
gboolean    aj_hazard_can_step      (AjStore      *store,
                                     AjUser       *user,
                                     const char   *hazard_id,
                                     AjHazardStep  step,
                                     GError      **error);
char       *aj_hazard_step          (AjStore            *store,
                                     AjUser             *user,
                                     const char         *hazard_id,
                                     AjHazardStep        step,
                                     const AjStepInput  *input,
                                     GError            **error);
guint       aj_hazard_count_conflicts (AjStore    *store,
                                       const char *hazard_id);

G_END_DECLS
