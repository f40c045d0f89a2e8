/* fuzz-registry-csv.c: a registry CSV (institutions or users) as
 * `anjian-server import-registry file.csv` takes it: aj_admin_import_registry
 * from app/server/aj-server-admin.c, which needs no HTTP, over a file this
 * harness writes. Each import is rolled back.
 *
 * Inputs that name a "pin" column are skipped: each such row is hashed with
 * Argon2id on purpose (~0.2 s), which would hold the fuzzer to a few inputs
 * a second; the rows with a ready "pin_hash" take the same path otherwise. */
#include "config.h"

#include <stdio.h>

#include "aj-fuzz.h"
#include "aj-fuzz-registry.h"

#include "aj-server-admin.h"

static AjStore *store;
static char *csv_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  aj_fuzz_init_logging ();
  store = aj_fuzz_open_store ();
  csv_path = g_build_filename (aj_fuzz_dir, "registry.csv", NULL);
  return 0;
}

/* "pin" anywhere, in any case, except as the start of "pin_…". */
static gboolean
names_pin (const uint8_t *data,
           size_t         size)
{
  for (size_t i = 0; i + 3 <= size; i++)
    if (g_ascii_tolower (data[i]) == 'p' && g_ascii_tolower (data[i + 1]) == 'i' &&
        g_ascii_tolower (data[i + 2]) == 'n' && (i + 3 == size || data[i + 3] != '_'))
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  FILE *file;
  gboolean ok;

  if (names_pin (data, size))
    return 0;
  file = fopen (csv_path, "wb");
  if (file == NULL || fwrite (data, 1, size, file) != size || fclose (file) != 0)
    g_error ("Cannot write %s", csv_path);

  if (!aj_store_begin (store, &error))
    g_error ("%s", error->message);
  ok = aj_admin_import_registry (store, csv_path, &error);
  aj_fuzz_assert (ok == (error == NULL), "importing: result and error disagree");
  if (ok)
    aj_fuzz_read_registry (store);
  aj_store_rollback (store);
  return 0;
}
