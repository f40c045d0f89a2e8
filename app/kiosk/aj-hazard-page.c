/* aj-hazard-page.c: the hazard's details, its QR tag (the id is in the tag, so
 * a scan opens it even offline) and its timeline from the event log. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard.h"
#include "aj-hazard-page.h"
#include "aj-inspection.h"
#include "aj-hazard-steps.h"
#include "aj-codec.h"
#include "aj-photo-strip.h"
#include "aj-qr.h"
#include "aj-label-output.h"
#include "aj-signature-rows.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjHazardPage
{
  AdwBin          parent_instance;

  char           *payload;
  char           *hazard_id;
  char           *before;
  GtkWidget      *print_button;
  GtkWidget      *pdf_button;
  char           *after;

  AdwWindowTitle *title;
  GtkLabel       *number_label;
  GtkLabel       *level_label;
  GtkLabel       *status_label;
  GtkLabel       *grade_label;
  GtkLabel       *pending_label;
  AdwActionRow   *criterion_row;
  GtkLabel       *overdue_label;
  GtkLabel       *description_label;
  AdwActionRow   *institution_row;
  AdwActionRow   *item_row;
  AdwActionRow   *location_row;
  AdwActionRow   *found_row;
  AdwActionRow   *suggestion_row;
  AdwActionRow   *deadline_row;
  AdwActionRow   *responsible_row;
  GtkPicture     *qr_picture;
  GtkLabel       *qr_label;
  AdwPreferencesGroup *photo_group;
  GtkFlowBox     *photo_box;
  GtkListBox     *timeline_list;
  AdwPreferencesGroup *steps_group;
  AdwPreferencesGroup *documents_group;
  AdwActionRow   *opinion_row;
  AdwActionRow   *letter_row;
  char           *inspection_id;
  GtkFlowBox     *steps_box;
  AdwActionRow   *conflict_row;
  GtkWidget      *conflict_group;
  GtkWidget      *signature_group;
  GtkListBox     *signature_list;
  AdwActionRow   *measures_row;
  AdwActionRow   *five_row;
  AdwActionRow   *rectified_row;
  AdwActionRow   *verification_row;
  GtkLabel       *escalation_label;
  AdwActionRow   *deadlines_row;
  AdwActionRow   *extension_row;
  AdwActionRow   *escalation_row;
  AdwActionRow   *referral_row;
  GtkWidget      *pair_button;
  GSignalGroup     *store_signals;
};

G_DEFINE_FINAL_TYPE (AjHazardPage, aj_hazard_page, ADW_TYPE_BIN)

const char *
aj_hazard_page_get_qr_payload (AjHazardPage *self)
{
  return self->payload;
}

static char *
describe_event (AjStore *store,
                AjEvent *ev)
{
  g_autoptr(JsonObject) body = aj_json_parse_object (ev->body, NULL);

  if (g_str_equal (ev->type, "hazard.found"))
    return g_strdup (_("Hazard recorded"));
  if (g_str_equal (ev->type, "hazard.updated"))
    {
      g_autoptr(GString) fields = g_string_new (NULL);
      static const struct { const char *member; const char *label; } names[] = {
        { "description", N_("description") }, { "location", N_("location") },
        { "risk_level", N_("risk level") }, { "grade", N_("grade") },
        { "suggestion", N_("suggested rectification") }, { "deadline", N_("deadline") },
        { "responsible", N_("responsible person") },
      };
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (body && json_object_has_member (body, names[i].member))
          {
            if (fields->len)
              g_string_append (fields, _(", "));
            g_string_append (fields, _(names[i].label));
          }
      return g_strdup_printf (_("Changed: %s"), fields->str);
    }
  if (g_str_equal (ev->type, "hazard.withdrawn"))
    return g_strdup_printf (_("Withdrawn: %s"), aj_json_get_string (body, "reason") ?: "");
  if (g_str_equal (ev->type, "hazard.rectification_ordered"))
    return g_strdup_printf (_("Rectification ordered by %s: %s"), aj_json_get_string (body, "deadline") ?: "",
                            aj_json_get_string (body, "measures") ?: "");
  if (g_str_equal (ev->type, "hazard.rectified"))
    return g_strdup_printf (_("Rectified: %s"), aj_json_get_string (body, "note") ?: "");
  if (g_str_equal (ev->type, "hazard.verified"))
    return aj_json_get_bool (body, "accepted", FALSE)
           ? g_strdup_printf (_("Verified, accepted: %s"), aj_json_get_string (body, "opinion") ?: "")
           : g_strdup_printf (_("Verified, rejected: %s"), aj_json_get_string (body, "opinion") ?: "");
  if (g_str_equal (ev->type, "hazard.closed"))
    return g_strdup (_("Closed (struck off the ledger)"));
  if (g_str_equal (ev->type, "hazard.reopened"))
    return g_strdup_printf (_("Reopened: %s"), aj_json_get_string (body, "reason") ?: "");
  if (g_str_equal (ev->type, "hazard.extension_requested"))
    return g_strdup_printf (_("Extension requested to %s: %s"), aj_json_get_string (body, "deadline") ?: "",
                            aj_json_get_string (body, "reason") ?: "");
  if (g_str_equal (ev->type, "hazard.extension_decided"))
    return aj_json_get_bool (body, "approved", FALSE)
           ? g_strdup_printf (_("Extension approved to %s: %s"), aj_json_get_string (body, "deadline") ?: "",
                              aj_json_get_string (body, "opinion") ?: "")
           : g_strdup_printf (_("Extension refused: %s"), aj_json_get_string (body, "opinion") ?: "");
  if (g_str_equal (ev->type, "hazard.escalated"))
    return g_strdup_printf (_("Escalated: %s (%s) %s"),
                            aj_escalation_level_label (aj_json_get_string (body, "level")),
                            aj_escalation_reason_label (aj_json_get_string (body, "reason")),
                            aj_json_get_string (body, "note") ?: "");
  if (g_str_equal (ev->type, "hazard.referred"))
    {
      /* The letter's number, once it has one, wherever it was given. */
      g_autofree char *letter = aj_report_referral_letter_number (store, ev->subject);
      g_autofree char *text = g_strdup_printf (_("Referred to %s (%s): %s"), aj_json_get_string (body, "to") ?: "",
                                               aj_referral_kind_label (aj_json_get_string (body, "kind")),
                                               aj_json_get_string (body, "reason") ?: "");
      if (letter == NULL)
        return g_steal_pointer (&text);
      return g_strdup_printf (_("%s · letter %s"), text, letter);
    }
  if (g_str_equal (ev->type, "document.numbered"))
    return g_strcmp0 (aj_json_get_string (body, "kind"), "referral") == 0
           ? g_strdup_printf (_("Referral letter numbered %s"), aj_json_get_string (body, "number") ?: "")
           : g_strdup_printf (_("Document numbered %s"), aj_json_get_string (body, "number") ?: "");
  return g_strdup (ev->type);
}

