/* aj-error.c: the AJ_ERROR domain. */
#include "aj-error.h"

G_DEFINE_QUARK (aj-error-quark, aj_error)
