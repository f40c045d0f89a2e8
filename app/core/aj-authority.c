/* aj-authority.c: what the server asks of every pushed event before it
 * stores it. The device's word is never taken: the subject's institution
 * comes from the server's projection, the author's role from its registry,
 * the device from its token; the pure rules (aj-hazard-rules) decide who may
 * take a step. A step that is merely late (another device was first) passes
 * here and becomes a conflict in the projection: refusal is for what no
 * honest kiosk makes. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "aj-assignment.h"
#include "aj-authority.h"
#include "aj-codec.h"
#include "aj-event-schema.h"
#include "aj-hazard.h"
#include "aj-hazard-rules.h"
#include "aj-hlc.h"
#include "aj-inspection.h"
#include "aj-numbering.h"
#include "aj-registry.h"
#include "aj-rounds.h"
#include "aj-team.h"
#include "aj-util.h"

G_DEFINE_QUARK (aj-refusal-quark, aj_refusal)

/* A device clock may run ahead of the server's by this much. */
#define MAX_CLOCK_AHEAD_MS (15 * 60 * 1000)

static const char * const codes[] = {
  [AJ_REFUSAL_NOT_YOUR_CHAIN] = "not_your_chain",
  [AJ_REFUSAL_UNKNOWN_TYPE] = "unknown_type",
  [AJ_REFUSAL_INVALID_BODY] = "invalid_body",
  [AJ_REFUSAL_CLOCK] = "clock_out_of_range",
  [AJ_REFUSAL_UNKNOWN_AUTHOR] = "unknown_author",
  [AJ_REFUSAL_UNKNOWN_SUBJECT] = "unknown_subject",
  [AJ_REFUSAL_SUBJECT_EXISTS] = "subject_exists",
  [AJ_REFUSAL_OUT_OF_SCOPE] = "out_of_scope",
  [AJ_REFUSAL_ROLE] = "role_not_allowed",
  [AJ_REFUSAL_FINISHED] = "inspection_finished",
  [AJ_REFUSAL_UNFINISHED] = "inspection_unfinished",
  [AJ_REFUSAL_ASSIGNMENT] = "assignment_mismatch",
  [AJ_REFUSAL_NUMBER] = "number_not_granted",
};

const char *
aj_refusal_code (int refusal)
{
  if (refusal < 0 || refusal >= (int) G_N_ELEMENTS (codes))
    return "refused";
  return codes[refusal];
}

#define REFUSE(code, ...) \
  G_STMT_START { g_set_error (error, AJ_REFUSAL, code, __VA_ARGS__); return FALSE; } G_STMT_END

/* May @user act on @inspection's items, photos and hazards: an inspector or
 * administrator, or the institution's own people in its self-inspection. */
static gboolean
may_write_inspection (AjUser       *user,
                      AjInspection *inspection)
{
  if (aj_lifecycle_is_official (aj_user_get_role (user)))
    return TRUE;
  return g_strcmp0 (aj_inspection_get_mode (inspection), "self") == 0 &&
         g_strcmp0 (aj_user_get_institution (user), aj_inspection_get_institution (inspection)) == 0;
}

/* Events about an inspection's content must come before its end. */
static gboolean
check_still_open (AjStore        *store,
                  AjInspection   *inspection,
                  const AjEvent  *ev,
                  GError        **error)
{
  gint64 finished = aj_store_first_event_hlc (store, aj_inspection_get_id (inspection), "inspection.finished");

  if (finished != 0 && ev->hlc > finished)
    REFUSE (AJ_REFUSAL_FINISHED, "Event %s (%s) comes after its inspection was finished", ev->id, ev->type);
  return TRUE;
}

/* An inspection that carries out an assignment does what the server
 * assigned: that institution, in spot-check mode, with that checklist,
 * started by one of the team, while the assignment is open. */
static gboolean
check_assignment_started (AjStore        *store,
                          AjUser         *author,
                          JsonObject     *body,
                          GError        **error)
{
  const char *id = aj_json_get_string (body, "assignment");
  g_autoptr(AjAssignment) assignment = aj_assignment_load (store, id);

  if (assignment == NULL)
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "Assignment %s is not one the server made", id);
  if (g_strcmp0 (aj_assignment_get_status (assignment), "open") != 0)
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "Assignment %s is %s", id, aj_assignment_get_status (assignment));
  if (g_strcmp0 (aj_json_get_string (body, "institution"), aj_assignment_get_institution (assignment)) != 0)
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "Assignment %s is for another institution", id);
  if (g_strcmp0 (aj_json_get_string (body, "mode"), "spot_check") != 0)
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "Assignment %s is done as a spot check", id);
  if (g_strcmp0 (aj_json_get_string (body, "template"), aj_assignment_get_checklist (assignment)) != 0)
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "Assignment %s is done with the checklist %s", id,
            aj_assignment_get_checklist (assignment));
  if (!aj_assignment_has_member (assignment, aj_user_get_id (author)))
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "%s is not in the team of assignment %s", aj_user_get_id (author), id);
  return TRUE;
}

