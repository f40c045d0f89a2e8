/* aj-refused-row.c: a template widget whose `item` is the refused record it
 * shows; its labels are bound to the record's properties in the .ui file, as
 * plain text (the server's words are never markup). */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-refused-row.h"

struct _AjRefusedRow
{
  GtkBox           parent_instance;

  AjRefusedRecord *item;
};

G_DEFINE_FINAL_TYPE (AjRefusedRow, aj_refused_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
join_meta (GObject    *object,
           const char *who,
           const char *when)
{
  return g_strdup_printf (_("%s · %s"), who ? who : "", when ? when : "");
}

static char *
format_message (GObject    *object,
                const char *code,
                const char *message)
{
  if (message == NULL || *message == '\0')
    return g_strdup_printf (_("Server code: %s"), code ? code : "");
  return g_strdup_printf (_("The server said: “%s” (%s)"), message, code ? code : "");
}

static void
aj_refused_row_dispose (GObject *object)
{
  AjRefusedRow *self = AJ_REFUSED_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_REFUSED_ROW);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (aj_refused_row_parent_class)->dispose (object);
}

static void
aj_refused_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AjRefusedRow *self = AJ_REFUSED_ROW (object);

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
aj_refused_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AjRefusedRow *self = AJ_REFUSED_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      aj_refused_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_refused_row_class_init (AjRefusedRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_refused_row_dispose;
  object_class->get_property = aj_refused_row_get_property;
  object_class->set_property = aj_refused_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AJ_TYPE_REFUSED_RECORD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-refused-row.ui");
  gtk_widget_class_bind_template_callback (widget_class, join_meta);
  gtk_widget_class_bind_template_callback (widget_class, format_message);
}

static void
aj_refused_row_init (AjRefusedRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_refused_row_new (AjRefusedRecord *item)
{
  return g_object_new (AJ_TYPE_REFUSED_ROW, "item", item, NULL);
}

AjRefusedRecord *
aj_refused_row_get_item (AjRefusedRow *self)
{
  return self->item;
}

void
aj_refused_row_set_item (AjRefusedRow    *self,
                         AjRefusedRecord *item)
{
  g_autofree char *accessible = NULL;

  g_return_if_fail (AJ_IS_REFUSED_ROW (self));

  if (!g_set_object (&self->item, item))
    return;
  if (item != NULL)
    {
      accessible = g_strdup_printf ("%s, %s, %s", aj_refused_record_get_title (item),
                                    aj_refused_record_get_subject (item),
                                    aj_refused_record_get_explanation (item));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
