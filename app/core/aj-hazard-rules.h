/* aj-hazard-rules.h: the hazard's closed loop as pure rules: the steps, the
 * state machine, which role may take which step, and the words for statuses,
 * grades and risk levels. No store, no SQLite: the kiosk, the projection and
 * the server all decide with these same functions. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AJ_STEP_ORDER,      /* hazard.rectification_ordered: measures, responsibility, funds, deadline, plan */
  AJ_STEP_RECTIFY,    /* hazard.rectified: evidence photos and a note */
  AJ_STEP_VERIFY,     /* hazard.verified: accepted, or rejected with a reason */
  AJ_STEP_CLOSE,      /* hazard.closed: struck off the ledger (销号) */
  AJ_STEP_REOPEN,     /* hazard.reopened: found again */
} AjHazardStep;

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
gboolean    aj_lifecycle_person_may (const char   *role,
                                     AjHazardStep  step,
                                     gboolean      own_institution,
                                     gboolean      found_in_self_inspection,
                                     gboolean      fix_on_spot,
                                     const char   *status,
                                     const char   *grade);
gboolean    aj_lifecycle_is_official (const char  *role);
int         aj_lifecycle_days_overdue (const char *status,
                                       const char *deadline,
                                       const char *today);

gboolean    aj_risk_level_is_valid  (const char   *level);
int         aj_risk_level_rank      (const char   *level);
const char *aj_risk_level_label     (const char   *level);
const char *aj_grade_label          (const char   *grade);
const char *aj_hazard_status_label  (const char   *status);

/* Criteria that need an outside determination (issue 14): the grade a hazard
 * may be recorded with, and whether it is a suspected major hazard pending
 * that determination. */
const char *aj_grade_with_determination (const char *requested_grade,
                                         gboolean    needs_determination,
                                         const char *determination_body,
                                         const char *determination_document,
                                         gboolean   *pending_determination);

G_END_DECLS
