/* aj-category-row.c: a checklist category as a template row. Categories are
 * plain structs in the checklist, so the row holds the category's code and
 * title as properties rather than an `item` object. */
#include "config.h"

#include "aj-category-row.h"

struct _AjCategoryRow
{
  GtkListBoxRow  parent_instance;

  char          *code;
  char          *title;

  GtkLabel      *count_label;
};

G_DEFINE_FINAL_TYPE (AjCategoryRow, aj_category_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  PROP_0,
  PROP_CODE,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aj_category_row_finalize (GObject *object)
{
  AjCategoryRow *self = AJ_CATEGORY_ROW (object);

  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->title, g_free);
  G_OBJECT_CLASS (aj_category_row_parent_class)->finalize (object);
}

static void
aj_category_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AJ_TYPE_CATEGORY_ROW);
  G_OBJECT_CLASS (aj_category_row_parent_class)->dispose (object);
}

static void
aj_category_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AjCategoryRow *self = AJ_CATEGORY_ROW (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_category_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AjCategoryRow *self = AJ_CATEGORY_ROW (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_free (self->code);
      self->code = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      g_free (self->title);
      self->title = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_category_row_class_init (AjCategoryRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_category_row_dispose;
  object_class->finalize = aj_category_row_finalize;
  object_class->get_property = aj_category_row_get_property;
  object_class->set_property = aj_category_row_set_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-category-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AjCategoryRow, count_label);
}

static void
aj_category_row_init (AjCategoryRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
aj_category_row_new (const char *code,
                     const char *title)
{
  return g_object_new (AJ_TYPE_CATEGORY_ROW, "code", code, "title", title, NULL);
}

const char *
aj_category_row_get_code (AjCategoryRow *self)
{
  return self->code;
}

/* "3/5", marked done when all are answered and when any found a hazard. */
void
aj_category_row_set_progress (AjCategoryRow *self,
                              guint          done,
                              guint          total,
                              guint          hazards)
{
  g_autofree char *label = g_strdup_printf ("%u/%u", done, total);
  GtkWidget *count = GTK_WIDGET (self->count_label);

  gtk_label_set_label (self->count_label, label);
  if (done == total)
    gtk_widget_add_css_class (count, "done");
  else
    gtk_widget_remove_css_class (count, "done");
  if (hazards > 0)
    gtk_widget_add_css_class (count, "has-hazard");
  else
    gtk_widget_remove_css_class (count, "has-hazard");
}
