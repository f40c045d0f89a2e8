/* aj-hazard-row.c: the hazard row shared by the ledger and the summary: a
 * template widget whose `item` is the hazard it shows; `today` decides
 * whether it is overdue. Everything shown follows from those two, in update(). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard-row.h"
#include "aj-hazard-rules.h"
#include "aj-util.h"

struct _AjHazardRow
{
  GtkBox     parent_instance;

  AjHazard  *item;
  char      *today;

  GtkWidget *band;
  GtkLabel  *number_label;
  GtkLabel  *status_label;
  GtkLabel  *text_label;
  GtkLabel  *meta_label;
};

G_DEFINE_FINAL_TYPE (AjHazardRow, aj_hazard_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_ITEM,
  PROP_TODAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (AjHazardRow *self)
{
  AjHazard *hazard = self->item;
  const char *levels[] = { "red", "orange", "yellow", "blue" };
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;
  g_autofree char *deadline = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *today = NULL;
  int overdue;

  if (hazard == NULL)
    return;
  if (self->today == NULL)
    today = aj_today_iso ();
  overdue = aj_hazard_days_overdue (hazard, self->today ? self->today : today);

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_autofree char *cls = g_strdup_printf ("risk-%s", levels[i]);
      if (g_strcmp0 (levels[i], aj_hazard_get_risk_level (hazard)) == 0)
        gtk_widget_add_css_class (self->band, cls);
      else
        gtk_widget_remove_css_class (self->band, cls);
    }

  if (aj_hazard_is_major (hazard))
    title = g_strdup_printf (_("%s · major"), aj_hazard_get_number (hazard));
  else
    title = g_strdup (aj_hazard_get_number (hazard));
  gtk_label_set_label (self->number_label, title);
  gtk_label_set_label (self->status_label, aj_hazard_status_label (aj_hazard_get_status (hazard)));
  gtk_label_set_label (self->text_label, aj_hazard_get_description (hazard));

  if (overdue > 0)
    deadline = g_strdup_printf (ngettext ("deadline %s, %d day overdue", "deadline %s, %d days overdue", overdue),
                                aj_hazard_get_deadline (hazard), overdue);
  else if (*aj_hazard_get_deadline (hazard))
    deadline = g_strdup_printf (_("deadline %s"), aj_hazard_get_deadline (hazard));
  else
    deadline = g_strdup (_("no deadline"));
  details = g_strdup_printf ("%s · %s · %s", aj_hazard_get_institution_name (hazard),
                             aj_risk_level_label (aj_hazard_get_risk_level (hazard)), deadline);
  gtk_label_set_label (self->meta_label, details);
  if (overdue > 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->meta_label), "overdue");
      gtk_widget_remove_css_class (GTK_WIDGET (self->meta_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->meta_label), "overdue");
      gtk_widget_add_css_class (GTK_WIDGET (self->meta_label), "dim-label");
    }

  accessible = g_strdup_printf ("%s, %s, %s", title, aj_hazard_get_description (hazard), details);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
aj_hazard_row_dispose (GObject *object)
{
  AjHazardRow *self = AJ_HAZARD_ROW (object);

  g_clear_object (&self->item);
  g_clear_pointer (&self->today, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_HAZARD_ROW);
  G_OBJECT_CLASS (aj_hazard_row_parent_class)->dispose (object);
}

static void
aj_hazard_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AjHazardRow *self = AJ_HAZARD_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_TODAY:
      g_value_set_string (value, self->today);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_hazard_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AjHazardRow *self = AJ_HAZARD_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      aj_hazard_row_set_item (self, g_value_get_object (value));
      break;
    case PROP_TODAY:
      aj_hazard_row_set_today (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* What a tap on the row does, as an action an assistive technology can
 * invoke (the list's own activation is not offered through AT-SPI). */
static void
open_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  AjHazardRow *self = AJ_HAZARD_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "win.show-hazard", "s", aj_hazard_get_id (self->item));
}

static void
aj_hazard_row_class_init (AjHazardRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_hazard_row_dispose;
  object_class->get_property = aj_hazard_row_get_property;
  object_class->set_property = aj_hazard_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AJ_TYPE_HAZARD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TODAY] =
    g_param_spec_string ("today", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-hazard-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AjHazardRow, band);
  gtk_widget_class_bind_template_child (widget_class, AjHazardRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, AjHazardRow, meta_label);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, open_activated);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
aj_hazard_row_init (AjHazardRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_hazard_row_new (void)
{
  return g_object_new (AJ_TYPE_HAZARD_ROW, NULL);
}

AjHazard *
aj_hazard_row_get_item (AjHazardRow *self)
{
  return self->item;
}

void
aj_hazard_row_set_item (AjHazardRow *self,
                        AjHazard    *item)
{
  g_return_if_fail (AJ_IS_HAZARD_ROW (self));

  if (g_set_object (&self->item, item))
    {
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
    }
}

const char *
aj_hazard_row_get_today (AjHazardRow *self)
{
  return self->today;
}

void
aj_hazard_row_set_today (AjHazardRow *self,
                         const char  *today)
{
  g_return_if_fail (AJ_IS_HAZARD_ROW (self));

  if (g_strcmp0 (self->today, today) != 0)
    {
      g_free (self->today);
      self->today = g_strdup (today);
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TODAY]);
    }
}