/* The steps the signed-in person may take now; none for the others. */
static void
fill_steps (AjHazardPage *self,
            AjStore      *store,
            AjUser       *user)
{
  static const AjHazardStep steps[] = {
    AJ_STEP_ORDER, AJ_STEP_RECTIFY, AJ_STEP_VERIFY, AJ_STEP_CLOSE, AJ_STEP_REOPEN,
    AJ_STEP_DECIDE_EXTENSION, AJ_STEP_REQUEST_EXTENSION, AJ_STEP_ESCALATE, AJ_STEP_REFER,
  };
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box))) != NULL)
    gtk_flow_box_remove (self->steps_box, child);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      GtkWidget *button;
      g_autofree char *name = NULL;

      if (!aj_hazard_can_step (store, user, self->hazard_id, steps[i], NULL))
        continue;
      button = gtk_button_new_with_label (aj_step_label (steps[i]));
      name = g_strdup_printf ("step-%u", steps[i]);
      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, shown == 0 ? "suggested-action" : "touch");
      gtk_widget_add_css_class (button, "touch");
      /* The button names its step; the window action does the rest. */
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-step");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(si)", self->hazard_id, (int) steps[i]);
      gtk_flow_box_append (self->steps_box, button);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->steps_group), shown > 0);
}

static void
sign_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AjHazardPage *self = AJ_HAZARD_PAGE (widget);
  AjSession *session = aj_page_get_session (widget);
  AjStore *store = aj_session_get_store (session);
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, self->hazard_id);
  AjUser *user = aj_session_get_user (session);
  const char *role = g_variant_get_string (parameter, NULL);
  g_autoptr(AjInstitution) institution = NULL;
  g_autofree char *what = NULL;

  if (hazard == NULL)
    return;
  institution = aj_registry_get_institution (store, aj_hazard_get_institution (hazard));
  what = g_strdup_printf (_("Verification of hazard %s"), aj_hazard_get_number (hazard));
  gtk_widget_activate_action (widget, "win.show-signature", "(ssss)", self->hazard_id, role,
                              g_str_equal (role, "inspector") ? (user ? aj_user_get_name (user) : "")
                                                              : (institution ? aj_institution_get_head (institution) : ""),
                              what);
}

