/* aj-schedules-page.c: the schedules of a home's rounds. The head of a home
 * sets those of his or her home; an administrator (the office) those of any
 * home or of all homes of a type. A schedule names a checklist, a post (岗位),
 * how often (daily, per night shift, weekly, monthly), from when, and the
 * items staff may fix on the spot. Ending one sets it inactive: it stays in
 * the record and stops being due. The core decides what a schedule is
 * (aj_schedule_from_json) and the server's authority who may set it; this
 * page says plainly what is wrong before asking. */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "aj-page.h"
#include "aj-rounds.h"
#include "aj-schedules-page.h"

struct _AjSchedulesPage
{
  AdwBin               parent_instance;

  GPtrArray           *list_rows;     /* rows in list_group */
  GPtrArray           *fix_rows;      /* rows in fix_group, each with its item code */
  GPtrArray           *scope_codes;   /* "i:CODE" or "t:TYPE", in the order of scope_row */
  GPtrArray           *checklist_ids;
  GPtrArray           *post_codes;
  AjSchedule          *editing;       /* the schedule being edited, or NULL for a new one */

  GtkStack            *stack;
  GtkButton           *add_button;
  GtkButton           *header_save_button;
  AdwPreferencesGroup *list_group;
  AdwPreferencesGroup *schedule_group;
  AdwComboRow         *scope_row;
  AdwComboRow         *checklist_row;
  AdwComboRow         *post_row;
  AdwComboRow         *frequency_row;
  AdwEntryRow         *from_row;
  AdwEntryRow         *start_row;
  AdwEntryRow         *end_row;
  AdwPreferencesGroup *fix_group;
  GtkLabel            *error_label;
  GtkButton           *cancel_button;
  GtkButton           *save_button;
  GtkButton           *end_button;
};

G_DEFINE_FINAL_TYPE (AjSchedulesPage, aj_schedules_page, ADW_TYPE_BIN)

static const AjFrequency frequencies[] = {
  AJ_FREQUENCY_DAILY, AJ_FREQUENCY_NIGHT, AJ_FREQUENCY_WEEKLY, AJ_FREQUENCY_MONTHLY,
};

/* The posts of the homes; those of the registry's people and of the
 * schedules held are added to them. */
static const char * const known_posts[] = {
  "safety_officer", "duty_carer", "night_carer", "electrician", "head_cook",
};

static gboolean
is_admin (AjUser *user)
{
  return user != NULL && g_strcmp0 (aj_user_get_role (user), "admin") == 0;
}

/* Only a home's head (for the home) and an administrator set schedules. */
gboolean
aj_schedules_page_may_edit (AjUser *user)
{
  if (user == NULL)
    return FALSE;
  return is_admin (user) ||
         (g_strcmp0 (aj_user_get_role (user), "institution_head") == 0 && aj_user_get_institution (user) != NULL);
}

static AjUser *
signed_in_user (AjSchedulesPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  return session ? aj_session_get_user (session) : NULL;
}

/* Whether @user may change @schedule: an administrator any, a head only his
 * or her own home's (not the office's type-wide ones). */
static gboolean
may_change (AjUser           *user,
            const AjSchedule *schedule)
{
  if (is_admin (user))
    return TRUE;
  return schedule->institution != NULL &&
         g_strcmp0 (schedule->institution, aj_user_get_institution (user)) == 0;
}

/* "i:CODE" for one home's schedule, "t:TYPE" for a type's. */
static char *
scope_of (const AjSchedule *schedule)
{
  return schedule->institution_type ? g_strconcat ("t:", schedule->institution_type, NULL)
                                    : g_strconcat ("i:", schedule->institution, NULL);
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                    row);
    }
  g_ptr_array_set_size (rows, 0);
}

static void
add_unique (GPtrArray  *codes,
            const char *code)
{
  if (code == NULL || *code == '\0')
    return;
  for (guint i = 0; i < codes->len; i++)
    if (g_strcmp0 (g_ptr_array_index (codes, i), code) == 0)
      return;
  g_ptr_array_add (codes, g_strdup (code));
}