/* A team member's presence is confirmed by the member (the author), in an
 * open inspection: of an assignment of his or her team, or a field
 * inspection of the institution's department that he or she may make (the
 * server's roster, ties included: a device knows none); an assignment's
 * inspection ends with at least two members confirmed. */
static gboolean
check_team (AjStore        *store,
            AjUser         *author,
            const AjEvent  *ev,
            GError        **error)
{
  g_autoptr(AjAssignment) assignment = aj_assignment_load_for_inspection (store, ev->subject);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, ev->subject);

  if (g_str_equal (ev->type, "inspection.finished"))
    {
      if (assignment != NULL && aj_assignment_count_present (store, assignment, ev->subject) < 2)
        REFUSE (AJ_REFUSAL_ASSIGNMENT, "Inspection %s of assignment %s ends with fewer than two of the team confirmed",
                ev->subject, aj_assignment_get_id (assignment));
      return TRUE;
    }
  if (assignment == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (inspection == NULL)
        REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s is about an inspection the server does not hold", ev->id);
      if (g_strcmp0 (aj_user_get_role (author), "inspector") != 0)
        REFUSE (AJ_REFUSAL_ROLE, "%s is not an inspector, so not a member of an inspection's team",
                aj_user_get_id (author));
      if (!aj_team_may_join (store, inspection, aj_user_get_id (author), &local_error))
        REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Event %s: %s", ev->id, local_error->message);
      return check_still_open (store, inspection, ev, error);
    }
  if (!aj_assignment_has_member (assignment, aj_user_get_id (author)) ||
      !aj_lifecycle_is_official (aj_user_get_role (author)))
    REFUSE (AJ_REFUSAL_ASSIGNMENT, "%s is not in the team of assignment %s", aj_user_get_id (author),
            aj_assignment_get_id (assignment));
  return inspection == NULL || check_still_open (store, inspection, ev, error);
}

