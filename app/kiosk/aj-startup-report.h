/* aj-startup-report.h: what --benchmark-startup prints at the first painted
 * frame, header-only so that tests/bench/anchor-startup (a bare window that
 * links nothing of ours) measures itself exactly as the kiosk does. */
#pragma once

#include <string.h>
#include <glib.h>

/* When the clock starts: bench-startup passes the monotonic clock just
 * before it spawned us (exec and linking count), else now. */
static inline gint64
aj_startup_origin_us (void)
{
  const char *spawned = g_getenv ("ANJIAN_BENCH_SPAWN_US");

  return spawned != NULL ? g_ascii_strtoll (spawned, NULL, 10) : g_get_monotonic_time ();
}

static inline gsize
aj_startup_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line ? g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

static inline void
aj_startup_report (gint64 origin_us)
{
  g_print ("first-frame-ms: %.1f\nrss-kb: %" G_GSIZE_FORMAT "\nhwm-kb: %" G_GSIZE_FORMAT "\n",
           (g_get_monotonic_time () - origin_us) / 1000.0,
           aj_startup_status_kb ("VmRSS:"), aj_startup_status_kb ("VmHWM:"));
}
