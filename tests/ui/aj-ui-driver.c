/* aj-ui-driver.c: test helpers that act on real widgets as a person would:
 * the same signals a tap or a key press emits, then the main loop runs. */
#include <stdio.h>

#include "aj-application.h"
#include "aj-sign-in-page.h"
#include "aj-ui-driver.h"
#include "aj-window.h"

GtkWidget *
aj_ui_find_type (GtkWidget *root,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = aj_ui_find_type (child, type);
      if (found)
        return found;
    }
  return NULL;
}

GtkWidget *
aj_ui_find_id (GtkWidget  *root,
               const char *id)
{
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (own != NULL && g_str_equal (own, id))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = aj_ui_find_id (child, id);
      if (found)
        return found;
    }
  return NULL;
}

GtkWidget *
aj_ui_find_name (GtkWidget  *root,
                 const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = aj_ui_find_name (child, name);
      if (found)
        return found;
    }
  return NULL;
}

GtkWidget *
aj_ui_page (GtkWidget *window,
            GType      type)
{
  GtkWidget *page = aj_ui_find_type (window, type);
  g_assert_nonnull (page);
  return page;
}

GtkWidget *
aj_ui_in_page (GtkWidget  *window,
               GType       type,
               const char *id)
{
  GtkWidget *widget = aj_ui_find_id (aj_ui_page (window, type), id);

  if (widget == NULL)
    g_error ("No widget “%s” in %s", id, g_type_name (type));
  return widget;
}

void
aj_ui_wait (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

gboolean
aj_ui_wait_for (gboolean (*condition) (gpointer),
                gpointer   data,
                guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      if (condition (data))
        return TRUE;
      g_usleep (10000);
    }
  return condition (data);
}

/* What a tap does: a button is clicked, a row or child is activated. */
void
aj_ui_click (GtkWidget *widget)
{
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_assert_true (gtk_widget_get_mapped (widget));
  if (GTK_IS_FLOW_BOX_CHILD (widget))
    g_signal_emit_by_name (widget, "activate");
  else if (GTK_IS_LIST_BOX_ROW (widget))
    g_signal_emit_by_name (widget, "activate");
  else if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");   /* "activate" would wait 250 ms */
  else
    gtk_widget_activate (widget);
  aj_ui_wait (50);
}

void
aj_ui_type (GtkWidget  *widget,
            const char *text)
{
  g_assert_nonnull (widget);
  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
  aj_ui_wait (30);
}

GtkWindow *
aj_ui_find_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (w != parent && gtk_window_get_transient_for (w) == parent && gtk_widget_get_visible (GTK_WIDGET (w)))
        found = w;
    }
  return found;
}

/* What a tap on one of a message dialog's buttons does: the response,
 * then the dialog goes. */
void
aj_ui_respond (GtkWindow  *dialog,
               const char *response)
{
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_object_ref (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  g_object_unref (dialog);
  aj_ui_wait (100);
}

/* Renders the window with its own renderer: what is on the screen. */
gboolean
aj_ui_screenshot (GtkWidget  *window,
                  const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  aj_ui_wait (300);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return FALSE;
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return gdk_texture_save_to_png (texture, path);
}

typedef struct
{
  GtkWidget  *window;
  const char *name;
} PageWait;

static gboolean
shows_page (gpointer data)
{
  PageWait *wait = data;
  return g_strcmp0 (aj_window_get_page_name (AJ_WINDOW (wait->window)), wait->name) == 0;
}

void
aj_ui_expect_page (GtkWidget  *window,
                   const char *name)
{
  PageWait wait = { window, name };

  if (!aj_ui_wait_for (shows_page, &wait, 5000))
    g_error ("Expected page “%s”, the window shows “%s”", name, aj_window_get_page_name (AJ_WINDOW (window)));
}

/* A tap on the person's tile, the PIN typed, a tap on "Sign in". */
void
aj_ui_sign_in (GtkWidget  *window,
               const char *user,
               const char *pin)
{
  GtkWidget *page = aj_ui_page (window, AJ_TYPE_SIGN_IN_PAGE);
  GtkWidget *tile;

  aj_ui_expect_page (window, "sign-in");
  tile = aj_ui_find_name (page, user);
  g_assert_nonnull (tile);
  aj_ui_click (tile);
  aj_ui_type (aj_ui_find_id (page, "pin_entry"), pin);
  aj_ui_click (aj_ui_find_id (page, "sign_in_button"));
}

/* Where a page too wide for the screen gets its width from: every widget
 * that needs 200 px or more, on standard error. */
void
aj_ui_dump_widths (GtkWidget *widget,
                   int        depth)
{
  int min = 0;
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min < 200)
    return;
  g_printerr ("%*s%s %s min %d\n", depth * 2, "", G_OBJECT_TYPE_NAME (widget), id ? id : "", min);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    aj_ui_dump_widths (c, depth + 1);
}

/* ---- one kiosk process ---- */

static AjApplication *kiosk;
static AjUiDrive      kiosk_drive;
static int            kiosk_width = 1280, kiosk_height = 800;
static int            kiosk_status;

GApplication *
aj_ui_kiosk (void)
{
  return G_APPLICATION (kiosk);
}

static gboolean
drive_kiosk (gpointer data)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (kiosk)));

  g_assert_nonnull (window);
  aj_ui_wait (300);
  kiosk_drive (window);
  kiosk_status = 0;
  g_application_quit (G_APPLICATION (kiosk));
  return G_SOURCE_REMOVE;
}

static void
on_kiosk_startup (GApplication *application)
{
  GSettings *settings = aj_application_get_settings (AJ_APPLICATION (application));

  g_settings_set_int (settings, "window-width", kiosk_width);
  g_settings_set_int (settings, "window-height", kiosk_height);
}

static void
on_kiosk_activate (GApplication *application)
{
  g_idle_add (drive_kiosk, NULL);
}

/* Runs the real kiosk in this process with its window at @size ("WxH"),
 * calls @drive with the window once it is up, then quits. 0 when @drive
 * returned (a failed assertion aborts the process). */
int
aj_ui_run_kiosk (const char *size,
                 AjUiDrive   drive)
{
  if (size != NULL)
    sscanf (size, "%dx%d", &kiosk_width, &kiosk_height);
  kiosk_drive = drive;
  kiosk_status = 1;
  kiosk = aj_application_new ();
  g_signal_connect_after (kiosk, "startup", G_CALLBACK (on_kiosk_startup), NULL);
  g_signal_connect_after (kiosk, "activate", G_CALLBACK (on_kiosk_activate), NULL);
  g_application_run (G_APPLICATION (kiosk), 0, NULL);
  g_clear_object (&kiosk);
  return kiosk_status;
}
