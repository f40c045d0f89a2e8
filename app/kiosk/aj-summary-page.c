/* aj-summary-page.c: how many items passed, failed or were not applicable,
 * every hazard found, and the finish that makes the record final. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-a11y.h"
#include "aj-hazard.h"
#include "aj-hazard-row.h"
#include "aj-inspection.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-roster.h"
#include "aj-team.h"
#include "aj-team-sheet.h"
#include "aj-label-output.h"
#include "aj-signature-rows.h"
#include "aj-summary-page.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjSummaryPage
{
  AdwBin          parent_instance;

  char           *inspection_id;
  char           *first_unanswered;
  guint           n_unanswered;
  GListModel     *hazards;

  AdwWindowTitle *title;
  AdwActionRow   *answered_row;
  AdwActionRow   *pass_row;
  AdwActionRow   *hazard_row;
  AdwActionRow   *na_row;
  AdwActionRow   *unanswered_row;
  AdwPreferencesGroup *hazard_group;
  GtkListBox     *hazard_list;
  GtkButton      *finish_button;
  AdwActionRow   *finished_row;
  GtkLabel       *missing_photo_label;
  GtkListBox     *signature_list;
  AdwPreferencesGroup *team_group;
  GtkListBox     *team_list;
  GtkWidget      *add_inspector_button;
  GSignalGroup     *store_signals;
};

G_DEFINE_FINAL_TYPE (AjSummaryPage, aj_summary_page, ADW_TYPE_BIN)

static GtkWidget *
create_hazard_row (gpointer item,
                   gpointer user_data)
{
  g_autofree char *today = aj_today_iso ();
  GtkWidget *content = g_object_new (AJ_TYPE_HAZARD_ROW, "today", today, "item", item, NULL);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), content);
  return row;
}

static void
set_count (AdwActionRow *row,
           guint         count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);
  adw_action_row_set_subtitle (row, text);
}

/* The inspectors named on the inspection, each with the certificate the
 * documents will print; a colleague may join a field inspection still open. */
static void
fill_team (AjSummaryPage *self,
           AjSession     *session,
           AjInspection  *inspection)
{
  AjStore *store = aj_session_get_store (session);
  g_autoptr(GPtrArray) members = aj_team_list_members (store, self->inspection_id);
  gboolean self_inspection = g_strcmp0 (aj_inspection_get_mode (inspection), "self") == 0;
  AjUser *user = aj_session_get_user (session);
  GtkWidget *child;
  gboolean may_add;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->team_list))) != NULL)
    gtk_list_box_remove (self->team_list, child);
  for (guint i = 0; i < members->len; i++)
    {
      const char *id = g_ptr_array_index (members, i);
      g_autoptr(AjUser) member = aj_registry_get_user (store, id);
      g_autoptr(AjInspector) inspector = aj_roster_get_inspector (store, id);
      const char *certificate = inspector ? aj_inspector_get_certificate (inspector) : NULL;
      g_autofree char *subtitle = certificate && *certificate
                                  ? g_strdup_printf (_("Enforcement certificate %s"), certificate)
                                  : g_strdup (_("No enforcement certificate on the roster"));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), member ? aj_user_get_name (member) : id);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->team_list, row);
    }
  may_add = !aj_inspection_is_finished (inspection) && aj_team_is_field (store, inspection) &&
            user != NULL && g_strcmp0 (aj_user_get_role (user), "inspector") == 0 &&
            g_ptr_array_find_with_equal_func (members, aj_user_get_id (user), g_str_equal, NULL);
  /* With two named, offered only while a colleague remains; with fewer, the
   * sheet says why none can be (synchronise first). */
  if (may_add && members->len >= 2)
    {
      g_autoptr(GListModel) colleagues = aj_team_list_colleagues (store, self->inspection_id, aj_user_get_id (user));
      may_add = g_list_model_get_n_items (colleagues) > 0;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->team_group), !self_inspection);
  gtk_widget_set_visible (self->add_inspector_button, may_add);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "summary.add-inspector", may_add);
}

