/* aj-inspection-page.c: categories with progress beside one item at a time.
 * Every answer is an event the moment it is given, and where the person is
 * (inspection and item) is kept in local state, so a killed kiosk resumes. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-category-row.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-inspection-page.h"
#include "aj-photo-strip.h"
#include "aj-photo-task.h"
#include "aj-picture-chooser.h"
#include "aj-util.h"
#include "aj-location.h"
#include "aj-page.h"

#define NOTE_SAVE_DELAY_MS 600

struct _AjInspectionPage
{
  AdwBin            parent_instance;

  AjInspection     *inspection;
  AjChecklist      *checklist;
  GHashTable       *results;       /* item code -> AjItemResult */
  guint             index;
  gboolean          updating;      /* widgets being set from the data, not by the person */
  guint             note_timeout;
  GCancellable     *cancellable;

  AdwWindowTitle   *title;
  GtkButton        *back_button;
  AdwLeaflet       *leaflet;
  GtkListBox       *category_list;
  GtkProgressBar   *progress_bar;
  GtkLabel         *progress_label;
  GtkScrolledWindow *item_scroller;
  GtkLabel         *category_label;
  GtkLabel         *position_label;
  GtkLabel         *question_label;
  GtkWidget        *major_badge;
  GtkWidget        *photo_badge;
  GtkLabel         *how_label;
  GtkLabel         *basis_label;
  GtkToggleButton  *pass_button;
  GtkToggleButton  *hazard_button;
  GtkToggleButton  *na_button;
  GtkRevealer      *hazard_revealer;
  GtkLabel         *hazard_number_label;
  GtkLabel         *hazard_text_label;
  GtkLabel         *hazard_level_label;
  GtkTextView      *note_view;
  GtkFlowBox       *photo_box;
  GtkLabel         *photo_warning;
  GtkButton        *add_photo_button;
  GtkButton        *take_photo_button;
  GtkButton        *previous_button;
  GtkButton        *next_button;
  GtkWidget        *summary_button;
  GtkWidget        *finished_banner;
  const char       *pending_result;   /* static string, while the withdraw dialog is open */
};

G_DEFINE_FINAL_TYPE (AjInspectionPage, aj_inspection_page, ADW_TYPE_BIN)

static void show_item (AjInspectionPage *self, guint index);

static const AjChecklistItem *
current_item (AjInspectionPage *self)
{
  if (self->checklist == NULL || self->index >= aj_checklist_get_n_items (self->checklist))
    return NULL;
  return aj_checklist_get_item (self->checklist, self->index);
}

const char *
aj_inspection_page_get_item_code (AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);
  return item ? item->code : NULL;
}

static gboolean
is_read_only (AjInspectionPage *self)
{
  return self->inspection == NULL || aj_inspection_is_finished (self->inspection);
}

static char *
get_note_text (AjInspectionPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (g_steal_pointer (&text));
}

static void
reload_results (AjInspectionPage *self)
{
  g_clear_pointer (&self->results, g_hash_table_unref);
  self->results = aj_inspection_get_results (aj_session_get_store (aj_page_get_session (GTK_WIDGET (self))),
                                             aj_inspection_get_id (self->inspection));
}

static void
update_progress (AjInspectionPage *self)
{
  guint n = aj_checklist_get_n_items (self->checklist);
  guint answered = g_hash_table_size (self->results);
  g_autofree char *text = NULL;
  GtkListBoxRow *row;

  text = g_strdup_printf (_("%u of %u answered"), answered, n);
  gtk_label_set_label (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, n ? (double) answered / n : 0);

  for (guint c = 0; (row = gtk_list_box_get_row_at_index (self->category_list, c)) != NULL; c++)
    {
      const AjChecklistCategory *category = aj_checklist_get_category (self->checklist, c);
      guint total = 0, done = 0, hazards = 0;

      for (guint i = 0; i < n; i++)
        {
          const AjChecklistItem *item = aj_checklist_get_item (self->checklist, i);
          AjItemResult *r;
          if (!g_str_equal (item->category, category->code))
            continue;
          total++;
          r = g_hash_table_lookup (self->results, item->code);
          if (r != NULL)
            {
              done++;
              if (g_str_equal (r->result, "hazard"))
                hazards++;
            }
        }
      aj_category_row_set_progress (AJ_CATEGORY_ROW (row), done, total, hazards);
    }
}

