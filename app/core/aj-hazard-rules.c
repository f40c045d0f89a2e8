/* aj-hazard-rules.c: found → rectification ordered → rectified → verified
 * (accepted → closed; rejected → back to rectification) → reopened when
 * found again. A general hazard may be rectified on the spot, without an
 * order. The same rules decide what the kiosk offers, what the core
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
};

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
    default: return "";
    }
}

/* The status after @step from @status, or NULL when the step is not
 * allowed there. */
const char *
aj_lifecycle_next (const char   *status,
                   const char   *grade,
                   AjHazardStep  step,
                   gboolean      accepted)
{
  gboolean open = g_strcmp0 (status, "found") == 0 || g_strcmp0 (status, "reopened") == 0;

  switch (step)
    {
    case AJ_STEP_ORDER:
      return open ? "rectification_ordered" : NULL;
    case AJ_STEP_RECTIFY:
      if (g_strcmp0 (status, "rectification_ordered") == 0)
        return "rectified";
      /* 当场整改: a general hazard fixed while the inspector is there. */
      if (open && g_strcmp0 (grade, "major") != 0)
        return "rectified";
      return NULL;
    case AJ_STEP_VERIFY:
      if (g_strcmp0 (status, "rectified") != 0)
        return NULL;
      return accepted ? "verified" : "rectification_ordered";
    case AJ_STEP_CLOSE:
      return g_strcmp0 (status, "verified") == 0 ? "closed" : NULL;
    case AJ_STEP_REOPEN:
      return g_strcmp0 (status, "closed") == 0 ? "reopened" : NULL;
    default:
      return NULL;
    }
}

/* Inspectors and administrators order, verify, close and reopen; the
 * institution (its head and staff) rectifies its own hazards. An
 * institution's head may also order and verify what its own staff found
 * in a self-inspection. */
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
    case AJ_STEP_CLOSE:
    case AJ_STEP_REOPEN:
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

/* Days past the deadline of a hazard not struck off; 0 when not overdue.
 * @today is YYYY-MM-DD. */
int
aj_lifecycle_days_overdue (const char *status,
                           const char *deadline,
                           const char *today)
{
  g_autoptr(GDate) due = NULL;
  g_autoptr(GDate) now = NULL;
  int days;

  if (g_strcmp0 (status, "closed") == 0 || g_strcmp0 (status, "withdrawn") == 0 ||
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
