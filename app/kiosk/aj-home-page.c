/* aj-home-page.c: what needs the person now: an interrupted inspection, a new
 * one, hazards that are open or overdue, and where the records stand. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-assignment-list.h"
#include "aj-hazard.h"
#include "aj-home-page.h"
#include "aj-inspection.h"
#include "aj-inspection-row.h"
#include "aj-util.h"
#include "aj-page.h"
#include "aj-round-rows.h"

struct _AjHomePage
{
  AdwBin            parent_instance;

  char             *resume_id;

  AdwWindowTitle   *title;
  AjAssignmentList *assignments;
  AdwPreferencesGroup *resume_group;
  AjRoundRows      *round_rows;
  AdwActionRow     *resume_row;
  AdwActionRow     *open_row;
  AdwActionRow     *overdue_row;
  AdwActionRow     *major_row;
  AdwActionRow     *week_row;
  AdwActionRow     *verify_row;
  AdwActionRow     *device_row;
  AdwPreferencesGroup *refused_group;
  AdwActionRow     *refused_row;
  GtkListBox       *recent_list;
  AdwPreferencesGroup *recent_group;
  GSignalGroup     *store_signals;
};

G_DEFINE_FINAL_TYPE (AjHomePage, aj_home_page, ADW_TYPE_BIN)

static void
on_start_clicked (AjHomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-institutions", NULL);
}

static void
on_resume_activated (AjHomePage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autofree char *item = aj_store_get_local (aj_session_get_store (session), "resume.item");

  if (self->resume_id != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-item", "(ss)", self->resume_id, item ? item : "");
}

static void
on_ledger_activated (AjHomePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.ledger", NULL);
}

static GtkWidget *
create_recent_row (gpointer item,
                   gpointer user_data)
{
  return aj_inspection_row_new (item);
}

/* A finished inspection opens on its summary, one in progress where it was. */
static void
on_recent_activated (GtkListBox    *box,
                     GtkListBoxRow *row,
                     AjHomePage    *self)
{
  AjInspection *inspection = aj_inspection_row_get_item (AJ_INSPECTION_ROW (row));

  if (aj_inspection_is_finished (inspection))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-summary", "s", aj_inspection_get_id (inspection));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-inspection", "s", aj_inspection_get_id (inspection));
}

/* Records the server refused stay on top until someone has looked. */
static void
update_refused (AjHomePage    *self,
                AjSyncManager *sync)
{
  guint refused = sync ? aj_sync_manager_get_refused (sync) : 0;
  g_autofree char *title = g_strdup_printf (ngettext ("%u record refused by the server",
                                                      "%u records refused by the server", refused), refused);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->refused_row), title);
  gtk_widget_set_visible (GTK_WIDGET (self->refused_group), refused > 0);
}

void
aj_home_page_refresh (AjHomePage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store;
  AjUser *user;
  g_autoptr(AjInspection) open = NULL;
  g_autoptr(GListModel) inspections = NULL;
  AjHazardCounts counts;
  g_autoptr(GtkSliceListModel) recent = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *text = NULL;
  g_autofree char *week_end = aj_date_add_days (today, 7);
  guint n_open = 0, n_overdue = 0, n_major = 0, n_week = 0, n_verify = 0;

  if (session == NULL)
    return;
  store = aj_session_get_store (session);
  user = aj_session_get_user (session);
  if (store == NULL || user == NULL)
    return;

  adw_window_title_set_subtitle (self->title, aj_user_get_name (user));
  aj_assignment_list_refresh (self->assignments);
  aj_round_rows_refresh (self->round_rows, session);

  g_clear_pointer (&self->resume_id, g_free);
  open = aj_inspection_find_unfinished (store, aj_user_get_id (user));
  gtk_widget_set_visible (GTK_WIDGET (self->resume_group), open != NULL);
  if (open != NULL)
    {
      AjChecklist *checklist = aj_session_find_checklist_of (session, open);
      self->resume_id = g_strdup (aj_inspection_get_id (open));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->resume_row),
                                     aj_inspection_get_institution_name (open));
      text = g_strdup_printf (_("%d of %u items answered"), aj_inspection_get_n_answered (open),
                              checklist ? aj_checklist_get_n_items (checklist) : 0);
      adw_action_row_set_subtitle (self->resume_row, text);
      g_clear_pointer (&text, g_free);
    }

  /* The staff of an institution see their own hazards. Counted in SQL. */
  aj_hazard_count_open (store, aj_user_get_institution (user), today, week_end, &counts, NULL);
  n_open = counts.open;
  n_overdue = counts.overdue;
  n_week = counts.due_this_week;
  n_verify = counts.to_verify;
  n_major = counts.major;
  text = g_strdup_printf ("%u", n_open);
  adw_action_row_set_subtitle (self->open_row, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%u", n_overdue);
  adw_action_row_set_subtitle (self->overdue_row, text);
  g_clear_pointer (&text, g_free);
  if (n_overdue > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->overdue_row), "overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->overdue_row), "overdue");
  text = g_strdup_printf ("%u", n_major);
  adw_action_row_set_subtitle (self->major_row, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%u", n_week);
  adw_action_row_set_subtitle (self->week_row, text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%u", n_verify);
  adw_action_row_set_subtitle (self->verify_row, text);
  g_clear_pointer (&text, g_free);

  g_clear_pointer (&text, g_free);
  text = aj_sync_manager_describe (aj_session_get_sync (session));
  adw_action_row_set_subtitle (self->device_row, text);
  update_refused (self, aj_session_get_sync (session));

  inspections = aj_inspection_list_recent (store, 5, NULL);
  if (inspections != NULL)
    {
      recent = gtk_slice_list_model_new (g_object_ref (inspections), 0, 5);
      gtk_list_box_bind_model (self->recent_list, G_LIST_MODEL (recent), create_recent_row, self, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->recent_group), g_list_model_get_n_items (inspections) > 0);
    }
}

static void
aj_home_page_dispose (GObject *object)
{
  AjHomePage *self = AJ_HOME_PAGE (object);

  g_clear_object (&self->store_signals);
  g_clear_pointer (&self->resume_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_HOME_PAGE);
  G_OBJECT_CLASS (aj_home_page_parent_class)->dispose (object);
}

static void
aj_home_page_class_init (AjHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_home_page_dispose;
  g_type_ensure (AJ_TYPE_INSPECTION_ROW);
  g_type_ensure (AJ_TYPE_ASSIGNMENT_LIST);
  g_type_ensure (AJ_TYPE_ROUND_ROWS);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, title);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, assignments);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, resume_group);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, resume_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, round_rows);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, open_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, overdue_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, major_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, week_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, verify_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, device_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, refused_group);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, refused_row);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, AjHomePage, recent_group);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_resume_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_ledger_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_activated);
}

static void
aj_home_page_init (AjHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Shown, the page follows what is recorded, here or by a sync. */
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_home_page_refresh));
}