static void
build_categories (AjInspectionPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->category_list))) != NULL)
    gtk_list_box_remove (self->category_list, child);

  for (guint c = 0; c < aj_checklist_get_n_categories (self->checklist); c++)
    {
      const AjChecklistCategory *category = aj_checklist_get_category (self->checklist, c);
      GtkWidget *row = aj_category_row_new (category->code, aj_checklist_category_get_name (category));

      gtk_list_box_append (self->category_list, row);
    }
}

static void
save_position (AjInspectionPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  const AjChecklistItem *item = current_item (self);

  if (is_read_only (self) || item == NULL)
    return;
  aj_store_set_local (store, "resume.user", aj_session_get_user_id (session), NULL);
  aj_store_set_local (store, "resume.inspection", aj_inspection_get_id (self->inspection), NULL);
  aj_store_set_local (store, "resume.item", item->code, NULL);
}

static gboolean
answer (AjInspectionPage *self,
        const char       *result)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const AjChecklistItem *item = current_item (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *note = get_note_text (self);

  if (item == NULL || is_read_only (self))
    return FALSE;
  if (!aj_inspection_answer (aj_session_get_store (session), aj_session_get_user_id (session),
                             aj_inspection_get_id (self->inspection), item->code, result, note, &error))
    {
      aj_page_report_error (GTK_WIDGET (self), _("The answer was not saved"), error);
      return FALSE;
    }
  reload_results (self);
  update_progress (self);
  return TRUE;
}

static void
set_answer_buttons (AjInspectionPage *self,
                    const char       *result)
{
  self->updating = TRUE;
  gtk_toggle_button_set_active (self->pass_button, g_strcmp0 (result, "pass") == 0);
  gtk_toggle_button_set_active (self->hazard_button, g_strcmp0 (result, "hazard") == 0);
  gtk_toggle_button_set_active (self->na_button, g_strcmp0 (result, "na") == 0);
  self->updating = FALSE;
}

static void
flush_note (AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);
  AjItemResult *r;

  g_clear_handle_id (&self->note_timeout, g_source_remove);
  if (item == NULL || is_read_only (self))
    return;
  r = g_hash_table_lookup (self->results, item->code);
  if (r != NULL)
    answer (self, r->result);
  else
    {
      /* A note before an answer waits in local state for the answer. */
      g_autofree char *note = get_note_text (self);
      g_autofree char *key = g_strdup_printf ("note.%s.%s", aj_inspection_get_id (self->inspection), item->code);
      aj_store_set_local (aj_session_get_store (aj_page_get_session (GTK_WIDGET (self))), key, *note ? note : NULL, NULL);
    }
}

void
aj_inspection_page_flush (AjInspectionPage *self)
{
  if (self->note_timeout != 0)
    flush_note (self);
}

static gboolean
note_timeout_cb (gpointer data)
{
  AjInspectionPage *self = data;

  self->note_timeout = 0;
  flush_note (self);
  return G_SOURCE_REMOVE;
}

static void
on_note_changed (AjInspectionPage *self)
{
  if (self->updating)
    return;
  g_clear_handle_id (&self->note_timeout, g_source_remove);
  self->note_timeout = g_timeout_add (NOTE_SAVE_DELAY_MS, note_timeout_cb, self);
}

static void
refresh_photos (AjInspectionPage *self);

/* The photo strip's remove button names the photo's event. */
static void
remove_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  AjInspectionPage *self = AJ_INSPECTION_PAGE (widget);
  AjSession *session = aj_page_get_session (widget);
  const char *event_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  if (!aj_inspection_remove_photo (aj_session_get_store (session), aj_session_get_user_id (session),
                                   event_id, &error))
    aj_page_report_error (GTK_WIDGET (self), _("The photo was not removed"), error);
  refresh_photos (self);
}

static void
refresh_photos (AjInspectionPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const AjChecklistItem *item = current_item (self);
  g_autoptr(GPtrArray) photos = NULL;
  AjItemResult *r;

  if (item == NULL)
    return;
  photos = aj_inspection_get_photos (aj_session_get_store (session), aj_inspection_get_id (self->inspection),
                                     item->code);
  aj_photo_strip_fill (self->photo_box, session,
                       photos, is_read_only (self) ? NULL : "inspection.remove-photo");
  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), photos->len > 0);

  r = g_hash_table_lookup (self->results, item->code);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_warning),
                          item->photo_required && r != NULL && g_str_equal (r->result, "hazard") &&
                          photos->len == 0);
}

