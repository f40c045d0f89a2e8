/* aj-step-page.c: ordering rectification (with the "five in place" for a
 * major hazard), reporting it with evidence photos, verifying (accept, or
 * reject with a reason), closing and reopening; asking for an extension
 * (延期申请) and deciding it, escalating (挂牌督办) and referring to another
 * department (移送). The form shows only what the step needs; the core
 * decides whether it may be taken. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "aj-hazard.h"
#include "aj-photo.h"
#include "aj-photo-strip.h"
#include "aj-photo-task.h"
#include "aj-picture-chooser.h"
#include "aj-step-page.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjStepPage
{
  AdwBin           parent_instance;

  char            *hazard_id;
  AjHazardStep     step;
  GPtrArray       *photos;        /* sha256 of evidence added here */

  AdwWindowTitle  *title;
  GtkLabel        *hazard_label;
  GtkWidget       *order_group;
  GtkTextView     *measures_view;
  AdwEntryRow     *responsible_row;
  AdwEntryRow     *deadline_row;
  AdwEntryRow     *funds_row;
  GtkTextView     *plan_view;
  GtkLabel        *five_hint;
  GtkWidget       *rectify_group;
  GtkTextView     *note_view;
  GtkFlowBox      *photo_box;
  GtkButton       *add_photo_button;
  GtkWidget       *verify_group;
  GtkCheckButton  *accept_check;
  GtkCheckButton  *reject_check;
  GtkTextView     *opinion_view;
  GtkWidget       *reason_group;
  GtkTextView     *reason_view;
  GtkWidget       *extension_group;
  GtkLabel        *extension_label;
  GtkWidget       *approve_row;
  GtkWidget       *refuse_row;
  GtkCheckButton  *approve_check;
  AdwEntryRow     *new_deadline_row;
  GtkWidget       *escalate_group;
  GtkLabel        *rule_label;
  AdwComboRow     *level_row;
  AdwComboRow     *escalation_reason_row;
  GtkWidget       *refer_group;
  AdwEntryRow     *to_row;
  AdwComboRow     *kind_row;
  GtkLabel        *close_label;
  GtkLabel        *error_label;
  GtkButton       *save_button;
};

G_DEFINE_FINAL_TYPE (AjStepPage, aj_step_page, ADW_TYPE_BIN)

/* The codes behind the combo rows, in the rows' order. */
static const char * const levels[] = { "county", "city", "province" };
static const char * const escalation_reasons[] = { "major", "overdue", "manual" };
static const char * const kinds[] = { "fire", "market", "housing", "health", "emergency", "other" };

static guint
index_of (const char * const *codes,
          guint               n,
          const char         *code)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (codes[i], code) == 0)
      return i;
  return 0;
}

static void
fill_combo (AdwComboRow        *row,
            const char * const *codes,
            guint               n,
            const char *      (*label) (const char *))
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, label (codes[i]));
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
}

static const char *
combo_code (AdwComboRow        *row,
            const char * const *codes,
            guint               n)
{
  guint i = adw_combo_row_get_selected (row);

  return i < n ? codes[i] : NULL;
}

/* The level alone, short enough for the combo row at 360 px. */
static const char *
level_short_label (const char *level)
{
  if (g_strcmp0 (level, "county") == 0)
    return C_("supervision level", "County");
  if (g_strcmp0 (level, "city") == 0)
    return C_("supervision level", "City");
  if (g_strcmp0 (level, "province") == 0)
    return C_("supervision level", "Province");
  return level;
}

/* What the one free-text box is for, by step. */
static const char *
reason_title (AjHazardStep step)
{
  switch (step)
    {
    case AJ_STEP_REQUEST_EXTENSION: return _("Why more time is needed");
    case AJ_STEP_DECIDE_EXTENSION: return _("Opinion (the reason, when refused)");
    case AJ_STEP_ESCALATE: return _("Note (optional)");
    case AJ_STEP_REFER: return _("Why it is referred");
    default: return _("Why it is reopened");
    }
}

