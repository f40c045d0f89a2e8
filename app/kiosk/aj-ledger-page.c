/* aj-ledger-page.c: every hazard until struck off, filtered by status, risk
 * level, overdue, institution and free text; major hazards first. The list
 * is an AjLedgerModel: SQLite filters, orders and searches, and only the
 * rows on screen are read. Exports run in a thread, with progress and cancel. */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "aj-hazard.h"
#include "aj-hazard-row.h"
#include "aj-ledger.h"
#include "aj-ledger-page.h"
#include "aj-registry.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjLedgerPage
{
  AdwBin              parent_instance;

  AjLedgerModel      *model;
  GtkSliceListModel  *shown;               /* the first rows of the model, more as the list scrolls */
  GtkNoSelection     *selection;
  gboolean            refreshing;          /* the drop-downs are being rebuilt */
  GCancellable       *export_cancellable;  /* of the export running now */
  GTask              *export_task;
  guint               export_timeout;
  GPtrArray          *institution_codes;   /* parallel to the institution drop-down, 0 = all */
  char               *today;
  char               *applied;             /* the filter the model has, as filter_key () */
  guint               prepare_id;          /* the idle that reads ahead for a search */
  AjLedgerFormat      export_format;       /* of the save dialog open now */

  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_dropdown;
  GtkDropDown        *level_dropdown;
  GtkDropDown        *institution_dropdown;
  GtkToggleButton    *overdue_button;
  GtkListView        *list_view;
  GtkStack           *stack;
  GtkLabel           *count_label;
  GtkRevealer        *export_revealer;
  GtkProgressBar     *export_progress;
  GSignalGroup       *store_signals;
};

G_DEFINE_FINAL_TYPE (AjLedgerPage, aj_ledger_page, ADW_TYPE_BIN)

/* The list view is given the first SHOWN_STEP rows of the ledger, and
 * SHOWN_STEP more each time it is scrolled near the end of what it has: GTK
 * 4.8's list view makes and measures a row widget for up to 200 rows of its
 * model whatever is on screen, which was most of what a page of 100,000
 * hazards, or a keystroke in its search, cost. The count shows them all. */
#define SHOWN_STEP 25

/* Drop-down positions. */
static const char * const statuses[] = { NULL, "open", "found", "closed", "withdrawn" };
static const char * const levels[] = { NULL, "red", "orange", "yellow", "blue" };

/* The filter as the drop-downs, the toggle and the search entry set it. */
static void
current_filter (AjLedgerPage   *self,
                AjLedgerFilter *filter)
{
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint level = gtk_drop_down_get_selected (self->level_dropdown);
  guint inst = gtk_drop_down_get_selected (self->institution_dropdown);

  memset (filter, 0, sizeof *filter);
  filter->status = status < G_N_ELEMENTS (statuses) ? statuses[status] : NULL;
  filter->risk_level = level < G_N_ELEMENTS (levels) ? levels[level] : NULL;
  filter->institution = inst > 0 && inst < self->institution_codes->len ? g_ptr_array_index (self->institution_codes, inst) : NULL;
  filter->overdue_only = gtk_toggle_button_get_active (self->overdue_button);
  filter->query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

/* Category names in the people's language, from the checklists. */
static GHashTable *
category_names (AjLedgerPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  GListModel *checklists = aj_session_get_checklists (session);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(AjChecklist) c = g_list_model_get_item (checklists, i);
      for (guint j = 0; j < aj_checklist_get_n_categories (c); j++)
        {
          const AjChecklistCategory *category = aj_checklist_get_category (c, j);
          g_hash_table_replace (names, g_strdup (category->code), g_strdup (aj_checklist_category_get_name (category)));
        }
    }
  return names;
}

static gboolean
show_export_progress (gpointer user_data)
{
  AjLedgerPage *self = user_data;

  if (self->export_task != NULL)
    gtk_progress_bar_set_fraction (self->export_progress,
                                   aj_ledger_export_get_progress (G_ASYNC_RESULT (self->export_task)));
  return G_SOURCE_CONTINUE;
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AjLedgerPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->export_task == G_TASK (result))
    {
      g_clear_object (&self->export_task);
      g_clear_object (&self->export_cancellable);
      g_clear_handle_id (&self->export_timeout, g_source_remove);
      gtk_revealer_set_reveal_child (self->export_revealer, FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "ledger.export", TRUE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "ledger.cancel-export", FALSE);
    }
  if (!aj_ledger_export_finish (AJ_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
            aj_page_toast (GTK_WIDGET (self), _("Export cancelled"));
        }
      else if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        aj_page_report_error (GTK_WIDGET (self), _("The ledger was not exported"), error);
      return;
    }
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    aj_page_toast (GTK_WIDGET (self), _("Ledger exported"));
}

/* Starts exporting the ledger as shown to @path, in a thread; the page shows
 * how far it has come and offers to cancel. */