static void
refresh_hazard (AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);
  g_autoptr(AjHazard) hazard = NULL;
  g_autofree char *level = NULL;

  if (item == NULL)
    return;
  hazard = aj_hazard_find_for_item (aj_session_get_store (aj_page_get_session (GTK_WIDGET (self))),
                                    aj_inspection_get_id (self->inspection), item->code);
  gtk_revealer_set_reveal_child (self->hazard_revealer, hazard != NULL);
  if (hazard == NULL)
    return;
  gtk_label_set_label (self->hazard_number_label, aj_hazard_get_number (hazard));
  gtk_label_set_label (self->hazard_text_label, aj_hazard_get_description (hazard));
  level = g_strdup_printf ("%s · %s", aj_risk_level_label (aj_hazard_get_risk_level (hazard)),
                           aj_grade_label (aj_hazard_get_grade (hazard)));
  gtk_label_set_label (self->hazard_level_label, level);
  for (const char * const *l = (const char * const[]) { "red", "orange", "yellow", "blue", NULL }; *l; l++)
    {
      g_autofree char *cls = g_strdup_printf ("risk-%s", *l);
      if (g_str_equal (*l, aj_hazard_get_risk_level (hazard)))
        gtk_widget_add_css_class (GTK_WIDGET (self->hazard_level_label), cls);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->hazard_level_label), cls);
    }
}

static void
show_item (AjInspectionPage *self,
           guint             index)
{
  const AjChecklistItem *item;
  const AjChecklistCategory *category;
  AjItemResult *r;
  g_autofree char *position = NULL;
  g_autofree char *basis = NULL;
  guint n = aj_checklist_get_n_items (self->checklist);
  gboolean read_only = is_read_only (self);

  if (self->note_timeout != 0)
    flush_note (self);

  self->index = MIN (index, n - 1);
  item = current_item (self);
  category = aj_checklist_find_category (self->checklist, item->category);
  r = g_hash_table_lookup (self->results, item->code);

  gtk_label_set_label (self->category_label, category ? aj_checklist_category_get_name (category) : "");
  position = g_strdup_printf (_("Item %u of %u · %s"), self->index + 1, n, item->code);
  gtk_label_set_label (self->position_label, position);
  gtk_label_set_label (self->question_label, aj_checklist_item_get_question (item));
  gtk_widget_set_visible (self->major_badge, item->major_if_no);
  gtk_widget_set_visible (self->photo_badge, item->photo_required);
  gtk_label_set_label (self->how_label, aj_checklist_item_get_how (item));
  basis = g_strdup_printf (_("Basis: %s"), aj_checklist_item_get_basis (item));
  gtk_label_set_label (self->basis_label, basis);

  set_answer_buttons (self, r ? r->result : NULL);

  self->updating = TRUE;
  if (r != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), r->note ? r->note : "", -1);
  else
    {
      g_autofree char *key = g_strdup_printf ("note.%s.%s", aj_inspection_get_id (self->inspection), item->code);
      g_autofree char *draft = aj_store_get_local (aj_session_get_store (aj_page_get_session (GTK_WIDGET (self))), key);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), draft ? draft : "", -1);
    }
  self->updating = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->pass_button), !read_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->hazard_button), !read_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->na_button), !read_only);
  gtk_text_view_set_editable (self->note_view, !read_only);
  gtk_widget_set_visible (GTK_WIDGET (self->add_photo_button), !read_only);
  gtk_widget_set_visible (GTK_WIDGET (self->take_photo_button), !read_only);
  gtk_widget_set_visible (self->finished_banner, read_only);
  gtk_widget_set_sensitive (GTK_WIDGET (self->previous_button), self->index > 0);
  gtk_button_set_label (self->next_button, self->index + 1 < n ? _("_Next") : _("_Summary"));

  refresh_hazard (self);
  refresh_photos (self);

  /* Keep the category of the item selected in the sidebar. */
  for (guint c = 0; c < aj_checklist_get_n_categories (self->checklist); c++)
    if (g_str_equal (aj_checklist_get_category (self->checklist, c)->code, item->category))
      {
        self->updating = TRUE;
        gtk_list_box_select_row (self->category_list, gtk_list_box_get_row_at_index (self->category_list, c));
        self->updating = FALSE;
      }

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->item_scroller), 0);
  save_position (self);
}

