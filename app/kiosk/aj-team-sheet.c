/* aj-team-sheet.c: who of the team is present at a spot check (双随机:
 * never alone). The person signed in is confirmed by his or her sign-in;
 * each other member types a PIN, checked offline against the registry with
 * the same lock-out as sign-in. Start is possible with two or more; the
 * inspection then records one confirmation per member, which the server
 * checks against the assignment. Emits "started" with the inspection id. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-registry.h"
#include "aj-team-sheet.h"

struct _AjTeamSheet
{
  AdwWindow            parent_instance;

  AjSession           *session;
  AjAssignment        *assignment;
  GPtrArray           *present;      /* ids, in the order confirmed */

  AdwPreferencesGroup *group;
  GtkListBox          *members;
  GtkButton           *start_button;
  GtkLabel            *message;
  GtkLabel            *count;
};

G_DEFINE_FINAL_TYPE (AjTeamSheet, aj_team_sheet, ADW_TYPE_WINDOW)

enum { STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
show_message (AjTeamSheet *self,
              const char  *text)
{
  gtk_label_set_label (self->message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), text != NULL);
}

static void
update_count (AjTeamSheet *self)
{
  g_autofree char *text = g_strdup_printf (ngettext ("%u member confirmed; at least 2 are needed.",
                                                     "%u members confirmed; at least 2 are needed.",
                                                     self->present->len), self->present->len);

  gtk_label_set_label (self->count, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), self->present->len >= 2);
}

static GtkWidget *
confirmed_row (const char *name,
               const char *how)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), how);
  gtk_widget_add_css_class (icon, "success");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confirmed"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
on_pin_apply (AdwEntryRow *row,
              AjTeamSheet *self)
{
  const char *member = g_object_get_data (G_OBJECT (row), "member");
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) user = NULL;
  g_autofree char *text = NULL;
  int position;

  /* Enter and the apply button both end here; a row already replaced is done. */
  if (gtk_widget_get_parent (GTK_WIDGET (row)) != GTK_WIDGET (self->members))
    return;
  user = aj_registry_check_pin (aj_session_get_store (self->session), member,
                                gtk_editable_get_text (GTK_EDITABLE (row)), &error);
  if (user == NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (row), "");
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      show_message (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (row));
      return;
    }
  show_message (self, NULL);
  g_ptr_array_add (self->present, g_strdup (member));
  position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
  text = g_strdup (aj_user_get_name (user));
  gtk_list_box_remove (self->members, GTK_WIDGET (row));
  gtk_list_box_insert (self->members, confirmed_row (text, _("Confirmed with PIN")), position);
  update_count (self);
}

static void
on_start (AjTeamSheet *self)
{
  AjChecklist *checklist = aj_session_find_checklist (self->session, aj_assignment_get_checklist (self->assignment));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  g_ptr_array_add (self->present, NULL);
  if (checklist == NULL)
    {
      text = g_strdup_printf (_("The checklist “%s” is not on this device yet: synchronise, then start again."),
                              aj_assignment_get_checklist (self->assignment));
      show_message (self, text);
    }
  else
    {
      id = aj_assignment_start (aj_session_get_store (self->session), self->assignment, checklist,
                                aj_session_get_user_id (self->session),
                                (const char * const *) self->present->pdata, &error);
      if (id == NULL)
        show_message (self, error->message);
    }
  g_ptr_array_remove_index (self->present, self->present->len - 1);
  if (id == NULL)
    return;
  g_signal_emit (self, signals[STARTED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_members (AjTeamSheet *self)
{
  AjStore *store = aj_session_get_store (self->session);
  const char * const *team = aj_assignment_get_team (self->assignment);
  const char *me = aj_session_get_user_id (self->session);

  for (guint i = 0; team[i] != NULL; i++)
    {
      g_autoptr(AjUser) user = aj_registry_get_user (store, team[i]);
      GtkWidget *row;

      if (g_strcmp0 (team[i], me) == 0)
        {
          row = confirmed_row (aj_user_get_name (user), _("Signed in"));
          g_ptr_array_add (self->present, g_strdup (me));
        }
      else if (user == NULL)
        {
          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), team[i]);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not in this device's registry: synchronise first"));
        }
      else
        {
          row = adw_password_entry_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          /* TRANSLATORS: the title of a PIN field of one team member */
          {
            g_autofree char *title = g_strdup_printf (_("%s: PIN"), aj_user_get_name (user));
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          }
          adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
          gtk_editable_set_max_width_chars (GTK_EDITABLE (row), 12);
          g_object_set_data_full (G_OBJECT (row), "member", g_strdup (team[i]), g_free);
          g_signal_connect (row, "apply", G_CALLBACK (on_pin_apply), self);
          g_signal_connect (row, "entry-activated", G_CALLBACK (on_pin_apply), self);
        }
      gtk_list_box_append (self->members, row);
    }
}

static void
aj_team_sheet_dispose (GObject *object)
{
  AjTeamSheet *self = AJ_TEAM_SHEET (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_TEAM_SHEET);
  g_clear_object (&self->session);
  g_clear_object (&self->assignment);
  g_clear_pointer (&self->present, g_ptr_array_unref);
  G_OBJECT_CLASS (aj_team_sheet_parent_class)->dispose (object);
}

static void
aj_team_sheet_class_init (AjTeamSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_team_sheet_dispose;
  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-team-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, group);
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, members);
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, start_button);
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, message);
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, count);
  gtk_widget_class_bind_template_callback (widget_class, on_start);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aj_team_sheet_init (AjTeamSheet *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->present = g_ptr_array_new_with_free_func (g_free);
}

AjTeamSheet *
aj_team_sheet_new (AjSession    *session,
                   AjAssignment *assignment)
{
  AjTeamSheet *self = g_object_new (AJ_TYPE_TEAM_SHEET, NULL);
  g_autofree char *description = NULL;

  self->session = g_object_ref (session);
  self->assignment = g_object_ref (assignment);
  adw_preferences_group_set_title (self->group, aj_assignment_get_institution_name (assignment));
  description = g_strdup_printf (_("Spot check · due %s"), aj_assignment_get_due (assignment));
  adw_preferences_group_set_description (self->group, description);
  add_members (self);
  update_count (self);
  return self;
}
