/* aj-camera-page.c: GStreamer from a camera (v4l2src, or any source given
 * in ANJIAN_CAMERA_SOURCES, e.g. videotestsrc for tests) into an appsink;
 * the newest frame is shown and the shutter keeps it. A camera that is
 * missing or busy says so, and importing a file stays one tap away. */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <glib/gi18n.h>

#include "aj-camera-page.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-location.h"
#include "aj-page.h"

#define FRAME_WIDTH  1280
#define FRAME_HEIGHT 720

struct _AjCameraPage
{
  AdwBin       parent_instance;

  char        *inspection_id;
  char        *item_code;
  GPtrArray   *sources;        /* GStreamer source descriptions */
  GstElement  *pipeline;
  GstElement  *sink;
  GstSample   *last;
  guint        poll;
  guint        watch;
  gboolean     failed;
  gboolean     busy;
  gboolean     scanning;     /* reading QR codes instead of taking a photo */
  guint        frames;
  char        *last_code;

  AdwWindowTitle *title;

  GtkPicture  *preview;
  GtkDropDown *camera_dropdown;
  GtkStack    *stack;
  GtkLabel    *error_label;
  GtkButton   *shutter_button;
};

G_DEFINE_FINAL_TYPE (AjCameraPage, aj_camera_page, ADW_TYPE_BIN)

static void
stop (AjCameraPage *self)
{
  g_clear_handle_id (&self->poll, g_source_remove);
  g_clear_handle_id (&self->watch, g_source_remove);
  if (self->pipeline)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->sink);
  g_clear_object (&self->pipeline);
}

static void
show_failure (AjCameraPage *self,
              const char   *detail)
{
  g_autofree char *text = g_strdup_printf (_("The camera cannot be used: it is missing or busy (%s). You can add a photo from a file instead."),
                                           detail);
  self->failed = TRUE;
  stop (self);
  gtk_label_set_label (self->error_label, text);
  gtk_stack_set_visible_child_name (self->stack, "failed");
  gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button), FALSE);
}

static gboolean
on_bus (GstBus     *bus,
        GstMessage *message,
        gpointer    data)
{
  AjCameraPage *self = data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;
      gst_message_parse_error (message, &error, &debug);
      self->watch = 0;
      show_failure (self, error->message);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
poll_frame (gpointer data)
{
  AjCameraPage *self = data;
  GstSample *sample;
  GstBuffer *buffer;
  GstVideoInfo info;
  GstMapInfo map;

  if (self->sink == NULL)
    return G_SOURCE_CONTINUE;
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (self->sink), 0);
  if (sample == NULL)
    return G_SOURCE_CONTINUE;
  buffer = gst_sample_get_buffer (sample);
  if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) &&
      gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_autoptr(GBytes) bytes = g_bytes_new (map.data, map.size);
      g_autoptr(GdkTexture) texture = gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                                              GDK_MEMORY_R8G8B8, bytes, GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
      gst_buffer_unmap (buffer, &map);
      gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
      gtk_stack_set_visible_child_name (self->stack, "preview");
      gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button), !self->busy);
    }
  if (self->last)
    gst_sample_unref (self->last);
  self->last = sample;

  /* Scanning: look for a QR code in every fourth frame. */
  if (self->scanning && self->frames++ % 4 == 0 &&
      gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ))
    {
      g_autoptr(GBytes) bytes = g_bytes_new (map.data, map.size);
      g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                                              GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
                                                              GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
      g_autoptr(GPtrArray) codes = NULL;

      gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
      codes = aj_qr_decode_pixbuf (frame);
      if (codes->len > 0 && g_strcmp0 (self->last_code, g_ptr_array_index (codes, 0)) != 0)
        {
          g_autofree char *code = g_strdup (g_ptr_array_index (codes, 0));
          g_free (self->last_code);
          self->last_code = g_strdup (code);
          self->poll = 0;
          aj_camera_page_close (self);
          gtk_widget_activate_action (GTK_WIDGET (self), "win.open-scanned", "s", code);
          return G_SOURCE_REMOVE;
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
start (AjCameraPage *self,
       guint         index)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GstBus) bus = NULL;

  static gsize initialized;

  /* GStreamer comes up when a camera is first opened, not at start-up: it
   * loads its plugin registry. */
  if (g_once_init_enter (&initialized))
    {
      gst_init (NULL, NULL);
      g_once_init_leave (&initialized, 1);
    }
  stop (self);
  self->failed = FALSE;
  g_clear_pointer (&self->last, gst_sample_unref);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button), FALSE);
  if (index >= self->sources->len)
    {
      show_failure (self, _("no camera found"));
      return;
    }
  description = g_strdup_printf ("%s ! videoconvert ! videoscale ! video/x-raw,format=RGB,width=%d,height=%d "
                                 "! appsink name=sink max-buffers=2 drop=true sync=false",
                                 (const char *) g_ptr_array_index (self->sources, index), FRAME_WIDTH, FRAME_HEIGHT);
  self->pipeline = gst_parse_launch (description, &error);
  if (self->pipeline == NULL || error != NULL)
    {
      g_clear_object (&self->pipeline);
      show_failure (self, error ? error->message : _("unknown source"));
      return;
    }
  self->sink = gst_bin_get_by_name (GST_BIN (self->pipeline), "sink");
  bus = gst_element_get_bus (self->pipeline);
  self->watch = gst_bus_add_watch (bus, on_bus, self);
  gtk_stack_set_visible_child_name (self->stack, "starting");
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      show_failure (self, _("it would not start"));
      return;
    }
  self->poll = g_timeout_add (60, poll_frame, self);
}