static void
on_category_selected (GtkListBox       *box,
                      GtkListBoxRow    *row,
                      AjInspectionPage *self)
{
  const char *code;
  guint first = G_MAXUINT;

  if (self->updating || row == NULL || self->checklist == NULL)
    return;
  code = aj_category_row_get_code (AJ_CATEGORY_ROW (row));

  /* Go to the first unanswered item of the category, else its first item. */
  for (guint i = 0; i < aj_checklist_get_n_items (self->checklist); i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (self->checklist, i);
      if (!g_str_equal (item->category, code))
        continue;
      if (first == G_MAXUINT)
        first = i;
      if (!g_hash_table_contains (self->results, item->code))
        {
          first = i;
          break;
        }
    }
  if (first != G_MAXUINT)
    show_item (self, first);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_category_row_activated (GtkListBox       *box,
                           GtkListBoxRow    *row,
                           AjInspectionPage *self)
{
  /* Activating the already-selected category on a phone still moves on. */
  if (gtk_list_box_get_selected_row (box) == row)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
withdraw_response (AdwMessageDialog *dialog,
                   const char       *response,
                   AjInspectionPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const AjChecklistItem *item = current_item (self);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "withdraw") && item != NULL && self->pending_result != NULL)
    {
      g_autofree char *note = get_note_text (self);

      if (!aj_inspection_reanswer (aj_session_get_store (session), aj_session_get_user_id (session),
                                   aj_inspection_get_id (self->inspection), item->code, self->pending_result,
                                   note, _("The item was answered again"), &error))
        aj_page_report_error (GTK_WIDGET (self), _("The hazard was not withdrawn"), error);
      reload_results (self);
      update_progress (self);
    }
  show_item (self, self->index);
  g_object_unref (self);
}

static void
on_answer_toggled (GtkToggleButton  *button,
                   AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(AjHazard) hazard = NULL;
  const char *result;
  AjItemResult *r;

  if (self->updating || item == NULL || !gtk_toggle_button_get_active (button))
    return;

  if (button == self->pass_button)
    result = "pass";
  else if (button == self->na_button)
    result = "na";
  else
    result = "hazard";
  r = g_hash_table_lookup (self->results, item->code);

  hazard = aj_hazard_find_for_item (aj_session_get_store (session), aj_inspection_get_id (self->inspection),
                                    item->code);
  if (g_str_equal (result, "hazard"))
    {
      /* Nothing is recorded until the hazard sheet is saved. */
      set_answer_buttons (self, r ? r->result : NULL);
      if (hazard != NULL)
        {
          set_answer_buttons (self, "hazard");
          if (r == NULL || !g_str_equal (r->result, "hazard"))
            answer (self, "hazard");
          return;
        }
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard-sheet", "(sss)",
                                  aj_inspection_get_id (self->inspection), item->code, "");
      return;
    }

  if (hazard != NULL)
    {
      GtkWidget *dialog;
      g_autofree char *body = g_strdup_printf (
        _("Hazard %s was recorded for this item. Withdraw it? It stays in the history as withdrawn."),
        aj_hazard_get_number (hazard));

      set_answer_buttons (self, r ? r->result : NULL);
      dialog = adw_message_dialog_new (aj_page_get_window (GTK_WIDGET (self)), _("Withdraw the hazard?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Keep the hazard"),
                                        "withdraw", _("_Withdraw"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "withdraw",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      self->pending_result = result;
      g_signal_connect (dialog, "response", G_CALLBACK (withdraw_response), g_object_ref (self));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  if (answer (self, result))
    {
      g_autofree char *key = g_strdup_printf ("note.%s.%s", aj_inspection_get_id (self->inspection), item->code);
      aj_store_set_local (aj_session_get_store (session), key, NULL, NULL);
    }
  else
    set_answer_buttons (self, r ? r->result : NULL);
  refresh_photos (self);
}

static void
on_edit_hazard (AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);
  g_autoptr(AjHazard) hazard = NULL;
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));

  if (item == NULL)
    return;
  hazard = aj_hazard_find_for_item (aj_session_get_store (session), aj_inspection_get_id (self->inspection),
                                    item->code);
  if (hazard == NULL)
    return;
  if (is_read_only (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard", "s", aj_hazard_get_id (hazard));
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard-sheet", "(sss)", aj_inspection_get_id (self->inspection), item->code,
                                 aj_hazard_get_id (hazard));
}

static void
on_previous (AjInspectionPage *self)
{
  if (self->index > 0)
    show_item (self, self->index - 1);
}

