/* aj-bench.h: what the benchmarks share: the median of a few rounds. */
#pragma once

#include <stdlib.h>

static inline int
aj_bench_compare (const void *a,
                  const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Sorts @v in place. */
static inline double
aj_bench_median (double *v,
                 int     n)
{
  qsort (v, n, sizeof (double), aj_bench_compare);
  return v[n / 2];
}
