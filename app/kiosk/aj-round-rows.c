/* aj-round-rows.c: on the home page of a home's kiosk, for the person signed
 * in: the rounds due today for his or her post (the head sees every post's),
 * with this week's completion; a tap starts (or continues) the round as a
 * self-inspection of its checklist. Below, the rounds missed in the last
 * week and for whom they were due. Built in code, all plain text. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-a11y.h"
#include "aj-completion.h"
#include "aj-inspection.h"
#include "aj-page.h"
#include "aj-round-rows.h"

#define MISSED_DAYS  7
#define MISSED_SHOWN 10

struct _AjRoundRows
{
  GtkBox               parent_instance;

  AdwPreferencesGroup *due_group;
  AdwPreferencesGroup *missed_group;
  GtkWidget           *schedules_button;
  GPtrArray           *rows;        /* rows added to the groups, to remove them */
  guint                n_due;
  guint                percent;
};

G_DEFINE_FINAL_TYPE (AjRoundRows, aj_round_rows, GTK_TYPE_BOX)

static char *
clock_of (gint64 t,
          const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (utc, aj_schedule_zone ());

  return g_date_time_format (here, format);
}

/* "20:00–06:00" for a daily or night window, "11-30 – 12-06" for a week or
 * month. */
static char *
describe_window (const AjDueWindow *w)
{
  gboolean whole_days = w->frequency == AJ_FREQUENCY_WEEKLY || w->frequency == AJ_FREQUENCY_MONTHLY ||
                        w->end - w->start == 24 * 3600;
  g_autofree char *start = clock_of (w->start, whole_days ? "%m-%d" : "%m-%d %H:%M");
  g_autofree char *end = clock_of (whole_days ? w->end - 1 : w->end, whole_days ? "%m-%d" : "%H:%M");

  if (w->end - w->start == 24 * 3600)
    return g_strdup_printf (_("%s, all day"), start);
  return g_strdup_printf ("%s – %s", start, end);
}

static const char *
state_label (AjWindowState state)
{
  switch (state)
    {
    case AJ_WINDOW_UPCOMING: return _("Later today");
    case AJ_WINDOW_OPEN: return _("Due now");
    case AJ_WINDOW_DONE: return _("Done");
    case AJ_WINDOW_MISSED: return _("Missed");
    default: return "";
    }
}

static const char *
title_of (AjSession  *session,
          const char *template_id)
{
  AjChecklist *checklist = aj_session_find_checklist (session, template_id);

  return checklist ? aj_checklist_get_title (checklist) : template_id;
}

static void
on_start_clicked (GtkButton   *button,
                  AjRoundRows *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const char *template_id = g_object_get_data (G_OBJECT (button), "template");
  AjUser *user = session ? aj_session_get_user (session) : NULL;
  AjChecklist *checklist = session ? aj_session_find_checklist (session, template_id) : NULL;
  g_autoptr(AjInspection) open = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (user == NULL || checklist == NULL)
    return;
  /* A round begun and left is continued, not begun twice. */
  open = aj_inspection_find_unfinished (aj_session_get_store (session), aj_user_get_id (user));
  if (open != NULL && g_strcmp0 (aj_inspection_get_mode (open), "self") == 0 &&
      g_strcmp0 (aj_inspection_get_template_id (open), template_id) == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-inspection", "s", aj_inspection_get_id (open));
      return;
    }
  id = aj_inspection_start (aj_session_get_store (session), aj_user_get_id (user), aj_user_get_institution (user),
                            "self", checklist, &error);
  if (id == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The round could not be started"), error);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-inspection", "s", id);
}

static void
add_row (AjRoundRows         *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static GtkWidget *
due_row (AjRoundRows *self,
         AjSession   *session,
         AjDueItem   *item)
{
  AjDueWindow *w = item->window;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = describe_window (w);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", when, aj_post_label (w->post),
                                               state_label (item->state));
  g_autofree char *name = g_strdup_printf ("round-%s", w->template_id);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_of (session, w->template_id));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, name);
  if (item->state == AJ_WINDOW_OPEN)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Start round"));
      g_autofree char *button_name = g_strdup_printf ("start-%s", w->template_id);

      gtk_widget_set_name (button, button_name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data_full (G_OBJECT (button), "template", g_strdup (w->template_id), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_start_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
    }
  else
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (item->state == AJ_WINDOW_DONE ? "object-select-symbolic"
                                                      : item->state == AJ_WINDOW_MISSED ? "dialog-warning-symbolic"
                                                      : "alarm-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      state_label (item->state), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
    }
  if (item->state == AJ_WINDOW_MISSED)
    gtk_widget_add_css_class (row, "overdue");
  /* Built after the window mended its tree: "Start round" named once, the
   * row given its action. */
  aj_a11y_fix_tree (row);
  return row;
}