static GPtrArray *
hazard_labels (AjHazardPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autofree char *server = aj_session_dup_server_url (session);
  return aj_labels_for_hazards (aj_session_get_store (session), server, NULL, self->hazard_id);
}

static void
print_tag_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_autoptr(GPtrArray) labels = hazard_labels (AJ_HAZARD_PAGE (widget));
  aj_label_output_print (aj_page_get_window (widget), labels);
}

static void
print_tag_to_file_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  g_autoptr(GPtrArray) labels = hazard_labels (AJ_HAZARD_PAGE (widget));
  aj_label_output_print_to_file (aj_page_get_window (widget), labels,
                                 g_variant_get_string (parameter, NULL));
}

static void
save_tag_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AjHazardPage *self = AJ_HAZARD_PAGE (widget);
  g_autoptr(GPtrArray) labels = hazard_labels (self);
  const char *path = g_variant_get_string (parameter, NULL);
  g_autofree char *name = NULL;

  if (*path != '\0')
    {
      aj_label_output_write (aj_page_get_window (widget), labels, path);
      return;
    }
  name = g_strdup_printf ("%s.pdf", labels->len ? ((AjLabel *) g_ptr_array_index (labels, 0))->title : "label");
  aj_label_output_save (aj_page_get_window (widget), labels, name);
}

static void
document_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AjHazardPage *self = AJ_HAZARD_PAGE (widget);
  AjReportKind kind;

  if (!aj_report_kind_from_name (g_variant_get_string (parameter, NULL), &kind) || self->hazard_id == NULL)
    return;
  aj_page_save_document (widget, kind, kind == AJ_REPORT_REFERRAL ? self->hazard_id : self->inspection_id);
}

static void
pair_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AjHazardPage *self = AJ_HAZARD_PAGE (widget);

  if (self->before && self->after)
    gtk_widget_activate_action (widget, "win.show-before-after", "(ss)", self->before, self->after);
}

static void
set_row (AdwActionRow *row,
         const char   *text)
{
  gtk_widget_set_visible (GTK_WIDGET (row), text != NULL && *text != '\0');
  adw_action_row_set_subtitle (row, text ? text : "");
}

/* A badge in the flow box: its GtkFlowBoxChild goes too, or it leaves a gap. */
static void
show_badge (GtkLabel *badge,
            gboolean  visible)
{
  GtkWidget *slot = gtk_widget_get_parent (GTK_WIDGET (badge));

  gtk_widget_set_visible (GTK_WIDGET (badge), visible);
  if (GTK_IS_FLOW_BOX_CHILD (slot))
    gtk_widget_set_visible (slot, visible);
}

static const char *
deadline_how_label (const char *how)
{
  if (g_strcmp0 (how, "found") == 0)
    return _("on the hazard sheet");
  if (g_strcmp0 (how, "updated") == 0)
    return _("changed on the sheet");
  if (g_strcmp0 (how, "ordered") == 0)
    return _("ordered");
  if (g_strcmp0 (how, "extended") == 0)
    return _("extension approved");
  return how;
}

/* The whole loop beside the status: the 督办 badge and row, every deadline
 * the hazard has had, an extension waiting for a decision, the referral. */
