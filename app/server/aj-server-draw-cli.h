/* aj-server-draw-cli.h: the office's commands for "double random, one
 * public": registers, plans, draws, assignments and publication. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  aj_draw_cli_handles  (const char  *command);
int       aj_draw_cli_main     (const char  *command,
                                int          argc,
                                char       **argv);

G_END_DECLS
