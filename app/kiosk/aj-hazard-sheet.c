/* aj-hazard-sheet.c: description, location, risk level, general or major,
 * suggested rectification, deadline and responsible person. What is typed is
 * kept as a draft in local state until saved, so a crash loses nothing. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard.h"
#include "aj-hazard-sheet.h"
#include "aj-inspection.h"
#include "aj-util.h"
#include "aj-page.h"

#define DRAFT_KEY "draft.hazard"

struct _AjHazardSheet
{
  AdwBin           parent_instance;

  char            *inspection_id;
  char            *item_code;
  char            *category;
  char            *hazard_id;
  char            *deadline;
  char            *criterion;
  gboolean         needs_determination;
  gboolean         loading;

  AdwWindowTitle  *title;
  GtkLabel        *question_label;
  GtkLabel        *criterion_label;
  AdwPreferencesGroup *determination_group;
  AdwEntryRow     *determination_body_row;
  AdwEntryRow     *determination_document_row;
  GtkLabel        *pending_hint;
  GtkTextView     *description_view;
  AdwEntryRow     *location_row;
  GtkToggleButton *red_button;
  GtkToggleButton *orange_button;
  GtkToggleButton *yellow_button;
  GtkToggleButton *blue_button;
  GtkCheckButton  *general_check;
  GtkCheckButton  *major_check;
  GtkLabel        *major_hint;
  GtkTextView     *suggestion_view;
  AdwActionRow    *deadline_row;
  GtkMenuButton   *deadline_button;
  GtkCalendar     *calendar;
  AdwEntryRow     *responsible_row;
  GtkLabel        *error_label;
};

G_DEFINE_FINAL_TYPE (AjHazardSheet, aj_hazard_sheet, ADW_TYPE_BIN)

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static const char *
chosen_level (AjHazardSheet *self)
{
  if (gtk_toggle_button_get_active (self->red_button))
    return "red";
  if (gtk_toggle_button_get_active (self->orange_button))
    return "orange";
  if (gtk_toggle_button_get_active (self->yellow_button))
    return "yellow";
  if (gtk_toggle_button_get_active (self->blue_button))
    return "blue";
  return NULL;
}

static void
set_level (AjHazardSheet *self,
           const char    *level)
{
  gtk_toggle_button_set_active (self->red_button, g_strcmp0 (level, "red") == 0);
  gtk_toggle_button_set_active (self->orange_button, g_strcmp0 (level, "orange") == 0);
  gtk_toggle_button_set_active (self->yellow_button, g_strcmp0 (level, "yellow") == 0);
  gtk_toggle_button_set_active (self->blue_button, g_strcmp0 (level, "blue") == 0);
}

static void
set_deadline (AjHazardSheet *self,
              const char    *date)
{
  g_autofree char *label = NULL;

  g_free (self->deadline);
  self->deadline = g_strdup (date);
  gtk_menu_button_set_label (self->deadline_button, date && *date ? date : _("Choose"));
}

static JsonObject *
collect (AjHazardSheet *self)
{
  JsonObject *o = json_object_new ();
  g_autofree char *description = text_of (self->description_view);
  g_autofree char *suggestion = text_of (self->suggestion_view);
  const char *level = chosen_level (self);

  json_object_set_string_member (o, "inspection", self->inspection_id);
  json_object_set_string_member (o, "item", self->item_code);
  json_object_set_string_member (o, "description", description);
  json_object_set_string_member (o, "location", gtk_editable_get_text (GTK_EDITABLE (self->location_row)));
  if (level)
    json_object_set_string_member (o, "risk_level", level);
  json_object_set_string_member (o, "grade", gtk_check_button_get_active (self->major_check) ? "major" : "general");
  json_object_set_string_member (o, "suggestion", suggestion);
  json_object_set_string_member (o, "deadline", self->deadline ? self->deadline : "");
  json_object_set_string_member (o, "responsible", gtk_editable_get_text (GTK_EDITABLE (self->responsible_row)));
  json_object_set_string_member (o, "determination_body", gtk_editable_get_text (GTK_EDITABLE (self->determination_body_row)));
  json_object_set_string_member (o, "determination_document",
                                 gtk_editable_get_text (GTK_EDITABLE (self->determination_document_row)));
  return o;
}

static void
save_draft (AjHazardSheet *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (self->loading || session == NULL || self->item_code == NULL)
    return;
  o = collect (self);
  if (self->hazard_id)
    json_object_set_string_member (o, "hazard", self->hazard_id);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, o);
  text = aj_json_to_string (node);
  aj_store_set_local (aj_session_get_store (session), DRAFT_KEY, text, NULL);
}

static void
on_changed (AjHazardSheet *self)
{
  gtk_label_set_label (self->error_label, "");
  save_draft (self);
}

/* The hints follow the pure rule the core applies when saving: a major
 * grade needs both the determining body and its document. */