static gboolean
check_inspection_started (AjStore        *store,
                          const AjScope  *scope,
                          AjUser         *author,
                          const AjEvent  *ev,
                          JsonObject     *body,
                          GError        **error)
{
  const char *institution = aj_json_get_string (body, "institution");
  g_autoptr(AjInstitution) known = aj_registry_get_institution (store, institution);
  g_autofree char *held = aj_store_subject_institution (store, ev->subject);
  gboolean self = g_strcmp0 (aj_json_get_string (body, "mode"), "self") == 0;

  if (held != NULL)
    REFUSE (AJ_REFUSAL_SUBJECT_EXISTS, "Inspection %s was started already", ev->subject);
  if (known == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Institution %s is not in the registry", institution);
  if (!aj_registry_scope_allows (store, scope, institution))
    REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Institution %s is outside this device's scope", institution);
  if (!aj_lifecycle_is_official (aj_user_get_role (author)) &&
      !(self && g_strcmp0 (aj_user_get_institution (author), institution) == 0))
    REFUSE (AJ_REFUSAL_ROLE, "%s may not start this inspection", aj_user_get_id (author));
  if (aj_json_get_string (body, "assignment") != NULL)
    return check_assignment_started (store, author, body, error);
  return TRUE;
}

/* A home's schedule: its head sets it for the home, an administrator (the
 * office) for one home or all homes of a type; nobody else. A schedule keeps
 * the home or type it was first set for. */
static gboolean
check_schedule_set (AjStore        *store,
                    const AjScope  *scope,
                    AjUser         *author,
                    const AjEvent  *ev,
                    JsonObject     *body,
                    GError        **error)
{
  const char *institution = aj_json_get_string (body, "institution");
  const char *type = aj_json_get_string (body, "institution_type");
  const char *role = aj_user_get_role (author);
  g_autoptr(AjSchedule) held = aj_rounds_get_schedule (store, ev->subject);
  g_autoptr(AjSchedule) schedule = aj_schedule_from_json (ev->subject, body, NULL);

  if (schedule == NULL)
    REFUSE (AJ_REFUSAL_INVALID_BODY, "Schedule %s names neither one institution nor one type, or has bad times",
            ev->subject);
  if (held != NULL && (g_strcmp0 (held->institution, schedule->institution) != 0 ||
                       g_strcmp0 (held->institution_type, schedule->institution_type) != 0))
    REFUSE (AJ_REFUSAL_SUBJECT_EXISTS, "Schedule %s belongs to another institution or type", ev->subject);
  if (type != NULL)
    {
      if (g_strcmp0 (role, "admin") != 0)
        REFUSE (AJ_REFUSAL_ROLE, "The role %s may not set schedules for all homes of a type", role);
      return TRUE;
    }
  {
    g_autoptr(AjInstitution) known = aj_registry_get_institution (store, institution);
    if (known == NULL)
      REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Institution %s is not in the registry", institution);
  }
  if (!aj_registry_scope_allows (store, scope, institution))
    REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Institution %s is outside this device's scope", institution);
  if (g_strcmp0 (role, "admin") != 0 &&
      !(g_strcmp0 (role, "institution_head") == 0 && g_strcmp0 (aj_user_get_institution (author), institution) == 0))
    REFUSE (AJ_REFUSAL_ROLE, "The role %s may not set the schedules of %s", role, institution);
  return TRUE;
}

static gboolean
check_hazard_found (AjStore        *store,
                    AjUser         *author,
                    const AjEvent  *ev,
                    JsonObject     *body,
                    GError        **error)
{
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, aj_json_get_string (body, "inspection"));
  g_autofree char *held = aj_store_subject_institution (store, ev->subject);

  if (held != NULL)
    REFUSE (AJ_REFUSAL_SUBJECT_EXISTS, "Hazard %s was recorded already", ev->subject);
  if (inspection == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Hazard %s names an inspection the server does not hold", ev->subject);
  /* The institution is the inspection's, whatever the body says. */
  if (g_strcmp0 (aj_json_get_string (body, "institution"), aj_inspection_get_institution (inspection)) != 0)
    REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Hazard %s names another institution than its inspection", ev->subject);
  if (!may_write_inspection (author, inspection))
    REFUSE (AJ_REFUSAL_ROLE, "%s may not record hazards in this inspection", aj_user_get_id (author));
  return check_still_open (store, inspection, ev, error);
}

static gboolean
check_hazard_event (AjStore        *store,
                    AjUser         *author,
                    const AjEvent  *ev,
                    JsonObject     *body,
                    GError        **error)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, ev->subject);
  g_autoptr(AjInspection) inspection = NULL;
  AjHazardStep step;
  gboolean own, self;

  if (hazard == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s is about a hazard the server does not hold", ev->id);
  inspection = aj_inspection_load (store, aj_hazard_get_inspection_id (hazard));
  if (inspection == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Hazard %s has no inspection on the server", ev->subject);
  own = g_strcmp0 (aj_user_get_institution (author), aj_hazard_get_institution (hazard)) == 0;
  self = g_strcmp0 (aj_inspection_get_mode (inspection), "self") == 0;

  if (!aj_step_from_event_type (ev->type, &step))
    {
      /* hazard.updated, hazard.withdrawn: the sheet, while its inspection is open. */
      if (!may_write_inspection (author, inspection))
        REFUSE (AJ_REFUSAL_ROLE, "%s may not edit this hazard", aj_user_get_id (author));
      return check_still_open (store, inspection, ev, error);
    }
  /* "from" is the status the author's device saw: it decides only the
   * inspector's on-the-spot rectification; the state machine itself runs
   * on the server's status when the event is applied. */
  if (!aj_lifecycle_person_may (aj_user_get_role (author), step, own, self,
                                self && aj_rounds_fixes_on_spot (store, hazard),
                                aj_json_get_string (body, "from"), aj_hazard_get_grade (hazard)))
    REFUSE (AJ_REFUSAL_ROLE, "The role %s may not take the step “%s” on this hazard",
            aj_user_get_role (author), ev->type);
  if (step != AJ_STEP_RECTIFY && !aj_inspection_is_finished (inspection))
    REFUSE (AJ_REFUSAL_UNFINISHED, "Hazard %s: its inspection is not finished", ev->subject);
  return TRUE;
}

static gboolean
check_inspection_event (AjStore        *store,
                        AjUser         *author,
                        const AjEvent  *ev,
                        JsonObject     *body,
                        GError        **error)
{
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, ev->subject);

  if (inspection == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s is about an inspection the server does not hold", ev->id);
  if (!may_write_inspection (author, inspection))
    REFUSE (AJ_REFUSAL_ROLE, "%s may not write to this inspection", aj_user_get_id (author));
  if (g_str_equal (ev->type, "photo.withdrawn") || g_str_equal (ev->type, "photo.removed"))
    {
      gboolean withdrawn;
      g_autofree char *owner = aj_inspection_photo_owner (store, aj_json_get_string (body, "photo"), &withdrawn, NULL);
      if (g_strcmp0 (owner, ev->subject) != 0)
        REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s names a photo of another inspection", ev->id);
      /* Withdrawal is how a finished inspection's photo is taken back. */
      if (g_str_equal (ev->type, "photo.withdrawn"))
        return TRUE;
    }
  if (g_str_equal (ev->type, "inspection.finished"))
    return TRUE;
  return check_still_open (store, inspection, ev, error);
}

/* TRUE when @store, as the authority, may take @event pushed by
 * @device_id with @scope; otherwise an AJ_REFUSAL error. */
gboolean
aj_authority_check (AjStore        *store,
                    const char     *device_id,
                    const AjScope  *scope,
                    const AjEvent  *ev,
                    gint64          now_ms,
                    GError        **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(AjUser) author = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *institution = NULL;

  if (g_strcmp0 (ev->device_id, device_id) != 0)
    REFUSE (AJ_REFUSAL_NOT_YOUR_CHAIN, "Event %s was made by another device; a device pushes only its own", ev->id);
  if (!aj_event_schema_is_known (ev->type))
    REFUSE (AJ_REFUSAL_UNKNOWN_TYPE, "Event %s has a type this server does not know: %s", ev->id, ev->type);
  body = aj_event_parse_body (ev, &local_error);
  if (body == NULL || !aj_event_schema_check (ev->type, body, &local_error))
    REFUSE (AJ_REFUSAL_INVALID_BODY, "Event %s: %s", ev->id, local_error->message);
  if (ev->hlc <= 0 || AJ_HLC_WALL_MS (ev->hlc) > now_ms + MAX_CLOCK_AHEAD_MS)
    REFUSE (AJ_REFUSAL_CLOCK, "Event %s is dated in the future; check the device's clock", ev->id);
  author = aj_registry_get_user (store, ev->author);
  if (author == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_AUTHOR, "Event %s: %s is not in the registry", ev->id, ev->author);

  if (g_str_equal (ev->type, "user.pin_changed"))
    {
      g_autoptr(AjUser) subject = aj_registry_get_user (store, ev->subject);
      if (subject == NULL)
        REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s changes the PIN of %s, who is not in the registry", ev->id, ev->subject);
      if (g_strcmp0 (ev->author, ev->subject) != 0 && g_strcmp0 (aj_user_get_role (author), "admin") != 0)
        REFUSE (AJ_REFUSAL_ROLE, "Only %s or an administrator may change that PIN", ev->subject);
      return TRUE;
    }
  if (g_str_equal (ev->type, "schedule.set"))
    return check_schedule_set (store, scope, author, ev, body, error);
  if (g_str_equal (ev->type, "inspection.started"))
    return check_inspection_started (store, scope, author, ev, body, error);
  if (g_str_equal (ev->type, "hazard.found"))
    {
      g_autoptr(AjInspection) inspection = aj_inspection_load (store, aj_json_get_string (body, "inspection"));
      if (inspection != NULL && !aj_registry_scope_allows (store, scope, aj_inspection_get_institution (inspection)))
        REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Event %s concerns an institution outside this device's scope", ev->id);
      return check_hazard_found (store, author, ev, body, error);
    }

  /* Everything else is about a subject the server holds: its institution is
   * the server's, never the event's. */
  institution = aj_store_subject_institution (store, ev->subject);
  if (institution == NULL)
    REFUSE (AJ_REFUSAL_UNKNOWN_SUBJECT, "Event %s is about %s, which the server does not hold", ev->id, ev->subject);
  if (!aj_registry_scope_allows (store, scope, institution))
    REFUSE (AJ_REFUSAL_OUT_OF_SCOPE, "Event %s concerns an institution outside this device's scope", ev->id);
  if (g_str_equal (ev->type, "document.numbered"))
    {
      /* Documents are the department's: numbered by its inspectors only. */
      if (!aj_lifecycle_is_official (aj_user_get_role (author)))
        REFUSE (AJ_REFUSAL_ROLE, "Only an inspector numbers the department's documents");
      if (!aj_numbering_check_claim (store, device_id, ev->subject, body, &local_error))
        REFUSE (AJ_REFUSAL_NUMBER, "Event %s: %s", ev->id, local_error->message);
      return TRUE;
    }
  if (g_str_has_prefix (ev->type, "hazard."))
    return check_hazard_event (store, author, ev, body, error);
  if (g_str_equal (ev->type, "signature.added"))
    return TRUE;   /* signatures are recorded by whoever holds the pad */
  if (g_str_equal (ev->type, "inspection.team_confirmed"))
    return check_team (store, author, ev, error);
  if (g_str_equal (ev->type, "inspection.finished") && !check_team (store, author, ev, error))
    return FALSE;
  return check_inspection_event (store, author, ev, body, error);
}