static guint
index_of (GPtrArray  *codes,
          const char *code)
{
  for (guint i = 0; i < codes->len; i++)
    if (g_strcmp0 (g_ptr_array_index (codes, i), code) == 0)
      return i;
  return 0;
}

static const char *
selected_code (AdwComboRow *row,
               GPtrArray   *codes)
{
  guint index = adw_combo_row_get_selected (row);
  return index < codes->len ? g_ptr_array_index (codes, index) : NULL;
}

static const char *
checklist_title (AjSession  *session,
                 const char *id)
{
  AjChecklist *checklist = aj_session_find_checklist (session, id);
  return checklist ? aj_checklist_get_title (checklist) : id;
}

static AjFrequency
selected_frequency (AjSchedulesPage *self)
{
  guint index = adw_combo_row_get_selected (self->frequency_row);
  return frequencies[MIN (index, G_N_ELEMENTS (frequencies) - 1)];
}

/* "Weekly · from 2026-12-01", "Night shift 20:00–06:00 · from …". */
static char *
describe (AjSession        *session,
          const AjSchedule *schedule)
{
  g_autofree char *when = NULL;
  g_autofree char *scope = NULL;

  if (schedule->frequency == AJ_FREQUENCY_DAILY && schedule->start_minute == schedule->end_minute)
    /* TRANSLATORS: how often a round is due: "Daily, all day" */
    when = g_strdup_printf (_("%s, all day"), aj_frequency_label (schedule->frequency));
  else if (schedule->frequency == AJ_FREQUENCY_DAILY || schedule->frequency == AJ_FREQUENCY_NIGHT)
    when = g_strdup_printf ("%s %02d:%02d–%02d:%02d", aj_frequency_label (schedule->frequency),
                            schedule->start_minute / 60, schedule->start_minute % 60,
                            schedule->end_minute / 60, schedule->end_minute % 60);
  else
    when = g_strdup (aj_frequency_label (schedule->frequency));
  if (schedule->institution_type != NULL)
    scope = g_strdup_printf (_("all homes of the type %s (set by the office)"),
                             aj_institution_type_label (schedule->institution_type));
  else
    {
      g_autoptr(AjInstitution) home = aj_registry_get_institution (aj_session_get_store (session),
                                                                   schedule->institution);
      scope = g_strdup (home ? aj_institution_get_name (home) : schedule->institution);
    }
  /* TRANSLATORS: post · how often · from a date · which homes */
  return g_strdup_printf (_("%s · %s · from %s · %s"), aj_post_label (schedule->post), when, schedule->from, scope);
}

static void show_editor (AjSchedulesPage *self, const AjSchedule *schedule);

static void
on_edit_clicked (GtkWidget       *button,
                 AjSchedulesPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(AjSchedule) schedule = NULL;

  if (session == NULL)
    return;
  schedule = aj_rounds_get_schedule (aj_session_get_store (session), g_object_get_data (G_OBJECT (button), "schedule"));
  if (schedule != NULL)
    show_editor (self, schedule);
}

static GtkWidget *
schedule_row (AjSchedulesPage  *self,
              AjSession        *session,
              AjUser           *user,
              const AjSchedule *schedule)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = describe (session, schedule);
  g_autofree char *name = g_strdup_printf ("schedule-%s", schedule->id);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), checklist_title (session, schedule->template_id));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, name);
  if (may_change (user, schedule))
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Edit"));
      g_autofree char *button_name = g_strdup_printf ("edit-%s", schedule->id);

      g_autofree char *label = g_strdup_printf (_("Edit schedule: %s"), checklist_title (session, schedule->template_id));

      gtk_widget_set_name (button, button_name);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (button), "schedule", g_strdup (schedule->id), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_edit_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
