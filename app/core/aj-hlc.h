/* aj-hlc.h: hybrid logical clock, packed in 64 bits as (unix ms << 16) | counter. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 last;
} AjHlc;

#define AJ_HLC_WALL_MS(h) ((h) >> 16)
#define AJ_HLC_COUNTER(h) ((h) & 0xffff)

gint64 aj_hlc_tick    (AjHlc  *hlc,
                       gint64  wall_ms);
gint64 aj_hlc_observe (AjHlc  *hlc,
                       gint64  remote,
                       gint64  wall_ms);

G_END_DECLS
