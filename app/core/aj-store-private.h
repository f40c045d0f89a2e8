/* aj-store-private.h: the store's SQLite connection, for the units that are
 * storage themselves (core, the server's storage unit) and for tests that
 * inspect the file. Pages and request handlers never see SQL. */
#pragma once

#if !defined (AJ_STORE_COMPILATION)
# error "aj-store-private.h is private to storage code (core, the server's storage unit, tests): use the named functions of core"
#endif

#include <sqlite3.h>

#include "aj-store.h"

G_BEGIN_DECLS

sqlite3 *aj_store_get_db (AjStore *self);

/* For tests of a projection rebuild: @hook is called after each step it
 * commits (numbered from 1), and the replay goes @chunk_events events to a
 * step (0: the usual number). With @chunk_events, the log is also
 * checkpointed after every step, however small (otherwise after a step that
 * leaves 1,000 pages or more in it), so that a small store shows what a
 * year's does. */
typedef void (*AjStoreRebuildHook) (AjStore *store,
                                    guint    step,
                                    gpointer data);

void     aj_store_set_rebuild_hook (AjStore            *self,
                                    guint               chunk_events,
                                    AjStoreRebuildHook  hook,
                                    gpointer            data);

G_END_DECLS