static void
load_loop_steps (AjStepPage   *self,
                 AjHazard     *hazard,
                 AjHazardStep  step,
                 const char   *today)
{
  const char *deadline = aj_hazard_get_deadline (hazard);
  const char *reason = NULL;
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  int days = session ? aj_hazard_escalation_days (aj_session_get_store (session), hazard) : 0;
  const char *due = aj_hazard_escalation_due (hazard, today, days, &reason);
  int next_rank = aj_escalation_level_rank (aj_hazard_get_escalation_level (hazard)) + 1;
  g_autofree char *info = NULL;
  g_autofree char *proposed = NULL;
  g_autofree char *rule = NULL;
  gboolean extension = step == AJ_STEP_REQUEST_EXTENSION || step == AJ_STEP_DECIDE_EXTENSION;

  gtk_widget_set_visible (self->extension_group, extension);
  gtk_widget_set_visible (self->approve_row, step == AJ_STEP_DECIDE_EXTENSION);
  gtk_widget_set_visible (self->refuse_row, step == AJ_STEP_DECIDE_EXTENSION);
  gtk_widget_set_visible (self->escalate_group, step == AJ_STEP_ESCALATE);
  gtk_widget_set_visible (self->refer_group, step == AJ_STEP_REFER);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->reason_group), reason_title (step));

  /* An extension: the deadline now, and the date asked for. */
  if (step == AJ_STEP_DECIDE_EXTENSION)
    info = g_strdup_printf (_("Current deadline: %s\nAsked for: %s"), *deadline ? deadline : "—",
                            aj_hazard_get_extension_deadline (hazard) ?: "—");
  else
    info = g_strdup_printf (_("Current deadline: %s"), *deadline ? deadline : "—");
  gtk_label_set_label (self->extension_label, info);
  if (step == AJ_STEP_DECIDE_EXTENSION && aj_hazard_get_extension_deadline (hazard) != NULL)
    proposed = g_strdup (aj_hazard_get_extension_deadline (hazard));
  else
    proposed = aj_date_add_days (*deadline && strcmp (deadline, today) > 0 ? deadline : today, 14);
  gtk_editable_set_text (GTK_EDITABLE (self->new_deadline_row), proposed);
  gtk_check_button_set_active (self->approve_check, TRUE);

  /* 督办: what the rule asks, preselected; an official may list it higher. */
  if (due != NULL)
    rule = g_strdup_printf (_("The rule asks for %s: %s."), aj_escalation_level_label (due),
                            aj_escalation_reason_label (reason));
  else
    rule = g_strdup (_("The rule asks for no supervision now; an official may still list the hazard."));
  gtk_label_set_label (self->rule_label, rule);
  adw_combo_row_set_selected (self->level_row, due ? index_of (levels, G_N_ELEMENTS (levels), due)
                                                    : (guint) MIN (next_rank, 3) - 1);
  adw_combo_row_set_selected (self->escalation_reason_row,
                              index_of (escalation_reasons, G_N_ELEMENTS (escalation_reasons), due ? reason : "manual"));

  gtk_editable_set_text (GTK_EDITABLE (self->to_row), "");
  adw_combo_row_set_selected (self->kind_row, 0);
}

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
refresh_photos (AjStepPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  const char *blob_dir = aj_session_get_blob_dir (session);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photo_box))) != NULL)
    gtk_flow_box_remove (self->photo_box, child);
  for (guint i = 0; i < self->photos->len; i++)
    {
      g_autofree char *thumb = aj_photo_thumb_path (blob_dir, g_ptr_array_index (self->photos, i));
      GtkWidget *picture = aj_picture_new_for_blob (thumb);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 96, 96);
      gtk_widget_set_halign (picture, GTK_ALIGN_START);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_add_css_class (picture, "thumbnail");
      gtk_flow_box_append (self->photo_box, picture);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo_box), self->photos->len > 0);
  gtk_flow_box_set_min_children_per_line (self->photo_box, 3);
}

