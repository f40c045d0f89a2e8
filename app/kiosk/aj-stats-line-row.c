/* aj-stats-line-row.c: a statistics line made to read at 360 px as at
 * 1280: the name and the rate on one line, the rate as a bar under them,
 * then the four counts side by side (none of it but a dash when nothing
 * was found). The labels are set once, when the row
 * is made: a line is a snapshot and never changes. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-stats-line-row.h"

struct _AjStatsLineRow
{
  GtkListBoxRow  parent_instance;

  AjStatsLine   *line;

  GtkLabel      *title_label;
  GtkLabel      *rate_label;
  GtkLevelBar   *rate_bar;
  GtkWidget     *counts_box;
  GtkLabel      *found_label;
  GtkLabel      *rectified_label;
  GtkLabel      *overdue_label;
  GtkLabel      *closed_label;
};

G_DEFINE_FINAL_TYPE (AjStatsLineRow, aj_stats_line_row, GTK_TYPE_LIST_BOX_ROW)

static void
aj_stats_line_row_dispose (GObject *object)
{
  AjStatsLineRow *self = AJ_STATS_LINE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_STATS_LINE_ROW);
  g_clear_object (&self->line);
  G_OBJECT_CLASS (aj_stats_line_row_parent_class)->dispose (object);
}

static void
aj_stats_line_row_class_init (AjStatsLineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_stats_line_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-stats-line-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, rate_bar);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, counts_box);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, found_label);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, rectified_label);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, overdue_label);
  gtk_widget_class_bind_template_child (widget_class, AjStatsLineRow, closed_label);
}

static void
aj_stats_line_row_init (AjStatsLineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void set_count (GtkLabel   *label,
                       const char *format,
                       ...) G_GNUC_PRINTF (2, 3);

static void
set_count (GtkLabel   *label,
           const char *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_text (label, text);
}

/* A row for @line, named @title (NULL: the line's own label). */
GtkWidget *
aj_stats_line_row_new (AjStatsLine *line,
                       const char  *title)
{
  AjStatsLineRow *self = g_object_new (AJ_TYPE_STATS_LINE_ROW, NULL);
  g_autofree char *rate = aj_stats_line_format_rate (line);
  g_autofree char *summary = NULL;
  double value = aj_stats_line_get_rate (line);

  self->line = g_object_ref (line);
  gtk_label_set_text (self->title_label, title ? title : aj_stats_line_get_label (line));
  gtk_label_set_text (self->rate_label, rate);
  gtk_level_bar_set_value (self->rate_bar, MAX (value, 0));
  /* A line where nothing was found is its name and a dash: the zeros would only be noise. */
  gtk_widget_set_visible (GTK_WIDGET (self->rate_bar), value >= 0);
  gtk_widget_set_visible (self->counts_box, value >= 0);
  /* TRANSLATORS: counts of a statistics line; keep them short, four share a 360 px line. */
  set_count (self->found_label, _("Found %u"), aj_stats_line_get_found (line));
  set_count (self->rectified_label, _("Rectified %u"), aj_stats_line_get_rectified (line));
  set_count (self->overdue_label, _("Overdue %u"), aj_stats_line_get_overdue (line));
  set_count (self->closed_label, _("Closed %u"), aj_stats_line_get_closed (line));
  if (aj_stats_line_get_overdue (line) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->overdue_label), "error");

  /* What a screen reader says for the whole row. */
  summary = g_strdup_printf (_("%s: rectification rate %s; found %u, rectified %u, overdue %u, closed %u"),
                             title ? title : aj_stats_line_get_label (line), rate,
                             aj_stats_line_get_found (line), aj_stats_line_get_rectified (line),
                             aj_stats_line_get_overdue (line), aj_stats_line_get_closed (line));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);
  return GTK_WIDGET (self);
}

AjStatsLine *
aj_stats_line_row_get_line (AjStatsLineRow *self)
{
  g_return_val_if_fail (AJ_IS_STATS_LINE_ROW (self), NULL);
  return self->line;
}
