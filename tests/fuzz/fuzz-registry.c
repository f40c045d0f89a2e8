/* fuzz-registry.c: a registry file imported whole (aj_registry_import_data,
 * as the kiosk and `anjian-server import-registry` do) into a store that
 * holds the sample registry, from bytes that are not NUL-terminated; what
 * imports is read back. Each import is rolled back. */
#include "config.h"

#include "aj-fuzz.h"
#include "aj-fuzz-registry.h"

static AjStore *store;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  aj_fuzz_init_logging ();
  store = aj_fuzz_open_store ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!aj_store_begin (store, &error))
    g_error ("%s", error->message);
  ok = aj_registry_import_data (store, (const char *) data, size, "fuzz", &error);
  aj_fuzz_assert (ok == (error == NULL), "importing: result and error disagree");
  if (ok)
    aj_fuzz_read_registry (store);
  aj_store_rollback (store);
  return 0;
}
