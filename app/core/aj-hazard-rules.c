/* aj-hazard-rules.c: found → rectification ordered → rectified → verified
 * (accepted → closed; rejected → "rejected" (整改未通过), from which a new
 * order with a new deadline or a new rectification) → reopened when found
 * again. A general hazard may be rectified on the spot, without an order.
 * Beside the loop, steps that keep the status: an extension asked for by
 * the institution and decided by an inspector, escalation (挂牌督办) and
 * referral to another department (移送), both by an official. The same rules decide what the kiosk offers, what the core
 * refuses, and how the projection treats a step that arrives too late
 * (kept, and shown as a conflict). Pure: no store, no clock. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-hazard-rules.h"

static const char * const event_types[] = {
  [AJ_STEP_ORDER] = "hazard.rectification_ordered",
  [AJ_STEP_RECTIFY] = "hazard.rectified",
  [AJ_STEP_VERIFY] = "hazard.verified",
  [AJ_STEP_CLOSE] = "hazard.closed",
  [AJ_STEP_REOPEN] = "hazard.reopened",
  [AJ_STEP_REQUEST_EXTENSION] = "hazard.extension_requested",
  [AJ_STEP_DECIDE_EXTENSION] = "hazard.extension_decided",
  [AJ_STEP_ESCALATE] = "hazard.escalated",
  [AJ_STEP_REFER] = "hazard.referred",
};

G_STATIC_ASSERT (G_N_ELEMENTS (event_types) == AJ_N_STEPS);

const char *
aj_step_event_type (AjHazardStep step)
{
  return event_types[step];
}

gboolean
aj_step_from_event_type (const char   *type,
                         AjHazardStep *step)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_types); i++)
    if (g_strcmp0 (event_types[i], type) == 0)
      {
        *step = i;
        return TRUE;
      }
  return FALSE;
}

const char *
aj_step_label (AjHazardStep step)
{
  switch (step)
    {
    case AJ_STEP_ORDER: return _("Order rectification");
    case AJ_STEP_RECTIFY: return _("Report rectification");
    case AJ_STEP_VERIFY: return _("Verify");
    case AJ_STEP_CLOSE: return _("Close");
    case AJ_STEP_REOPEN: return _("Reopen");
    case AJ_STEP_REQUEST_EXTENSION: return _("Request an extension");
    case AJ_STEP_DECIDE_EXTENSION: return _("Decide the extension");
    case AJ_STEP_ESCALATE: return _("Escalate (supervised listing)");
    case AJ_STEP_REFER: return _("Refer to another department");
    default: return "";
    }
}

/* Still to be rectified, or rectified and not yet verified: what an
 * official may escalate or refer. Returns the status as a constant. */
static const char *
pending (const char *status)
{
  static const char * const statuses[] = { "found", "rectification_ordered", "rectified", "rejected", "reopened" };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (status, statuses[i]) == 0)
      return statuses[i];
  return NULL;
}

/* The status after @step from @status, or NULL when the step is not
 * allowed there. The steps beside the loop keep the status. */
const char *
aj_lifecycle_next (const char   *status,
                   const char   *grade,
                   AjHazardStep  step,
                   gboolean      accepted)
{
  gboolean open = g_strcmp0 (status, "found") == 0 || g_strcmp0 (status, "reopened") == 0;
  gboolean ordered = g_strcmp0 (status, "rectification_ordered") == 0;
  gboolean rejected = g_strcmp0 (status, "rejected") == 0;

  switch (step)
    {
    case AJ_STEP_ORDER:
      /* After a rejected verification: a new order, with a new deadline. */
      return open || rejected ? "rectification_ordered" : NULL;
    case AJ_STEP_RECTIFY:
      if (ordered || rejected)
        return "rectified";
      /* 当场整改: a general hazard fixed while the inspector is there. */
      if (open && g_strcmp0 (grade, "major") != 0)
        return "rectified";
      return NULL;
    case AJ_STEP_VERIFY:
      if (g_strcmp0 (status, "rectified") != 0)
        return NULL;
      return accepted ? "verified" : "rejected";
    case AJ_STEP_CLOSE:
      return g_strcmp0 (status, "verified") == 0 ? "closed" : NULL;
    case AJ_STEP_REOPEN:
      return g_strcmp0 (status, "closed") == 0 ? "reopened" : NULL;
    case AJ_STEP_REQUEST_EXTENSION:
    case AJ_STEP_DECIDE_EXTENSION:
      /* Only a hazard with a deadline still to meet. The status returned
       * is a constant, never @status itself. */
      return ordered || rejected ? pending (status) : NULL;
    case AJ_STEP_ESCALATE:
    case AJ_STEP_REFER:
      return pending (status);
    default:
      return NULL;
    }
}

