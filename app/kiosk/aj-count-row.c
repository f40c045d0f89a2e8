/* aj-count-row.c: the statistics page's rows. An AjCount is a title and a
 * value with read-only properties; AjCountRow is a template widget whose
 * `item` is one: its value label is bound in the .ui file, its own title set
 * here (a binding on the template object itself trips GTK 4.8 on dispose).
 * Titles such as institution names come from the server's registry, so the
 * row shows plain text. */
#include "config.h"

#include "aj-count-row.h"
#include "aj-util.h"

struct _AjCount
{
  GObject  parent_instance;

  char    *title;
  char    *value;
};

G_DEFINE_FINAL_TYPE (AjCount, aj_count, G_TYPE_OBJECT)

static const AjFieldProperty count_fields[] = {
  { "title", G_STRUCT_OFFSET (AjCount, title) },
  { "value", G_STRUCT_OFFSET (AjCount, value) },
};

static void
aj_count_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  if (!aj_get_field_property (object, count_fields, G_N_ELEMENTS (count_fields), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_count_finalize (GObject *object)
{
  AjCount *self = AJ_COUNT (object);

  g_free (self->title);
  g_free (self->value);
  G_OBJECT_CLASS (aj_count_parent_class)->finalize (object);
}

static void
aj_count_class_init (AjCountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = aj_count_get_property;
  object_class->finalize = aj_count_finalize;
  aj_install_field_properties (object_class, count_fields, G_N_ELEMENTS (count_fields));
}

static void
aj_count_init (AjCount *self)
{
}

AjCount *
aj_count_new (const char *title,
              const char *value)
{
  AjCount *self = g_object_new (AJ_TYPE_COUNT, NULL);

  self->title = g_strdup (title);
  self->value = g_strdup (value);
  return self;
}

const char *
aj_count_get_title (AjCount *self)
{
  return self->title;
}

const char *
aj_count_get_value (AjCount *self)
{
  return self->value;
}

struct _AjCountRow
{
  AdwActionRow  parent_instance;

  AjCount      *item;
};

G_DEFINE_FINAL_TYPE (AjCountRow, aj_count_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aj_count_row_dispose (GObject *object)
{
  AjCountRow *self = AJ_COUNT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_COUNT_ROW);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (aj_count_row_parent_class)->dispose (object);
}

static void
aj_count_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  AjCountRow *self = AJ_COUNT_ROW (object);

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
aj_count_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  AjCountRow *self = AJ_COUNT_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      aj_count_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_count_row_class_init (AjCountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_count_row_dispose;
  object_class->get_property = aj_count_row_get_property;
  object_class->set_property = aj_count_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, AJ_TYPE_COUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-count-row.ui");
}

static void
aj_count_row_init (AjCountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_count_row_new (AjCount *item)
{
  return g_object_new (AJ_TYPE_COUNT_ROW, "item", item, NULL);
}

AjCount *
aj_count_row_get_item (AjCountRow *self)
{
  return self->item;
}

void
aj_count_row_set_item (AjCountRow *self,
                       AjCount    *item)
{
  g_return_if_fail (AJ_IS_COUNT_ROW (self));

  if (g_set_object (&self->item, item))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), item ? item->title : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
    }
}
