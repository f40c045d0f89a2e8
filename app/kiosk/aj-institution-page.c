/* aj-institution-page.c: the registry as a searchable list (a GtkListView
 * over a filter model fed from the core). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-institution-page.h"
#include "aj-institution-row.h"
#include "aj-registry.h"
#include "aj-page.h"

struct _AjInstitutionPage
{
  AdwBin              parent_instance;

  GtkFilterListModel *filtered;
  GtkCustomFilter    *filter;

  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;
  GtkStack           *stack;
};

G_DEFINE_FINAL_TYPE (AjInstitutionPage, aj_institution_page, ADW_TYPE_BIN)

static gboolean
match_institution (gpointer item,
                   gpointer user_data)
{
  AjInstitutionPage *self = user_data;
  return aj_institution_matches (AJ_INSTITUTION (item),
                                 gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
on_search_changed (AjInstitutionPage *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0 ? "list" : "empty");
}

static void
on_activate (GtkListView       *view,
             guint              position,
             AjInstitutionPage *self)
{
  g_autoptr(AjInstitution) institution = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (institution != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-start", "s", aj_institution_get_code (institution));
}

static void
on_search_activate (AjInstitutionPage *self)
{
  /* Enter on a search with one result picks it. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 1)
    on_activate (self->list_view, 0, self);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  gtk_list_item_set_child (item, g_object_new (AJ_TYPE_INSTITUTION_ROW, NULL));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  aj_institution_row_set_item (AJ_INSTITUTION_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

void
aj_institution_page_reset (AjInstitutionPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GListModel) institutions = NULL;

  if (session == NULL)
    return;
  institutions = aj_registry_list_institutions (aj_session_get_store (session), NULL);
  gtk_filter_list_model_set_model (self->filtered, institutions);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  on_search_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
aj_institution_page_dispose (GObject *object)
{
  AjInstitutionPage *self = AJ_INSTITUTION_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_INSTITUTION_PAGE);
  g_clear_object (&self->filtered);
  G_OBJECT_CLASS (aj_institution_page_parent_class)->dispose (object);
}

static void
aj_institution_page_class_init (AjInstitutionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_institution_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-institution-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionPage, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
}

static void
aj_institution_page_init (AjInstitutionPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (match_institution, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)))));
}
