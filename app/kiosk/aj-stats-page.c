/* aj-stats-page.c: counts by status, risk level, institution and category,
 * the rectification rate, and a chart of hazards found and closed per week
 * (drawn with cairo). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-completion.h"
#include "aj-count-row.h"
#include "aj-hazard.h"
#include "aj-stats.h"
#include "aj-stats-page.h"
#include "aj-util.h"
#include "aj-page.h"

struct _AjStatsPage
{
  AdwBin               parent_instance;

  AjStats             *stats;

  AdwPreferencesGroup *status_group;
  AdwPreferencesGroup *level_group;
  AdwPreferencesGroup *institution_group;
  AdwPreferencesGroup *category_group;
  AdwPreferencesGroup *completion_group;
  GtkListBox          *completion_list;
  GtkListBox          *overview_list;
  GtkListBox          *status_list;
  GtkListBox          *level_list;
  GtkListBox          *institution_list;
  GtkListBox          *category_list;
  GtkDrawingArea      *chart;

  /* One model per list; a refresh replaces their items. */
  GListStore          *overview;
  GListStore          *by_status;
  GListStore          *by_level;
  GListStore          *by_institution;
  GListStore          *by_category;
  GListStore          *completion;
};

G_DEFINE_FINAL_TYPE (AjStatsPage, aj_stats_page, ADW_TYPE_BIN)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return aj_count_row_new (item);
}

static GListStore *
bind_counts (GtkListBox *list)
{
  GListStore *store = g_list_store_new (AJ_TYPE_COUNT);

  gtk_list_box_bind_model (list, G_LIST_MODEL (store), create_row, NULL, NULL);
  return store;
}

static void
add_count (GPtrArray  *counts,
           const char *title,
           const char *value)
{
  g_ptr_array_add (counts, aj_count_new (title, value));
}

static void
replace_counts (GListStore *store,
                GPtrArray  *counts)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), counts->pdata, counts->len);
}

static int
by_count (gconstpointer a,
          gconstpointer b,
          gpointer      table)
{
  guint x = GPOINTER_TO_UINT (g_hash_table_lookup (table, *(const char **) a));
  guint y = GPOINTER_TO_UINT (g_hash_table_lookup (table, *(const char **) b));
  return x == y ? g_strcmp0 (*(const char **) a, *(const char **) b) : (x < y ? 1 : -1);
}

static void
fill_counts (GListStore          *store,
             AdwPreferencesGroup *group,
             GHashTable          *table,
             const char *       (*label) (const char *),
             GHashTable          *names)
{
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort_with_data (keys, by_count, table);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *k = g_ptr_array_index (keys, i);
      const char *title = label ? label (k) : names && g_hash_table_lookup (names, k) ? g_hash_table_lookup (names, k) : k;
      g_autofree char *value = g_strdup_printf ("%u", GPOINTER_TO_UINT (g_hash_table_lookup (table, k)));
      add_count (counts, title, value);
    }
  replace_counts (store, counts);
  gtk_widget_set_visible (GTK_WIDGET (group), keys->len > 0);
}

