/* main.c: the anjian kiosk: language set-up, then the GTK application. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "aj-application.h"
#include "aj-headless.h"

/* Translations are in the build folder until the kiosk is installed. */
static const char *
find_locale_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (exe != NULL && g_str_has_prefix (exe, ANJIAN_BUILD_ROOT "/"))
    return ANJIAN_BUILD_LOCALEDIR;
  return LOCALEDIR;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AjApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, find_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 1 && aj_headless_handles (argv[1]))
    return aj_headless_run (argc, argv);

  app = aj_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