refresh_list (AjSchedulesPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *user = signed_in_user (self);
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;

  clear_rows (self->list_rows);
  if (session == NULL || !aj_schedules_page_may_edit (user))
    return;
  schedules = aj_rounds_list_schedules (aj_session_get_store (session),
                                        is_admin (user) ? NULL : aj_user_get_institution (user), &error);
  if (schedules == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The schedules could not be read"), error);
      return;
    }
  for (guint i = 0; i < schedules->len; i++)
    {
      GtkWidget *row = schedule_row (self, session, user, g_ptr_array_index (schedules, i));
      adw_preferences_group_add (self->list_group, row);
      g_ptr_array_add (self->list_rows, row);
    }
  if (schedules->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No rounds are scheduled yet"));
      adw_preferences_group_add (self->list_group, row);
      g_ptr_array_add (self->list_rows, row);
    }
}

static void
show_list (AjSchedulesPage *self)
{
  g_clear_pointer (&self->editing, aj_schedule_free);
  refresh_list (self);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), aj_schedules_page_may_edit (signed_in_user (self)));
  gtk_widget_set_visible (GTK_WIDGET (self->header_save_button), FALSE);
  gtk_stack_set_visible_child_name (self->stack,
                                    aj_schedules_page_may_edit (signed_in_user (self)) ? "list" : "refused");
}

/* The checklist's items, each with a check for "fixed on the spot";
 * @checked: the codes to check. */
static void
fill_fix_rows (AjSchedulesPage    *self,
               const char * const *checked)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const char *id = selected_code (self->checklist_row, self->checklist_ids);
  AjChecklist *checklist = session && id ? aj_session_find_checklist (session, id) : NULL;

  clear_rows (self->fix_rows);
  for (guint i = 0; checklist && i < aj_checklist_get_n_items (checklist); i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (checklist, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *name = g_strdup_printf ("fix-%s", item->code);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), aj_checklist_item_get_question (item));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), item->code);
      gtk_widget_set_name (check, name);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), checked && g_strv_contains (checked, item->code));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      aj_checklist_item_get_question (item), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (row), "code", g_strdup (item->code), g_free);
      g_object_set_data (G_OBJECT (row), "check", check);
      adw_preferences_group_add (self->fix_group, row);
      g_ptr_array_add (self->fix_rows, row);
    }
}

static void
on_checklist_changed (AjSchedulesPage *self)
{
  fill_fix_rows (self, self->editing && g_strcmp0 (self->editing->template_id,
                                                   selected_code (self->checklist_row, self->checklist_ids)) == 0
                       ? (const char * const *) self->editing->fix_on_spot : NULL);
}

static void
on_frequency_changed (AjSchedulesPage *self)
{
  AjFrequency frequency = selected_frequency (self);
  gboolean timed = frequency == AJ_FREQUENCY_DAILY || frequency == AJ_FREQUENCY_NIGHT;

  gtk_widget_set_visible (GTK_WIDGET (self->start_row), timed);
  gtk_widget_set_visible (GTK_WIDGET (self->end_row), timed);
  adw_preferences_group_set_description (self->schedule_group, timed
    ? _("The round is due between these times; an end at or before the start is on the next day. A daily "
        "round without times lasts the whole day.")
    : NULL);
}

static void
set_model (AdwComboRow *row,
           GtkStringList *labels,
           guint       selected)
{
  /* Set the model first without a handler firing on a stale selection. */
  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (row, selected);
}

