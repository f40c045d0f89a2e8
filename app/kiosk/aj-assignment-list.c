/* aj-assignment-list.c: the spot checks (双随机 assignments) of the person
 * signed in, the earliest due first, overdue ones marked. One under way
 * opens where it is; one not started opens the team confirmation sheet,
 * whose start opens the inspection. The home page refreshes it with the
 * rest of what it shows (a hidden widget would never see the store). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-assignment-list.h"
#include "aj-assignment-row.h"
#include "aj-page.h"
#include "aj-registry.h"
#include "aj-team-sheet.h"
#include "aj-util.h"

struct _AjAssignmentList
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  GtkListBox          *list;
};

G_DEFINE_FINAL_TYPE (AjAssignmentList, aj_assignment_list, ADW_TYPE_BIN)

/* The team's names as the registry on this device knows them. */
static char *
team_names (AjStore      *store,
            AjAssignment *assignment)
{
  const char * const *team = aj_assignment_get_team (assignment);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; team[i] != NULL; i++)
    {
      g_autoptr(AjUser) user = aj_registry_get_user (store, team[i]);
      g_ptr_array_add (names, g_strdup (user ? aj_user_get_name (user) : team[i]));
    }
  g_ptr_array_add (names, NULL);
  /* TRANSLATORS: between the names of a team */
  return g_strjoinv (_(", "), (char **) names->pdata);
}

void
aj_assignment_list_refresh (AjAssignmentList *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = session ? aj_session_get_store (session) : NULL;
  const char *user = session ? aj_session_get_user_id (session) : NULL;
  g_autoptr(GListModel) assignments = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *description = NULL;
  GtkWidget *child;
  guint n, overdue = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (store == NULL || user == NULL || (assignments = aj_assignment_list_for_member (store, user, NULL)) == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  n = g_list_model_get_n_items (assignments);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjAssignment) assignment = g_list_model_get_item (assignments, i);
      g_autofree char *names = team_names (store, assignment);

      overdue += aj_assignment_is_overdue (assignment, today);
      gtk_list_box_append (self->list, aj_assignment_row_new (assignment, names, today));
    }
  if (overdue > 0)
    description = g_strdup_printf (ngettext ("%u not started by its due date", "%u not started by their due date",
                                             overdue), overdue);
  adw_preferences_group_set_description (self->group, description);
  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
}

static void
on_started (AjAssignmentList *self,
            const char       *inspection_id)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-inspection", "s", inspection_id);
}

static void
on_row_activated (GtkListBox       *box,
                  GtkListBoxRow    *row,
                  AjAssignmentList *self)
{
  AjAssignment *assignment = aj_assignment_row_get_item (AJ_ASSIGNMENT_ROW (row));
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjTeamSheet *sheet;

  if (aj_assignment_is_started (assignment))
    {
      on_started (self, aj_assignment_get_inspection_id (assignment));
      return;
    }
  sheet = aj_team_sheet_new (session, assignment);
  g_signal_connect_object (sheet, "started", G_CALLBACK (on_started), self, G_CONNECT_SWAPPED);
  aj_team_sheet_present (sheet, GTK_WIDGET (self));
}

static void
aj_assignment_list_dispose (GObject *object)
{
  AjAssignmentList *self = AJ_ASSIGNMENT_LIST (object);

  /* The group is both the bin's child and a template child: taken out of
   * the bin first, or gtk_widget_dispose_template () unparents it behind
   * AdwBin's back and AdwBin's dispose unparents it a second time, freed
   * ("gtk_widget_unparent: assertion 'GTK_IS_WIDGET (widget)' failed"). */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_ASSIGNMENT_LIST);
  G_OBJECT_CLASS (aj_assignment_list_parent_class)->dispose (object);
}

static void
aj_assignment_list_class_init (AjAssignmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_assignment_list_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-assignment-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AjAssignmentList, group);
  gtk_widget_class_bind_template_child (widget_class, AjAssignmentList, list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
aj_assignment_list_init (AjAssignmentList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
