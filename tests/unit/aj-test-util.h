/* aj-test-util.h: the unit tests' fixtures (a folder of the test's own, a store
 * on the sample registry) and small file helpers. Test programs run with
 * G_TEST_OPTION_ISOLATE_DIRS, so each test case has its own $HOME and XDG
 * folders, which GLib makes before and removes after the test case. */
#pragma once

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-registry.h"
#include "aj-store.h"

/* The sample data shipped in the source tree (data/), from the test environment. */
static inline char *
aj_test_data_path (const char *first_element,
                   ...)
{
  const char *root = g_getenv ("ANJIAN_SOURCE_DATA");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *element;
  va_list args;

  if (root == NULL || *root == '\0')
    g_error ("ANJIAN_SOURCE_DATA is not set; run the tests with meson test");
  g_ptr_array_add (parts, (gpointer) root);
  va_start (args, first_element);
  for (element = first_element; element != NULL; element = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) element);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

/* A new, empty folder @name in this test case's isolated data folder. It
 * must not exist yet: finding it there would mean the program forgot
 * G_TEST_OPTION_ISOLATE_DIRS and is writing into a real home. */
static inline char *
aj_test_scratch_dir (const char *name)
{
  char *dir = g_build_filename (g_get_user_data_dir (), name, NULL);

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_error ("Cannot make %s: %s", dir, g_strerror (errno));
  return dir;
}

/* Regular files below @path, recursively; 0 when @path does not exist. */
static inline guint
aj_test_count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        n += aj_test_count_files (child);
      else
        n++;
    }
  return n;
}

/* A folder of the test's own: for g_test_add (…, AjTestFolder, NULL,
 * aj_test_folder_setup, test, aj_test_folder_teardown). */
typedef struct
{
  char *dir;
} AjTestFolder;

static inline void
aj_test_folder_setup (AjTestFolder  *f,
                      gconstpointer  data)
{
  f->dir = aj_test_scratch_dir ("scratch");
}

static inline void
aj_test_folder_teardown (AjTestFolder  *f,
                         gconstpointer  data)
{
  g_free (f->dir);
}

/* A kiosk's store in a folder of its own with one sample checklist:
 * g_test_add (…, AjTestStore, "elder-care.json", aj_test_store_setup, test,
 * aj_test_store_teardown) also imports the sample registry. */
typedef struct
{
  char        *dir;
  char        *db_path;
  char        *blob_dir;
  AjStore     *store;
  AjChecklist *checklist;
  char        *inspection;  /* the inspection a test works on, if any */
  GPtrArray   *hazards;     /* ids of the hazards a test recorded */
} AjTestStore;

/* Without a registry, for tests that import their own. */
static inline void
aj_test_store_open (AjTestStore *f,
                    const char  *name,
                    const char  *checklist)
{
  g_autofree char *template = aj_test_data_path ("checklists", checklist, NULL);
  g_autoptr(GError) error = NULL;

  f->dir = aj_test_scratch_dir (name);
  f->db_path = g_build_filename (f->dir, "anjian.db", NULL);
  f->blob_dir = g_build_filename (f->dir, "blobs", NULL);
  f->hazards = g_ptr_array_new_with_free_func (g_free);
  f->store = aj_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
  f->checklist = aj_checklist_load_file (template, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->checklist);
}

static inline void
aj_test_store_setup (AjTestStore   *f,
                     gconstpointer  checklist)
{
  g_autofree char *registry = aj_test_data_path ("registry.json", NULL);
  g_autoptr(GError) error = NULL;

  aj_test_store_open (f, "kiosk", checklist);
  g_assert_true (aj_registry_import_file (f->store, registry, "sample", &error));
  g_assert_no_error (error);
}

static inline void
aj_test_store_teardown (AjTestStore   *f,
                        gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->checklist);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->blob_dir);
  g_free (f->inspection);
  g_clear_pointer (&f->hazards, g_ptr_array_unref);
}

/* Registration for the two fixtures above. */
#define aj_test_add_in_folder(path, test) \
  g_test_add (path, AjTestFolder, NULL, aj_test_folder_setup, test, aj_test_folder_teardown)
#define aj_test_add_with_store(path, checklist, test) \
  g_test_add (path, AjTestStore, checklist, aj_test_store_setup, test, aj_test_store_teardown)
