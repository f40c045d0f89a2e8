/* aj-photo-task.h: importing a photo file in a worker thread (decode, stamp, store). */
#pragma once

#include <gio/gio.h>

#include "aj-photo.h"

G_BEGIN_DECLS

void     aj_photo_task_start  (gpointer             source_object,
                               GCancellable        *cancellable,
                               const char          *blob_dir,
                               const char          *path,
                               const char          *stamp,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
gboolean aj_photo_task_finish (GAsyncResult        *result,
                               AjPhotoInfo         *info,
                               GError             **error);

G_END_DECLS