static GtkWidget *
missed_row (AjRoundRows *self,
            AjSession   *session,
            AjDueItem   *item)
{
  AjDueWindow *w = item->window;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GPtrArray) people = aj_rounds_people_of_post (aj_session_get_store (session), item->institution, w->post);
  g_autofree char *when = describe_window (w);
  g_autofree char *title = g_strdup_printf ("%s · %s", title_of (session, w->template_id), when);
  g_autofree char *names = NULL;
  g_autofree char *subtitle = NULL;

  g_ptr_array_add (people, NULL);
  names = g_strjoinv ("、", (char **) people->pdata);
  subtitle = *names ? g_strdup_printf (_("Was due for the %s: %s"), aj_post_label (w->post), names)
                    : g_strdup_printf (_("Was due for the %s (nobody holds this post)"), aj_post_label (w->post));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "overdue");
  return row;
}

void
aj_round_rows_refresh (AjRoundRows *self,
                       AjSession   *session)
{
  AjUser *user = session ? aj_session_get_user (session) : NULL;
  const char *institution = user ? aj_user_get_institution (user) : NULL;
  gboolean head = user && g_strcmp0 (aj_user_get_role (user), "institution_head") == 0;
  const char *post = user && !head ? aj_user_get_post (user) : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) missed = NULL;
  AjCompletion week = { 0 };
  g_autofree char *description = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                    row);
    }
  g_ptr_array_set_size (self->rows, 0);
  self->n_due = 0;
  self->percent = 0;

  /* Only the people of a home have rounds; staff without a post have none. */
  if (institution == NULL || (!head && (post == NULL || *post == '\0')))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  due = aj_completion_due_today (aj_session_get_store (session), institution, post, now);
  missed = aj_completion_missed (aj_session_get_store (session), institution, post,
                                 now - MISSED_DAYS * 24 * 3600, now);
  aj_completion_compute (aj_session_get_store (session), institution, aj_completion_week_start (now),
                         G_MAXINT64 / 2, now, &week);
  self->percent = aj_completion_percent (&week);

  for (guint i = 0; i < due->len; i++)
    {
      AjDueItem *item = g_ptr_array_index (due, i);
      /* A round missed is listed below, once. */
      if (item->state == AJ_WINDOW_MISSED)
        continue;
      if (item->state == AJ_WINDOW_OPEN || item->state == AJ_WINDOW_UPCOMING)
        self->n_due++;
      add_row (self, self->due_group, due_row (self, session, item));
    }
  description = g_strdup_printf (_("This week: %u of %u rounds done (%u%%)"), week.done, week.due, self->percent);
  adw_preferences_group_set_description (self->due_group, description);
  if (self->rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing more is due today"));
      add_row (self, self->due_group, row);
    }
  for (guint i = 0; i < MIN (missed->len, MISSED_SHOWN); i++)
    add_row (self, self->missed_group, missed_row (self, session, g_ptr_array_index (missed, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->missed_group), missed->len > 0);
  /* The head sets the home's schedules from here; staff do not see it. */
  gtk_widget_set_visible (self->schedules_button, head);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

guint
aj_round_rows_get_n_due (AjRoundRows *self)
{
  return self->n_due;
}

guint
aj_round_rows_get_percent (AjRoundRows *self)
{
  return self->percent;
}

static void
aj_round_rows_dispose (GObject *object)
{
  AjRoundRows *self = AJ_ROUND_ROWS (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (aj_round_rows_parent_class)->dispose (object);
}

static void
aj_round_rows_class_init (AjRoundRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aj_round_rows_dispose;
}

static void
aj_round_rows_init (AjRoundRows *self)
{
  self->rows = g_ptr_array_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 24);
  self->due_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->due_group, _("Rounds due today"));
  gtk_widget_set_name (GTK_WIDGET (self->due_group), "rounds_due");
  self->schedules_button = gtk_button_new_with_mnemonic (_("Sc_hedules"));
  gtk_widget_set_name (self->schedules_button, "schedules_button");
  gtk_widget_set_valign (self->schedules_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->schedules_button, _("Set which rounds are due for which post"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->schedules_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Schedules of rounds"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->schedules_button), "win.show-schedules");
  gtk_widget_set_visible (self->schedules_button, FALSE);
  adw_preferences_group_set_header_suffix (self->due_group, self->schedules_button);
  self->missed_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->missed_group, _("Missed rounds (last 7 days)"));
  gtk_widget_set_name (GTK_WIDGET (self->missed_group), "rounds_missed");
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->due_group));
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->missed_group));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}