static void
on_next (AjInspectionPage *self)
{
  if (self->checklist == NULL)
    return;
  if (self->index + 1 < aj_checklist_get_n_items (self->checklist))
    show_item (self, self->index + 1);
  else
    {
      flush_note (self);
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-summary", "s", aj_inspection_get_id (self->inspection));
    }
}

static void
on_summary (AjInspectionPage *self)
{
  if (self->inspection == NULL)
    return;
  flush_note (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-summary", "s", aj_inspection_get_id (self->inspection));
}

static void
on_back (AjInspectionPage *self)
{
  if (adw_leaflet_get_folded (self->leaflet) &&
      adw_leaflet_get_visible_child_name (self->leaflet) != NULL &&
      g_str_equal (adw_leaflet_get_visible_child_name (self->leaflet), "item"))
    {
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      return;
    }
  flush_note (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.home", NULL);
}




static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AjInspectionPage *self = AJ_INSPECTION_PAGE (source);
  g_autofree char *item_code = user_data;
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autofree char *event = NULL;
  AjPhotoInfo info;

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_photo_button), TRUE);
  if (!aj_photo_task_finish (result, &info, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        aj_page_report_error (GTK_WIDGET (self), _("The photo was not added"), error);
      return;
    }
  if (self->inspection == NULL)
    return;

  info.located = aj_location_get (&info.latitude, &info.longitude, &info.accuracy);
  hazard = aj_hazard_find_for_item (aj_session_get_store (session), aj_inspection_get_id (self->inspection),
                                    item_code);
  event = aj_inspection_add_photo (aj_session_get_store (session), aj_session_get_user_id (session),
                                   aj_inspection_get_id (self->inspection), item_code,
                                   hazard ? aj_hazard_get_id (hazard) : NULL, &info, &error);
  if (event == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The photo was not added"), error);
      return;
    }
  aj_page_toast (GTK_WIDGET (self), _("Photo added"));
  refresh_photos (self);
}

/* Decoding and re-encoding a 12-megapixel photo takes a while: a thread. */
void
aj_inspection_page_import_photo (AjInspectionPage *self,
                                 const char       *path)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const AjChecklistItem *item = current_item (self);
  g_autofree char *stamp = NULL;

  if (item == NULL || is_read_only (self))
    return;
  stamp = aj_session_dup_stamp_text (session,
                                         aj_inspection_get_institution_name (self->inspection));
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_photo_button), FALSE);
  aj_photo_task_start (self, self->cancellable, aj_session_get_blob_dir (session),
                       path, stamp, import_done, g_strdup (item->code));
}



static void
on_picture_chosen (GtkWidget  *owner,
                   const char *path)
{
  aj_inspection_page_import_photo (AJ_INSPECTION_PAGE (owner), path);
}

static void
on_add_photo (AjInspectionPage *self)
{
  aj_choose_picture (GTK_WIDGET (self), _("Add a photo"), on_picture_chosen);
}

static void
choose_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  on_add_photo (AJ_INSPECTION_PAGE (widget));
}

static void
on_take_photo (AjInspectionPage *self)
{
  const AjChecklistItem *item = current_item (self);

  if (item == NULL || is_read_only (self))
    return;
  flush_note (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-camera", "(ss)", aj_inspection_get_id (self->inspection), item->code);
}

static void
import_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  aj_inspection_page_import_photo (AJ_INSPECTION_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
answer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AjInspectionPage *self = AJ_INSPECTION_PAGE (widget);
  const char *result = g_variant_get_string (parameter, NULL);
  GtkToggleButton *button = g_str_equal (result, "pass") ? self->pass_button :
                            g_str_equal (result, "na") ? self->na_button : self->hazard_button;

  if (!is_read_only (self))
    {
      if (gtk_toggle_button_get_active (button))
        on_answer_toggled (button, self);
      else
        gtk_toggle_button_set_active (button, TRUE);
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  on_next (AJ_INSPECTION_PAGE (widget));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  on_previous (AJ_INSPECTION_PAGE (widget));
}

gboolean
aj_inspection_page_load (AjInspectionPage *self,
                         const char       *inspection_id,
                         const char       *item_code)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, inspection_id);
  AjChecklist *checklist;
  guint index = 0;
  g_autofree char *subtitle = NULL;

  if (inspection == NULL)
    return FALSE;
  checklist = aj_session_find_checklist_of (session, inspection);
  if (checklist == NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                             _("The checklist “%s” of this inspection is not on this device."),
                                             aj_inspection_get_template_id (inspection));
      aj_page_report_error (GTK_WIDGET (self), _("The inspection cannot be opened"), error);
      return FALSE;
    }

  g_set_object (&self->inspection, inspection);
  g_set_object (&self->checklist, checklist);
  reload_results (self);

  adw_window_title_set_title (self->title, aj_inspection_get_institution_name (inspection));
  subtitle = g_strdup_printf ("%s · %s", aj_inspection_mode_label (aj_inspection_get_mode (inspection)),
                              aj_checklist_get_title (checklist));
  adw_window_title_set_subtitle (self->title, subtitle);

  build_categories (self);
  update_progress (self);

  if (item_code == NULL || aj_checklist_find_item (checklist, item_code, &index) == NULL)
    {
      /* Without a saved place, the first unanswered item. */
      index = 0;
      for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
        if (!g_hash_table_contains (self->results, aj_checklist_get_item (checklist, i)->code))
          {
            index = i;
            break;
          }
    }
  show_item (self, index);
  adw_leaflet_set_visible_child_name (self->leaflet, "item");
  return TRUE;
}