static void
update_hints (AjHazardSheet *self)
{
  gboolean pending = FALSE;
  const char *grade = aj_grade_with_determination (gtk_check_button_get_active (self->major_check) ? "major" : "general",
                                                   self->needs_determination,
                                                   gtk_editable_get_text (GTK_EDITABLE (self->determination_body_row)),
                                                   gtk_editable_get_text (GTK_EDITABLE (self->determination_document_row)),
                                                   &pending);

  gtk_widget_set_visible (GTK_WIDGET (self->major_hint), g_str_equal (grade, "major"));
  gtk_widget_set_visible (GTK_WIDGET (self->pending_hint), pending);
}

static void
on_grade_toggled (AjHazardSheet *self)
{
  update_hints (self);
  save_draft (self);
}

static void
on_determination_changed (AjHazardSheet *self)
{
  update_hints (self);
  on_changed (self);
}

static void
on_day_selected (AjHazardSheet *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  if (self->loading)
    return;
  set_deadline (self, text);
  gtk_menu_button_popdown (self->deadline_button);
  save_draft (self);
}

static void
quick_deadline (AjHazardSheet *self,
                int            days)
{
  g_autofree char *today = aj_today_iso ();
  g_autofree char *date = aj_date_add_days (today, days);

  set_deadline (self, date);
  save_draft (self);
}

static void on_today (AjHazardSheet *self) { quick_deadline (self, 0); }
static void on_week (AjHazardSheet *self) { quick_deadline (self, 7); }
static void on_month (AjHazardSheet *self) { quick_deadline (self, 30); }

static void
clear_draft (AjHazardSheet *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  aj_store_set_local (aj_session_get_store (session), DRAFT_KEY, NULL, NULL);
}

