/* aj-sign-in-page.c: choosing yourself among the people of the registry and
 * proving it with a PIN. Repeated wrong PINs lock the kiosk for a while. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-page.h"
#include "aj-registry.h"
#include "aj-sign-in-page.h"

#define MAX_TRIES     5
#define LOCK_SECONDS  60

struct _AjSignInPage
{
  AdwBin          parent_instance;

  AjStore        *store;
  GListModel     *users;
  AjUser         *chosen;
  guint           failures;
  gint64          locked_until;
  GSignalGroup   *sync_signals;

  GtkFlowBox     *user_box;
  GtkRevealer    *pin_revealer;
  GtkLabel       *pin_label;
  GtkPasswordEntry *pin_entry;
  GtkLabel       *error_label;
  GtkButton      *sign_in_button;
};

G_DEFINE_FINAL_TYPE (AjSignInPage, aj_sign_in_page, ADW_TYPE_BIN)

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A tile is a button inside the flow box's child, so that an assistive
 * technology finds a named control with a "click" action; clicking it
 * activates the child, as a tap on the tile does. */
static void
on_tile_clicked (GtkButton *button,
                 gpointer   user_data)
{
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (button)), "activate");
}

static GtkWidget *
create_user_tile (gpointer item,
                  gpointer user_data)
{
  AjUser *user = item;
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *avatar = adw_avatar_new (64, aj_user_get_name (user), TRUE);
  GtkWidget *name = gtk_label_new (aj_user_get_name (user));
  GtkWidget *role = gtk_label_new (aj_user_role_label (aj_user_get_role (user)));
  GtkWidget *child;

  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (role, "dim-label");
  gtk_widget_add_css_class (role, "caption");
  gtk_label_set_ellipsize (GTK_LABEL (role), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), avatar);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), role);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "user-tile-button");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aj_user_get_name (user),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, aj_user_role_label (aj_user_get_role (user)),
                                  -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_tile_clicked), NULL);

  child = gtk_flow_box_child_new ();
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), button);
  /* The button takes the focus; the child would be a second stop for Tab. */
  gtk_widget_set_focusable (child, FALSE);
  gtk_widget_add_css_class (child, "user-tile");
  gtk_widget_set_name (child, aj_user_get_id (user));
  gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, aj_user_get_name (user),
                                  -1);
  return child;
}

static void
on_user_activated (GtkFlowBox      *box,
                   GtkFlowBoxChild *child,
                   AjSignInPage    *self)
{
  int index = gtk_flow_box_child_get_index (child);
  g_autofree char *text = NULL;

  g_clear_object (&self->chosen);
  self->chosen = g_list_model_get_item (self->users, index);
  text = g_strdup_printf (_("PIN for %s"), aj_user_get_name (self->chosen));
  gtk_label_set_label (self->pin_label, text);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_label_set_label (self->error_label, "");
  gtk_revealer_set_reveal_child (self->pin_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
on_sign_in_clicked (AjSignInPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjUser) user = NULL;
  gint64 now = g_get_monotonic_time ();
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  if (self->chosen == NULL)
    return;
  if (now < self->locked_until)
    {
      g_autofree char *text = g_strdup_printf (
        _("Too many wrong PINs. Try again in %d seconds."),
        (int) ((self->locked_until - now) / G_USEC_PER_SEC) + 1);
      gtk_label_set_label (self->error_label, text);
      return;
    }

  user = aj_registry_check_pin (self->store, aj_user_get_id (self->chosen), pin, &error);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (user == NULL)
    {
      self->failures++;
      if (self->failures >= MAX_TRIES)
        {
          self->failures = 0;
          self->locked_until = now + LOCK_SECONDS * G_USEC_PER_SEC;
          gtk_label_set_label (self->error_label, _("Too many wrong PINs. Sign-in is locked for one minute."));
        }
      else
        gtk_label_set_label (self->error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }

  self->failures = 0;
  gtk_label_set_label (self->error_label, "");
  g_signal_emit (self, signals[SIGNED_IN], 0, user);
}

static void
aj_sign_in_page_dispose (GObject *object)
{
  AjSignInPage *self = AJ_SIGN_IN_PAGE (object);

  g_clear_object (&self->chosen);
  g_clear_object (&self->users);
  g_clear_object (&self->store);
  g_clear_object (&self->sync_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (aj_sign_in_page_parent_class)->dispose (object);
}

static void
aj_sign_in_page_class_init (AjSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_sign_in_page_dispose;

  signals[SIGNED_IN] = g_signal_new ("signed-in",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, AJ_TYPE_USER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, user_box);
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, pin_revealer);
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, pin_label);
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AjSignInPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_user_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
}

/* A sync that changed the registry while the page is shown brings in the
 * people it added or removed. */
static void
on_synced (AjSyncManager *sync,
           gboolean       reference_changed,
           AjSignInPage  *self)
{
  if (reference_changed)
    aj_sign_in_page_reset (self);
}

static void
on_map (AjSignInPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));

  g_signal_group_set_target (self->sync_signals, session ? aj_session_get_sync (session) : NULL);
}

static void
on_unmap (AjSignInPage *self)
{
  g_signal_group_set_target (self->sync_signals, NULL);
}

static void
aj_sign_in_page_init (AjSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sync_signals = g_signal_group_new (AJ_TYPE_SYNC_MANAGER);
  g_signal_group_connect (self->sync_signals, "synced", G_CALLBACK (on_synced), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (on_unmap), NULL);
}

void
aj_sign_in_page_set_store (AjSignInPage *self,
                           AjStore      *store)
{
  /* The tiles are made by aj_sign_in_page_reset (), which signing out
   * (the window's first action) calls: making them here too cost start-up
   * a second set of avatars. */
  g_set_object (&self->store, store);
}

void
aj_sign_in_page_reset (AjSignInPage *self)
{
  if (self->store == NULL)
    return;
  g_clear_object (&self->users);
  g_clear_object (&self->chosen);
  self->users = aj_registry_list_users (self->store, NULL);
  gtk_flow_box_bind_model (self->user_box, self->users, create_user_tile, self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_label_set_label (self->error_label, "");
  gtk_revealer_set_reveal_child (self->pin_revealer, FALSE);
}
