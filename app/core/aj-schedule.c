/* aj-schedule.c: a schedule's windows and whether each was done, in China's
 * time (UTC+8, no daylight saving) whatever TZ the process has. A window
 * belongs to the period in which it opens: a night round from 31 December
 * 20:00 to 1 January 06:00 is December's, and is counted (and missed) once. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-error.h"
#include "aj-schedule.h"
#include "aj-util.h"

#define DAY_SECONDS (24 * 60 * 60)

GTimeZone *
aj_schedule_zone (void)
{
  static GTimeZone *zone;

  if (g_once_init_enter (&zone))
    g_once_init_leave (&zone, g_time_zone_new_identifier ("+08:00"));
  return zone;
}

/* The China date of an instant, YYYY-MM-DD. */
char *
aj_schedule_date_of (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, aj_schedule_zone ());

  return g_date_time_format (here, "%Y-%m-%d");
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  int y, m, d;
  char end;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

static gint64
midnight_of (const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new (aj_schedule_zone (), g_date_get_year (date),
                                             g_date_get_month (date), g_date_get_day (date), 0, 0, 0);
  return g_date_time_to_unix (dt);
}

/* China midnight at the start of @date, in Unix seconds; 0 if not a date. */
gint64
aj_schedule_midnight (const char *date)
{
  GDate d;

  return parse_date (date, &d) ? midnight_of (&d) : 0;
}

/* An ISO 8601 timestamp with a zone, in Unix seconds; 0 if not one. */
gint64
aj_schedule_parse_time (const char *iso8601)
{
  g_autoptr(GDateTime) dt = iso8601 ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;

  return dt ? g_date_time_to_unix (dt) : 0;
}

static const char * const frequencies[] = {
  [AJ_FREQUENCY_DAILY] = "daily",
  [AJ_FREQUENCY_NIGHT] = "night",
  [AJ_FREQUENCY_WEEKLY] = "weekly",
  [AJ_FREQUENCY_MONTHLY] = "monthly",
};

const char *
aj_frequency_to_string (AjFrequency frequency)
{
  return frequencies[frequency];
}

gboolean
aj_frequency_from_string (const char  *text,
                          AjFrequency *frequency)
{
  for (guint i = 0; i < G_N_ELEMENTS (frequencies); i++)
    if (g_strcmp0 (frequencies[i], text) == 0)
      {
        *frequency = i;
        return TRUE;
      }
  return FALSE;
}

const char *
aj_frequency_label (AjFrequency frequency)
{
  switch (frequency)
    {
    case AJ_FREQUENCY_DAILY: return _("Daily");
    case AJ_FREQUENCY_NIGHT: return _("Each night shift");
    case AJ_FREQUENCY_WEEKLY: return _("Weekly");
    case AJ_FREQUENCY_MONTHLY: return _("Monthly");
    default: return "";
    }
}

/* The posts (岗位) of a home's staff that schedules name. */
const char *
aj_post_label (const char *post)
{
  static const struct { const char *code; const char *label; } posts[] = {
    { "safety_officer", N_("Safety officer") },
    { "duty_carer", N_("Carer on duty") },
    { "night_carer", N_("Night carer on duty") },
    { "electrician", N_("Electrician") },
    { "head_cook", N_("Head cook") },
    { "head", N_("Head of the institution") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (posts); i++)
    if (g_strcmp0 (posts[i].code, post) == 0)
      return _(posts[i].label);
  return post ? post : "";
}

/* "HH:MM" as minutes after midnight, or -1. */
static int
parse_minute (const char *text)
{
  int h, m;
  char end;

  if (text == NULL || strlen (text) != 5 || sscanf (text, "%2d:%2d%c", &h, &m, &end) != 2 ||
      h < 0 || h > 23 || m < 0 || m > 59)
    return -1;
  return h * 60 + m;
}

void
aj_schedule_free (AjSchedule *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->institution);
  g_free (self->institution_type);
  g_free (self->template_id);
  g_free (self->post);
  g_free (self->from);
  g_strfreev (self->fix_on_spot);
  g_free (self);
}

static char *
dup_nonempty (JsonObject *body,
              const char *member)
{
  const char *value = aj_json_get_string (body, member);

  return value && *value ? g_strdup (value) : NULL;
}