static void
on_cancel (AjHazardSheet *self)
{
  clear_draft (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

static void
on_save (AjHazardSheet *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(JsonObject) o = collect (self);
  g_autoptr(GError) error = NULL;
  AjHazardDraft draft = {
    .inspection_id = self->inspection_id,
    .item_code = self->item_code,
    .category = self->category,
    .description = aj_json_get_string (o, "description"),
    .location = aj_json_get_string (o, "location"),
    .risk_level = aj_json_get_string (o, "risk_level"),
    .grade = aj_json_get_string (o, "grade"),
    .suggestion = aj_json_get_string (o, "suggestion"),
    .deadline = aj_json_get_string (o, "deadline"),
    .responsible = aj_json_get_string (o, "responsible"),
    .criterion = self->criterion,
    .needs_determination = self->needs_determination,
    .determination_body = aj_json_get_string (o, "determination_body"),
    .determination_document = aj_json_get_string (o, "determination_document"),
  };
  g_autofree char *id = aj_hazard_save_sheet (aj_session_get_store (session), aj_session_get_user_id (session),
                                              self->hazard_id, &draft, &error);

  if (id == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      aj_page_toast (GTK_WIDGET (self), error->message);
      return;
    }
  clear_draft (self);
  aj_page_toast (GTK_WIDGET (self), self->hazard_id ? _("Hazard updated") : _("Hazard recorded"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

void
aj_hazard_sheet_load (AjHazardSheet *self,
                      const char    *inspection_id,
                      const char    *item_code,
                      const char    *hazard_id)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, inspection_id);
  g_autoptr(AjInstitution) institution = NULL;
  g_autoptr(AjHazard) hazard = hazard_id ? aj_hazard_load (store, hazard_id) : NULL;
  g_autofree char *draft_text = aj_store_get_local (store, DRAFT_KEY);
  g_autoptr(JsonObject) draft = draft_text ? aj_json_parse_object (draft_text, NULL) : NULL;
  AjChecklist *checklist = NULL;
  const AjChecklistItem *item = NULL;
  g_autofree char *subtitle = NULL;

  self->loading = TRUE;
  g_free (self->inspection_id);
  self->inspection_id = g_strdup (inspection_id);
  g_free (self->item_code);
  self->item_code = g_strdup (item_code);
  g_free (self->hazard_id);
  self->hazard_id = g_strdup (hazard_id);

  if (inspection != NULL)
    {
      checklist = aj_session_find_checklist_of (session, inspection);
      institution = aj_registry_get_institution (store, aj_inspection_get_institution (inspection));
    }
  if (checklist != NULL)
    item = aj_checklist_find_item (checklist, item_code, NULL);
  g_free (self->category);
  self->category = g_strdup (item ? item->category : "");

  gtk_label_set_label (self->question_label, item ? aj_checklist_item_get_question (item) : "");
  g_free (self->criterion);
  self->criterion = g_strdup (item ? item->criterion : NULL);
  self->needs_determination = item != NULL && item->needs_determination;
  if (self->criterion != NULL)
    {
      g_autofree char *text = self->needs_determination
        ? g_strdup_printf (_("Criterion %s. A major hazard under it is determined by an authority or a qualified third party, not on the inspector's word."),
                           self->criterion)
        : g_strdup_printf (_("Criterion %s"), self->criterion);
      gtk_label_set_label (self->criterion_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->criterion_label), self->criterion != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->determination_group), self->needs_determination);
  subtitle = g_strdup_printf ("%s · %s", item_code, inspection ? aj_inspection_get_institution_name (inspection) : "");
  adw_window_title_set_subtitle (self->title, subtitle);
  adw_window_title_set_title (self->title, hazard ? aj_hazard_get_number (hazard) : _("New hazard"));

  /* A draft for this same item (and hazard) wins: it is what was being typed. */
  if (draft != NULL &&
      (g_strcmp0 (aj_json_get_string (draft, "inspection"), inspection_id) != 0 ||
       g_strcmp0 (aj_json_get_string (draft, "item"), item_code) != 0 ||
       g_strcmp0 (aj_json_get_string (draft, "hazard"), hazard_id) != 0))
    g_clear_pointer (&draft, json_object_unref);

  if (draft != NULL)
    {
      const char *level = aj_json_get_string (draft, "risk_level");
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                                aj_json_get_string (draft, "description") ?: "", -1);
      gtk_editable_set_text (GTK_EDITABLE (self->location_row), aj_json_get_string (draft, "location") ?: "");
      set_level (self, level);
      gtk_check_button_set_active (g_strcmp0 (aj_json_get_string (draft, "grade"), "major") == 0 ?
                                   self->major_check : self->general_check, TRUE);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->suggestion_view),
                                aj_json_get_string (draft, "suggestion") ?: "", -1);
      set_deadline (self, aj_json_get_string (draft, "deadline"));
      gtk_editable_set_text (GTK_EDITABLE (self->responsible_row), aj_json_get_string (draft, "responsible") ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->determination_body_row), aj_json_get_string (draft, "determination_body") ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->determination_document_row),
                             aj_json_get_string (draft, "determination_document") ?: "");
    }
  else if (hazard != NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view),
                                aj_hazard_get_description (hazard), -1);
      gtk_editable_set_text (GTK_EDITABLE (self->location_row), aj_hazard_get_location (hazard));
      set_level (self, aj_hazard_get_risk_level (hazard));
      /* A suspected major hazard pending determination shows as major, so
       * that adding the determination later keeps it. */
      gtk_check_button_set_active (aj_hazard_is_major (hazard) || aj_hazard_is_pending_determination (hazard) ?
                                   self->major_check : self->general_check, TRUE);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->suggestion_view),
                                aj_hazard_get_suggestion (hazard), -1);
      set_deadline (self, aj_hazard_get_deadline (hazard));
      gtk_editable_set_text (GTK_EDITABLE (self->responsible_row), aj_hazard_get_responsible (hazard));
      gtk_editable_set_text (GTK_EDITABLE (self->determination_body_row), aj_hazard_get_determination_body (hazard) ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->determination_document_row),
                             aj_hazard_get_determination_document (hazard) ?: "");
    }
  else
    {
      /* A new hazard: general or major as the checklist says; a short
       * deadline for a general hazard, a month for a major one's plan. */
      gboolean major = item && item->major_if_no;
      g_autofree char *today = aj_today_iso ();
      g_autofree char *deadline = aj_date_add_days (today, major ? 30 : 7);

      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->description_view), "", -1);
      gtk_editable_set_text (GTK_EDITABLE (self->location_row), "");
      set_level (self, NULL);
      gtk_check_button_set_active (major ? self->major_check : self->general_check, TRUE);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->suggestion_view), "", -1);
      set_deadline (self, deadline);
      gtk_editable_set_text (GTK_EDITABLE (self->responsible_row),
                             institution ? aj_institution_get_head (institution) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->determination_body_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->determination_document_row), "");
    }
  update_hints (self);
  gtk_label_set_label (self->error_label, "");
  self->loading = FALSE;
  save_draft (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->description_view));
}

static void
aj_hazard_sheet_dispose (GObject *object)
{
  AjHazardSheet *self = AJ_HAZARD_SHEET (object);

  g_clear_pointer (&self->inspection_id, g_free);
  g_clear_pointer (&self->item_code, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->hazard_id, g_free);
  g_clear_pointer (&self->deadline, g_free);
  g_clear_pointer (&self->criterion, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_HAZARD_SHEET);
  G_OBJECT_CLASS (aj_hazard_sheet_parent_class)->dispose (object);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  on_save (AJ_HAZARD_SHEET (widget));
}

static void
aj_hazard_sheet_class_init (AjHazardSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_hazard_sheet_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-hazard-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, title);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, question_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, description_view);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, location_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, red_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, orange_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, yellow_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, blue_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, general_check);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, major_check);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, major_hint);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, criterion_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, determination_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, determination_body_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, determination_document_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, pending_hint);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, suggestion_view);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, deadline_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, calendar);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, responsible_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardSheet, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_grade_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_determination_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_today);
  gtk_widget_class_bind_template_callback (widget_class, on_week);
  gtk_widget_class_bind_template_callback (widget_class, on_month);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_save);

  gtk_widget_class_install_action (widget_class, "sheet.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "sheet.save", NULL);
}

static void
aj_hazard_sheet_init (AjHazardSheet *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->suggestion_view), "changed",
                            G_CALLBACK (on_changed), self);
}