void
aj_summary_page_reload (AjSummaryPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, self->inspection_id);
  g_autoptr(GHashTable) results = NULL;
  g_autoptr(GListModel) all_hazards = NULL;
  g_autoptr(GListStore) hazards = g_list_store_new (AJ_TYPE_HAZARD);
  AjChecklist *checklist;
  guint n_pass = 0, n_hazard = 0, n_na = 0, n_items, missing_photos = 0;
  g_autofree char *answered = NULL;
  g_autofree char *missing_text = NULL;

  if (inspection == NULL)
    return;
  checklist = aj_session_find_checklist_of (session, inspection);
  if (checklist == NULL)
    return;

  adw_window_title_set_subtitle (self->title, aj_inspection_get_institution_name (inspection));
  results = aj_inspection_get_results (store, self->inspection_id);
  n_items = aj_checklist_get_n_items (checklist);
  g_clear_pointer (&self->first_unanswered, g_free);
  self->n_unanswered = 0;
  for (guint i = 0; i < n_items; i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (checklist, i);
      AjItemResult *r = g_hash_table_lookup (results, item->code);
      if (r == NULL)
        {
          if (self->first_unanswered == NULL)
            self->first_unanswered = g_strdup (item->code);
          self->n_unanswered++;
        }
      else if (g_str_equal (r->result, "pass"))
        n_pass++;
      else if (g_str_equal (r->result, "hazard"))
        {
          g_autoptr(GPtrArray) photos = aj_inspection_get_photos (store, self->inspection_id, item->code);
          n_hazard++;
          if (item->photo_required && photos->len == 0)
            missing_photos++;
        }
      else
        n_na++;
    }

  answered = g_strdup_printf (_("%u of %u"), n_items - self->n_unanswered, n_items);
  adw_action_row_set_subtitle (self->answered_row, answered);
  set_count (self->pass_row, n_pass);
  set_count (self->hazard_row, n_hazard);
  set_count (self->na_row, n_na);
  set_count (self->unanswered_row, self->n_unanswered);
  gtk_widget_set_visible (GTK_WIDGET (self->unanswered_row), self->n_unanswered > 0 &&
                          !aj_inspection_is_finished (inspection));

  /* Withdrawn hazards are history, not findings. */
  all_hazards = aj_hazard_list (store, self->inspection_id, NULL);
  for (guint i = 0; all_hazards && i < g_list_model_get_n_items (all_hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (all_hazards, i);
      if (g_strcmp0 (aj_hazard_get_status (h), "withdrawn") != 0)
        g_list_store_append (hazards, h);
    }
  g_set_object (&self->hazards, G_LIST_MODEL (hazards));
  gtk_list_box_bind_model (self->hazard_list, self->hazards, create_hazard_row, self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hazard_group), g_list_model_get_n_items (self->hazards) > 0);

  missing_text = g_strdup_printf (ngettext ("%u hazard still needs a photo as evidence.",
                                            "%u hazards still need a photo as evidence.", missing_photos),
                                  missing_photos);
  gtk_label_set_label (self->missing_photo_label, missing_text);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_photo_label),
                          missing_photos > 0 && !aj_inspection_is_finished (inspection));

  fill_team (self, session, inspection);
  aj_signature_rows_fill (self->signature_list, store, self->inspection_id,
                          aj_session_get_blob_dir (session));
  gtk_widget_set_visible (GTK_WIDGET (self->finish_button), !aj_inspection_is_finished (inspection));
  gtk_widget_set_visible (GTK_WIDGET (self->finished_row), aj_inspection_is_finished (inspection));
  if (aj_inspection_is_finished (inspection))
    {
      g_autofree char *when = aj_iso8601_to_display (aj_inspection_get_finished_at (inspection), TRUE);
      adw_action_row_set_subtitle (self->finished_row, when);
    }
}

void
aj_summary_page_load (AjSummaryPage *self,
                      const char    *inspection_id)
{
  g_free (self->inspection_id);
  self->inspection_id = g_strdup (inspection_id);
  aj_summary_page_reload (self);
}

static void
on_hazard_activated (GtkListBox    *box,
                     GtkListBoxRow *row,
                     AjSummaryPage *self)
{
  AjHazardRow *content = AJ_HAZARD_ROW (gtk_list_box_row_get_child (row));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard", "s",
                              aj_hazard_get_id (aj_hazard_row_get_item (content)));
}

static void
on_unanswered_activated (AjSummaryPage *self)
{
  if (self->first_unanswered != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-item", "(ss)", self->inspection_id,
                                self->first_unanswered);
}