/* Cameras: those named in ANJIAN_CAMERA_SOURCES (";"-separated), else every
 * /dev/video* device. */
static void
find_sources (AjCameraPage *self)
{
  const char *env = g_getenv ("ANJIAN_CAMERA_SOURCES");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->sources, 0);
  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, ";", -1);
      for (guint i = 0; parts[i]; i++)
        if (*g_strstrip (parts[i]))
          g_ptr_array_add (self->sources, g_strdup (parts[i]));
    }
  else
    for (int n = 0; n < 16; n++)
      {
        g_autofree char *device = g_strdup_printf ("/dev/video%d", n);
        if (g_file_test (device, G_FILE_TEST_EXISTS))
          g_ptr_array_add (self->sources, g_strdup_printf ("v4l2src device=%s", device));
      }
  for (guint i = 0; i < self->sources->len; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Camera %u"), i + 1);
      gtk_string_list_append (names, label);
    }
  gtk_drop_down_set_model (self->camera_dropdown, G_LIST_MODEL (names));
  gtk_widget_set_visible (GTK_WIDGET (self->camera_dropdown), self->sources->len > 1);
}

void
aj_camera_page_open_scanner (AjCameraPage *self)
{
  g_clear_pointer (&self->inspection_id, g_free);
  g_clear_pointer (&self->item_code, g_free);
  g_clear_pointer (&self->last_code, g_free);
  self->scanning = TRUE;
  self->frames = 0;
  adw_window_title_set_title (self->title, _("Scan a tag"));
  gtk_widget_set_visible (GTK_WIDGET (self->shutter_button), FALSE);
  find_sources (self);
  gtk_drop_down_set_selected (self->camera_dropdown, 0);
  start (self, 0);
}

void
aj_camera_page_open (AjCameraPage *self,
                     const char   *inspection_id,
                     const char   *item_code)
{
  self->scanning = FALSE;
  adw_window_title_set_title (self->title, _("Camera"));
  gtk_widget_set_visible (GTK_WIDGET (self->shutter_button), TRUE);
  g_free (self->inspection_id);
  self->inspection_id = g_strdup (inspection_id);
  g_free (self->item_code);
  self->item_code = g_strdup (item_code);
  find_sources (self);
  gtk_drop_down_set_selected (self->camera_dropdown, 0);
  start (self, 0);
}

void
aj_camera_page_close (AjCameraPage *self)
{
  stop (self);
  g_clear_pointer (&self->last, gst_sample_unref);
}

gboolean
aj_camera_page_has_frame (AjCameraPage *self)
{
  return self->last != NULL;
}

gboolean
aj_camera_page_has_failed (AjCameraPage *self)
{
  return self->failed;
}

void
aj_camera_page_select (AjCameraPage *self,
                       guint         index)
{
  gtk_drop_down_set_selected (self->camera_dropdown, index);
}

static void
on_camera_selected (AjCameraPage *self)
{
  if (self->inspection_id != NULL || self->scanning)
    start (self, gtk_drop_down_get_selected (self->camera_dropdown));
}

typedef struct
{
  char        *blob_dir;
  char        *stamp;
  GdkPixbuf   *pixbuf;
  AjPhotoInfo  info;
} CaptureJob;