static void
fill_loop_rows (AjHazardPage *self,
                AjStore      *store,
                AjHazard     *hazard,
                const char   *today)
{
  const char *level = aj_hazard_get_escalation_level (hazard);
  const char *reason = NULL;
  const char *due = aj_hazard_escalation_due (hazard, today, aj_hazard_escalation_days (store, hazard), &reason);
  g_autoptr(GPtrArray) deadlines = aj_hazard_list_deadlines (store, aj_hazard_get_id (hazard));
  g_autoptr(GString) history = g_string_new (NULL);
  g_autofree char *escalation = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *referral = NULL;

  gtk_label_set_label (self->escalation_label, level ? aj_escalation_level_label (level) : "");
  show_badge (self->escalation_label, level != NULL);
  if (level != NULL && due != NULL)
    escalation = g_strdup_printf (_("%s (%s); the rule now asks for %s (%s)"), aj_escalation_level_label (level),
                                  aj_escalation_reason_label (aj_hazard_get_escalation_reason (hazard)),
                                  aj_escalation_level_label (due), aj_escalation_reason_label (reason));
  else if (level != NULL)
    /* TRANSLATORS: a name and what qualifies it, e.g. "County-level supervision (Major hazard)" */
    escalation = g_strdup_printf (C_("name (qualifier)", "%s (%s)"), aj_escalation_level_label (level),
                                  aj_escalation_reason_label (aj_hazard_get_escalation_reason (hazard)));
  else if (due != NULL)
    escalation = g_strdup_printf (_("Not yet listed; the rule asks for %s (%s)"), aj_escalation_level_label (due),
                                  aj_escalation_reason_label (reason));
  set_row (self->escalation_row, escalation);

  for (guint i = 0; i < deadlines->len; i++)
    {
      AjDeadlineChange *change = g_ptr_array_index (deadlines, i);
      g_autofree char *when = aj_iso8601_to_display (change->at, FALSE);
      if (history->len)
        g_string_append_c (history, '\n');
      g_string_append_printf (history, "%s · %s · %s", change->deadline, deadline_how_label (change->how), when);
    }
  /* One deadline is the deadline row; the history shows once it changed. */
  set_row (self->deadlines_row, deadlines->len > 1 ? history->str : NULL);

  if (aj_hazard_get_extension_pending (hazard))
    extension = g_strdup_printf (_("To %s, waiting for an inspector's decision"), aj_hazard_get_extension_deadline (hazard));
  set_row (self->extension_row, extension);

  if (aj_hazard_get_referred_to (hazard) != NULL)
    {
      g_autofree char *letter = aj_report_referral_letter_number (store, aj_hazard_get_id (hazard));
      g_autofree char *to = g_strdup_printf (C_("name (qualifier)", "%s (%s)"), aj_hazard_get_referred_to (hazard),
                                             aj_referral_kind_label (aj_hazard_get_referral_kind (hazard)));
      referral = letter ? g_strdup_printf (_("%s · letter %s"), to, letter) : g_steal_pointer (&to);
    }
  set_row (self->referral_row, referral);
}

void
aj_hazard_page_reload (AjHazardPage *self)
{
  g_autofree char *id = g_strdup (self->hazard_id);
  if (id != NULL)
    aj_hazard_page_load (self, id);
}

