/* aj-hazard-row.c: the hazard row shared by the ledger and the summary. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard-row.h"
#include "aj-util.h"

GtkWidget *
aj_hazard_row_new (void)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *band = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *status = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *meta = gtk_label_new (NULL);

  gtk_widget_set_size_request (band, 8, -1);
  gtk_widget_add_css_class (band, "risk-band");
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_set_hexpand (number, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (number), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (number, "heading");
  gtk_widget_add_css_class (status, "badge");
  gtk_widget_set_valign (status, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (text), 3);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_wrap (GTK_LABEL (meta), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (meta), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (meta, "caption");
  gtk_widget_add_css_class (meta, "dim-label");

  gtk_box_append (GTK_BOX (top), number);
  gtk_box_append (GTK_BOX (top), status);
  gtk_box_append (GTK_BOX (body), top);
  gtk_box_append (GTK_BOX (body), text);
  gtk_box_append (GTK_BOX (body), meta);
  gtk_widget_set_hexpand (body, TRUE);
  gtk_box_append (GTK_BOX (row), band);
  gtk_box_append (GTK_BOX (row), body);
  gtk_widget_add_css_class (row, "hazard-row");

  g_object_set_data (G_OBJECT (row), "band", band);
  g_object_set_data (G_OBJECT (row), "number", number);
  g_object_set_data (G_OBJECT (row), "status", status);
  g_object_set_data (G_OBJECT (row), "text", text);
  g_object_set_data (G_OBJECT (row), "meta", meta);
  return row;
}

void
aj_hazard_row_bind (GtkWidget  *row,
                    AjHazard   *hazard,
                    const char *today)
{
  GtkWidget *band = g_object_get_data (G_OBJECT (row), "band");
  GtkWidget *number = g_object_get_data (G_OBJECT (row), "number");
  GtkWidget *status = g_object_get_data (G_OBJECT (row), "status");
  GtkWidget *meta = g_object_get_data (G_OBJECT (row), "meta");
  GtkWidget *text = g_object_get_data (G_OBJECT (row), "text");
  int overdue = aj_hazard_days_overdue (hazard, today);
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *accessible = NULL;
  const char *levels[] = { "red", "orange", "yellow", "blue" };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *cls = g_strdup_printf ("risk-%s", levels[i]);
      if (g_strcmp0 (levels[i], aj_hazard_get_risk_level (hazard)) == 0)
        gtk_widget_add_css_class (band, cls);
      else
        gtk_widget_remove_css_class (band, cls);
    }

  if (aj_hazard_is_major (hazard))
    title = g_strdup_printf (_("%s · major"), aj_hazard_get_number (hazard));
  else
    title = g_strdup (aj_hazard_get_number (hazard));
  gtk_label_set_label (GTK_LABEL (number), title);
  gtk_label_set_label (GTK_LABEL (status), aj_hazard_status_label (aj_hazard_get_status (hazard)));
  gtk_label_set_label (GTK_LABEL (text), aj_hazard_get_description (hazard));

  if (overdue > 0)
    deadline = g_strdup_printf (ngettext ("deadline %s, %d day overdue", "deadline %s, %d days overdue", overdue),
                                aj_hazard_get_deadline (hazard), overdue);
  else if (*aj_hazard_get_deadline (hazard))
    deadline = g_strdup_printf (_("deadline %s"), aj_hazard_get_deadline (hazard));
  else
    deadline = g_strdup (_("no deadline"));
  details = g_strdup_printf ("%s · %s · %s", aj_hazard_get_institution_name (hazard),
                             aj_risk_level_label (aj_hazard_get_risk_level (hazard)), deadline);
  gtk_label_set_label (GTK_LABEL (meta), details);
  if (overdue > 0)
    {
      gtk_widget_add_css_class (meta, "overdue");
      gtk_widget_remove_css_class (meta, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (meta, "overdue");
      gtk_widget_add_css_class (meta, "dim-label");
    }

  accessible = g_strdup_printf ("%s, %s, %s", title, aj_hazard_get_description (hazard), details);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}
