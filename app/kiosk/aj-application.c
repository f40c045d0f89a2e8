/* aj-application.c: start-up (data folder, database, sample registry, checklists),
 * the style sheet and the application-wide actions. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "aj-application.h"
#include "aj-kiosk-lock.h"
#include "aj-location.h"
#include "aj-rounds.h"
#include "aj-startup-report.h"
#include "aj-sync-manager.h"
#include "aj-window.h"
#include "anjian-resources.h"

struct _AjApplication
{
  AdwApplication  parent_instance;

  char           *data_dir;
  char           *blob_dir;
  AjStore        *store;
  GError         *store_error;
  GListStore     *checklists;
  GPtrArray      *problems;
  GSettings      *settings;
  AjSyncManager  *sync;
  AjSession      *session;
  gboolean        checklists_read;
  gboolean        benchmark;
  gboolean        kiosk_mode;
};

G_DEFINE_FINAL_TYPE (AjApplication, aj_application, ADW_TYPE_APPLICATION)

/* Checklists and the sample registry ship in data/: found beside the sources
 * when the kiosk runs from its build folder, installed otherwise. */
const char *
aj_find_shipped_data_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *env = g_getenv ("ANJIAN_DATA_DIR");
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

      if (env != NULL && *env != '\0')
        dir = g_strdup (env);
      else if (exe != NULL && g_str_has_prefix (exe, ANJIAN_BUILD_ROOT "/"))
        dir = g_strdup (ANJIAN_SOURCE_DATADIR);
      else
        dir = g_strdup (PKGDATADIR);
    }
  return dir;
}

/* The schema is compiled into the build folder when not installed. */
GSettings *
aj_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_autoptr(GSettingsSchemaSource) local =
        g_settings_schema_source_new_from_directory (ANJIAN_BUILD_SCHEMADIR, source, FALSE, NULL);
      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, APP_ID, FALSE);
    }
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

/* The bundled checklists, and those the server published (kept in the
 * data folder): of two with the same id, the higher version wins, and the
 * server's on a tie. */
static void
aj_application_load_checklists (AjApplication *self)
{
  g_autofree char *shipped = g_build_filename (aj_find_shipped_data_dir (), "checklists", NULL);
  g_autofree char *received = g_build_filename (self->data_dir, "checklists", NULL);
  g_autoptr(GPtrArray) loaded = aj_checklist_load_dir (shipped, self->problems);

  if (g_file_test (received, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) from_server = aj_checklist_load_dir (received, self->problems);
      for (guint i = 0; i < from_server->len; i++)
        {
          AjChecklist *c = g_ptr_array_index (from_server, i);
          gboolean placed = FALSE;
          for (guint j = 0; j < loaded->len && !placed; j++)
            {
              AjChecklist *old = g_ptr_array_index (loaded, j);
              if (g_str_equal (aj_checklist_get_id (old), aj_checklist_get_id (c)))
                {
                  if (aj_checklist_get_version (c) >= aj_checklist_get_version (old))
                    {
                      /* Earlier versions stay readable inside the newer one. */
                      aj_checklist_supersede (c, old);
                      g_object_unref (old);
                      loaded->pdata[j] = g_object_ref (c);
                    }
                  else
                    aj_checklist_supersede (old, c);
                  placed = TRUE;
                }
            }
          if (!placed)
            g_ptr_array_add (loaded, g_object_ref (c));
        }
    }

  g_list_store_remove_all (self->checklists);
  for (guint i = 0; i < self->problems->len; i++)
    g_warning ("Checklist not loaded: %s", (const char *) g_ptr_array_index (self->problems, i));
  for (guint i = 0; i < loaded->len; i++)
    g_list_store_append (self->checklists, g_ptr_array_index (loaded, i));
}

static void
aj_application_open_store (AjApplication *self)
{
  g_autofree char *path = g_build_filename (self->data_dir, "anjian.db", NULL);
  g_autoptr(GError) error = NULL;

  self->store = aj_store_open (path, &error);
  if (self->store == NULL)
    {
      g_warning ("%s", error->message);
      self->store_error = g_steal_pointer (&error);
      return;
    }

  /* A fresh device starts with the bundled sample registry; an enrolled
   * one replaces it with the server's. */
  if (aj_registry_is_empty (self->store))
    {
      g_autofree char *registry = g_build_filename (aj_find_shipped_data_dir (), "registry.json", NULL);
      g_autofree char *schedules = g_build_filename (aj_find_shipped_data_dir (), "schedules.json", NULL);
      if (!aj_registry_import_file (self->store, registry, "sample", &error))
        g_ptr_array_add (self->problems, g_strdup_printf (_("Sample registry not loaded: %s"), error->message));
      /* …and the sample homes' schedules of rounds. */
      else if (!aj_rounds_import_file (self->store, schedules, &error))
        g_ptr_array_add (self->problems, g_strdup_printf (_("Sample schedules not loaded: %s"), error->message));
    }
}

/* The checklists are read after the first frame or when first needed
 * (aj_session_defer_checklists); what could not be loaded is said then. */
static gboolean
aj_application_ensure_checklists (gpointer data)
{
  AjApplication *self = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->checklists_read)
    return G_SOURCE_REMOVE;
  self->checklists_read = TRUE;
  aj_application_load_checklists (self);
  if (AJ_IS_WINDOW (window))
    aj_window_report_problems (AJ_WINDOW (window), self->problems);
  return G_SOURCE_REMOVE;
}

/* Checklists the server published are read again after a sync brought them. */
static void
on_synced (AjApplication *self,
           gboolean       reference_changed)
{
  if (reference_changed && !self->checklists_read)
    aj_application_ensure_checklists (self);
  else if (reference_changed)
    {
      g_ptr_array_set_size (self->problems, 0);
      aj_application_load_checklists (self);
    }
}