static void
capture_job_free (CaptureJob *job)
{
  g_free (job->blob_dir);
  g_free (job->stamp);
  g_clear_object (&job->pixbuf);
  g_free (job);
}

static void
capture_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  CaptureJob *job = data;
  GError *error = NULL;
  g_autoptr(GdkPixbuf) stamped = job->stamp ? aj_photo_stamp (job->pixbuf, job->stamp) : NULL;

  if (aj_photo_import_pixbuf (job->blob_dir, stamped ? stamped : job->pixbuf, &job->info, &error))
    {
      g_strlcpy (job->info.source, "camera", sizeof job->info.source);
      job->info.stamped = stamped != NULL;
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
capture_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AjCameraPage *self = AJ_CAMERA_PAGE (source);
  CaptureJob *job = g_task_get_task_data (G_TASK (result));
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(AjHazard) hazard = NULL;
  g_autofree char *event = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      aj_page_report_error (GTK_WIDGET (self), _("The photo was not saved"), error);
      return;
    }
  job->info.located = aj_location_get (&job->info.latitude, &job->info.longitude, &job->info.accuracy);
  hazard = aj_hazard_find_for_item (aj_session_get_store (session), self->inspection_id, self->item_code);
  event = aj_inspection_add_photo (aj_session_get_store (session), aj_session_get_user_id (session), self->inspection_id,
                                   self->item_code, hazard ? aj_hazard_get_id (hazard) : NULL, &job->info, &error);
  if (event == NULL)
    {
      aj_page_report_error (GTK_WIDGET (self), _("The photo was not saved"), error);
      return;
    }
  aj_camera_page_close (self);
  aj_page_toast (GTK_WIDGET (self), _("Photo taken"));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

static void
on_shutter (AjCameraPage *self)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  g_autoptr(GTask) task = NULL;
  CaptureJob *job;
  GstBuffer *buffer;
  GstVideoInfo info;
  GstMapInfo map;

  if (self->last == NULL || self->busy)
    return;
  buffer = gst_sample_get_buffer (self->last);
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (self->last)) ||
      !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  job = g_new0 (CaptureJob, 1);
  job->blob_dir = g_strdup (aj_session_get_blob_dir (session));
  {
    g_autoptr(GBytes) bytes = g_bytes_new (map.data, map.size);
    job->pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8, GST_VIDEO_INFO_WIDTH (&info),
                                             GST_VIDEO_INFO_HEIGHT (&info), GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  }
  gst_buffer_unmap (buffer, &map);
  {
    g_autoptr(AjInspection) inspection = aj_inspection_load (aj_session_get_store (session), self->inspection_id);
    job->stamp = aj_session_dup_stamp_text (session,
                                                inspection ? aj_inspection_get_institution_name (inspection) : NULL);
  }
  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->shutter_button), FALSE);
  task = g_task_new (self, NULL, capture_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) capture_job_free);
  g_task_run_in_thread (task, capture_thread);
}

static void
on_import (AjCameraPage *self)
{
  gboolean scanning = self->scanning;

  aj_camera_page_close (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
  /* A picture of the tag, or a photo from a file, instead. */
  gtk_widget_activate_action (GTK_WIDGET (self), scanning ? "win.scan-file" : "win.import-photo", NULL);
}

static void
on_cancel (AjCameraPage *self)
{
  aj_camera_page_close (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.go-back", NULL);
}

static void
aj_camera_page_dispose (GObject *object)
{
  AjCameraPage *self = AJ_CAMERA_PAGE (object);

  aj_camera_page_close (self);
  g_clear_pointer (&self->inspection_id, g_free);
  g_clear_pointer (&self->item_code, g_free);
  g_clear_pointer (&self->last_code, g_free);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AJ_TYPE_CAMERA_PAGE);
  G_OBJECT_CLASS (aj_camera_page_parent_class)->dispose (object);
}

static void
shutter_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  on_shutter (AJ_CAMERA_PAGE (widget));
}

static void
aj_camera_page_class_init (AjCameraPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_camera_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-camera-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, preview);
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, title);
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, camera_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, AjCameraPage, shutter_button);
  gtk_widget_class_bind_template_callback (widget_class, on_shutter);
  gtk_widget_class_bind_template_callback (widget_class, on_import);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_camera_selected);
  gtk_widget_class_install_action (widget_class, "camera.shutter", NULL, shutter_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "camera.shutter", NULL);
}

static void
aj_camera_page_init (AjCameraPage *self)
{
  self->sources = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}