void
aj_ledger_page_export (AjLedgerPage   *self,
                       AjLedgerFormat  format,
                       const char     *path)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GHashTable) names = NULL;
  AjLedgerFilter filter;

  if (session == NULL || self->export_task != NULL)
    return;
  names = category_names (self);
  current_filter (self, &filter);
  self->export_cancellable = g_cancellable_new ();
  self->export_task = G_TASK (aj_ledger_export_async (aj_session_get_store (session), &filter, names, format, path,
                                                      self->export_cancellable, export_done, g_object_ref (self)));
  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ledger.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ledger.cancel-export", TRUE);
  self->export_timeout = g_timeout_add (100, show_export_progress, self);
}

/* TRUE while an export runs. */
gboolean
aj_ledger_page_is_exporting (AjLedgerPage *self)
{
  return self->export_cancellable != NULL;
}

static void
cancel_export_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AjLedgerPage *self = AJ_LEDGER_PAGE (widget);

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    AjLedgerPage    *self)
{
  AjLedgerFormat format = self->export_format;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      if (path != NULL)
        aj_ledger_page_export (self, format, path);
    }
  g_object_unref (dialog);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AjLedgerPage *self = AJ_LEDGER_PAGE (widget);
  gboolean xlsx = g_str_equal (g_variant_get_string (parameter, NULL), "xlsx");
  g_autofree char *today = aj_today_iso ();
  g_autofree char *name = g_strdup_printf ("%s-%s.%s", _("hazard-ledger"), today, xlsx ? "xlsx" : "csv");
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Export the ledger"),
                                                               aj_page_get_window (widget),
                                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* The dialog is modal: one export is chosen at a time. */
  self->export_format = xlsx ? AJ_LEDGER_XLSX : AJ_LEDGER_CSV;
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
update_count (AjLedgerPage *self)
{
  guint n = self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autofree char *text = g_strdup_printf (ngettext ("%u hazard", "%u hazards", n), n);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

/* Once the page is shown: what a first keystroke in the search would read
 * anyway (aj_ledger_model_prepare_search). */
static gboolean
prepare_search (gpointer data)
{
  AjLedgerPage *self = data;

  self->prepare_id = 0;
  if (self->model != NULL)
    aj_ledger_model_prepare_search (self->model);
  return G_SOURCE_REMOVE;
}

static char *
filter_key (const AjLedgerFilter *filter)
{
  return g_strdup_printf ("%s\x1f%s\x1f%s\x1f%d\x1f%s", filter->status ? filter->status : "",
                          filter->risk_level ? filter->risk_level : "", filter->institution ? filter->institution : "",
                          filter->overdue_only, filter->query ? filter->query : "");
}

/* One count(*) and, as rows come into view, a page of them. The search
 * entry says search-changed again for the same text (after its delay, or
 * on Enter): the same filter is not read twice. */
static void
on_filter_changed (AjLedgerPage *self)
{
  AjLedgerFilter filter;
  g_autofree char *key = NULL;

  if (self->model == NULL || self->refreshing)
    return;
  current_filter (self, &filter);
  key = filter_key (&filter);
  if (g_strcmp0 (key, self->applied) == 0)
    return;
  g_free (self->applied);
  self->applied = g_steal_pointer (&key);
  /* Detached while the model changes: GTK 4.8's list view, told that every
   * row was replaced, asks for every new row to find widgets to reuse
   * (100,000 rows read for one keystroke). Attached again, it asks only
   * for the rows it shows. */
  gtk_list_view_set_model (self->list_view, NULL);
  aj_ledger_model_set_filter (self->model, &filter, self->today);
  gtk_slice_list_model_set_size (self->shown, SHOWN_STEP);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  update_count (self);
  if (filter.query == NULL || *filter.query == '\0')
    {
      g_clear_handle_id (&self->prepare_id, g_source_remove);
      self->prepare_id = g_idle_add_full (G_PRIORITY_LOW, prepare_search, self, NULL);
    }
}

/* Scrolled to within two screens of the last row given to the list: more. */
static void
show_more (AjLedgerPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  guint size = gtk_slice_list_model_get_size (self->shown);

  if (self->model == NULL || size >= g_list_model_get_n_items (G_LIST_MODEL (self->model)))
    return;
  if (gtk_adjustment_get_value (adjustment) + 2 * gtk_adjustment_get_page_size (adjustment) >=
      gtk_adjustment_get_upper (adjustment))
    gtk_slice_list_model_set_size (self->shown, size + SHOWN_STEP);
}

guint
aj_ledger_page_get_n_shown (AjLedgerPage *self)
{
  return self->model ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
}

static void
on_activate (GtkListView  *view,
             guint         position,
             AjLedgerPage *self)
{
  g_autoptr(AjHazard) hazard = self->model ? g_list_model_get_item (G_LIST_MODEL (self->model), position) : NULL;

  if (hazard != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard", "s", aj_hazard_get_id (hazard));
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  gtk_list_item_set_child (item, aj_hazard_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          AjLedgerPage             *self)
{
  AjHazardRow *row = AJ_HAZARD_ROW (gtk_list_item_get_child (item));

  aj_hazard_row_set_today (row, self->today);
  aj_hazard_row_set_item (row, gtk_list_item_get_item (item));
}

void
aj_ledger_page_refresh (AjLedgerPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store;
  g_autoptr(GListModel) institutions = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *selected = NULL;
  guint inst = gtk_drop_down_get_selected (self->institution_dropdown);
  guint keep = 0;

  if (session == NULL)
    return;
  store = aj_session_get_store (session);
  g_free (self->today);
  self->today = aj_today_iso ();

  if (self->model == NULL)
    {
      AjLedgerFilter filter;

      current_filter (self, &filter);
      self->model = aj_ledger_model_new (store, &filter, self->today);
      gtk_slice_list_model_set_model (self->shown, G_LIST_MODEL (self->model));
    }
  if (inst > 0 && inst < self->institution_codes->len)
    selected = g_strdup (g_ptr_array_index (self->institution_codes, inst));

  /* Only institutions that have hazards are offered. */
  g_ptr_array_set_size (self->institution_codes, 0);
  g_ptr_array_add (self->institution_codes, g_strdup (""));
  gtk_string_list_append (names, _("All institutions"));
  institutions = aj_registry_list_institutions_with_hazards (store, NULL);
  for (guint i = 0; institutions && i < g_list_model_get_n_items (institutions); i++)
    {
      g_autoptr(AjInstitution) institution = g_list_model_get_item (institutions, i);

      if (g_strcmp0 (selected, aj_institution_get_code (institution)) == 0)
        keep = self->institution_codes->len;
      g_ptr_array_add (self->institution_codes, g_strdup (aj_institution_get_code (institution)));
      gtk_string_list_append (names, aj_institution_get_name (institution));
    }
  self->refreshing = TRUE;
  gtk_drop_down_set_model (self->institution_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->institution_dropdown, keep);
  self->refreshing = FALSE;

  /* Counted again; the rows on screen are read again as they are rebound. */
  g_clear_pointer (&self->applied, g_free);
  if (self->model != NULL)
    aj_ledger_model_forget (self->model);
  on_filter_changed (self);
}

static void
aj_ledger_page_dispose (GObject *object)
{
  AjLedgerPage *self = AJ_LEDGER_PAGE (object);

  g_clear_object (&self->store_signals);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->export_timeout, g_source_remove);
  g_clear_handle_id (&self->prepare_id, g_source_remove);
  g_clear_object (&self->export_task);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_LEDGER_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);
  g_clear_object (&self->model);
  g_clear_pointer (&self->institution_codes, g_ptr_array_unref);
  g_clear_pointer (&self->today, g_free);
  g_clear_pointer (&self->applied, g_free);
  G_OBJECT_CLASS (aj_ledger_page_parent_class)->dispose (object);
}

static void
aj_ledger_page_class_init (AjLedgerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_ledger_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-ledger-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, institution_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, overdue_button);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, AjLedgerPage, export_progress);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_install_action (widget_class, "ledger.export", "s", export_activated);
  gtk_widget_class_install_action (widget_class, "ledger.cancel-export", NULL, cancel_export_activated);
}

