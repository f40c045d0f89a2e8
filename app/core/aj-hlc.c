/* aj-hlc.c: a hybrid logical clock orders events across devices with skewed clocks:
 * it never goes backwards, stays close to wall time and moves past every time it has seen. */
#include "aj-hlc.h"

gint64
aj_hlc_tick (AjHlc  *hlc,
             gint64  wall_ms)
{
  gint64 physical = wall_ms << 16;

  /* A counter that overflows simply carries into the millisecond field. */
  hlc->last = MAX (physical, hlc->last + 1);
  return hlc->last;
}

gint64
aj_hlc_observe (AjHlc  *hlc,
                gint64  remote,
                gint64  wall_ms)
{
  gint64 physical = wall_ms << 16;

  hlc->last = MAX (MAX (physical, hlc->last + 1), remote + 1);
  return hlc->last;
}
