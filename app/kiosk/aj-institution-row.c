/* aj-institution-row.c: the row of the institution list, a template widget
 * whose `item` is the institution it shows. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-institution-row.h"

struct _AjInstitutionRow
{
  GtkBox         parent_instance;

  AjInstitution *item;

  GtkLabel      *name_label;
  GtkWidget     *badge;
  GtkLabel      *details_label;
};

G_DEFINE_FINAL_TYPE (AjInstitutionRow, aj_institution_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (AjInstitutionRow *self)
{
  AjInstitution *inst = self->item;
  g_autofree char *text = NULL;

  if (inst == NULL)
    return;
  gtk_label_set_label (self->name_label, aj_institution_get_name (inst));
  gtk_widget_set_visible (self->badge, aj_institution_is_low_credit (inst));
  text = g_strdup_printf (ngettext ("%s · %s %s · %s · %d bed", "%s · %s %s · %s · %d beds",
                                    aj_institution_get_beds (inst)),
                          aj_institution_get_code (inst),
                          aj_institution_get_county (inst),
                          aj_institution_get_township (inst),
                          aj_institution_type_label (aj_institution_get_kind (inst)),
                          aj_institution_get_beds (inst));
  gtk_label_set_label (self->details_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aj_institution_get_name (inst),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

/* What a tap on the row does, as an action an assistive technology can
 * invoke (the list's own activation is not offered through AT-SPI). */
static void
open_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  AjInstitutionRow *self = AJ_INSTITUTION_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "win.show-start", "s", aj_institution_get_code (self->item));
}

static void
aj_institution_row_dispose (GObject *object)
{
  AjInstitutionRow *self = AJ_INSTITUTION_ROW (object);

  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_INSTITUTION_ROW);
  G_OBJECT_CLASS (aj_institution_row_parent_class)->dispose (object);
}

static void
aj_institution_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, AJ_INSTITUTION_ROW (object)->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_institution_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      aj_institution_row_set_item (AJ_INSTITUTION_ROW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_institution_row_class_init (AjInstitutionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_institution_row_dispose;
  object_class->get_property = aj_institution_row_get_property;
  object_class->set_property = aj_institution_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AJ_TYPE_INSTITUTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-institution-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionRow, badge);
  gtk_widget_class_bind_template_child (widget_class, AjInstitutionRow, details_label);
  gtk_widget_class_install_action (widget_class, "row.open", NULL, open_activated);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
aj_institution_row_init (AjInstitutionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AjInstitution *
aj_institution_row_get_item (AjInstitutionRow *self)
{
  return self->item;
}

void
aj_institution_row_set_item (AjInstitutionRow *self,
                             AjInstitution    *item)
{
  g_return_if_fail (AJ_IS_INSTITUTION_ROW (self));

  if (g_set_object (&self->item, item))
    {
      update (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
    }
}
