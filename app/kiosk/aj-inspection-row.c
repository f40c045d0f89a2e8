/* aj-inspection-row.c: the home page's row of a recent inspection, a
 * template widget whose `item` is the inspection: the institution's name,
 * then when, how and what came of it, all set in update(). Plain text (the
 * template turns markup off): names come from the server's registry. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-inspection-row.h"
#include "aj-util.h"

struct _AjInspectionRow
{
  AdwActionRow  parent_instance;

  AjInspection *item;
};

G_DEFINE_FINAL_TYPE (AjInspectionRow, aj_inspection_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (AjInspectionRow *self)
{
  AjInspection *inspection = self->item;
  g_autofree char *date = NULL;
  g_autofree char *subtitle = NULL;
  const char *mode;

  if (inspection == NULL)
    return;
  date = aj_iso8601_to_display (aj_inspection_get_started_at (inspection), TRUE);
  mode = aj_inspection_mode_label (aj_inspection_get_mode (inspection));
  if (aj_inspection_is_finished (inspection))
    subtitle = g_strdup_printf (ngettext ("%s · %s · %d hazard", "%s · %s · %d hazards",
                                          aj_inspection_get_n_hazards (inspection)),
                                date, mode, aj_inspection_get_n_hazards (inspection));
  else
    subtitle = g_strdup_printf (_("%s · %s · in progress"), date, mode);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), aj_inspection_get_institution_name (inspection));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
}

static void
aj_inspection_row_dispose (GObject *object)
{
  AjInspectionRow *self = AJ_INSPECTION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_INSPECTION_ROW);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (aj_inspection_row_parent_class)->dispose (object);
}

static void
aj_inspection_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AjInspectionRow *self = AJ_INSPECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_inspection_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AjInspectionRow *self = AJ_INSPECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      aj_inspection_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_inspection_row_class_init (AjInspectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_inspection_row_dispose;
  object_class->get_property = aj_inspection_row_get_property;
  object_class->set_property = aj_inspection_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AJ_TYPE_INSPECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-inspection-row.ui");
}

static void
aj_inspection_row_init (AjInspectionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_inspection_row_new (AjInspection *item)
{
  return g_object_new (AJ_TYPE_INSPECTION_ROW, "item", item, NULL);
}

AjInspection *
aj_inspection_row_get_item (AjInspectionRow *self)
{
  return self->item;
}

void
aj_inspection_row_set_item (AjInspectionRow *self,
                            AjInspection    *item)
{
  g_return_if_fail (AJ_IS_INSPECTION_ROW (self));

  if (g_set_object (&self->item, item))
    {
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
    }
}