/* An extension is asked for once at a time, and decided only when asked
 * for: @extension_pending is the hazard's open request. Other steps do not
 * depend on it. */
gboolean
aj_lifecycle_extension_ok (AjHazardStep step,
                           gboolean     extension_pending)
{
  if (step == AJ_STEP_REQUEST_EXTENSION)
    return !extension_pending;
  if (step == AJ_STEP_DECIDE_EXTENSION)
    return extension_pending;
  return TRUE;
}

/* Inspectors and administrators order, verify, close and reopen; the
 * institution (its head and staff) rectifies its own hazards. An
 * institution's head may also order and verify what its own staff found
 * in a self-inspection. The institution asks for an extension (an official
 * may ask on its behalf); only an official decides it, escalates (督办) or
 * refers to another department (移送). */
gboolean
aj_lifecycle_role_may (const char   *role,
                       AjHazardStep  step,
                       gboolean      own_institution,
                       gboolean      found_in_self_inspection)
{
  gboolean official = aj_lifecycle_is_official (role);
  gboolean head = g_strcmp0 (role, "institution_head") == 0 && own_institution;
  gboolean staff = g_strcmp0 (role, "institution_staff") == 0 && own_institution;

  switch (step)
    {
    case AJ_STEP_ORDER:
    case AJ_STEP_VERIFY:
      return official || (head && found_in_self_inspection);
    case AJ_STEP_RECTIFY:
      return head || staff;
    case AJ_STEP_REQUEST_EXTENSION:
      return official || head || staff;
    case AJ_STEP_CLOSE:
    case AJ_STEP_REOPEN:
    case AJ_STEP_DECIDE_EXTENSION:
    case AJ_STEP_ESCALATE:
    case AJ_STEP_REFER:
      return official;
    default:
      return FALSE;
    }
}

/* Whether a person of @role may take @step at all: the role table, plus the
 * inspector's "fixed on the spot" (当场整改) of a general hazard that is
 * still open (@status found or reopened), plus the home's own "fix on the
 * spot": a general hazard its staff found in a self-inspection on an item
 * its schedule marks so (@fix_on_spot) they rectify with a photo, accept and
 * close themselves. Every other hazard needs an inspector's verification.
 * The state machine is not asked: whether the step still applies is
 * aj_lifecycle_next ()'s answer. */
gboolean
aj_lifecycle_person_may (const char   *role,
                         AjHazardStep  step,
                         gboolean      own_institution,
                         gboolean      found_in_self_inspection,
                         gboolean      fix_on_spot,
                         const char   *status,
                         const char   *grade)
{
  gboolean open = g_strcmp0 (status, "found") == 0 || g_strcmp0 (status, "reopened") == 0;
  gboolean home = own_institution &&
                  (g_strcmp0 (role, "institution_staff") == 0 || g_strcmp0 (role, "institution_head") == 0);

  if (step == AJ_STEP_RECTIFY && open && g_strcmp0 (grade, "major") != 0 && aj_lifecycle_is_official (role))
    return TRUE;
  if (home && found_in_self_inspection && fix_on_spot && g_strcmp0 (grade, "major") != 0 &&
      (step == AJ_STEP_RECTIFY || step == AJ_STEP_VERIFY || step == AJ_STEP_CLOSE))
    return TRUE;
  return aj_lifecycle_role_may (role, step, own_institution, found_in_self_inspection);
}

