/* aj-hazard-steps.c: the closed loop's steps taken by a person on a stored
 * hazard: may this person take this step now (the pure rules applied to the
 * hazard's current row), and the step recorded as an event. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-rounds.h"
#include "aj-inspection.h"
#include "aj-util.h"

static gboolean
blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

gboolean
aj_hazard_can_step (AjStore       *store,
                    AjUser        *user,
                    const char    *hazard_id,
                    AjHazardStep   step,
                    GError       **error)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, hazard_id);
  g_autoptr(AjInspection) inspection = NULL;
  gboolean own, self_inspection;

  if (hazard == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_FOUND, _("The hazard no longer exists."));
      return FALSE;
    }
  if (user == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("Sign in first."));
      return FALSE;
    }
  inspection = aj_inspection_load (store, aj_hazard_get_inspection_id (hazard));
  own = g_strcmp0 (aj_user_get_institution (user), aj_hazard_get_institution (hazard)) == 0;
  self_inspection = inspection != NULL && g_strcmp0 (aj_inspection_get_mode (inspection), "self") == 0;

  if (aj_lifecycle_next (aj_hazard_get_status (hazard), aj_hazard_get_grade (hazard), step, TRUE) == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("“%s” is not possible now: the hazard is “%s”."),
                   aj_step_label (step), aj_hazard_status_label (aj_hazard_get_status (hazard)));
      return FALSE;
    }
  if (!aj_lifecycle_extension_ok (step, aj_hazard_get_extension_pending (hazard)))
    {
      g_set_error_literal (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                           step == AJ_STEP_REQUEST_EXTENSION
                           ? _("An extension was asked for already: it waits for an inspector's decision.")
                           : _("No extension is waiting for a decision."));
      return FALSE;
    }
  if (step == AJ_STEP_ESCALATE && aj_escalation_level_rank (aj_hazard_get_escalation_level (hazard)) >= 3)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED, _("“%s” is not possible now: the hazard is under %s."),
                   aj_step_label (step), aj_escalation_level_label (aj_hazard_get_escalation_level (hazard)));
      return FALSE;
    }
  if (!aj_lifecycle_person_may (aj_user_get_role (user), step, own, self_inspection,
                                self_inspection && aj_rounds_fixes_on_spot (store, hazard),
                                aj_hazard_get_status (hazard), aj_hazard_get_grade (hazard)))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("“%s” is not for a %s of this hazard."),
                   aj_step_label (step), aj_user_role_label (aj_user_get_role (user)));
      return FALSE;
    }
  /* Until its inspection is finished, a hazard is still being written. */
  if (inspection != NULL && !aj_inspection_is_finished (inspection) && step != AJ_STEP_RECTIFY)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_NOT_ALLOWED,
                   _("Finish the inspection that found this hazard first."));
      return FALSE;
    }
  return TRUE;
}

/* YYYY-MM-DD exactly: g_date_set_parse () alone also takes 2030/01/31,
 * 01/31/2030 or "2030 01 31", which the ledger then compares as text. */
