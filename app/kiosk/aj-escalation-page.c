/* aj-escalation-page.c: "Supervised hazards" (挂牌督办), for inspectors and
 * administrators: the hazards under supervision, highest level first, then
 * those the rule (aj_escalation_due ()) says must now be listed, each
 * opening its hazard page where an official records the escalation. The
 * list follows the store while shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-department.h"
#include "aj-escalation-page.h"
#include "aj-hazard.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjEscalationPage
{
  AdwBin        parent_instance;

  GListStore   *hazards;
  char         *today;
  GSignalGroup *store_signals;

  GtkStack     *stack;
  GtkListBox   *list;
  GtkLabel     *count_label;
  GtkLabel     *rule_label;
};

G_DEFINE_FINAL_TYPE (AjEscalationPage, aj_escalation_page, ADW_TYPE_BIN)

static GtkWidget *
add_label (GtkWidget  *box,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  /* Descriptions and names come from other devices: plain text. */
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

/* One hazard: its number, its level (or the level the rule asks for) as a
 * badge, the description, and where, how late and why. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AjEscalationPage *self = user_data;
  AjHazard *hazard = item;
  const char *level = aj_hazard_get_escalation_level (hazard);
  const char *reason = NULL;
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  int n = session ? aj_hazard_escalation_days (aj_session_get_store (session), hazard) : 0;
  const char *due = aj_hazard_escalation_due (hazard, self->today, n, &reason);
  int days = aj_hazard_days_overdue (hazard, self->today);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *badge;
  g_autofree char *state = NULL;
  g_autofree char *when = NULL;
  g_autofree char *where = NULL;
  g_autofree char *why = NULL;
  g_autofree char *accessible = NULL;

  if (level != NULL)
    state = g_strdup (aj_escalation_level_label (level));
  else
    state = g_strdup_printf (_("To list: %s"), aj_escalation_level_label (due));
  if (days > 0)
    when = g_strdup_printf (ngettext ("deadline %s, %d day overdue", "deadline %s, %d days overdue", days),
                            aj_hazard_get_deadline (hazard), days);
  else if (*aj_hazard_get_deadline (hazard))
    when = g_strdup_printf (_("deadline %s"), aj_hazard_get_deadline (hazard));
  else
    when = g_strdup (_("no deadline"));
  where = g_strdup_printf ("%s · %s · %s", aj_hazard_get_institution_name (hazard),
                           aj_grade_label (aj_hazard_get_grade (hazard)),
                           aj_hazard_status_label (aj_hazard_get_status (hazard)));
  why = g_strdup_printf (_("%s · reason: %s"), when,
                         aj_escalation_reason_label (level ? aj_hazard_get_escalation_reason (hazard) : reason));

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  add_label (box, aj_hazard_get_number (hazard), "heading");
  badge = add_label (box, state, "badge");
  gtk_widget_set_halign (badge, GTK_ALIGN_START);
  gtk_widget_add_css_class (badge, level != NULL ? "badge-danger" : "badge-warning");
  add_label (box, aj_hazard_get_description (hazard), NULL);
  add_label (box, where, "dim-label");
  gtk_widget_add_css_class (add_label (box, why, days > 0 ? "overdue" : "dim-label"), "caption");

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-hazard");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", aj_hazard_get_id (hazard));
  gtk_widget_set_name (row, aj_hazard_get_number (hazard));
  accessible = g_strdup_printf ("%s, %s, %s, %s, %s", state, aj_hazard_get_number (hazard),
                                aj_hazard_get_description (hazard), where, why);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

/* The days overdue that raise a hazard (escalation_overdue_days) of the
 * departments this device knows: one figure, or the least and the most;
 * the default while the registry names no department. */
static void
overdue_days_range (AjStore *store,
                    int     *least,
                    int     *most)
{
  g_autoptr(GListModel) departments = aj_department_list (store);
  guint n = departments ? g_list_model_get_n_items (departments) : 0;

  *least = *most = AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjDepartment) department = g_list_model_get_item (departments, i);
      int days = aj_department_get_escalation_overdue_days (department);

      if (days <= 0)
        days = AJ_ESCALATION_DEFAULT_OVERDUE_DAYS;
      *least = i == 0 ? days : MIN (*least, days);
      *most = i == 0 ? days : MAX (*most, days);
    }
}

void
aj_escalation_page_refresh (AjEscalationPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GListModel) hazards = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  g_autofree char *rule = NULL;
  guint n, listed = 0;
  int least, most;

  if (session == NULL)
    return;
  g_free (self->today);
  self->today = aj_today_iso ();
  /* N: the department's figure once the registry has departments. */
  hazards = aj_hazard_list_escalation (aj_session_get_store (session), NULL, self->today, 0, &error);
  if (hazards == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The supervised hazards cannot be listed"), error);
      return;
    }
  n = g_list_model_get_n_items (hazards);
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
    for (guint i = 0; i < n; i++)
      {
        AjHazard *hazard = g_list_model_get_item (hazards, i);
        if (aj_hazard_get_escalation_level (hazard) != NULL)
          listed++;
        g_ptr_array_add (items, hazard);
      }
    g_list_store_splice (self->hazards, 0, g_list_model_get_n_items (G_LIST_MODEL (self->hazards)),
                         items->pdata, items->len);
  }
  overdue_days_range (aj_session_get_store (session), &least, &most);
  if (least == most)
    {
      count = g_strdup_printf (_("%u under supervision, %u to be listed under the rule (a major hazard, or %d days overdue)"),
                               listed, n - listed, least);
      rule = g_strdup_printf (_("A major hazard is listed at the county level at once. Being overdue by %d days (the "
                                "department's figure) raises a hazard one level, twice that two levels. Open a hazard "
                                "to record its listing."), least);
    }
  else
    {
      count = g_strdup_printf (_("%u under supervision, %u to be listed under the rule (a major hazard, or overdue by "
                                 "its department's %d to %d days)"), listed, n - listed, least, most);
      rule = g_strdup_printf (_("A major hazard is listed at the county level at once. Being overdue by its "
                                "department's number of days (%d to %d here) raises a hazard one level, twice that two "
                                "levels. Open a hazard to record its listing."), least, most);
    }
  gtk_label_set_text (self->count_label, count);
  gtk_label_set_text (self->rule_label, rule);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

GListModel *
aj_escalation_page_get_hazards (AjEscalationPage *self)
{
  return G_LIST_MODEL (self->hazards);
}

static void
aj_escalation_page_dispose (GObject *object)
{
  AjEscalationPage *self = AJ_ESCALATION_PAGE (object);

  g_clear_object (&self->store_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_ESCALATION_PAGE);
  g_clear_object (&self->hazards);
  g_clear_pointer (&self->today, g_free);
  G_OBJECT_CLASS (aj_escalation_page_parent_class)->dispose (object);
}

static void
aj_escalation_page_class_init (AjEscalationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_escalation_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-escalation-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjEscalationPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AjEscalationPage, list);
  gtk_widget_class_bind_template_child (widget_class, AjEscalationPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AjEscalationPage, rule_label);
}

static void
aj_escalation_page_init (AjEscalationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->today = aj_today_iso ();
  self->hazards = g_list_store_new (AJ_TYPE_HAZARD);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->hazards), create_row, self, NULL);
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_escalation_page_refresh));
}