static void
finish (AjSummaryPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;

  if (!aj_inspection_finish (aj_session_get_store (session), aj_session_get_user_id (session),
                             self->inspection_id, &error))
    {
      aj_page_report_error (GTK_WIDGET (self), _("The inspection was not finished"), error);
      return;
    }
  aj_page_toast (GTK_WIDGET (self), _("Inspection finished and saved"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.home", NULL);
}

static void
finish_response (AdwMessageDialog *dialog,
                 const char       *response,
                 AjSummaryPage    *self)
{
  if (g_str_equal (response, "finish"))
    finish (self);
  g_object_unref (self);
}

static void
on_finish_clicked (AjSummaryPage *self)
{
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  if (self->n_unanswered > 0)
    body = g_strdup_printf (ngettext ("%u item is not answered. After finishing, the answers can no longer be changed.",
                                      "%u items are not answered. After finishing, the answers can no longer be changed.",
                                      self->n_unanswered), self->n_unanswered);
  else
    body = g_strdup (_("After finishing, the answers can no longer be changed."));

  dialog = adw_message_dialog_new (aj_page_get_window (GTK_WIDGET (self)), _("Finish the inspection?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Not yet"),
                                    "finish", _("_Finish"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "finish", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "finish");
  g_signal_connect (dialog, "response", G_CALLBACK (finish_response), g_object_ref (self));
  /* Its buttons named once, not with their mnemonics ("完成(_F) 完成(F)"). */
  aj_a11y_fix_tree (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Written in a thread (photos scaled, pages laid out); a toast says when. */
void
aj_summary_page_write_report (AjSummaryPage *self,
                              AjReportKind   kind,
                              const char    *path)
{
  aj_page_write_document (GTK_WIDGET (self), kind, self->inspection_id, path);
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AjReportKind kind = AJ_REPORT_INSPECTION;

  aj_report_kind_from_name (g_variant_get_string (parameter, NULL), &kind);
  aj_page_save_document (widget, kind, AJ_SUMMARY_PAGE (widget)->inspection_id);
}

static void
sign_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AjSummaryPage *self = AJ_SUMMARY_PAGE (widget);
  AjSession *session = aj_page_get_session (widget);
  AjStore *store = aj_session_get_store (session);
  const char *role = g_variant_get_string (parameter, NULL);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, self->inspection_id);
  g_autoptr(AjInstitution) institution = inspection ? aj_registry_get_institution (store, aj_inspection_get_institution (inspection)) : NULL;
  AjUser *user = aj_session_get_user (session);
  g_autofree char *what = NULL;

  if (inspection == NULL)
    return;
  what = g_strdup_printf (_("Inspection of %s on %s"), aj_inspection_get_institution_name (inspection),
                          aj_inspection_get_started_at (inspection));
  gtk_widget_activate_action (widget, "win.show-signature", "(ssss)", self->inspection_id, role,
                              g_str_equal (role, "inspector") ? (user ? aj_user_get_name (user) : "")
                                                              : (institution ? aj_institution_get_head (institution) : ""),
                              what);
}

static void
labels_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AjSummaryPage *self = AJ_SUMMARY_PAGE (widget);
  AjSession *session = aj_page_get_session (widget);
  g_autofree char *server = aj_session_dup_server_url (session);
  g_autoptr(GPtrArray) labels = aj_labels_for_hazards (aj_session_get_store (session), server, self->inspection_id, NULL);
  g_autofree char *name = g_strdup_printf ("%s-%s.pdf", _("tags"), self->inspection_id);

  if (labels->len == 0)
    {
      aj_page_toast (GTK_WIDGET (self), _("No open hazard to print a tag for"));
      return;
    }
  aj_label_output_save (aj_page_get_window (GTK_WIDGET (self)), labels, name);
}

static void
add_inspector_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AjTeamSheet *sheet = aj_team_sheet_new_for_inspection (aj_page_get_session (widget),
                                                         AJ_SUMMARY_PAGE (widget)->inspection_id);

  aj_team_sheet_present (sheet, widget);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  /* Finishing without the dialog, for keyboard users who confirmed already. */
  finish (AJ_SUMMARY_PAGE (widget));
}

static void
aj_summary_page_dispose (GObject *object)
{
  AjSummaryPage *self = AJ_SUMMARY_PAGE (object);

  g_clear_object (&self->store_signals);
  g_clear_pointer (&self->inspection_id, g_free);
  g_clear_pointer (&self->first_unanswered, g_free);
  g_clear_object (&self->hazards);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_SUMMARY_PAGE);
  G_OBJECT_CLASS (aj_summary_page_parent_class)->dispose (object);
}

static void
aj_summary_page_class_init (AjSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_summary_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, title);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, answered_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, pass_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, hazard_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, na_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, unanswered_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, hazard_group);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, hazard_list);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, finish_button);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, finished_row);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, missing_photo_label);
  gtk_widget_class_bind_template_callback (widget_class, on_hazard_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_unanswered_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_finish_clicked);

  gtk_widget_class_install_action (widget_class, "summary.finish-now", NULL, finish_action);
  gtk_widget_class_install_action (widget_class, "summary.report", "s", report_action);
  gtk_widget_class_install_action (widget_class, "summary.sign", "s", sign_action);
  gtk_widget_class_install_action (widget_class, "summary.labels", NULL, labels_action);
  gtk_widget_class_install_action (widget_class, "summary.add-inspector", NULL, add_inspector_action);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, team_group);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, team_list);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, add_inspector_button);
  gtk_widget_class_bind_template_child (widget_class, AjSummaryPage, signature_list);
}

static void
aj_summary_page_init (AjSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Shown, the page follows what is recorded, here or by a sync. */
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_summary_page_reload));
}
