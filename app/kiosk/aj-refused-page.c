/* aj-refused-page.c: "Refused by the server": every record of this device
 * that the server did not accept, with the reason in plain words. Such a
 * record counts for nothing but is kept, so nobody wonders where it went;
 * everything else goes on syncing. The list follows the store while shown. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-page.h"
#include "aj-refused-page.h"
#include "aj-refused-record.h"
#include "aj-refused-row.h"

struct _AjRefusedPage
{
  AdwBin        parent_instance;

  GListStore   *records;
  GSignalGroup *store_signals;

  GtkStack     *stack;
  GtkListBox   *list;
  GtkLabel     *count_label;
};

G_DEFINE_FINAL_TYPE (AjRefusedPage, aj_refused_page, ADW_TYPE_BIN)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), aj_refused_row_new (item));
  return row;
}

void
aj_refused_page_refresh (AjRefusedPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GListModel) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  guint n;

  if (session == NULL)
    return;
  records = aj_refused_record_list (aj_session_get_store (session), &error);
  if (records == NULL)
    {
      g_warning ("Cannot list the refused records: %s", error->message);
      return;
    }
  n = g_list_model_get_n_items (records);
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
    for (guint i = 0; i < n; i++)
      g_ptr_array_add (items, g_list_model_get_item (records, i));
    g_list_store_splice (self->records, 0, g_list_model_get_n_items (G_LIST_MODEL (self->records)),
                         items->pdata, items->len);
  }
  count = g_strdup_printf (ngettext ("The server did not accept %u record from this device.",
                                     "The server did not accept %u records from this device.", n), n);
  gtk_label_set_text (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

GListModel *
aj_refused_page_get_records (AjRefusedPage *self)
{
  return G_LIST_MODEL (self->records);
}

static void
aj_refused_page_dispose (GObject *object)
{
  AjRefusedPage *self = AJ_REFUSED_PAGE (object);

  g_clear_object (&self->store_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_REFUSED_PAGE);
  g_clear_object (&self->records);
  G_OBJECT_CLASS (aj_refused_page_parent_class)->dispose (object);
}

static void
aj_refused_page_class_init (AjRefusedPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_refused_page_dispose;

  g_type_ensure (AJ_TYPE_REFUSED_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-refused-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjRefusedPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AjRefusedPage, list);
  gtk_widget_class_bind_template_child (widget_class, AjRefusedPage, count_label);
}

static void
aj_refused_page_init (AjRefusedPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->records = g_list_store_new (AJ_TYPE_REFUSED_RECORD);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->records), create_row, NULL, NULL);
  /* A sync that refuses more, or a new enrollment, shows here at once. */
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_refused_page_refresh));
}
