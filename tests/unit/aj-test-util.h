/* aj-test-util.h: temporary directories and file helpers shared by the unit tests. */
#pragma once

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>

/* A fresh, empty directory under the system temp dir; the test owns it. */
static inline char *
aj_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("anjian-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/* Removes @path and everything below it; a missing path is not an error. */
static inline void
aj_test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          aj_test_rm_rf (child);
        }
      if (g_rmdir (path) != 0)
        g_error ("Cannot remove %s: %s", path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0 && errno != ENOENT)
    g_error ("Cannot remove %s: %s", path, g_strerror (errno));
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
