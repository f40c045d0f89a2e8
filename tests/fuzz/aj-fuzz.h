/* aj-fuzz.h: what every harness shares: quiet but strict GLib logging, a
 * NUL-terminated copy of the input, and a store on the sample registry in a
 * folder of the process's own. */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "aj-registry.h"
#include "aj-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
int LLVMFuzzerInitialize   (int           *argc,
                            char        ***argv);

/* A critical or a warning is a precondition the input broke: a finding.
 * Everything below is noise at a million inputs a minute. */
static GLogWriterOutput
aj_fuzz_log_writer (GLogLevelFlags   level,
                    const GLogField *fields,
                    gsize            n_fields,
                    gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
aj_fuzz_init_logging (void)
{
  g_log_set_writer_func (aj_fuzz_log_writer, NULL, NULL);
}

/* libFuzzer's bytes are not NUL-terminated; the core's text functions want C strings. */
static inline char *
aj_fuzz_text (const uint8_t *data,
              size_t         size)
{
  char *text = g_malloc (size + 1);

  memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

static char *aj_fuzz_dir;
static AjStore *aj_fuzz_store;

static void
aj_fuzz_remove_dir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&aj_fuzz_store);
  if (aj_fuzz_dir == NULL)
    return;
  dir = g_dir_open (aj_fuzz_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (aj_fuzz_dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (aj_fuzz_dir);
  g_clear_pointer (&aj_fuzz_dir, g_free);
}

/* One store per process, in a new temporary folder removed at exit, holding
 * the sample registry (data/registry.json). Inputs change it only inside a
 * transaction the harness rolls back, so every input meets the same state. */
static inline AjStore *
aj_fuzz_open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *registry = g_build_filename (ANJIAN_SOURCE_DATADIR, "registry.json", NULL);

  aj_fuzz_dir = g_dir_make_tmp ("anjian-fuzz-XXXXXX", &error);
  if (aj_fuzz_dir == NULL)
    g_error ("Cannot make a temporary folder: %s", error->message);
  atexit (aj_fuzz_remove_dir);
  db = g_build_filename (aj_fuzz_dir, "anjian.db", NULL);
  aj_fuzz_store = aj_store_open (db, &error);
  if (aj_fuzz_store == NULL || !aj_registry_import_file (aj_fuzz_store, registry, "fuzz", &error))
    g_error ("Cannot open the fuzz store: %s", error->message);
  return aj_fuzz_store;
}

/* Fails the run (libFuzzer keeps the input) when a property the harness
 * checks does not hold. */
#define aj_fuzz_assert(cond, ...) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      { \
        g_printerr ("Property failed: %s: ", #cond); \
        g_printerr (__VA_ARGS__); \
        g_printerr ("\n"); \
        abort (); \
      } \
  } G_STMT_END