static void
fill_choices (AjSchedulesPage  *self,
              AjSession        *session,
              AjUser           *user,
              const AjSchedule *schedule)
{
  AjStore *store = aj_session_get_store (session);
  GListModel *checklists = aj_session_get_checklists (session);
  g_autoptr(GtkStringList) scopes = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) posts = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GListModel) users = aj_registry_list_users (store, NULL);
  g_autoptr(GPtrArray) held = aj_rounds_list_schedules (store, NULL, NULL);
  g_autofree char *scope = NULL;

  g_ptr_array_set_size (self->scope_codes, 0);
  g_ptr_array_set_size (self->checklist_ids, 0);
  g_ptr_array_set_size (self->post_codes, 0);

  /* For: the head's own home; an administrator's any home, or a type. */
  if (is_admin (user))
    {
      g_autoptr(GListModel) homes = aj_registry_list_institutions (store, NULL);
      g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; homes && i < g_list_model_get_n_items (homes); i++)
        {
          g_autoptr(AjInstitution) home = g_list_model_get_item (homes, i);
          add_unique (types, aj_institution_get_kind (home));
        }
      for (guint i = 0; i < types->len; i++)
        {
          g_autofree char *label = g_strdup_printf (_("All homes of the type %s"),
                                                    aj_institution_type_label (g_ptr_array_index (types, i)));
          g_ptr_array_add (self->scope_codes, g_strconcat ("t:", g_ptr_array_index (types, i), NULL));
          gtk_string_list_append (scopes, label);
        }
      for (guint i = 0; homes && i < g_list_model_get_n_items (homes); i++)
        {
          g_autoptr(AjInstitution) home = g_list_model_get_item (homes, i);
          g_autofree char *label = g_strdup_printf ("%s (%s)", aj_institution_get_name (home),
                                                    aj_institution_get_code (home));
          g_ptr_array_add (self->scope_codes, g_strconcat ("i:", aj_institution_get_code (home), NULL));
          gtk_string_list_append (scopes, label);
        }
    }
  else
    {
      g_autoptr(AjInstitution) home = aj_registry_get_institution (store, aj_user_get_institution (user));
      g_ptr_array_add (self->scope_codes, g_strconcat ("i:", aj_user_get_institution (user), NULL));
      gtk_string_list_append (scopes, home ? aj_institution_get_name (home) : aj_user_get_institution (user));
    }
  if (schedule != NULL)
    scope = scope_of (schedule);
  else if (!is_admin (user))
    scope = g_strconcat ("i:", aj_user_get_institution (user), NULL);
  set_model (self->scope_row, scopes, scope ? index_of (self->scope_codes, scope) : 0);
  /* A schedule keeps the home or type it was first set for. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_row), schedule == NULL && is_admin (user));

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(AjChecklist) checklist = g_list_model_get_item (checklists, i);
      g_ptr_array_add (self->checklist_ids, g_strdup (aj_checklist_get_id (checklist)));
      gtk_string_list_append (titles, aj_checklist_get_title (checklist));
    }
  /* A schedule of a checklist this device does not have keeps it. */
  if (schedule != NULL && !g_ptr_array_find_with_equal_func (self->checklist_ids, schedule->template_id,
                                                            g_str_equal, NULL))
    {
      g_ptr_array_add (self->checklist_ids, g_strdup (schedule->template_id));
      gtk_string_list_append (titles, schedule->template_id);
    }
  set_model (self->checklist_row, titles, schedule ? index_of (self->checklist_ids, schedule->template_id) : 0);

  for (guint i = 0; i < G_N_ELEMENTS (known_posts); i++)
    add_unique (self->post_codes, known_posts[i]);
  for (guint i = 0; users && i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(AjUser) person = g_list_model_get_item (users, i);
      add_unique (self->post_codes, aj_user_get_post (person));
    }
  for (guint i = 0; held && i < held->len; i++)
    add_unique (self->post_codes, ((AjSchedule *) g_ptr_array_index (held, i))->post);
  if (schedule != NULL)
    add_unique (self->post_codes, schedule->post);
  for (guint i = 0; i < self->post_codes->len; i++)
    gtk_string_list_append (posts, aj_post_label (g_ptr_array_index (self->post_codes, i)));
  set_model (self->post_row, posts, schedule ? index_of (self->post_codes, schedule->post) : 0);

  for (guint i = 0; i < G_N_ELEMENTS (frequencies); i++)
    gtk_string_list_append (labels, aj_frequency_label (frequencies[i]));
  set_model (self->frequency_row, labels, schedule ? (guint) schedule->frequency : 0);
}