/* Rectified, whether or not verified yet: the deadline was met. */
gboolean
aj_lifecycle_is_rectified (const char *status)
{
  return g_strcmp0 (status, "rectified") == 0 || g_strcmp0 (status, "verified") == 0 ||
         g_strcmp0 (status, "closed") == 0;
}

/* Days past the deadline of a hazard not rectified by it; 0 when not
 * overdue. Overdue means "not rectified by the deadline": a hazard
 * rectified and waiting for verification, verified, closed or withdrawn is
 * never overdue; on the deadline day itself it is not overdue yet, the day
 * after it is 1 day overdue. @today is YYYY-MM-DD. */
int
aj_lifecycle_days_overdue (const char *status,
                           const char *deadline,
                           const char *today)
{
  g_autoptr(GDate) due = NULL;
  g_autoptr(GDate) now = NULL;
  int days;

  if (aj_lifecycle_is_rectified (status) || g_strcmp0 (status, "withdrawn") == 0 ||
      deadline == NULL || *deadline == '\0')
    return 0;
  due = g_date_new ();
  now = g_date_new ();
  g_date_set_parse (due, deadline);
  g_date_set_parse (now, today);
  if (!g_date_valid (due) || !g_date_valid (now))
    return 0;
  days = g_date_days_between (due, now);
  return MAX (days, 0);
}

/* 挂牌督办 levels: county 1, city 2, province 3; 0 for none or unknown. */
int
aj_escalation_level_rank (const char *level)
{
  if (g_strcmp0 (level, "county") == 0)
    return 1;
  if (g_strcmp0 (level, "city") == 0)
    return 2;
  if (g_strcmp0 (level, "province") == 0)
    return 3;
  return 0;
}

const char *
aj_escalation_level_label (const char *level)
{
  if (g_strcmp0 (level, "county") == 0)
    return _("County-level supervision");
  if (g_strcmp0 (level, "city") == 0)
    return _("City-level supervision");
  if (g_strcmp0 (level, "province") == 0)
    return _("Province-level supervision");
  return level ? level : "";
}

const char *
aj_escalation_reason_label (const char *reason)
{
  if (g_strcmp0 (reason, "major") == 0)
    return _("Major hazard");
  if (g_strcmp0 (reason, "overdue") == 0)
    return C_("escalation reason", "Overdue");
  if (g_strcmp0 (reason, "manual") == 0)
    return _("Raised by an official");
  return reason ? reason : "";
}

/* The level at which a hazard must be under supervision (挂牌督办), or NULL
 * when none. Only a hazard still to be rectified (found, ordered, rejected,
 * reopened) is raised: a major hazard counts one level, being overdue by
 * @threshold_days or more one more, by twice that two more, at most the
 * province. So a major hazard is supervised by the county at once, by the
 * city once N days overdue and by the province once 2N days overdue; a
 * general hazard by the county once N days overdue and by the city once 2N
 * days overdue. @threshold_days is the department's figure (N); 0 or less
 * means AJ_ESCALATION_DEFAULT_OVERDUE_DAYS. *@reason (optional) is "overdue"
 * when lateness raised the level, else "major". */
const char *
aj_escalation_required_level (const char  *status,
                              const char  *grade,
                              int          days_overdue,
                              int          threshold_days,
                              const char **reason)
{
  static const char * const levels[] = { NULL, "county", "city", "province" };
  gboolean to_rectify = g_strcmp0 (status, "found") == 0 || g_strcmp0 (status, "rectification_ordered") == 0 ||
                        g_strcmp0 (status, "rejected") == 0 || g_strcmp0 (status, "reopened") == 0;
  int n = threshold_days > 0 ? threshold_days : AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;
  int late = days_overdue >= 2 * n ? 2 : days_overdue >= n ? 1 : 0;
  int rank = (g_strcmp0 (grade, "major") == 0 ? 1 : 0) + late;

  if (reason != NULL)
    *reason = late > 0 ? "overdue" : "major";
  if (!to_rectify || rank == 0)
    {
      if (reason != NULL)
        *reason = NULL;
      return NULL;
    }
  return levels[MIN (rank, 3)];
}

/* The level a hazard must now be raised to, when the rule asks for more
 * than @current_level (NULL: not escalated); otherwise NULL. */
