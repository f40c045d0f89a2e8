/* bench-startup.c: the kiosk's start-up time (to the first painted frame) and
 * memory with the sample data, on a new data folder and on an existing one.
 * A benchmark, not a test: it reports figures and asserts nothing about them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

static gboolean
run_once (const char *kiosk,
          const char *data_home,
          double     *ms,
          double     *rss_mb,
          double     *wall_ms)
{
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", data_home, TRUE);
  const char *argv[] = { kiosk, "--benchmark-startup", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  const char *line;
  int status;

  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  *wall_ms = (g_get_monotonic_time () - start) / 1000.0;
  line = strstr (out, "first-frame-ms:");
  if (line == NULL)
    return FALSE;
  *ms = g_ascii_strtod (line + strlen ("first-frame-ms:"), NULL);
  line = strstr (out, "hwm-kb:");
  *rss_mb = line ? g_ascii_strtod (line + strlen ("hwm-kb:"), NULL) / 1024.0 : 0;
  return TRUE;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  const char *kiosk = argc > 1 ? argv[1] : "anjian";
  int runs = argc > 2 ? atoi (argv[2]) : 7;
  g_autofree char *dir = g_dir_make_tmp ("anjian-bench-XXXXXX", NULL);
  double ms[64], rss[64], wall[64], first_ms, first_rss, first_wall;

  runs = CLAMP (runs, 1, 64);
  if (!run_once (kiosk, dir, &first_ms, &first_rss, &first_wall))
    return 1;
  printf ("new data folder (creates the database, imports the sample registry):\n");
  printf ("  first frame %.0f ms, process %.0f ms, peak RSS %.1f MiB\n", first_ms, first_wall, first_rss);

  for (int i = 0; i < runs; i++)
    if (!run_once (kiosk, dir, &ms[i], &rss[i], &wall[i]))
      return 1;
  qsort (ms, runs, sizeof (double), compare);
  qsort (rss, runs, sizeof (double), compare);
  qsort (wall, runs, sizeof (double), compare);
  printf ("existing data folder, median of %d runs:\n", runs);
  printf ("  first frame %.0f ms (min %.0f, max %.0f), process %.0f ms, peak RSS %.1f MiB\n",
          ms[runs / 2], ms[0], ms[runs - 1], wall[runs / 2], rss[runs / 2]);
  return 0;
}