static void
show_editor (AjSchedulesPage  *self,
             const AjSchedule *schedule)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *user = signed_in_user (self);
  g_autofree char *today = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  if (session == NULL || !aj_schedules_page_may_edit (user) || (schedule && !may_change (user, schedule)))
    return;
  g_clear_pointer (&self->editing, aj_schedule_free);
  if (schedule != NULL)
    {
      g_autoptr(JsonObject) body = aj_schedule_to_json (schedule);
      self->editing = aj_schedule_from_json (schedule->id, body, NULL);
    }
  fill_choices (self, session, user, schedule);
  today = aj_schedule_date_of (g_get_real_time () / G_USEC_PER_SEC);
  gtk_editable_set_text (GTK_EDITABLE (self->from_row), schedule ? schedule->from : today);
  if (schedule != NULL)
    {
      start = g_strdup_printf ("%02d:%02d", schedule->start_minute / 60, schedule->start_minute % 60);
      end = g_strdup_printf ("%02d:%02d", schedule->end_minute / 60, schedule->end_minute % 60);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->start_row), start ? start : "");
  gtk_editable_set_text (GTK_EDITABLE (self->end_row), end ? end : "");
  fill_fix_rows (self, schedule ? (const char * const *) schedule->fix_on_spot : NULL);
  on_frequency_changed (self);
  gtk_label_set_label (self->error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->end_button), schedule != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), FALSE);
  /* The items to fix on the spot may be a long list: saving is also up here. */
  gtk_widget_set_visible (GTK_WIDGET (self->header_save_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "editor");
}

static void
on_add_clicked (AjSchedulesPage *self)
{
  show_editor (self, NULL);
}

static void
on_cancel_clicked (AjSchedulesPage *self)
{
  show_list (self);
}

static void
show_error (AjSchedulesPage *self,
            const char      *message,
            GtkWidget       *focus)
{
  gtk_label_set_label (self->error_label, message);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

/* HH:MM, 00:00 to 23:59. */
static gboolean
is_clock (const char *text)
{
  return g_regex_match_simple ("^([01][0-9]|2[0-3]):[0-5][0-9]$", text, 0, 0);
}

static gboolean
is_date (const char *text)
{
  int y, m, d;

  if (!g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text, 0, 0) ||
      sscanf (text, "%d-%d-%d", &y, &m, &d) != 3)
    return FALSE;
  return g_date_valid_dmy (d, m, y);
}

static void
save (AjSchedulesPage *self,
      gboolean         active)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *user = signed_in_user (self);
  AjFrequency frequency = selected_frequency (self);
  g_autofree char *kept_scope = NULL;
  const char *scope = selected_code (self->scope_row, self->scope_codes);
  const char *template_id = selected_code (self->checklist_row, self->checklist_ids);
  const char *post = selected_code (self->post_row, self->post_codes);
  g_autofree char *from = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->from_row))));
  g_autofree char *start = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->start_row))));
  g_autofree char *end = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->end_row))));
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonArray) codes = json_array_new ();
  g_autoptr(AjSchedule) schedule = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (session == NULL || !aj_schedules_page_may_edit (user))
    return;
  gtk_label_set_label (self->error_label, "");
  /* A schedule keeps the home or type it was first set for. */
  if (self->editing != NULL)
    scope = kept_scope = scope_of (self->editing);
  if (scope == NULL || template_id == NULL || post == NULL)
    {
      show_error (self, _("Choose the homes, the checklist and the post."), NULL);
      return;
    }
  if (!is_date (from))
    {
      show_error (self, _("“From” must be a date such as 2026-12-01 (year-month-day)."), GTK_WIDGET (self->from_row));
      return;
    }
  if (frequency == AJ_FREQUENCY_NIGHT && (*start == '\0' || *end == '\0'))
    {
      show_error (self, _("A night shift needs both the time it starts and the time it ends, such as 20:00 and 06:00."),
                  GTK_WIDGET (*start == '\0' ? self->start_row : self->end_row));
      return;
    }
  if (frequency == AJ_FREQUENCY_DAILY || frequency == AJ_FREQUENCY_NIGHT)
    {
      if (*start != '\0' && !is_clock (start))
        {
          show_error (self, _("The start time must be a time of day such as 08:00 (hours:minutes)."),
                      GTK_WIDGET (self->start_row));
          return;
        }
      if (*end != '\0' && !is_clock (end))
        {
          show_error (self, _("The end time must be a time of day such as 18:00 (hours:minutes)."),
                      GTK_WIDGET (self->end_row));
          return;
        }
      json_object_set_string_member (body, "start", *start ? start : "00:00");
      json_object_set_string_member (body, "end", *end ? end : "00:00");
    }

  json_object_set_string_member (body, g_str_has_prefix (scope, "t:") ? "institution_type" : "institution", scope + 2);
  json_object_set_string_member (body, "template", template_id);
  json_object_set_string_member (body, "post", post);
  json_object_set_string_member (body, "frequency", aj_frequency_to_string (frequency));
  json_object_set_string_member (body, "from", from);
  json_object_set_boolean_member (body, "active", active);
  for (guint i = 0; i < self->fix_rows->len; i++)
    {
      GObject *row = g_ptr_array_index (self->fix_rows, i);
      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (g_object_get_data (row, "check"))))
        json_array_add_string_element (codes, g_object_get_data (row, "code"));
    }
  json_object_set_array_member (body, "fix_on_spot", g_steal_pointer (&codes));

  if (self->editing != NULL)
    id = g_strdup (self->editing->id);
  else
    {
      g_autofree char *uuid = g_uuid_string_random ();
      uuid[8] = '\0';
      id = g_strdup_printf ("%s-%s-%s", scope + 2, template_id, uuid);
    }
  schedule = aj_schedule_from_json (id, body, &error);
  if (schedule == NULL || !aj_rounds_set_schedule (aj_session_get_store (session), aj_user_get_id (user),
                                                   schedule, &error))
    {
      show_error (self, error->message, NULL);
      return;
    }
  aj_page_toast (GTK_WIDGET (self), active ? _("Schedule saved") : _("Schedule ended: it is no longer due"));
  show_list (self);
}

