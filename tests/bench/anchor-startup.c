/* anchor-startup.c: the start-up anchor of issue 11: a bare libadwaita window
 * with one label, timed to its first painted frame as the kiosk times itself
 * (--benchmark-startup), so that bench-startup can print the kiosk's ratio. */
#include <adwaita.h>

#include "aj-startup-report.h"

static gint64 process_start_us;

static void
on_first_frame (GdkFrameClock *clock,
                GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, on_first_frame, app);
  aj_startup_report (process_start_us);
  g_application_quit (app);
}

static void
on_mapped (GtkWidget    *window,
           GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_first_frame), app);
}

static void
on_activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Anjian"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_signal_connect (window, "map", G_CALLBACK (on_mapped), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  process_start_us = aj_startup_origin_us ();
  app = adw_application_new ("org.anjian.StartupAnchor", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  /* Called as the kiosk is (--benchmark-startup): it always reports. */
  return g_application_run (G_APPLICATION (app), 1, argv);
}