/* Two bars a week: found (red), closed (green), with the week's Monday. */
static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        data)
{
  AjStatsPage *self = data;
  PangoLayout *layout;
  guint max = 1;
  const double left = 28, bottom = 22, top = 8;
  double slot;

  if (self->stats == NULL)
    return;
  for (int w = 0; w < AJ_STATS_WEEKS; w++)
    max = MAX (max, MAX (self->stats->found[w], self->stats->closed_in[w]));
  slot = (width - left) / (double) AJ_STATS_WEEKS;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.4);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, left, height - bottom + 0.5);
  cairo_line_to (cr, width, height - bottom + 0.5);
  cairo_stroke (cr);
  {
    g_autofree char *top_label = g_strdup_printf ("%u", max);
    pango_layout_set_text (layout, top_label, -1);
    cairo_set_source_rgba (cr, 0.4, 0.4, 0.4, 1);
    cairo_move_to (cr, 0, top - 4);
    pango_cairo_show_layout (cr, layout);
  }

  for (int w = 0; w < AJ_STATS_WEEKS; w++)
    {
      double x = left + w * slot;
      double bar = MAX (2, slot * 0.35);
      double h1 = (height - bottom - top) * self->stats->found[w] / max;
      double h2 = (height - bottom - top) * self->stats->closed_in[w] / max;

      cairo_set_source_rgb (cr, 0.78, 0.16, 0.16);
      cairo_rectangle (cr, x + slot * 0.1, height - bottom - h1, bar, h1);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.18, 0.55, 0.24);
      cairo_rectangle (cr, x + slot * 0.1 + bar, height - bottom - h2, bar, h2);
      cairo_fill (cr);
      if (w % 2 == 1 || slot > 50)
        {
          int lw, lh;
          pango_layout_set_text (layout, self->stats->week_start[w], -1);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          cairo_set_source_rgba (cr, 0.4, 0.4, 0.4, 1);
          cairo_move_to (cr, MIN (x, width - lw), height - bottom + 3);
          pango_cairo_show_layout (cr, layout);
        }
    }
  g_object_unref (layout);
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
      add_count (counts, json_object_get_string_member (home, "name"), value);
    }
  replace_counts (self->completion, counts);
  gtk_widget_set_visible (GTK_WIDGET (self->completion_group), counts->len > 0);
}

void
aj_stats_page_refresh (AjStatsPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  GListModel *checklists = aj_session_get_checklists (session);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *total = NULL, *open = NULL, *overdue = NULL, *rate = NULL;
  g_autoptr(GPtrArray) overview = g_ptr_array_new_with_free_func (g_object_unref);

  g_clear_pointer (&self->stats, aj_stats_free);
  self->stats = aj_stats_compute (aj_session_get_store (session), today);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(AjChecklist) c = g_list_model_get_item (checklists, i);
      for (guint j = 0; j < aj_checklist_get_n_categories (c); j++)
        {
          const AjChecklistCategory *category = aj_checklist_get_category (c, j);
          g_hash_table_replace (names, category->code, (gpointer) aj_checklist_category_get_name (category));
        }
    }

  total = g_strdup_printf ("%u", self->stats->total);
  open = g_strdup_printf ("%u", self->stats->open);
  overdue = g_strdup_printf ("%u", self->stats->overdue);
  rate = self->stats->total ? g_strdup_printf ("%.0f%%", 100.0 * self->stats->closed / self->stats->total) : g_strdup ("—");
  add_count (overview, _("Hazards found"), total);
  add_count (overview, _("Not yet closed"), open);
  add_count (overview, _("Overdue"), overdue);
  add_count (overview, _("Rectification rate (closed / found)"), rate);
  replace_counts (self->overview, overview);
  fill_counts (self->by_status, self->status_group, self->stats->by_status, aj_hazard_status_label, NULL);
  fill_counts (self->by_level, self->level_group, self->stats->by_level, aj_risk_level_label, NULL);
  fill_counts (self->by_institution, self->institution_group, self->stats->by_institution, NULL, NULL);
  fill_counts (self->by_category, self->category_group, self->stats->by_category, NULL, names);
  fill_completion (self, aj_session_get_store (session), aj_session_get_user (session));
  gtk_widget_queue_draw (GTK_WIDGET (self->chart));
}

static void
aj_stats_page_dispose (GObject *object)
{
  AjStatsPage *self = AJ_STATS_PAGE (object);

  g_clear_pointer (&self->stats, aj_stats_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_STATS_PAGE);
  g_clear_object (&self->overview);
  g_clear_object (&self->by_status);
  g_clear_object (&self->by_level);
  g_clear_object (&self->by_institution);
  g_clear_object (&self->by_category);
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
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, overview_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, status_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, level_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, institution_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, category_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, level_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, institution_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, category_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, completion_group);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, completion_list);
  gtk_widget_class_bind_template_child (widget_class, AjStatsPage, chart);
}

static void
aj_stats_page_init (AjStatsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->overview = bind_counts (self->overview_list);
  self->by_status = bind_counts (self->status_list);
  self->by_level = bind_counts (self->level_list);
  self->by_institution = bind_counts (self->institution_list);
  self->by_category = bind_counts (self->category_list);
  self->completion = bind_counts (self->completion_list);
  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
}
