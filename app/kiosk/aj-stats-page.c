/* aj-stats-page.c: statistics of the hazards found in a year or a month
 * chosen on the page (aj-stats: one SQL aggregate, read in a thread), by county, institution
 * type, month, grade, risk level and category, each line with its counts
 * and rectification rate, the rate defined in words under the overview;
 * and each home's own rounds. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "aj-completion.h"
#include "aj-count-row.h"
#include "aj-stats.h"
#include "aj-stats-line-row.h"
#include "aj-stats-page.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjStatsPage
{
  AdwBin               parent_instance;

  AjStatsReport       *report;
  GCancellable        *reading;          /* the report being read, if any */
  GPtrArray           *periods;          /* "2026", "2026-11", … as offered */
  char                *periods_day;      /* the day they were offered on */
  GHashTable          *category_names;   /* category code -> name, from the checklists */

  AdwComboRow         *period_row;
  GtkListBox          *total_list;
  GtkLabel            *definition_label;
  GtkListBox          *lists[AJ_STATS_N_DIMENSIONS];
  AdwPreferencesGroup *groups[AJ_STATS_N_DIMENSIONS];
  AdwPreferencesGroup *completion_group;
  GtkListBox          *completion_list;
  GListStore          *completion;
};

G_DEFINE_FINAL_TYPE (AjStatsPage, aj_stats_page, ADW_TYPE_BIN)

/* Years offered, then months: enough for this year's report and last. */
#define N_YEARS  3
#define N_MONTHS 12

static GtkWidget *
create_line_row (gpointer item,
                 gpointer user_data)
{
  return aj_stats_line_row_new (item, NULL);
}

/* Categories are named by the checklists this device holds. */
static GtkWidget *
create_category_row (gpointer item,
                     gpointer user_data)
{
  AjStatsPage *self = user_data;
  const char *name = g_hash_table_lookup (self->category_names, aj_stats_line_get_key (item));

  return aj_stats_line_row_new (item, name);
}

static GtkWidget *
create_count_row (gpointer item,
                  gpointer user_data)
{
  return aj_count_row_new (item);
}

static void
read_category_names (AjStatsPage *self,
                     AjSession   *session)
{
  GListModel *checklists = aj_session_get_checklists (session);

  g_hash_table_remove_all (self->category_names);
  for (guint i = 0; checklists != NULL && i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(AjChecklist) c = g_list_model_get_item (checklists, i);
      for (guint j = 0; j < aj_checklist_get_n_categories (c); j++)
        {
          const AjChecklistCategory *category = aj_checklist_get_category (c, j);
          g_hash_table_replace (self->category_names, g_strdup (category->code),
                                g_strdup (aj_checklist_category_get_name (category)));
        }
    }
}

/* Each home's rounds, computed as the server does (aj-completion), from
 * what this device holds: the homes in its scope. */
static void
fill_completion (AjStatsPage *self,
                 AjStore     *store,
                 AjUser      *user)
{
  g_autoptr(JsonArray) report = aj_completion_report (store, NULL, g_get_real_time () / G_USEC_PER_SEC);
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (report); i++)
    {
      JsonObject *home = json_array_get_object_element (report, i);
      JsonObject *week = json_object_get_object_member (home, "week");
      JsonObject *month = json_object_get_object_member (home, "month");
      g_autofree char *value = NULL;

      /* A home's people see their own home. */
      if (user != NULL && aj_user_get_institution (user) != NULL &&
          g_strcmp0 (aj_user_get_institution (user), json_object_get_string_member (home, "institution")) != 0)
        continue;
      value = g_strdup_printf (_("week %d/%d · month %d/%d (%d%%) · %d nights missed"),
                                                (int) json_object_get_int_member (week, "done"),
                                                (int) json_object_get_int_member (week, "due"),
                                                (int) json_object_get_int_member (month, "done"),
                                                (int) json_object_get_int_member (month, "due"),
                                                (int) json_object_get_int_member (month, "percent"),
                                                (int) json_object_get_int_member (month, "night_missed"));
      g_ptr_array_add (counts, aj_count_new (json_object_get_string_member (home, "name"), value));
    }
  g_list_store_splice (self->completion, 0, g_list_model_get_n_items (G_LIST_MODEL (self->completion)),
                       counts->pdata, counts->len);
  gtk_widget_set_visible (GTK_WIDGET (self->completion_group), counts->len > 0);
}

static void
show_report (AjStatsPage *self)
{
  g_autoptr(GListStore) total = g_list_store_new (AJ_TYPE_STATS_LINE);

  g_list_store_append (total, self->report->total);
  gtk_list_box_bind_model (self->total_list, G_LIST_MODEL (total), create_line_row, NULL, NULL);
  for (guint d = 0; d < AJ_STATS_N_DIMENSIONS; d++)
    {
      GListModel *lines = G_LIST_MODEL (self->report->lines[d]);

      if (d == AJ_STATS_BY_CATEGORY)
        gtk_list_box_bind_model (self->lists[d], lines, create_category_row, self, NULL);
      else
        gtk_list_box_bind_model (self->lists[d], lines, create_line_row, NULL, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->groups[d]), g_list_model_get_n_items (lines) > 0);
    }
}