/* A schedule from the body of its schedule.set event (or a sample file). */
AjSchedule *
aj_schedule_from_json (const char  *id,
                       JsonObject  *body,
                       GError     **error)
{
  g_autoptr(AjSchedule) self = g_new0 (AjSchedule, 1);
  const char *start = aj_json_get_string (body, "start");
  const char *end = aj_json_get_string (body, "end");
  GDate from;

  self->id = g_strdup (id);
  self->institution = dup_nonempty (body, "institution");
  self->institution_type = dup_nonempty (body, "institution_type");
  self->template_id = dup_nonempty (body, "template");
  self->post = dup_nonempty (body, "post");
  self->from = dup_nonempty (body, "from");
  self->active = aj_json_get_bool (body, "active", TRUE);

  if ((self->institution == NULL) == (self->institution_type == NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Schedule %s: name either one institution or one institution type"), id);
      return NULL;
    }
  if (self->template_id == NULL || self->post == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Schedule %s needs a checklist and a post"), id);
      return NULL;
    }
  if (!aj_frequency_from_string (aj_json_get_string (body, "frequency"), &self->frequency))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                   _("Schedule %s: the frequency must be daily, night, weekly or monthly"), id);
      return NULL;
    }
  if (!parse_date (self->from, &from))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Schedule %s: “from” must be a date (YYYY-MM-DD)"), id);
      return NULL;
    }
  self->start_minute = start ? parse_minute (start) : 0;
  self->end_minute = end ? parse_minute (end) : 0;
  if (self->start_minute < 0 || self->end_minute < 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Schedule %s: a window's times are HH:MM"), id);
      return NULL;
    }
  if (json_object_has_member (body, "fix_on_spot"))
    {
      JsonNode *node = json_object_get_member (body, "fix_on_spot");
      JsonArray *codes = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint i = 0; codes && i < json_array_get_length (codes); i++)
        {
          JsonNode *element = json_array_get_element (codes, i);
          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
      self->fix_on_spot = g_strv_builder_end (builder);
    }
  else
    self->fix_on_spot = g_new0 (char *, 1);
  return g_steal_pointer (&self);
}

JsonObject *
aj_schedule_to_json (const AjSchedule *self)
{
  JsonObject *o = json_object_new ();
  g_autoptr(JsonArray) codes = json_array_new ();
  g_autofree char *start = g_strdup_printf ("%02d:%02d", self->start_minute / 60, self->start_minute % 60);
  g_autofree char *end = g_strdup_printf ("%02d:%02d", self->end_minute / 60, self->end_minute % 60);

  if (self->institution)
    json_object_set_string_member (o, "institution", self->institution);
  if (self->institution_type)
    json_object_set_string_member (o, "institution_type", self->institution_type);
  json_object_set_string_member (o, "template", self->template_id);
  json_object_set_string_member (o, "post", self->post);
  json_object_set_string_member (o, "frequency", aj_frequency_to_string (self->frequency));
  json_object_set_string_member (o, "from", self->from);
  json_object_set_string_member (o, "start", start);
  json_object_set_string_member (o, "end", end);
  for (guint i = 0; self->fix_on_spot && self->fix_on_spot[i]; i++)
    json_array_add_string_element (codes, self->fix_on_spot[i]);
  json_object_set_array_member (o, "fix_on_spot", g_steal_pointer (&codes));
  json_object_set_boolean_member (o, "active", self->active);
  return o;
}

gboolean
aj_schedule_applies_to (const AjSchedule *self,
                        const char       *institution,
                        const char       *institution_type)
{
  if (!self->active)
    return FALSE;
  if (self->institution != NULL)
    return g_strcmp0 (self->institution, institution) == 0;
  return g_strcmp0 (self->institution_type, institution_type) == 0;
}

gboolean
aj_schedule_fixes_on_spot (const AjSchedule *self,
                           const char       *item_code)
{
  return self->fix_on_spot != NULL && item_code != NULL &&
         g_strv_contains ((const char * const *) self->fix_on_spot, item_code);
}

void
aj_due_window_free (AjDueWindow *window)
{
  if (window == NULL)
    return;
  g_free (window->schedule_id);
  g_free (window->template_id);
  g_free (window->post);
  g_free (window->day);
  g_free (window);
}

static void
add_window (const AjSchedule *self,
            GPtrArray        *windows,
            const GDate      *day,
            gint64            start,
            gint64            end)
{
  AjDueWindow *w = g_new0 (AjDueWindow, 1);
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", day);
  w->schedule_id = g_strdup (self->id);
  w->template_id = g_strdup (self->template_id);
  w->post = g_strdup (self->post);
  w->frequency = self->frequency;
  w->day = g_strdup (text);
  w->start = start;
  w->end = end;
  g_ptr_array_add (windows, w);
}

