/* bench-startup.c: the kiosk's start-up time (from spawning it to its first
 * painted frame) and memory with the sample data, on a new data folder and on
 * an existing one, against the anchor of issue 11: a bare libadwaita window
 * with a label (anchor-startup), with the cairo and the GL renderer.
 * A benchmark, not a test: it reports figures and asserts nothing about them.
 *
 * Usage: bench-startup KIOSK [RUNS [ANCHOR]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "aj-bench.h"

/* Both programs print "first-frame-ms:" counted from ANJIAN_BENCH_SPAWN_US,
 * the monotonic clock just before the spawn: exec and linking count too. */
static gboolean
run_once (const char *program,
          const char *data_home,
          const char *renderer,
          double     *ms,
          double     *rss_mb,
          double     *wall_ms)
{
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", data_home, TRUE);
  const char *argv[] = { program, "--benchmark-startup", NULL };
  g_autofree char *out = NULL;
  g_autofree char *t0 = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  const char *line;
  int status;

  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "memory", TRUE);
  env = g_environ_setenv (env, "GSK_RENDERER", renderer, TRUE);
  start = g_get_monotonic_time ();
  t0 = g_strdup_printf ("%" G_GINT64_FORMAT, start);
  env = g_environ_setenv (env, "ANJIAN_BENCH_SPAWN_US", t0, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  *wall_ms = (g_get_monotonic_time () - start) / 1000.0;
  line = strstr (out, "first-frame-ms:");
  if (line == NULL)
    {
      g_printerr ("%s printed no first frame\n", program);
      return FALSE;
    }
  *ms = g_ascii_strtod (line + strlen ("first-frame-ms:"), NULL);
  line = strstr (out, "hwm-kb:");
  *rss_mb = line ? g_ascii_strtod (line + strlen ("hwm-kb:"), NULL) / 1024.0 : 0;
  return TRUE;
}

typedef struct
{
  double ms, rss, wall;
} Figures;

/* Medians of @runs. The two programs alternate, so that a load on the
 * machine (it is shared) weighs on both alike. */
static gboolean
measure_pair (const char *kiosk,
              const char *anchor,
              const char *dir,
              const char *renderer,
              int         runs,
              Figures    *k,
              Figures    *a)
{
  double kms[64], krss[64], kwall[64], ams[64], arss[64], awall[64];

  for (int i = 0; i < runs; i++)
    {
      if (!run_once (kiosk, dir, renderer, &kms[i], &krss[i], &kwall[i]))
        return FALSE;
      if (anchor != NULL && !run_once (anchor, dir, renderer, &ams[i], &arss[i], &awall[i]))
        return FALSE;
    }
  k->ms = aj_bench_median (kms, runs);
  k->rss = aj_bench_median (krss, runs);
  k->wall = aj_bench_median (kwall, runs);
  if (anchor != NULL)
    {
      a->ms = aj_bench_median (ams, runs);
      a->rss = aj_bench_median (arss, runs);
      a->wall = aj_bench_median (awall, runs);
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  const char *kiosk = argc > 1 ? argv[1] : "anjian";
  int runs = argc > 2 ? atoi (argv[2]) : 7;
  const char *anchor = argc > 3 ? argv[3] : NULL;
  static const char *renderers[] = { "cairo", "gl" };
  g_autofree char *dir = g_dir_make_tmp ("anjian-bench-XXXXXX", NULL);
  double first_ms, first_rss, first_wall;

  runs = CLAMP (runs, 1, 64);
  if (!run_once (kiosk, dir, "cairo", &first_ms, &first_rss, &first_wall))
    return 1;
  printf ("new data folder (creates the database, imports the sample registry), cairo:\n");
  printf ("  first frame %.0f ms, process %.0f ms, peak RSS %.1f MiB\n", first_ms, first_wall, first_rss);

  for (guint r = 0; r < G_N_ELEMENTS (renderers); r++)
    {
      Figures k, a;

      if (!measure_pair (kiosk, anchor, dir, renderers[r], runs, &k, &a))
        return 1;
      printf ("existing data folder, %s renderer, median of %d runs:\n", renderers[r], runs);
      printf ("  kiosk   first frame %6.0f ms, process %6.0f ms, peak RSS %6.1f MiB\n", k.ms, k.wall, k.rss);
      if (anchor != NULL)
        {
          printf ("  anchor  first frame %6.0f ms, process %6.0f ms, peak RSS %6.1f MiB (bare libadwaita window, a label)\n",
                  a.ms, a.wall, a.rss);
          printf ("  ratio   first frame %.2f (target <= 1.3), peak RSS %.2f\n", k.ms / a.ms, k.rss / a.rss);
        }
    }
  return 0;
}