static gboolean
require (const char  *value,
         const char  *message,
         GError     **error)
{
  if (blank (value))
    {
      g_set_error_literal (error, AJ_ERROR, AJ_ERROR_INVALID, message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_date (const char  *value,
              const char  *missing,
              GError     **error)
{
  if (!require (value, missing, error))
    return FALSE;
  if (!aj_is_iso_date (value))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The deadline must be a date like 2026-12-31."));
      return FALSE;
    }
  return TRUE;
}

/* An extension moves the deadline later, never earlier. */
static gboolean
require_later (AjHazard    *hazard,
               const char  *deadline,
               GError     **error)
{
  const char *current = aj_hazard_get_deadline (hazard);

  if (current != NULL && *current != '\0' && strcmp (deadline, current) <= 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("An extension needs a date after the current deadline, %s."), current);
      return FALSE;
    }
  return TRUE;
}

static gboolean
in_words (const char *value,
          const char *words)
{
  g_auto(GStrv) list = g_strsplit (words, " ", -1);

  return value != NULL && g_strv_contains ((const char * const *) list, value);
}

/* Validates the step for this person and this hazard now, and records it.
 * Returns the event id. */
char *
aj_hazard_step (AjStore            *store,
                AjUser             *user,
                const char         *hazard_id,
                AjHazardStep        step,
                const AjStepInput  *in,
                GError            **error)
{
  g_autoptr(AjHazard) hazard = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  AjStepInput empty = { 0 };

  if (in == NULL)
    in = &empty;
  if (!aj_hazard_can_step (store, user, hazard_id, step, error))
    return NULL;
  hazard = aj_hazard_load (store, hazard_id);

  switch (step)
    {
    case AJ_STEP_ORDER:
      if (!require (in->measures, _("Enter the rectification measures."), error) ||
          !require (in->responsible, _("Enter the responsible person."), error) ||
          !require (in->deadline, _("Enter the deadline."), error))
        return NULL;
      if (!aj_is_iso_date (in->deadline))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The deadline must be a date like 2026-12-31."));
          return NULL;
        }
      /* A major hazard needs the "five in place" (五落实). */
      if (aj_hazard_is_major (hazard) &&
          (!require (in->funds, _("A major hazard needs its funds stated (five in place)."), error) ||
           !require (in->contingency_plan, _("A major hazard needs a contingency plan (five in place)."), error)))
        return NULL;
      json_object_set_string_member (body, "measures", in->measures);
      json_object_set_string_member (body, "responsible", in->responsible);
      json_object_set_string_member (body, "deadline", in->deadline);
      json_object_set_string_member (body, "funds", in->funds ? in->funds : "");
      json_object_set_string_member (body, "contingency_plan", in->contingency_plan ? in->contingency_plan : "");
      break;

    case AJ_STEP_RECTIFY:
      if (!require (in->note, _("Describe what was done."), error))
        return NULL;
      if (in->photos == NULL || in->photos[0] == NULL)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Add at least one photo of the rectified place."));
          return NULL;
        }
      {
        JsonArray *photos = json_array_new ();
        for (guint i = 0; in->photos[i]; i++)
          {
            if (!aj_is_sha256_hex (in->photos[i]))
              {
                json_array_unref (photos);
                g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A photo is not stored properly."));
                return NULL;
              }
            json_array_add_string_element (photos, in->photos[i]);
          }
        json_object_set_array_member (body, "photos", photos);
      }
      json_object_set_string_member (body, "note", in->note);
      break;

    case AJ_STEP_VERIFY:
      if (!in->accepted && !require (in->opinion, _("Give the reason for rejecting."), error))
        return NULL;
      json_object_set_boolean_member (body, "accepted", in->accepted);
      json_object_set_string_member (body, "opinion", in->opinion ? in->opinion : "");
      break;

    case AJ_STEP_CLOSE:
      break;

    case AJ_STEP_REOPEN:
      if (!require (in->reason, _("Give the reason for reopening."), error))
        return NULL;
      json_object_set_string_member (body, "reason", in->reason);
      break;

    case AJ_STEP_REQUEST_EXTENSION:
      if (!require_date (in->deadline, _("Enter the new deadline asked for."), error) ||
          !require_later (hazard, in->deadline, error) ||
          !require (in->reason, _("Give the reason for the extension."), error))
        return NULL;
      json_object_set_string_member (body, "deadline", in->deadline);
      json_object_set_string_member (body, "reason", in->reason);
      break;

    case AJ_STEP_DECIDE_EXTENSION:
      if (in->accepted &&
          (!require_date (in->deadline, _("Enter the deadline granted."), error) ||
           !require_later (hazard, in->deadline, error)))
        return NULL;
      if (!in->accepted && !require (in->opinion, _("Give the reason for refusing the extension."), error))
        return NULL;
      json_object_set_boolean_member (body, "approved", in->accepted);
      if (in->accepted)
        json_object_set_string_member (body, "deadline", in->deadline);
      json_object_set_string_member (body, "opinion", in->opinion ? in->opinion : "");
      break;

    case AJ_STEP_ESCALATE:
      if (aj_escalation_level_rank (in->level) == 0 || !in_words (in->escalation_reason, "major overdue manual"))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Choose the level and the reason of the supervision."));
          return NULL;
        }
      if (aj_escalation_level_rank (in->level) <= aj_escalation_level_rank (aj_hazard_get_escalation_level (hazard)))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The hazard is under %s already: choose a higher level."),
                       aj_escalation_level_label (aj_hazard_get_escalation_level (hazard)));
          return NULL;
        }
      json_object_set_string_member (body, "level", in->level);
      json_object_set_string_member (body, "reason", in->escalation_reason);
      json_object_set_string_member (body, "note", in->note ? in->note : "");
      break;

    case AJ_STEP_REFER:
      if (!require (in->to, _("Enter the department it is referred to."), error))
        return NULL;
      if (strpbrk (in->to, "\r\n") != NULL || g_utf8_strlen (in->to, -1) > 200)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The department's name is one line of at most 200 characters."));
          return NULL;
        }
      if (!in_words (in->kind, "fire market housing health emergency other"))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Choose the kind of department."));
          return NULL;
        }
      if (!require (in->reason, _("Give the reason for the referral."), error))
        return NULL;
      json_object_set_string_member (body, "to", in->to);
      json_object_set_string_member (body, "kind", in->kind);
      json_object_set_string_member (body, "reason", in->reason);
      break;
    }

  json_object_set_string_member (body, "from", aj_hazard_get_status (hazard));
  json_object_set_string_member (body, "at", at);
  return aj_store_append (store, aj_step_event_type (step), hazard_id, aj_user_get_id (user), body, error);
}