static void
on_save_clicked (AjSchedulesPage *self)
{
  save (self, TRUE);
}

static void
on_end_response (AdwMessageDialog *dialog,
                 const char       *response,
                 AjSchedulesPage  *self)
{
  if (g_strcmp0 (response, "end") == 0)
    save (self, FALSE);
  g_object_unref (self);
}

static void
on_end_clicked (AjSchedulesPage *self)
{
  GtkWidget *dialog;

  if (self->editing == NULL)
    return;
  dialog = adw_message_dialog_new (aj_page_get_window (GTK_WIDGET (self)), _("End this schedule?"),
                                   _("The round stops being due from now on. Rounds already done stay in the record."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "end", _("_End schedule"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_end_response), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Shown afresh for whoever is signed in; anyone but a head or an
 * administrator is refused. */
void
aj_schedules_page_reset (AjSchedulesPage *self)
{
  show_list (self);
}

static void
aj_schedules_page_dispose (GObject *object)
{
  AjSchedulesPage *self = AJ_SCHEDULES_PAGE (object);

  g_clear_pointer (&self->list_rows, g_ptr_array_unref);
  g_clear_pointer (&self->fix_rows, g_ptr_array_unref);
  g_clear_pointer (&self->scope_codes, g_ptr_array_unref);
  g_clear_pointer (&self->checklist_ids, g_ptr_array_unref);
  g_clear_pointer (&self->post_codes, g_ptr_array_unref);
  g_clear_pointer (&self->editing, aj_schedule_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_SCHEDULES_PAGE);
  G_OBJECT_CLASS (aj_schedules_page_parent_class)->dispose (object);
}

static void
aj_schedules_page_class_init (AjSchedulesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_schedules_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-schedules-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, header_save_button);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, list_group);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, schedule_group);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, scope_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, checklist_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, post_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, frequency_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, from_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, start_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, end_row);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, fix_group);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, AjSchedulesPage, end_button);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_end_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_checklist_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_frequency_changed);
}

static void
aj_schedules_page_init (AjSchedulesPage *self)
{
  self->list_rows = g_ptr_array_new ();
  self->fix_rows = g_ptr_array_new ();
  self->scope_codes = g_ptr_array_new_with_free_func (g_free);
  self->checklist_ids = g_ptr_array_new_with_free_func (g_free);
  self->post_codes = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  aj_page_wrap_buttons (GTK_WIDGET (self->cancel_button), GTK_WIDGET (self->end_button),
                        GTK_WIDGET (self->save_button), NULL);
}