static void
aj_ledger_page_init (AjLedgerPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  const char *status_names[] = {
    _("All statuses"), _("Not closed"), C_("hazard status", "Found"), _("Closed"), _("Withdrawn"), NULL
  };
  const char *level_names[] = {
    _("All risk levels"), _("Red"), _("Orange"), _("Yellow"), _("Blue"), NULL
  };
  g_autoptr(GtkStringList) status_model = gtk_string_list_new (status_names);
  g_autoptr(GtkStringList) level_model = gtk_string_list_new (level_names);

  self->institution_codes = g_ptr_array_new_with_free_func (g_free);
  self->today = aj_today_iso ();
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (status_model));
  gtk_drop_down_set_selected (self->status_dropdown, 1);
  gtk_drop_down_set_model (self->level_dropdown, G_LIST_MODEL (level_model));

  /* The model comes with the store, in refresh (). */
  self->shown = gtk_slice_list_model_new (NULL, 0, SHOWN_STEP);
  self->selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->shown)));
  g_signal_connect_swapped (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), "value-changed",
                            G_CALLBACK (show_more), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ledger.cancel-export", FALSE);

  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->level_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  g_signal_connect_swapped (self->institution_dropdown, "notify::selected", G_CALLBACK (on_filter_changed), self);
  /* Shown, the page follows what is recorded, here or by a sync. */
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_ledger_page_refresh));
}
