/* aj-start-page.c: the institution at a glance, the mode (field inspection,
 * random spot check, self-inspection) and the checklist for its type. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection.h"
#include "aj-start-page.h"
#include "aj-page.h"

struct _AjStartPage
{
  AdwBin          parent_instance;

  AjInstitution  *institution;
  GPtrArray      *checklists;

  AdwWindowTitle *title;
  AdwActionRow   *name_row;
  AdwActionRow   *address_row;
  AdwActionRow   *head_row;
  GtkCheckButton *field_check;
  GtkCheckButton *spot_check;
  GtkCheckButton *self_check;
  AdwComboRow    *checklist_row;
  GtkButton      *start_button;
};

G_DEFINE_FINAL_TYPE (AjStartPage, aj_start_page, ADW_TYPE_BIN)

static const char *
chosen_mode (AjStartPage *self)
{
  if (gtk_check_button_get_active (self->spot_check))
    return "spot_check";
  if (gtk_check_button_get_active (self->self_check))
    return "self";
  return "field";
}

static void
on_start_clicked (AjStartPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  guint index = adw_combo_row_get_selected (self->checklist_row);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  AjChecklist *checklist;

  if (self->institution == NULL || index >= self->checklists->len)
    return;
  checklist = g_ptr_array_index (self->checklists, index);
  id = aj_inspection_start (aj_session_get_store (session), aj_session_get_user_id (session),
                            aj_institution_get_code (self->institution), chosen_mode (self),
                            checklist, &error);
  if (id == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The inspection could not be started"), error);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-inspection", "s", id);
}

void
aj_start_page_set_institution (AjStartPage   *self,
                               AjInstitution *institution)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  GListModel *all = aj_session_get_checklists (session);
  AjUser *user = aj_session_get_user (session);
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autofree char *head = NULL;
  g_autofree char *address = NULL;
  guint preferred = 0;
  gboolean found = FALSE;

  g_set_object (&self->institution, institution);
  adw_window_title_set_subtitle (self->title, aj_institution_get_name (institution));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), aj_institution_get_name (institution));
  adw_action_row_set_subtitle (self->name_row,
                               aj_institution_type_label (aj_institution_get_kind (institution)));
  address = g_strdup_printf ("%s %s", aj_institution_get_county (institution), aj_institution_get_address (institution));
  adw_action_row_set_subtitle (self->address_row, address);
  head = g_strdup_printf (_("%s (head) · %s (safety officer) · %s"),
                          aj_institution_get_head (institution),
                          aj_institution_get_safety_officer (institution),
                          aj_institution_get_phone (institution));
  adw_action_row_set_subtitle (self->head_row, head);

  /* The checklist for the institution's type comes first and is chosen. */
  g_ptr_array_set_size (self->checklists, 0);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < g_list_model_get_n_items (all); i++)
      {
        g_autoptr(AjChecklist) c = g_list_model_get_item (all, i);
        gboolean fits = aj_checklist_is_for_type (c, aj_institution_get_kind (institution));
        if ((pass == 0) != fits)
          continue;
        if (fits && !found)
          {
            preferred = self->checklists->len;
            found = TRUE;
          }
        g_ptr_array_add (self->checklists, g_object_ref (c));
        {
          g_autofree char *label = g_strdup_printf (_("%s (%u items)"), aj_checklist_get_title (c),
                                                    aj_checklist_get_n_items (c));
          gtk_string_list_append (titles, label);
        }
      }
  adw_combo_row_set_model (self->checklist_row, G_LIST_MODEL (titles));
  adw_combo_row_set_selected (self->checklist_row, preferred);
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), self->checklists->len > 0);

  /* Staff of an institution inspect themselves; inspectors visit. */
  if (user != NULL && g_str_has_prefix (aj_user_get_role (user), "institution_"))
    gtk_check_button_set_active (self->self_check, TRUE);
  else
    gtk_check_button_set_active (self->field_check, TRUE);
}

static void
aj_start_page_dispose (GObject *object)
{
  AjStartPage *self = AJ_START_PAGE (object);

  g_clear_object (&self->institution);
  g_clear_pointer (&self->checklists, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_START_PAGE);
  G_OBJECT_CLASS (aj_start_page_parent_class)->dispose (object);
}

static void
aj_start_page_class_init (AjStartPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_start_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-start-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, title);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, head_row);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, field_check);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, spot_check);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, self_check);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, checklist_row);
  gtk_widget_class_bind_template_child (widget_class, AjStartPage, start_button);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked);
}

static void
aj_start_page_init (AjStartPage *self)
{
  self->checklists = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
}
