/* aj-headless.h: `anjian enroll` and `anjian sync` for provisioning and scripts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

enum
{
  AJ_EXIT_OK = 0,
  AJ_EXIT_FAILED = 1,
  AJ_EXIT_USAGE = 2,
  AJ_EXIT_NOT_ENROLLED = 3,
  AJ_EXIT_NETWORK = 4,
  AJ_EXIT_AUTH = 5,
  AJ_EXIT_REFUSED = 6,
  AJ_EXIT_SERVER = 7,
  AJ_EXIT_LOCAL = 8,
};

gboolean aj_headless_handles  (const char *command);
int      aj_headless_run      (int         argc,
                               char      **argv);
char    *aj_kiosk_data_dir    (void);

G_END_DECLS
