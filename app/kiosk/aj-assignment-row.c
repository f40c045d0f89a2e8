/* aj-assignment-row.c: the home page's row of an assigned spot check: the
 * institution's name, then the due date and the team; a badge says
 * "Overdue" (not started by its due date) or "In progress". */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-assignment-row.h"

struct _AjAssignmentRow
{
  AdwActionRow  parent_instance;

  AjAssignment *item;
  GtkLabel     *state;
};

G_DEFINE_FINAL_TYPE (AjAssignmentRow, aj_assignment_row, ADW_TYPE_ACTION_ROW)

static void
aj_assignment_row_dispose (GObject *object)
{
  AjAssignmentRow *self = AJ_ASSIGNMENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_ASSIGNMENT_ROW);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (aj_assignment_row_parent_class)->dispose (object);
}

static void
aj_assignment_row_class_init (AjAssignmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_assignment_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-assignment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AjAssignmentRow, state);
}

static void
aj_assignment_row_init (AjAssignmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_assignment_row_new (AjAssignment *item,
                       const char   *team_names,
                       const char   *today)
{
  AjAssignmentRow *self = g_object_new (AJ_TYPE_ASSIGNMENT_ROW, NULL);
  g_autofree char *subtitle = NULL;
  gboolean overdue = aj_assignment_is_overdue (item, today);

  self->item = g_object_ref (item);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), aj_assignment_get_institution_name (item));
  /* TRANSLATORS: a spot check's due date, then its team's names */
  subtitle = g_strdup_printf (_("Due %s · Team: %s"), aj_assignment_get_due (item), team_names);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  if (overdue)
    {
      gtk_label_set_label (self->state, _("Overdue"));
      gtk_widget_add_css_class (GTK_WIDGET (self->state), "badge-danger");
      gtk_widget_add_css_class (GTK_WIDGET (self), "overdue");
    }
  else if (aj_assignment_is_started (item))
    gtk_label_set_label (self->state, _("In progress"));
  else
    gtk_label_set_label (self->state, _("To do"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_label_get_label (self->state), -1);
  return GTK_WIDGET (self);
}

AjAssignment *
aj_assignment_row_get_item (AjAssignmentRow *self)
{
  return self->item;
}