static void
aj_application_startup (GApplication *app)
{
  AjApplication *self = AJ_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (aj_application_parent_class)->startup (app);

  gtk_css_provider_load_from_resource (css, "/org/anjian/Kiosk/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (APP_ID);

  self->data_dir = g_build_filename (g_get_user_data_dir (), "anjian", NULL);
  self->blob_dir = g_build_filename (self->data_dir, "blobs", NULL);
  self->settings = aj_settings_new ();

  aj_application_open_store (self);
  aj_location_start ();
  if (self->store != NULL)
    {
      self->sync = aj_sync_manager_new (self->store, self->data_dir);
      g_signal_connect_swapped (self->sync, "synced", G_CALLBACK (on_synced), self);
      self->session = aj_session_new (self->store, self->blob_dir, self->settings,
                                      G_LIST_MODEL (self->checklists), self->sync);
      aj_session_defer_checklists (self->session, aj_application_ensure_checklists, self);
    }
}

static gint64 process_start_us;

/* After the first frame: what start-up left for later. With
 * --benchmark-startup: report the time to it and the memory then, and quit
 * (used by tests/bench/bench-startup). */
static void
on_first_frame (GdkFrameClock *clock,
                AjApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame, self);
  if (!self->benchmark)
    {
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, aj_application_ensure_checklists, g_object_ref (self), g_object_unref);
      return;
    }
  aj_startup_report (process_start_us);
  g_application_quit (G_APPLICATION (self));
}

static void
on_window_mapped (GtkWidget     *window,
                  AjApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_frame), self);
}

static int
aj_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  AjApplication *self = AJ_APPLICATION (app);

  if (g_variant_dict_contains (options, "benchmark-startup"))
    self->benchmark = TRUE;
  if (g_variant_dict_contains (options, "kiosk-mode"))
    self->kiosk_mode = TRUE;
  return -1;
}

static void
aj_application_activate (GApplication *app)
{
  AjApplication *self = AJ_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (aj_window_new (GTK_APPLICATION (self), self->session, self->settings,
                                          self->store_error));
      if (self->session != NULL || self->benchmark)
        g_signal_connect (window, "map", G_CALLBACK (on_window_mapped), self);
      /* A tablet mounted in a home: no way out without an administrator. */
      if (self->session != NULL && aj_application_is_kiosk_mode (self))
        {
          static const char *no_accels[] = { NULL };
          aj_kiosk_lock_attach (window, self->session);
          gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", no_accels);
        }
    }
  gtk_window_present (window);
}

static void
aj_application_finalize (GObject *object)
{
  AjApplication *self = (AjApplication *) object;

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->blob_dir, g_free);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_object (&self->checklists);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (aj_application_parent_class)->finalize (object);
}

static void
aj_application_class_init (AjApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = aj_application_finalize;
  app_class->startup = aj_application_startup;
  app_class->activate = aj_application_activate;
  app_class->handle_local_options = aj_application_handle_local_options;
}

/* In kiosk mode quitting is closing the window, which asks for an
 * administrator's PIN. */
static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AjApplication *self = AJ_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL && aj_application_is_kiosk_mode (self))
    gtk_window_close (window);
  else
    g_application_quit (G_APPLICATION (self));
}

/* --kiosk-mode, or the "kiosk-mode" setting. */
gboolean
aj_application_is_kiosk_mode (AjApplication *self)
{
  return self->kiosk_mode || (self->settings != NULL && g_settings_get_boolean (self->settings, "kiosk-mode"));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Anjian"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("Offline safety inspections of civil-affairs service institutions"));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The Anjian developers"));
  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void
aj_application_init (AjApplication *self)
{
  static const GActionEntry entries[] = {
    { "quit", quit_activated },
    { "about", about_activated },
  };
  static const char *quit_accels[] = { "<Control>q", NULL };

  const GOptionEntry options[] = {
    { "benchmark-startup", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the time to the first frame and the memory used, then quit"), NULL },
    { "kiosk-mode", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Full screen, no window controls, closed only with an administrator's PIN"), NULL },
    { NULL }
  };

  if (process_start_us == 0)
    process_start_us = aj_startup_origin_us ();
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  self->checklists = g_list_store_new (AJ_TYPE_CHECKLIST);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

AjApplication *
aj_application_new (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      aj_kiosk_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return g_object_new (AJ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/anjian/Kiosk",
                       NULL);
}

AjStore *
aj_application_get_store (AjApplication *self)
{
  return self->store;
}

const char *
aj_application_get_blob_dir (AjApplication *self)
{
  return self->blob_dir;
}

const char *
aj_application_get_data_dir (AjApplication *self)
{
  return self->data_dir;
}

GListModel *
aj_application_get_checklists (AjApplication *self)
{
  aj_application_ensure_checklists (self);
  return G_LIST_MODEL (self->checklists);
}

AjChecklist *
aj_application_find_checklist (AjApplication *self,
                               const char    *id)
{
  guint n;

  aj_application_ensure_checklists (self);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->checklists));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjChecklist) checklist = g_list_model_get_item (G_LIST_MODEL (self->checklists), i);
      if (g_strcmp0 (aj_checklist_get_id (checklist), id) == 0)
        return checklist;
    }
  return NULL;
}

GPtrArray *
aj_application_get_problems (AjApplication *self)
{
  return self->problems;
}

GSettings *
aj_application_get_settings (AjApplication *self)
{
  return self->settings;
}

AjSyncManager *
aj_application_get_sync (AjApplication *self)
{
  return self->sync;
}

/* NULL when the store could not be opened. */
AjSession *
aj_application_get_session (AjApplication *self)
{
  return self->session;
}