void
aj_inspection_page_reload (AjInspectionPage *self)
{
  g_autoptr(AjInspection) inspection = NULL;

  if (self->inspection == NULL)
    return;
  inspection = aj_inspection_load (aj_session_get_store (aj_page_get_session (GTK_WIDGET (self))), aj_inspection_get_id (self->inspection));
  if (inspection != NULL)
    g_set_object (&self->inspection, inspection);
  reload_results (self);
  update_progress (self);
  show_item (self, self->index);
}

static void
aj_inspection_page_dispose (GObject *object)
{
  AjInspectionPage *self = AJ_INSPECTION_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->note_timeout, g_source_remove);
  g_clear_object (&self->inspection);
  g_clear_object (&self->checklist);
  g_clear_pointer (&self->results, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_INSPECTION_PAGE);
  G_OBJECT_CLASS (aj_inspection_page_parent_class)->dispose (object);
}

static void
aj_inspection_page_class_init (AjInspectionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_inspection_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-inspection-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, title);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, category_list);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, item_scroller);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, category_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, position_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, question_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, major_badge);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, photo_badge);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, how_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, basis_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, pass_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, hazard_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, na_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, hazard_revealer);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, hazard_number_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, hazard_text_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, hazard_level_label);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, note_view);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, photo_box);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, photo_warning);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, add_photo_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, previous_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, summary_button);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, finished_banner);
  gtk_widget_class_bind_template_callback (widget_class, on_category_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_category_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_answer_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_edit_hazard);
  gtk_widget_class_bind_template_callback (widget_class, on_note_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_photo);
  gtk_widget_class_bind_template_callback (widget_class, on_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_next);
  gtk_widget_class_bind_template_callback (widget_class, on_summary);
  gtk_widget_class_bind_template_callback (widget_class, on_back);

  gtk_widget_class_install_action (widget_class, "inspection.import-photo", "s", import_photo_action);
  gtk_widget_class_install_action (widget_class, "inspection.choose-photo", NULL, choose_photo_action);
  gtk_widget_class_install_action (widget_class, "inspection.remove-photo", "s", remove_photo_action);
  gtk_widget_class_bind_template_callback (widget_class, on_take_photo);
  gtk_widget_class_bind_template_child (widget_class, AjInspectionPage, take_photo_button);
  gtk_widget_class_install_action (widget_class, "inspection.answer", "s", answer_action);
  gtk_widget_class_install_action (widget_class, "inspection.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "inspection.previous", NULL, previous_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "inspection.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "inspection.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "inspection.answer", "s", "pass");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "inspection.answer", "s", "hazard");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK, "inspection.answer", "s", "na");
}

static void
aj_inspection_page_init (AjInspectionPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  aj_page_wrap_buttons (GTK_WIDGET (self->pass_button), GTK_WIDGET (self->hazard_button), GTK_WIDGET (self->na_button),
                        GTK_WIDGET (self->previous_button), GTK_WIDGET (self->next_button),
                        self->summary_button, NULL);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->note_view), "changed",
                            G_CALLBACK (on_note_changed), self);
  /* Coming back to the item (from the hazard sheet, the camera, the
   * summary) shows what was recorded meanwhile. It does not follow every
   * change of the store: its own answers would reset the note being typed. */
  g_signal_connect (self, "map", G_CALLBACK (aj_inspection_page_reload), NULL);
}
