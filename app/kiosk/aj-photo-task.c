/* aj-photo-task.c: decoding and re-encoding a 12-megapixel photo takes a
 * while, so it runs in a GTask thread; the evidence stamp, when asked for,
 * is burnt in there too. */
#include "config.h"

#include "aj-photo-task.h"

typedef struct
{
  char        *blob_dir;
  char        *path;
  char        *stamp;
  AjPhotoInfo  info;
} Job;

static void
job_free (Job *job)
{
  g_free (job->blob_dir);
  g_free (job->path);
  g_free (job->stamp);
  g_free (job);
}

static void
run (GTask        *task,
     gpointer      source,
     gpointer      data,
     GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;
  g_autoptr(GdkPixbuf) photo = aj_photo_decode_file (job->path, &error);
  g_autoptr(GdkPixbuf) stamped = NULL;

  if (photo == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->stamp != NULL)
    stamped = aj_photo_stamp (photo, job->stamp);
  if (!aj_photo_import_pixbuf (job->blob_dir, stamped ? stamped : photo, &job->info, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_strlcpy (job->info.source, "file", sizeof job->info.source);
  job->info.stamped = stamped != NULL;
  g_task_return_boolean (task, TRUE);
}

void
aj_photo_task_start (gpointer             source_object,
                     GCancellable        *cancellable,
                     const char          *blob_dir,
                     const char          *path,
                     const char          *stamp,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->blob_dir = g_strdup (blob_dir);
  job->path = g_strdup (path);
  job->stamp = g_strdup (stamp);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run);
}

gboolean
aj_photo_task_finish (GAsyncResult  *result,
                      AjPhotoInfo   *info,
                      GError       **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *info = job->info;
  return TRUE;
}
