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
  const char         *deadline;
  const char         *funds;
  const char         *contingency_plan;
  const char         *note;
  const char * const *photos;     /* SHA-256 of photos already stored */
  gboolean            accepted;
  const char         *opinion;    /* verification opinion; the reason when rejected */
  const char         *reason;     /* for reopening */
} AjStepInput;

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

G_END_DECLS