void
aj_step_page_load (AjStepPage   *self,
                   const char   *hazard_id,
                   AjHazardStep  step)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(AjHazard) hazard = aj_hazard_load (aj_session_get_store (session), hazard_id);
  g_autofree char *summary = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *deadline = NULL;
  GtkTextView *views[] = { self->measures_view, self->plan_view, self->note_view, self->opinion_view, self->reason_view };

  if (hazard == NULL)
    return;
  g_free (self->hazard_id);
  self->hazard_id = g_strdup (hazard_id);
  self->step = step;
  g_ptr_array_set_size (self->photos, 0);

  adw_window_title_set_title (self->title, aj_step_label (step));
  adw_window_title_set_subtitle (self->title, aj_hazard_get_number (hazard));
  summary = g_strdup_printf ("%s · %s\n%s", aj_hazard_get_number (hazard),
                             aj_hazard_status_label (aj_hazard_get_status (hazard)),
                             aj_hazard_get_description (hazard));
  gtk_label_set_label (self->hazard_label, summary);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (views[i]), "", -1);
  gtk_widget_set_visible (self->order_group, step == AJ_STEP_ORDER);
  gtk_widget_set_visible (self->rectify_group, step == AJ_STEP_RECTIFY);
  gtk_widget_set_visible (self->verify_group, step == AJ_STEP_VERIFY);
  gtk_widget_set_visible (self->reason_group, step == AJ_STEP_REOPEN || step >= AJ_STEP_REQUEST_EXTENSION);
  gtk_widget_set_visible (GTK_WIDGET (self->close_label), step == AJ_STEP_CLOSE);
  gtk_label_set_label (self->error_label, "");
  gtk_button_set_label (self->save_button, aj_step_label (step));

  /* What the hazard sheet suggested is where the order starts. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->measures_view), aj_hazard_get_suggestion (hazard), -1);
  gtk_editable_set_text (GTK_EDITABLE (self->responsible_row), aj_hazard_get_responsible (hazard));
  deadline = *aj_hazard_get_deadline (hazard) ? g_strdup (aj_hazard_get_deadline (hazard)) : aj_date_add_days (today, 7);
  gtk_editable_set_text (GTK_EDITABLE (self->deadline_row), deadline);
  gtk_editable_set_text (GTK_EDITABLE (self->funds_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->five_hint), aj_hazard_is_major (hazard));
  gtk_check_button_set_active (self->accept_check, TRUE);
  load_loop_steps (self, hazard, step, today);
  refresh_photos (self);
}




static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AjStepPage *self = AJ_STEP_PAGE (source);
  g_autoptr(GError) error = NULL;
  AjPhotoInfo info;

  gtk_widget_set_sensitive (GTK_WIDGET (self->add_photo_button), TRUE);
  if (!aj_photo_task_finish (result, &info, &error))
    {
      aj_page_report_error (GTK_WIDGET (self), _("The photo was not added"), error);
      return;
    }
  g_ptr_array_add (self->photos, g_strdup (info.sha256));
  refresh_photos (self);
}

void
aj_step_page_add_photo (AjStepPage *self,
                        const char *path)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(AjHazard) hazard = aj_hazard_load (aj_session_get_store (session), self->hazard_id);
  g_autofree char *stamp = aj_session_dup_stamp_text (session,
                                                          hazard ? aj_hazard_get_institution_name (hazard) : NULL);

  /* Evidence of the rectification is stamped like every other photo. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_photo_button), FALSE);
  aj_photo_task_start (self, NULL, aj_session_get_blob_dir (session), path, stamp,
                       import_done, NULL);
}



static void
on_picture_chosen (GtkWidget  *owner,
                   const char *path)
{
  aj_step_page_add_photo (AJ_STEP_PAGE (owner), path);
}

static void
on_add_photo (AjStepPage *self)
{
  aj_choose_picture (GTK_WIDGET (self), _("Add a photo"), on_picture_chosen);
}

static void
on_save (AjStepPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjUser *user = aj_session_get_user (session);
  g_autofree char *measures = text_of (self->measures_view);
  g_autofree char *plan = text_of (self->plan_view);
  g_autofree char *note = text_of (self->note_view);
  g_autofree char *opinion = text_of (self->opinion_view);
  g_autofree char *reason = text_of (self->reason_view);
  g_autoptr(GPtrArray) photos = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *event = NULL;
  AjStepInput input = { 0 };

  for (guint i = 0; i < self->photos->len; i++)
    g_ptr_array_add (photos, g_ptr_array_index (self->photos, i));
  g_ptr_array_add (photos, NULL);

  input.measures = measures;
  input.responsible = gtk_editable_get_text (GTK_EDITABLE (self->responsible_row));
  input.deadline = gtk_editable_get_text (GTK_EDITABLE (self->deadline_row));
  input.funds = gtk_editable_get_text (GTK_EDITABLE (self->funds_row));
  input.contingency_plan = plan;
  input.note = note;
  input.photos = (const char * const *) photos->pdata;
  input.accepted = gtk_check_button_get_active (self->accept_check);
  input.opinion = opinion;
  input.reason = reason;
  /* The steps beside the loop: one free text, read as what each needs. */
  switch (self->step)
    {
    case AJ_STEP_REQUEST_EXTENSION:
      input.deadline = gtk_editable_get_text (GTK_EDITABLE (self->new_deadline_row));
      break;
    case AJ_STEP_DECIDE_EXTENSION:
      input.accepted = gtk_check_button_get_active (self->approve_check);
      input.deadline = gtk_editable_get_text (GTK_EDITABLE (self->new_deadline_row));
      input.opinion = reason;
      break;
    case AJ_STEP_ESCALATE:
      input.level = combo_code (self->level_row, levels, G_N_ELEMENTS (levels));
      input.escalation_reason = combo_code (self->escalation_reason_row, escalation_reasons,
                                            G_N_ELEMENTS (escalation_reasons));
      input.note = reason;
      break;
    case AJ_STEP_REFER:
      input.to = gtk_editable_get_text (GTK_EDITABLE (self->to_row));
      input.kind = combo_code (self->kind_row, kinds, G_N_ELEMENTS (kinds));
      break;
    default:
      break;
    }

  event = aj_hazard_step (aj_session_get_store (session), user, self->hazard_id, self->step, &input, &error);
  if (event == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      aj_page_toast (GTK_WIDGET (self), error->message);
      return;
    }
  /* Accepting and striking off are one act for the inspector who checks. */
  if (self->step == AJ_STEP_VERIFY && input.accepted)
    {
      g_autofree char *closed = aj_hazard_step (aj_session_get_store (session), user, self->hazard_id,
                                                AJ_STEP_CLOSE, NULL, NULL);
      aj_page_toast (GTK_WIDGET (self), closed ? _("Verified and closed") : _("Verified"));
    }
  else
    aj_page_toast (GTK_WIDGET (self), _("Saved"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

static void
add_photo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  aj_step_page_add_photo (AJ_STEP_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
aj_step_page_dispose (GObject *object)
{
  AjStepPage *self = AJ_STEP_PAGE (object);

  g_clear_pointer (&self->hazard_id, g_free);
  g_clear_pointer (&self->photos, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_STEP_PAGE);
  G_OBJECT_CLASS (aj_step_page_parent_class)->dispose (object);
}

static void
aj_step_page_class_init (AjStepPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_step_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-step-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AjStepPage, name)
  BIND (title);
  BIND (hazard_label);
  BIND (order_group);
  BIND (measures_view);
  BIND (responsible_row);
  BIND (deadline_row);
  BIND (funds_row);
  BIND (plan_view);
  BIND (five_hint);
  BIND (rectify_group);
  BIND (note_view);
  BIND (photo_box);
  BIND (add_photo_button);
  BIND (verify_group);
  BIND (accept_check);
  BIND (reject_check);
  BIND (opinion_view);
  BIND (reason_group);
  BIND (reason_view);
  BIND (extension_group);
  BIND (extension_label);
  BIND (approve_row);
  BIND (refuse_row);
  BIND (approve_check);
  BIND (new_deadline_row);
  BIND (escalate_group);
  BIND (rule_label);
  BIND (level_row);
  BIND (escalation_reason_row);
  BIND (refer_group);
  BIND (to_row);
  BIND (kind_row);
  BIND (close_label);
  BIND (error_label);
  BIND (save_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_add_photo);
  gtk_widget_class_bind_template_callback (widget_class, on_save);
  gtk_widget_class_install_action (widget_class, "step.add-photo", "s", add_photo_action);
}

static void
aj_step_page_init (AjStepPage *self)
{
  self->photos = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  fill_combo (self->level_row, levels, G_N_ELEMENTS (levels), level_short_label);
  fill_combo (self->escalation_reason_row, escalation_reasons, G_N_ELEMENTS (escalation_reasons),
              aj_escalation_reason_label);
  fill_combo (self->kind_row, kinds, G_N_ELEMENTS (kinds), aj_referral_kind_label);
}
