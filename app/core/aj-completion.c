/* aj-completion.c: today's due rounds of a home (for a post, or all), the
 * rounds it missed, and its completion figures. A window is counted in the
 * period it opens in, so that a missed round is missed exactly once. */
#include "config.h"

#include "aj-completion.h"
#include "aj-registry.h"
#include "aj-util.h"

#define DAY_SECONDS (24 * 60 * 60)

void
aj_due_item_free (AjDueItem *item)
{
  if (item == NULL)
    return;
  aj_due_window_free (item->window);
  g_free (item->institution);
  g_free (item);
}

static gboolean
for_post (const AjSchedule *schedule,
          const char       *post)
{
  return post == NULL || g_strcmp0 (schedule->post, post) == 0;
}

/* The windows of @institution's schedules (for @post, or all when NULL)
 * that open in [@from, @to) and, when @open_after is not 0, close after it. */
static GPtrArray *
collect (AjStore    *store,
         const char *institution,
         const char *post,
         gint64      from,
         gint64      to,
         gint64      close_after,
         gint64      now,
         gboolean    missed_only)
{
  g_autoptr(GPtrArray) schedules = aj_rounds_list_schedules (store, institution, NULL);
  g_autoptr(AjRoundLog) log = aj_rounds_load_log (store, institution);
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_due_item_free);

  for (guint i = 0; schedules && i < schedules->len; i++)
    {
      AjSchedule *s = g_ptr_array_index (schedules, i);
      g_autoptr(GPtrArray) windows = NULL;

      if (!for_post (s, post))
        continue;
      windows = aj_schedule_windows (s, from, to);
      for (guint j = 0; j < windows->len; j++)
        {
          AjDueWindow *w = g_ptr_array_index (windows, j);
          AjWindowState state = aj_due_window_state (w, (AjRound *) log->rounds->data, log->rounds->len, now);
          AjDueItem *item;

          if (w->end <= close_after || (missed_only && state != AJ_WINDOW_MISSED))
            continue;
          item = g_new0 (AjDueItem, 1);
          item->window = g_steal_pointer (&windows->pdata[j]);
          item->state = state;
          item->institution = g_strdup (institution);
          item->fix_on_spot_items = s->fix_on_spot && s->fix_on_spot[0];
          g_ptr_array_add (items, item);
        }
    }
  return items;
}

static int
by_start (gconstpointer a,
          gconstpointer b)
{
  const AjDueItem *x = *(AjDueItem **) a, *y = *(AjDueItem **) b;

  return x->window->start < y->window->start ? -1 : x->window->start > y->window->start;
}

static int
by_start_newest_first (gconstpointer a,
                       gconstpointer b)
{
  return by_start (b, a);
}

/* Rounds of @institution for @post that concern China's today at @now:
 * those open today, including last night's shift that ends this morning and
 * this week's and this month's, with their state. */
GPtrArray *
aj_completion_due_today (AjStore    *store,
                         const char *institution,
                         const char *post,
                         gint64      now)
{
  g_autofree char *today = aj_schedule_date_of (now);
  gint64 midnight = aj_schedule_midnight (today);
  GPtrArray *items = collect (store, institution, post, midnight - 32 * DAY_SECONDS, midnight + DAY_SECONDS,
                              midnight, now, FALSE);

  g_ptr_array_sort (items, by_start);
  return items;
}

/* Missed rounds of @institution (for @post) that opened in [@since, @now),
 * newest first. */
GPtrArray *
aj_completion_missed (AjStore    *store,
                      const char *institution,
                      const char *post,
                      gint64      since,
                      gint64      now)
{
  GPtrArray *items = collect (store, institution, post, since, now, 0, now, TRUE);

  g_ptr_array_sort (items, by_start_newest_first);
  return items;
}

void
aj_completion_compute (AjStore      *store,
                       const char   *institution,
                       gint64        from,
                       gint64        to,
                       gint64        now,
                       AjCompletion *completion)
{
  g_autoptr(GPtrArray) schedules = aj_rounds_list_schedules (store, institution, NULL);
  g_autoptr(AjRoundLog) log = aj_rounds_load_log (store, institution);

  for (guint i = 0; schedules && i < schedules->len; i++)
    aj_schedule_tally (g_ptr_array_index (schedules, i), (AjRound *) log->rounds->data, log->rounds->len,
                       from, to, now, completion);
}

/* China's Monday 00:00 of the week of @now. */
gint64
aj_completion_week_start (gint64 now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, aj_schedule_zone ());
  g_autoptr(GDateTime) day = g_date_time_new (aj_schedule_zone (), g_date_time_get_year (here),
                                              g_date_time_get_month (here), g_date_time_get_day_of_month (here),
                                              0, 0, 0);
  g_autoptr(GDateTime) monday = g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));

  return g_date_time_to_unix (monday);
}

/* China's first of the month of @now, 00:00. */
gint64
aj_completion_month_start (gint64 now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, aj_schedule_zone ());
  g_autoptr(GDateTime) first = g_date_time_new (aj_schedule_zone (), g_date_time_get_year (here),
                                                g_date_time_get_month (here), 1, 0, 0, 0);

  return g_date_time_to_unix (first);
}

static JsonObject *
figures (const AjCompletion *c)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "due", c->due);
  json_object_set_int_member (o, "done", c->done);
  json_object_set_int_member (o, "missed", c->missed);
  json_object_set_int_member (o, "night_due", c->night_due);
  json_object_set_int_member (o, "night_missed", c->night_missed);
  json_object_set_int_member (o, "percent", aj_completion_percent (c));
  return o;
}

/* Per institution in @scope (all when NULL) that has rounds due this month:
 * {institution, name, week: {due, done, missed, night_due, night_missed,
 * percent}, month: {…}}. */
JsonArray *
aj_completion_report (AjStore       *store,
                      const AjScope *scope,
                      gint64         now)
{
  g_autoptr(GListModel) institutions = aj_registry_list_institutions_by_code (store, NULL);
  JsonArray *report = json_array_new ();
  gint64 week = aj_completion_week_start (now), month = aj_completion_month_start (now);

  for (guint i = 0; institutions && i < g_list_model_get_n_items (institutions); i++)
    {
      g_autoptr(AjInstitution) institution = g_list_model_get_item (institutions, i);
      const char *code = aj_institution_get_code (institution);
      AjCompletion this_week = { 0 }, this_month = { 0 };
      JsonObject *o;

      if (scope != NULL && !aj_registry_scope_allows (store, scope, code))
        continue;
      aj_completion_compute (store, code, month, G_MAXINT64 / 2, now, &this_month);
      if (this_month.due == 0)
        continue;
      aj_completion_compute (store, code, week, G_MAXINT64 / 2, now, &this_week);
      o = json_object_new ();
      json_object_set_string_member (o, "institution", code);
      json_object_set_string_member (o, "name", aj_institution_get_name (institution));
      json_object_set_object_member (o, "week", figures (&this_week));
      json_object_set_object_member (o, "month", figures (&this_month));
      json_array_add_object_element (report, o);
    }
  return report;
}
