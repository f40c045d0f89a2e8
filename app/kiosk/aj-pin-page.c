/* aj-pin-page.c: the signed-in person changes his or her PIN (the current PIN
 * is checked like a sign-in, and a wrong one counts as a failed attempt); an
 * administrator may instead pick someone who forgot theirs and set a new one.
 * The rules a new PIN must meet are the core's (aj_registry_change_pin): this
 * page only says plainly what is wrong before asking it. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "aj-error.h"
#include "aj-page.h"
#include "aj-pin-page.h"
#include "aj-registry.h"

#define PIN_LENGTH 6

struct _AjPinPage
{
  AdwBin                parent_instance;

  GListModel           *users;     /* AjUser, in the order of person_row */

  AdwPreferencesGroup  *person_group;
  AdwComboRow          *person_row;
  AdwPasswordEntryRow  *current_row;
  AdwPasswordEntryRow  *new_row;
  AdwPasswordEntryRow  *repeat_row;
  GtkLabel             *error_label;
  GtkButton            *change_button;
};

G_DEFINE_FINAL_TYPE (AjPinPage, aj_pin_page, ADW_TYPE_BIN)

static AjUser *
signed_in_user (AjPinPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  return session ? aj_session_get_user (session) : NULL;
}

static gboolean
is_admin (AjUser *user)
{
  return user != NULL && g_strcmp0 (aj_user_get_role (user), "admin") == 0;
}

/* The person whose PIN is changed: chosen in the list by an administrator,
 * otherwise always the one signed in. Borrowed. */
static AjUser *
chosen_user (AjPinPage *self)
{
  AjUser *me = signed_in_user (self);
  guint index = adw_combo_row_get_selected (self->person_row);
  AjUser *chosen;

  if (!is_admin (me) || self->users == NULL || index >= g_list_model_get_n_items (self->users))
    return me;
  /* The list keeps its own reference for as long as the page shows it. */
  chosen = g_list_model_get_item (self->users, index);
  g_object_unref (chosen);
  return chosen;
}

static gboolean
changing_own (AjPinPage *self)
{
  AjUser *me = signed_in_user (self);
  AjUser *chosen = chosen_user (self);

  return me != NULL && chosen != NULL && g_strcmp0 (aj_user_get_id (me), aj_user_get_id (chosen)) == 0;
}

static void
clear_entries (AjPinPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), "");
}

static void
on_person_changed (AjPinPage *self)
{
  /* An administrator setting someone else's PIN does not know the old one. */
  gtk_widget_set_visible (GTK_WIDGET (self->current_row), changing_own (self));
  clear_entries (self);
  gtk_label_set_label (self->error_label, "");
}

static gboolean
is_six_digits (const char *pin)
{
  if (strlen (pin) != PIN_LENGTH)
    return FALSE;
  for (guint i = 0; i < PIN_LENGTH; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static void
show_error (AjPinPage  *self,
            const char *message,
            GtkWidget  *focus)
{
  gtk_label_set_label (self->error_label, message);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static void
on_change_clicked (AjPinPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *me = signed_in_user (self);
  AjUser *person = chosen_user (self);
  gboolean own = changing_own (self);
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_row));
  const char *new_pin = gtk_editable_get_text (GTK_EDITABLE (self->new_row));
  const char *repeat = gtk_editable_get_text (GTK_EDITABLE (self->repeat_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;

  if (session == NULL || me == NULL || person == NULL)
    return;
  if (own && *current == '\0')
    {
      show_error (self, _("Enter your current PIN."), GTK_WIDGET (self->current_row));
      return;
    }
  if (!is_six_digits (new_pin))
    {
      show_error (self, _("The new PIN must be exactly six digits (0–9)."), GTK_WIDGET (self->new_row));
      return;
    }
  if (g_strcmp0 (new_pin, repeat) != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), "");
      show_error (self, _("The two new PINs are not the same. Type the new PIN again."), GTK_WIDGET (self->repeat_row));
      return;
    }

  if (!aj_registry_change_pin (aj_session_get_store (session), aj_user_get_id (me), aj_user_get_id (person),
                               own ? current : NULL, new_pin, &error))
    {
      /* A wrong current PIN was counted as a failed sign-in by the core. */
      if (g_error_matches (error, AJ_ERROR, AJ_ERROR_WRONG_PIN) || g_error_matches (error, AJ_ERROR, AJ_ERROR_LOCKED))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
          show_error (self, error->message, GTK_WIDGET (self->current_row));
        }
      else
        show_error (self, error->message, GTK_WIDGET (self->new_row));
      return;
    }

  clear_entries (self);
  gtk_label_set_label (self->error_label, "");
  done = own ? g_strdup (_("Your PIN has been changed."))
             : g_strdup_printf (_("The PIN of %s has been changed."), aj_user_get_name (person));
  aj_page_toast (GTK_WIDGET (self), done);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

/* Shown afresh for whoever is signed in: an administrator sees everyone in
 * the list, starting with himself or herself; anyone else sees only himself
 * or herself. */
void
aj_pin_page_reset (AjPinPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *me = session ? aj_session_get_user (session) : NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GListStore) people = g_list_store_new (AJ_TYPE_USER);
  guint selected = 0;

  if (me == NULL)
    return;
  if (is_admin (me))
    {
      g_autoptr(GListModel) all = aj_registry_list_users (aj_session_get_store (session), NULL);
      for (guint i = 0; all != NULL && i < g_list_model_get_n_items (all); i++)
        {
          g_autoptr(AjUser) user = g_list_model_get_item (all, i);
          g_autofree char *label = g_strdup_printf ("%s · %s", aj_user_get_name (user),
                                                    aj_user_role_label (aj_user_get_role (user)));
          if (g_strcmp0 (aj_user_get_id (user), aj_user_get_id (me)) == 0)
            selected = i;
          g_list_store_append (people, user);
          gtk_string_list_append (names, label);
        }
    }
  else
    {
      g_list_store_append (people, me);
      gtk_string_list_append (names, aj_user_get_name (me));
    }
  g_set_object (&self->users, G_LIST_MODEL (people));
  adw_combo_row_set_model (self->person_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->person_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->person_row), is_admin (me));
  adw_preferences_group_set_description (self->person_group, is_admin (me)
    ? _("An administrator can set a new PIN for someone who forgot it.") : NULL);
  on_person_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (changing_own (self) ? self->current_row : self->new_row));
}

static void
aj_pin_page_dispose (GObject *object)
{
  AjPinPage *self = AJ_PIN_PAGE (object);

  g_clear_object (&self->users);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_PIN_PAGE);
  G_OBJECT_CLASS (aj_pin_page_parent_class)->dispose (object);
}

static void
aj_pin_page_class_init (AjPinPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_pin_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-pin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, person_group);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, person_row);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, current_row);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, new_row);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AjPinPage, change_button);
  gtk_widget_class_bind_template_callback (widget_class, on_person_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_change_clicked);
}

static void
aj_pin_page_init (AjPinPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