void
aj_hazard_page_load (AjHazardPage *self,
                     const char   *hazard_id)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, hazard_id);
  g_autoptr(AjInspection) inspection = NULL;
  g_autoptr(AjUser) finder = NULL;
  g_autoptr(GPtrArray) photos = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GdkPixbuf) qr = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *server = aj_session_dup_server_url (session);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *found = NULL;
  g_autofree char *found_at = NULL;
  g_autofree char *overdue = NULL;
  AjChecklist *checklist = NULL;
  const AjChecklistItem *item = NULL;
  const char *levels[] = { "red", "orange", "yellow", "blue" };
  GtkWidget *child;
  int days;

  if (hazard == NULL)
    return;
  if (self->hazard_id != hazard_id)
    {
      g_free (self->hazard_id);
      self->hazard_id = g_strdup (hazard_id);
    }

  adw_window_title_set_title (self->title, C_("page title", "Hazard"));
  adw_window_title_set_subtitle (self->title, aj_hazard_get_institution_name (hazard));
  gtk_label_set_label (self->number_label, aj_hazard_get_number (hazard));

  gtk_label_set_label (self->level_label, aj_risk_level_label (aj_hazard_get_risk_level (hazard)));
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *cls = g_strdup_printf ("risk-%s", levels[i]);
      if (g_str_equal (levels[i], aj_hazard_get_risk_level (hazard)))
        gtk_widget_add_css_class (GTK_WIDGET (self->level_label), cls);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->level_label), cls);
    }
  gtk_label_set_label (self->status_label, aj_hazard_status_label (aj_hazard_get_status (hazard)));
  gtk_label_set_label (self->grade_label, aj_grade_label (aj_hazard_get_grade (hazard)));
  if (aj_hazard_is_major (hazard))
    gtk_widget_add_css_class (GTK_WIDGET (self->grade_label), "badge-danger");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->grade_label), "badge-danger");
  days = aj_hazard_days_overdue (hazard, today);
  overdue = g_strdup_printf (ngettext ("%d day overdue", "%d days overdue", days), days);
  gtk_label_set_label (self->overdue_label, overdue);
  show_badge (self->overdue_label, days > 0);
  gtk_label_set_label (self->description_label, aj_hazard_get_description (hazard));

  {
    /* The ledger's institution, county and type columns, in one line. */
    const char *parts[] = { aj_hazard_get_institution_name (hazard), aj_hazard_get_county (hazard),
                            aj_institution_type_label (aj_hazard_get_institution_type (hazard)) };
    g_autoptr(GString) where = g_string_new (parts[0]);

    for (guint i = 1; i < G_N_ELEMENTS (parts); i++)
      if (parts[i] != NULL && *parts[i] != '\0')
        g_string_append_printf (where, " · %s", parts[i]);
    adw_action_row_set_subtitle (self->institution_row, where->str);
  }
  inspection = aj_inspection_load (store, aj_hazard_get_inspection_id (hazard));
  if (inspection != NULL)
    checklist = aj_session_find_checklist_of (session, inspection);
  if (checklist != NULL)
    item = aj_checklist_find_item (checklist, aj_hazard_get_item_code (hazard), NULL);
  adw_action_row_set_subtitle (self->item_row, item ? aj_checklist_item_get_question (item)
                                                    : aj_hazard_get_item_code (hazard));
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), aj_hazard_is_pending_determination (hazard));
  {
    const char *criterion = aj_hazard_get_criterion (hazard);
    const char *body = aj_hazard_get_determination_body (hazard);
    const char *document = aj_hazard_get_determination_document (hazard);
    g_autofree char *text = NULL;

    if (body != NULL && *body != '\0')
      text = g_strdup_printf ("%s · %s · %s", criterion && *criterion ? criterion : "—", body,
                              document && *document ? document : "—");
    else if (aj_hazard_is_pending_determination (hazard))
      text = g_strdup_printf (_("%s · pending determination by an authority or a qualified third party"), criterion);
    else
      text = g_strdup (criterion);
    adw_action_row_set_subtitle (self->criterion_row, text ? text : "");
    gtk_widget_set_visible (GTK_WIDGET (self->criterion_row), criterion != NULL && *criterion != '\0');
  }
  adw_action_row_set_subtitle (self->location_row,
                               *aj_hazard_get_location (hazard) ? aj_hazard_get_location (hazard) : "—");
  finder = aj_registry_get_user (store, aj_hazard_get_found_by (hazard));
  found_at = aj_iso8601_to_display (aj_hazard_get_found_at (hazard), TRUE);
  found = g_strdup_printf ("%s · %s · %s", found_at, finder ? aj_user_get_name (finder) : aj_hazard_get_found_by (hazard),
                           aj_inspection_mode_label (aj_hazard_get_source (hazard)));
  adw_action_row_set_subtitle (self->found_row, found);
  adw_action_row_set_subtitle (self->suggestion_row,
                               *aj_hazard_get_suggestion (hazard) ? aj_hazard_get_suggestion (hazard) : "—");
  adw_action_row_set_subtitle (self->deadline_row,
                               *aj_hazard_get_deadline (hazard) ? aj_hazard_get_deadline (hazard) : "—");
  adw_action_row_set_subtitle (self->responsible_row,
                               *aj_hazard_get_responsible (hazard) ? aj_hazard_get_responsible (hazard) : "—");

  fill_steps (self, store, aj_session_get_user (session));
  /* The department's documents about this hazard: the opinion of its
   * re-inspection once verified, the letter once referred. */
  g_free (self->inspection_id);
  self->inspection_id = g_strdup (aj_hazard_get_inspection_id (hazard));
  {
    const char *verified = aj_hazard_get_verified_at (hazard);
    gboolean self_check = inspection != NULL && g_strcmp0 (aj_inspection_get_mode (inspection), "self") == 0;
    gboolean opinion = !self_check && verified != NULL && *verified != '\0';
    gboolean letter = aj_report_is_referred (store, hazard_id);

    gtk_widget_set_visible (GTK_WIDGET (self->opinion_row), opinion);
    gtk_widget_set_visible (GTK_WIDGET (self->letter_row), letter);
    gtk_widget_set_visible (GTK_WIDGET (self->documents_group), opinion || letter);
  }
  {
    guint signed_count = aj_signature_rows_fill (self->signature_list, store, hazard_id, aj_session_get_blob_dir (session));
    const char *status = aj_hazard_get_status (hazard);
    const char *verified_at = aj_hazard_get_verified_at (hazard);
    gboolean after_check = g_strcmp0 (status, "verified") == 0 || g_strcmp0 (status, "closed") == 0 ||
                           (verified_at != NULL && *verified_at != '\0');
    gtk_widget_set_visible (self->signature_group, after_check || signed_count > 0);
  }
  {
    guint conflicts = aj_hazard_count_conflicts (store, hazard_id);
    g_autofree char *text = g_strdup_printf (ngettext ("%u step arrived from another device when it no longer applied; it is kept in the history below.",
                                                       "%u steps arrived from other devices when they no longer applied; they are kept in the history below.",
                                                       conflicts), conflicts);
    set_row (self->conflict_row, conflicts ? text : NULL);
    gtk_widget_set_visible (self->conflict_group, conflicts > 0);
  }
  {
    const char *funds = aj_hazard_get_funds (hazard) ?: "";
    const char *plan = aj_hazard_get_contingency_plan (hazard) ?: "";
    const char *said = aj_hazard_get_verification (hazard) ?: "";
    int rejections = aj_hazard_get_rejections (hazard);
    g_autofree char *five = NULL;
    g_autofree char *verification = NULL;

    if (*funds || *plan)
      five = g_strdup_printf (_("Funds: %s\nContingency plan: %s"), funds, plan);
    if (rejections > 0)
      verification = g_strdup_printf (ngettext ("%s (rejected %d time before)", "%s (rejected %d times before)",
                                                rejections),
                                      said, rejections);
    set_row (self->measures_row, aj_hazard_get_measures (hazard) ?: "");
    set_row (self->five_row, five);
    {
      /* With the ledger's completion date and verifier. */
      g_autofree char *rectified_on = aj_iso8601_to_display (aj_hazard_get_rectified_at (hazard), FALSE);
      g_autofree char *verified_on = aj_iso8601_to_display (aj_hazard_get_verified_at (hazard), FALSE);
      g_autofree char *rectified = *rectified_on ? g_strdup_printf ("%s\n%s", aj_hazard_get_rectified_note (hazard) ?: "",
                                                                     rectified_on) : NULL;
      g_autofree char *verified = *verified_on ? g_strdup_printf ("%s\n%s · %s", verification ? verification : said,
                                                                   verified_on, aj_hazard_get_verified_by (hazard)) : NULL;
      set_row (self->rectified_row, rectified ? rectified : aj_hazard_get_rectified_note (hazard) ?: "");
      set_row (self->verification_row, verified ? verified : verification ? verification : said);
    }
  }

  fill_loop_rows (self, store, hazard, today);

  g_free (self->payload);
  self->payload = aj_qr_hazard_payload (server, aj_hazard_get_id (hazard));
  qr = aj_qr_render (self->payload, 6, NULL);
  if (qr != NULL)
    {
      texture = gdk_texture_new_for_pixbuf (qr);
      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
    }
  gtk_label_set_label (self->qr_label, self->payload);

  photos = aj_inspection_get_photos (store, aj_hazard_get_inspection_id (hazard), aj_hazard_get_item_code (hazard));
  {
    /* and the evidence of each rectification */
    g_autoptr(GPtrArray) history = aj_store_list_events (store, hazard_id, NULL);
    for (guint i = 0; history && i < history->len; i++)
      {
        AjEvent *ev = g_ptr_array_index (history, i);
        g_autoptr(GPtrArray) refs = NULL;
        if (!g_str_equal (ev->type, "hazard.rectified"))
          continue;
        refs = aj_event_blob_refs (ev);
        for (guint j = 0; j < refs->len; j++)
          {
            AjPhotoRef *ref = g_new0 (AjPhotoRef, 1);
            ref->sha256 = g_strdup (g_ptr_array_index (refs, j));
            ref->item_code = g_strdup ("rectified");
            g_ptr_array_add (photos, ref);
          }
      }
  }
  aj_photo_strip_fill (self->photo_box, session, photos, NULL);
  /* Before and after: the first photo of the finding, the last of the rectification. */
  g_clear_pointer (&self->before, g_free);
  g_clear_pointer (&self->after, g_free);
  for (guint i = 0; i < photos->len; i++)
    {
      AjPhotoRef *ref = g_ptr_array_index (photos, i);
      if (g_strcmp0 (ref->item_code, "rectified") == 0)
        {
          g_free (self->after);
          self->after = g_strdup (ref->sha256);
        }
      else if (self->before == NULL && ref->withdrawn_reason == NULL)
        self->before = g_strdup (ref->sha256);
    }
  gtk_widget_set_visible (self->pair_button, self->before != NULL && self->after != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->photo_group), photos->len > 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->timeline_list))) != NULL)
    gtk_list_box_remove (self->timeline_list, child);
  events = aj_store_list_events (store, hazard_id, NULL);
  for (guint i = 0; events && i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) body = aj_json_parse_object (ev->body, NULL);
      g_autoptr(AjUser) who = aj_registry_get_user (store, ev->author);
      g_autofree char *what = describe_event (store, ev);
      g_autofree char *when = aj_iso8601_to_display (aj_json_get_string (body, "at"), TRUE);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, who ? aj_user_get_name (who) : ev->author);
      GtkWidget *row = adw_action_row_new ();

      /* Names and notes come from other devices: plain text. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), what);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->timeline_list, row);
    }
}

static void
aj_hazard_page_dispose (GObject *object)
{
  AjHazardPage *self = AJ_HAZARD_PAGE (object);

  g_clear_object (&self->store_signals);
  g_clear_pointer (&self->payload, g_free);
  g_clear_pointer (&self->hazard_id, g_free);
  g_clear_pointer (&self->inspection_id, g_free);
  g_clear_pointer (&self->before, g_free);
  g_clear_pointer (&self->after, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_HAZARD_PAGE);
  G_OBJECT_CLASS (aj_hazard_page_parent_class)->dispose (object);
}

static void
aj_hazard_page_class_init (AjHazardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_hazard_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-hazard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, title);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, level_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, grade_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, criterion_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, overdue_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, institution_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, item_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, location_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, found_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, suggestion_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, deadline_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, responsible_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, qr_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, pdf_button);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, photo_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, photo_box);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, steps_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, opinion_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, letter_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, steps_box);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, conflict_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, conflict_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, signature_group);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, signature_list);
  gtk_widget_class_install_action (widget_class, "hazard.sign", "s", sign_action);
  gtk_widget_class_install_action (widget_class, "hazard.print-tag", NULL, print_tag_action);
  gtk_widget_class_install_action (widget_class, "hazard.print-tag-to-file", "s", print_tag_to_file_action);
  gtk_widget_class_install_action (widget_class, "hazard.before-after", NULL, pair_action);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, pair_button);
  gtk_widget_class_install_action (widget_class, "hazard.save-tag", "s", save_tag_action);
  gtk_widget_class_install_action (widget_class, "hazard.document", "s", document_action);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, measures_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, five_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, rectified_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, verification_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, escalation_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, deadlines_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, extension_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, escalation_row);
  gtk_widget_class_bind_template_child (widget_class, AjHazardPage, referral_row);
}

static void
aj_hazard_page_init (AjHazardPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  aj_page_wrap_buttons (self->print_button, self->pdf_button, NULL);
  /* Shown, the page follows what is recorded, here or by a sync. */
  self->store_signals = aj_page_watch_store (GTK_WIDGET (self), G_CALLBACK (aj_hazard_page_reload));
}
