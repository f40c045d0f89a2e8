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
  AJ_STEP_REQUEST_EXTENSION, /* hazard.extension_requested: a later deadline asked for (延期申请) */
  AJ_STEP_DECIDE_EXTENSION,  /* hazard.extension_decided: approved with the granted date, or refused */
  AJ_STEP_ESCALATE,   /* hazard.escalated: 挂牌督办 at a level, for a reason */
  AJ_STEP_REFER,      /* hazard.referred: 移送 to another department */
} AjHazardStep;

#define AJ_N_STEPS (AJ_STEP_REFER + 1)

/* Days overdue after which a hazard must be escalated, until the
 * department's own figure (escalation_overdue_days) is known. */
#define AJ_ESCALATION_DEFAULT_OVERDUE_DAYS 15

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
gboolean    aj_lifecycle_extension_ok (AjHazardStep step,
                                       gboolean     extension_pending);
gboolean    aj_lifecycle_is_rectified (const char *status);
int         aj_lifecycle_days_overdue (const char *status,
                                       const char *deadline,
                                       const char *today);

int         aj_escalation_level_rank     (const char *level);
const char *aj_escalation_level_label    (const char *level);
const char *aj_escalation_reason_label   (const char *reason);
const char *aj_escalation_required_level (const char *status,
                                          const char *grade,
                                          int         days_overdue,
                                          int         threshold_days,
                                          const char **reason);
const char *aj_escalation_due            (const char *status,
                                          const char *grade,
                                          int         days_overdue,
                                          int         threshold_days,
                                          const char *current_level,
                                          const char **reason);
const char *aj_referral_kind_label       (const char *kind);

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
