/* aj-a11y.c: what a screen reader needs and GTK 4.8 leaves out. Tried with
 * an AT-SPI client, GTK 4.8 names a button with a mnemonic twice, once with
 * the underscore ("登录(_S) 登录(S)"), and offers no action on check
 * buttons, combo rows and activatable list rows, so that they cannot be used
 * without a pointer. aj_a11y_fix_tree () mends the widgets below a root: the
 * window calls it once for its pages, and code that builds widgets later
 * calls it on what it built. Names of icon-only buttons are in the .ui files
 * (<accessibility>), beside their tooltips. */
#include "config.h"

#include <adwaita.h>

#include "aj-a11y.h"

/* "_Sign in" → "Sign in", "登录(_S)" → "登录": the words, as a screen
 * reader should say them. */
char *
aj_a11y_strip_mnemonic (const char *label)
{
  GString *out = g_string_new (NULL);
  const char *p = label;

  while (p != NULL && *p != '\0')
    {
      /* Chinese labels carry the key in brackets after the words: "(_S)". */
      if ((p[0] == '(' && p[1] == '_' && p[2] != '\0' && p[3] == ')'))
        {
          p += 4;
          continue;
        }
      if (p[0] == '_' && p[1] == '_')
        {
          g_string_append_c (out, '_');
          p += 2;
          continue;
        }
      if (p[0] == '_')
        {
          p++;
          continue;
        }
      g_string_append_c (out, *p);
      p++;
    }
  return g_strstrip (g_string_free (out, FALSE));
}

static void
name_from_label (GtkWidget  *widget,
                 const char *label)
{
  g_autofree char *name = aj_a11y_strip_mnemonic (label);

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* An icon-only button that GTK builds itself (the peek button of a password
 * row) has a tooltip but takes the name of its icon's type. */
static void
on_button_tooltip (GtkWidget  *button,
                   GParamSpec *pspec,
                   gpointer    user_data)
{
  const char *tooltip = gtk_widget_get_tooltip_text (button);

  if (tooltip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

/* A button's label may change later ("Save" → "Saving…"): its name follows. */
static void
on_button_label (GtkButton  *button,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  if (gtk_button_get_use_underline (button) && gtk_button_get_label (button) != NULL)
    name_from_label (GTK_WIDGET (button), gtk_button_get_label (button));
}

/* GTK 4.8 names an expander after its type, and the button inside a menu
 * button or a drop-down after nothing it shows: their words become names. */
static void
on_expander_label (GtkExpander *expander,
                   GParamSpec  *pspec,
                   gpointer     user_data)
{
  if (gtk_expander_get_label (expander) != NULL)
    name_from_label (GTK_WIDGET (expander), gtk_expander_get_label (expander));
}

static void
on_menu_button_label (GtkMenuButton *button,
                      GParamSpec    *pspec,
                      gpointer       user_data)
{
  GtkWidget *inner = gtk_widget_get_first_child (GTK_WIDGET (button));
  const char *label = gtk_menu_button_get_label (button);

  if (inner == NULL)
    return;
  if (label == NULL)
    label = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
  if (label != NULL)
    name_from_label (inner, label);
}

static void
activate_widget (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkWidget *widget = user_data;

  /* A menu button or a drop-down opens through the button inside it. */
  if ((GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget)) && gtk_widget_get_first_child (widget) != NULL)
    widget = gtk_widget_get_first_child (widget);
  gtk_widget_activate (widget);
}

/* GTK offers, through AT-SPI, the actions a widget has of its own: one named
 * "a11y.activate" does what a tap does. */
static void
add_activate_action (GtkWidget *widget)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("activate", NULL);

  g_signal_connect_object (action, "activate", G_CALLBACK (activate_widget), widget, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (widget, "a11y", G_ACTION_GROUP (group));
}

/* A row a tap does something on (a combo row opens its list); an entry row
 * is used through its entry. */
static gboolean
is_activatable_row (GtkWidget *widget)
{
  return GTK_IS_LIST_BOX_ROW (widget) && !ADW_IS_ENTRY_ROW (widget) &&
         gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget));
}

static void
fix_widget (GtkWidget *widget)
{
  if (g_object_get_data (G_OBJECT (widget), "aj-a11y") != NULL)
    return;
  g_object_set_data (G_OBJECT (widget), "aj-a11y", GINT_TO_POINTER (1));

  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (gtk_button_get_use_underline (GTK_BUTTON (widget)) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
        name_from_label (widget, gtk_button_get_label (GTK_BUTTON (widget)));
      else if (ADW_IS_BUTTON_CONTENT (child) && adw_button_content_get_use_underline (ADW_BUTTON_CONTENT (child)))
        name_from_label (widget, adw_button_content_get_label (ADW_BUTTON_CONTENT (child)));
      else if (GTK_IS_IMAGE (child) && gtk_widget_get_parent (widget) != NULL &&
               !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)) && !GTK_IS_DROP_DOWN (gtk_widget_get_parent (widget)))
        {
          on_button_tooltip (widget, NULL, NULL);
          g_signal_connect (widget, "notify::tooltip-text", G_CALLBACK (on_button_tooltip), NULL);
        }
      g_signal_connect (widget, "notify::label", G_CALLBACK (on_button_label), NULL);
    }
  else if (GTK_IS_EXPANDER (widget))
    {
      on_expander_label (GTK_EXPANDER (widget), NULL, NULL);
      g_signal_connect (widget, "notify::label", G_CALLBACK (on_expander_label), NULL);
    }
  else if (GTK_IS_MENU_BUTTON (widget))
    {
      /* The outer widget is what a screen reader meets first: it opens the
       * menu too. */
      on_menu_button_label (GTK_MENU_BUTTON (widget), NULL, NULL);
      g_signal_connect (widget, "notify::label", G_CALLBACK (on_menu_button_label), NULL);
      add_activate_action (widget);
    }
  else if (GTK_IS_DROP_DOWN (widget))
    {
      GtkWidget *inner = gtk_widget_get_first_child (widget);
      if (inner != NULL)
        gtk_accessible_update_relation (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_RELATION_LABELLED_BY, widget, NULL, -1);
      add_activate_action (widget);
    }
  /* A combo row becomes activatable only once it has a list. */
  else if (GTK_IS_CHECK_BUTTON (widget) || ADW_IS_COMBO_ROW (widget) || is_activatable_row (widget))
    add_activate_action (widget);
}

void
aj_a11y_fix_tree (GtkWidget *root)
{
  fix_widget (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    aj_a11y_fix_tree (child);
}