static void
report_read (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(AjStatsPage) self = data;
  g_autoptr(GError) error = NULL;
  AjStatsReport *report = aj_stats_report_finish (AJ_STORE (source), result, &error);

  if (report == NULL)
    {
      /* A newer choice replaced this one, or the page is gone. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        aj_page_toast (GTK_WIDGET (self), error->message);
      return;
    }
  g_clear_object (&self->reading);
  g_clear_pointer (&self->report, aj_stats_report_free);
  self->report = report;
  show_report (self);
}

/* The report of the period chosen, read in a thread, then shown. */
static void
show_period (AjStatsPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  guint selected = adw_combo_row_get_selected (self->period_row);
  g_autofree char *today = aj_today_iso ();

  if (session == NULL || self->periods == NULL || selected >= self->periods->len)
    return;
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  self->reading = g_cancellable_new ();
  aj_stats_report_async (aj_session_get_store (session), g_ptr_array_index (self->periods, selected), today,
                         self->reading, report_read, g_object_ref (self));
}

static void
period_changed (AjStatsPage *self)
{
  show_period (self);
}

/* The periods offered from today's date; the year chosen by default. */
static void
offer_periods (AjStatsPage *self,
               const char  *today)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_clear_pointer (&self->periods, g_ptr_array_unref);
  self->periods = aj_stats_recent_periods (today, N_YEARS, N_MONTHS);
  for (guint i = 0; i < self->periods->len; i++)
    {
      const char *period = g_ptr_array_index (self->periods, i);
      g_autofree char *label = NULL;

      /* TRANSLATORS: %s is a year, 2026: the statistics of the whole year. */
      label = strlen (period) == 4 ? g_strdup_printf (_("%s (whole year)"), period) : g_strdup (period);
      gtk_string_list_append (labels, label);
    }
  g_signal_handlers_block_by_func (self->period_row, period_changed, self);
  adw_combo_row_set_model (self->period_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->period_row, 0);
  g_signal_handlers_unblock_by_func (self->period_row, period_changed, self);
}

void
aj_stats_page_refresh (AjStatsPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autofree char *today = aj_today_iso ();

  g_return_if_fail (AJ_IS_STATS_PAGE (self));

  /* The choice stays while the day does; a new day offers new periods. */
  if (self->periods == NULL || g_strcmp0 (self->periods_day, today) != 0)
    {
      g_free (self->periods_day);
      self->periods_day = g_strdup (today);
      offer_periods (self, today);
    }
  read_category_names (self, session);
  show_period (self);
  fill_completion (self, aj_session_get_store (session), aj_session_get_user (session));
}

static void
aj_stats_page_dispose (GObject *object)
{
  AjStatsPage *self = AJ_STATS_PAGE (object);

  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_STATS_PAGE);
  g_clear_pointer (&self->report, aj_stats_report_free);
  g_clear_pointer (&self->periods_day, g_free);
  g_clear_pointer (&self->periods, g_ptr_array_unref);
  g_clear_pointer (&self->category_names, g_hash_table_unref);
  g_clear_object (&self->completion);
  G_OBJECT_CLASS (aj_stats_page_parent_class)->dispose (object);
}

static void
aj_stats_page_class_init (AjStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_stats_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-stats-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, period_row);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, total_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, definition_label);
  gtk_widget_class_bind_template_child_full (widget_class, "county_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_COUNTY]));
  gtk_widget_class_bind_template_child_full (widget_class, "type_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_INSTITUTION_TYPE]));
  gtk_widget_class_bind_template_child_full (widget_class, "category_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_CATEGORY]));
  gtk_widget_class_bind_template_child_full (widget_class, "month_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_MONTH]));
  gtk_widget_class_bind_template_child_full (widget_class, "grade_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_GRADE]));
  gtk_widget_class_bind_template_child_full (widget_class, "level_list", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, lists[AJ_STATS_BY_RISK_LEVEL]));
  gtk_widget_class_bind_template_child_full (widget_class, "county_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_COUNTY]));
  gtk_widget_class_bind_template_child_full (widget_class, "type_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_INSTITUTION_TYPE]));
  gtk_widget_class_bind_template_child_full (widget_class, "category_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_CATEGORY]));
  gtk_widget_class_bind_template_child_full (widget_class, "month_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_MONTH]));
  gtk_widget_class_bind_template_child_full (widget_class, "grade_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_GRADE]));
  gtk_widget_class_bind_template_child_full (widget_class, "level_group", FALSE,
                                             G_STRUCT_OFFSET (AjStatsPage, groups[AJ_STATS_BY_RISK_LEVEL]));
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, completion_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, completion_list);
}

static void
aj_stats_page_init (AjStatsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->category_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->completion = g_list_store_new (AJ_TYPE_COUNT);
  gtk_list_box_bind_model (self->completion_list, G_LIST_MODEL (self->completion), create_count_row, NULL, NULL);
  gtk_label_set_text (self->definition_label, aj_stats_rate_definition ());
  g_signal_connect_swapped (self->period_row, "notify::selected", G_CALLBACK (period_changed), self);
}
