/* aj-team-sheet.c: who of the team is present at a spot check (双随机:
 * never alone), or which colleague joins a field inspection (enforcement
 * documents name two inspectors). The person signed in is confirmed by his
 * or her sign-in; each other member types a PIN, checked offline against
 * the registry with the same lock-out as sign-in. A spot check starts with
 * two or more; a field inspection records the colleagues confirmed. One
 * confirmation per member is recorded, which the server checks against the
 * assignment or the roster. Emits "started" with the inspection id. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection.h"
#include "aj-page.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-team.h"
#include "aj-team-sheet.h"
#include "aj-util.h"

struct _AjTeamSheet
{
  AdwWindow            parent_instance;

  AjSession           *session;
  AjAssignment        *assignment;   /* a spot check's, or NULL */
  char                *inspection_id; /* a field inspection's, or NULL */
  GPtrArray           *present;      /* ids, in the order confirmed */
  guint                n_before;     /* of them, named before the sheet opened */

  AdwPreferencesGroup *group;
  GtkLabel            *intro;
  AdwWindowTitle      *heading;
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
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button),
                            self->present->len >= 2 && self->present->len > self->n_before);
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

/* A field inspection: the colleagues confirmed join it. */
static char *
add_colleagues (AjTeamSheet  *self,
                GError      **error)
{
  if (!aj_team_add (aj_session_get_store (self->session), aj_session_get_user_id (self->session),
                    self->inspection_id, (const char * const *) self->present->pdata + self->n_before, error))
    return NULL;
  return g_strdup (self->inspection_id);
}

static void
on_start (AjTeamSheet *self)
{
  AjChecklist *checklist = self->assignment
                           ? aj_session_find_checklist (self->session, aj_assignment_get_checklist (self->assignment))
                           : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  g_ptr_array_add (self->present, NULL);
  if (self->inspection_id != NULL)
    {
      id = add_colleagues (self, &error);
      if (id == NULL)
        show_message (self, error->message);
    }
  else if (checklist == NULL)
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

/* A PIN field for @member, who confirms by typing it. */
static GtkWidget *
pin_row (AjTeamSheet *self,
         const char  *member,
         const char  *name)
{
  GtkWidget *row = adw_password_entry_row_new ();
  /* TRANSLATORS: the title of a PIN field of one team member */
  g_autofree char *title = g_strdup_printf (_("%s: PIN"), name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (row), 12);
  g_object_set_data_full (G_OBJECT (row), "member", g_strdup (member), g_free);
  g_signal_connect (row, "apply", G_CALLBACK (on_pin_apply), self);
  g_signal_connect (row, "entry-activated", G_CALLBACK (on_pin_apply), self);
  return row;
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
        row = pin_row (self, team[i], aj_user_get_name (user));
      gtk_list_box_append (self->members, row);
    }
}

/* A field inspection: who is named already, then a PIN field for each
 * colleague of the department who may join. */
static void
add_colleague_rows (AjTeamSheet *self)
{
  AjStore *store = aj_session_get_store (self->session);
  const char *me = aj_session_get_user_id (self->session);
  g_autoptr(GPtrArray) named = aj_team_list_members (store, self->inspection_id);
  g_autoptr(GListModel) colleagues = aj_team_list_colleagues (store, self->inspection_id, me);

  for (guint i = 0; i < named->len; i++)
    {
      const char *id = g_ptr_array_index (named, i);
      g_autoptr(AjUser) user = aj_registry_get_user (store, id);

      gtk_list_box_append (self->members, confirmed_row (user ? aj_user_get_name (user) : id,
                                                         g_strcmp0 (id, me) == 0 ? _("Signed in") : _("Named already")));
      g_ptr_array_add (self->present, g_strdup (id));
    }
  self->n_before = self->present->len;
  for (guint i = 0; i < g_list_model_get_n_items (colleagues); i++)
    {
      g_autoptr(AjInspector) colleague = g_list_model_get_item (colleagues, i);

      gtk_list_box_append (self->members, pin_row (self, aj_inspector_get_id (colleague),
                                                   aj_inspector_get_name (colleague)));
    }
  if (g_list_model_get_n_items (colleagues) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No other inspector of this department is on this device: synchronise first"));
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
  g_clear_pointer (&self->inspection_id, g_free);
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
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, intro);
  gtk_widget_class_bind_template_child (widget_class, AjTeamSheet, heading);
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

/* The sheet of a field inspection: a colleague of the department joins
 * @inspection_id, so that its enforcement documents name two inspectors. */
AjTeamSheet *
aj_team_sheet_new_for_inspection (AjSession  *session,
                                  const char *inspection_id)
{
  AjTeamSheet *self = g_object_new (AJ_TYPE_TEAM_SHEET, NULL);
  g_autoptr(AjInspection) inspection = aj_inspection_load (aj_session_get_store (session), inspection_id);
  g_autofree char *description = NULL;

  self->session = g_object_ref (session);
  self->inspection_id = g_strdup (inspection_id);
  /* Short: the header of a phone-sized kiosk holds it beside two buttons. */
  gtk_window_set_title (GTK_WINDOW (self), _("Inspectors"));
  adw_window_title_set_title (self->heading, _("Inspectors"));
  gtk_label_set_label (self->intro, _("Rectification notices, verification opinions and referral letters name at "
                                      "least two inspectors with enforcement certificates. A colleague of the "
                                      "department present confirms with his or her own PIN."));
  gtk_button_set_label (self->start_button, _("_Add"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button), _("Name the colleagues confirmed on this inspection"));
  if (inspection != NULL)
    {
      g_autofree char *day = aj_iso8601_to_display (aj_inspection_get_started_at (inspection), FALSE);

      adw_preferences_group_set_title (self->group, aj_inspection_get_institution_name (inspection));
      description = g_strdup_printf (_("Field inspection · started %s"), day);
      adw_preferences_group_set_description (self->group, description);
    }
  add_colleague_rows (self);
  update_count (self);
  return self;
}

/* Shown over @from's window, no larger than it (a phone-sized kiosk). */
void
aj_team_sheet_present (AjTeamSheet *self,
                       GtkWidget   *from)
{
  GtkWindow *parent = aj_page_get_window (from);

  if (parent != NULL)
    gtk_window_set_default_size (GTK_WINDOW (self), MIN (480, gtk_widget_get_width (GTK_WIDGET (parent))),
                                 MIN (620, gtk_widget_get_height (GTK_WIDGET (parent))));
  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_present (GTK_WINDOW (self));
}