const char *
aj_escalation_due (const char  *status,
                   const char  *grade,
                   int          days_overdue,
                   int          threshold_days,
                   const char  *current_level,
                   const char **reason)
{
  const char *required = aj_escalation_required_level (status, grade, days_overdue, threshold_days, reason);

  if (aj_escalation_level_rank (required) > aj_escalation_level_rank (current_level))
    return required;
  if (reason != NULL)
    *reason = NULL;
  return NULL;
}

const char *
aj_referral_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "fire") == 0)
    return _("Fire and rescue");
  if (g_strcmp0 (kind, "market") == 0)
    return _("Market regulation");
  if (g_strcmp0 (kind, "housing") == 0)
    return _("Housing and construction");
  if (g_strcmp0 (kind, "health") == 0)
    return _("Health");
  if (g_strcmp0 (kind, "emergency") == 0)
    return _("Emergency management");
  if (g_strcmp0 (kind, "other") == 0)
    return _("Other department");
  return kind ? kind : "";
}

gboolean
aj_lifecycle_is_official (const char *role)
{
  return g_strcmp0 (role, "inspector") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
aj_risk_level_is_valid (const char *level)
{
  return aj_risk_level_rank (level) > 0;
}

/* Higher is more severe: red 4, orange 3, yellow 2, blue 1. */
int
aj_risk_level_rank (const char *level)
{
  if (g_strcmp0 (level, "red") == 0)
    return 4;
  if (g_strcmp0 (level, "orange") == 0)
    return 3;
  if (g_strcmp0 (level, "yellow") == 0)
    return 2;
  if (g_strcmp0 (level, "blue") == 0)
    return 1;
  return 0;
}

const char *
aj_risk_level_label (const char *level)
{
  if (g_strcmp0 (level, "red") == 0)
    return _("Red — major risk");
  if (g_strcmp0 (level, "orange") == 0)
    return _("Orange — high risk");
  if (g_strcmp0 (level, "yellow") == 0)
    return _("Yellow — moderate risk");
  if (g_strcmp0 (level, "blue") == 0)
    return _("Blue — low risk");
  return level ? level : "";
}

const char *
aj_grade_label (const char *grade)
{
  if (g_strcmp0 (grade, "major") == 0)
    return _("Major hazard");
  if (g_strcmp0 (grade, "general") == 0)
    return _("General hazard");
  return grade ? grade : "";
}

const char *
aj_hazard_status_label (const char *status)
{
  if (g_strcmp0 (status, "found") == 0)
    return C_("hazard status", "Found");
  if (g_strcmp0 (status, "rectification_ordered") == 0)
    return _("Rectification ordered");
  if (g_strcmp0 (status, "rectified") == 0)
    return _("Rectified, awaiting verification");
  if (g_strcmp0 (status, "verified") == 0)
    return _("Verified, awaiting closing");
  if (g_strcmp0 (status, "rejected") == 0)
    return _("Rectification rejected");
  if (g_strcmp0 (status, "reopened") == 0)
    return _("Reopened");
  if (g_strcmp0 (status, "closed") == 0)
    return _("Closed");
  if (g_strcmp0 (status, "withdrawn") == 0)
    return _("Withdrawn");
  return status ? status : "";
}

static gboolean
is_given (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* Where a criterion says a major hazard is determined by an authority or a
 * qualified third party (e.g. MZ2023-4-2: the housing or fire department),
 * the inspector's word alone does not make it major: only with both the
 * determining body and its document is "major" kept. Without them a
 * requested "major" is recorded as general and flagged as a suspected major
 * hazard pending determination. Any other grade passes unchanged. */
const char *
aj_grade_with_determination (const char *requested_grade,
                             gboolean    needs_determination,
                             const char *determination_body,
                             const char *determination_document,
                             gboolean   *pending_determination)
{
  gboolean pending = needs_determination && g_strcmp0 (requested_grade, "major") == 0 &&
                     !(is_given (determination_body) && is_given (determination_document));

  if (pending_determination != NULL)
    *pending_determination = pending;
  return pending ? "general" : requested_grade;
}