guint
aj_hazard_count_conflicts (AjStore    *store,
                           const char *hazard_id)
{
  return (guint) aj_db_query_int (aj_store_get_db (store),
                                  "SELECT count(*) FROM hazard_conflicts WHERE hazard_id = ?", hazard_id, 0);
}

void
aj_deadline_change_free (AjDeadlineChange *change)
{
  if (change == NULL)
    return;
  g_free (change->deadline);
  g_free (change->how);
  g_free (change->at);
  g_free (change);
}

/* Every deadline the hazard has had, oldest first, from its events: on the
 * sheet, changed while the inspection was open, ordered (again after a
 * rejection), and granted by an approved extension. A deadline set again to
 * the same date is listed once. */
GPtrArray *
aj_hazard_list_deadlines (AjStore    *store,
                          const char *hazard_id)
{
  static const struct { const char *type; const char *how; } sources[] = {
    { "hazard.found", "found" }, { "hazard.updated", "updated" },
    { "hazard.rectification_ordered", "ordered" }, { "hazard.extension_decided", "extended" },
  };
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_deadline_change_free);
  g_autoptr(GPtrArray) events = aj_store_list_events (store, hazard_id, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) body = NULL;
      const char *deadline;
      AjDeadlineChange *change;
      AjDeadlineChange *last = list->len ? g_ptr_array_index (list, list->len - 1) : NULL;
      const char *how = NULL;

      for (guint j = 0; j < G_N_ELEMENTS (sources) && how == NULL; j++)
        if (g_str_equal (ev->type, sources[j].type))
          how = sources[j].how;
      if (how == NULL || (body = aj_json_parse_object (ev->body, NULL)) == NULL)
        continue;
      if (g_str_equal (how, "extended") && !aj_json_get_bool (body, "approved", FALSE))
        continue;
      deadline = aj_json_get_string (body, "deadline");
      if (deadline == NULL || *deadline == '\0' || (last != NULL && g_str_equal (last->deadline, deadline)))
        continue;
      change = g_new0 (AjDeadlineChange, 1);
      change->deadline = g_strdup (deadline);
      change->how = g_strdup (how);
      change->at = g_strdup (aj_json_get_string (body, "at"));
      g_ptr_array_add (list, change);
    }
  return list;
}