/* The windows of @self that open in [@from, @to), oldest first; none before
 * the schedule's first day. */
GPtrArray *
aj_schedule_windows (const AjSchedule *self,
                     gint64            from,
                     gint64            to)
{
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_due_window_free);
  g_autofree char *first_text = aj_schedule_date_of (from);
  GDate first, day;

  if (!parse_date (self->from, &first) || to <= from)
    return g_steal_pointer (&windows);
  /* Start the walk a period early: a window may open before @from's day. */
  parse_date (first_text, &day);
  switch (self->frequency)
    {
    case AJ_FREQUENCY_DAILY:
    case AJ_FREQUENCY_NIGHT:
      g_date_subtract_days (&day, 1);
      break;
    case AJ_FREQUENCY_WEEKLY:
      g_date_subtract_days (&day, g_date_get_weekday (&day) - G_DATE_MONDAY);
      /* The first week is the one the schedule starts in. */
      if (g_date_compare (&day, &first) < 0)
        {
          day = first;
          g_date_subtract_days (&day, g_date_get_weekday (&day) - G_DATE_MONDAY);
        }
      break;
    case AJ_FREQUENCY_MONTHLY:
      g_date_set_day (&day, 1);
      break;
    }

  for (;;)
    {
      gint64 midnight = midnight_of (&day);
      gint64 start, end;
      GDate next = day;

      switch (self->frequency)
        {
        case AJ_FREQUENCY_DAILY:
        case AJ_FREQUENCY_NIGHT:
          start = midnight + self->start_minute * 60;
          end = midnight + self->end_minute * 60;
          if (self->end_minute <= self->start_minute)
            end += DAY_SECONDS;
          g_date_add_days (&next, 1);
          break;
        case AJ_FREQUENCY_WEEKLY:
          start = midnight;
          g_date_add_days (&next, 7);
          end = midnight_of (&next);
          break;
        case AJ_FREQUENCY_MONTHLY:
        default:
          start = midnight;
          g_date_add_months (&next, 1);
          end = midnight_of (&next);
          break;
        }
      if (start >= to)
        break;
      /* A week or month that began before the schedule still counts once. */
      if (start >= from &&
          (g_date_compare (&day, &first) >= 0 ||
           (self->frequency >= AJ_FREQUENCY_WEEKLY && end > midnight_of (&first))))
        add_window (self, windows, &day, start, end);
      day = next;
    }
  return g_steal_pointer (&windows);
}

/* Done: a finished self-inspection of the window's checklist was started
 * while the window was open. Otherwise upcoming, open or (once closed)
 * missed. */
AjWindowState
aj_due_window_state (const AjDueWindow *window,
                     const AjRound     *rounds,
                     guint              n_rounds,
                     gint64             now)
{
  for (guint i = 0; i < n_rounds; i++)
    if (rounds[i].finished && g_strcmp0 (rounds[i].template_id, window->template_id) == 0 &&
        rounds[i].started >= window->start && rounds[i].started < window->end)
      return AJ_WINDOW_DONE;
  if (now < window->start)
    return AJ_WINDOW_UPCOMING;
  if (now < window->end)
    return AJ_WINDOW_OPEN;
  return AJ_WINDOW_MISSED;
}

/* Adds to @completion the windows of @self that opened in [@from, @to) by
 * @now. */
void
aj_schedule_tally (const AjSchedule *self,
                   const AjRound    *rounds,
                   guint             n_rounds,
                   gint64            from,
                   gint64            to,
                   gint64            now,
                   AjCompletion     *completion)
{
  g_autoptr(GPtrArray) windows = aj_schedule_windows (self, from, MIN (to, now + 1));

  for (guint i = 0; i < windows->len; i++)
    {
      AjDueWindow *w = g_ptr_array_index (windows, i);
      AjWindowState state = aj_due_window_state (w, rounds, n_rounds, now);
      gboolean night = w->frequency == AJ_FREQUENCY_NIGHT;

      completion->due++;
      completion->night_due += night;
      if (state == AJ_WINDOW_DONE)
        completion->done++;
      else if (state == AJ_WINDOW_MISSED)
        {
          completion->missed++;
          completion->night_missed += night;
        }
    }
}

guint
aj_completion_percent (const AjCompletion *completion)
{
  if (completion->due == 0)
    return 100;
  return (guint) ((completion->done * 100 + completion->due / 2) / completion->due);
}
