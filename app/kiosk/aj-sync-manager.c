/* aj-sync-manager.c: sync never blocks the window: each run opens its own
 * connection to the database in a GTask thread. It starts when the network
 * comes back, every few minutes, shortly after new records, and on demand;
 * after a failure it waits longer each time, with jitter, up to ten minutes. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-sync.h"
#include "aj-sync-manager.h"
#include "aj-util.h"

#define PERIOD_SECONDS        300
#define AFTER_CHANGE_SECONDS  15
#define BACKOFF_MIN_SECONDS   10
#define BACKOFF_MAX_SECONDS   600

struct _AjSyncManager
{
  GObject       parent_instance;

  AjStore      *store;
  char         *db_path;
  char         *blob_dir;
  char         *checklist_dir;
  AjSyncState   state;
  char         *last_success;
  char         *last_error;
  AjSyncReport  last_report;  /* of the last run that succeeded */
  guint         n_refused;    /* events the server refused, kept for the person to see */
  guint         failures;
  guint         timer;
  gboolean      again;        /* asked for while a run was going */
  GCancellable *cancellable;
  GNetworkMonitor *monitor;
  gint64           pending;      /* unsynced events counted, or -1: count again */
};

G_DEFINE_FINAL_TYPE (AjSyncManager, aj_sync_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_REFUSED,
  N_PROPS
};

enum {
  SYNCED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void schedule (AjSyncManager *self, guint seconds);

typedef struct
{
  char         *db_path;
  char         *blob_dir;
  char         *checklist_dir;
  char         *server;
  char         *code;
  char         *name;
  GTask        *enroll_task;   /* answered when an enrollment run ends */
  AjSyncReport  report;
} Job;

static void
job_free (Job *job)
{
  g_free (job->db_path);
  g_free (job->blob_dir);
  g_free (job->checklist_dir);
  g_free (job->server);
  g_free (job->code);
  g_free (job->name);
  g_clear_object (&job->enroll_task);
  g_free (job);
}

static Job *
job_new (AjSyncManager *self)
{
  Job *job = g_new0 (Job, 1);

  job->db_path = g_strdup (self->db_path);
  job->blob_dir = g_strdup (self->blob_dir);
  job->checklist_dir = g_strdup (self->checklist_dir);
  return job;
}

static void
set_state (AjSyncManager *self,
           AjSyncState    state)
{
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* Notifies only when the count changes: the store changes often. */
static void
count_refused (AjSyncManager *self)
{
  g_autoptr(GPtrArray) refused = aj_store_list_refused (self->store, NULL);
  guint n = refused ? refused->len : 0;

  if (n != self->n_refused)
    {
      self->n_refused = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSED]);
    }
}

static void
reload_meta (AjSyncManager *self)
{
  g_free (self->last_success);
  self->last_success = aj_store_get_meta (self->store, "sync.last_success");
  g_free (self->last_error);
  self->last_error = aj_store_get_meta (self->store, "sync.last_error");
}

static void
sync_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(AjStore) store = NULL;
  AjSyncOptions options = {
    .blob_dir = job->blob_dir,
    .checklist_dir = job->checklist_dir,
    .ca_file = g_getenv ("ANJIAN_CA_FILE"),
    .cancellable = cancellable,
  };
  GError *error = NULL;

  store = aj_store_open (job->db_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->code != NULL)
    {
      if (!aj_sync_enroll (store, job->server, job->code, job->name, &options, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  /* The start-up check, once a process: photos whose file went missing
   * (a crash, a hand) are wanted again, and this sync fetches them. */
  {
    static gsize checked = 0;
    if (g_once_init_enter (&checked))
      {
        aj_sync_want_missing_blobs (store, job->blob_dir, NULL);
        g_once_init_leave (&checked, 1);
      }
  }
  if (!aj_sync_run (store, &options, &job->report, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AjSyncManager *self = AJ_SYNC_MANAGER (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean enrolling = job->code != NULL;
  GTask *enroll_task = job->enroll_task;

  reload_meta (self);
  /* The thread's connection stored events: move our clock past them and
   * let the pages refresh. */
  aj_store_refresh_clock (self->store);
  self->pending = -1;

  if (ok)
    {
      self->last_report = job->report;
      self->failures = 0;
      set_state (self, AJ_SYNC_STATE_IDLE);
      g_signal_emit (self, signals[SYNCED], 0, job->report.reference_changed);
      schedule (self, self->again ? 1 : PERIOD_SECONDS);
    }
  else if (g_error_matches (error, AJ_SYNC_ERROR, AJ_SYNC_ERROR_CANCELLED))
    set_state (self, aj_sync_is_enrolled (self->store) ? AJ_SYNC_STATE_IDLE : AJ_SYNC_STATE_NOT_ENROLLED);
  else
    {
      guint delay = BACKOFF_MIN_SECONDS << MIN (self->failures, 6);

      self->failures++;
      if (!enrolling || aj_sync_is_enrolled (self->store))
        {
          g_free (self->last_error);
          self->last_error = g_strdup (error->message);
        }
      set_state (self, aj_sync_is_enrolled (self->store) ? AJ_SYNC_STATE_FAILED : AJ_SYNC_STATE_NOT_ENROLLED);
      if (aj_sync_is_enrolled (self->store))
        {
          delay = MIN (delay, BACKOFF_MAX_SECONDS);
          /* ±50 % so that many kiosks do not come back at the same moment,
           * and never before the server said it takes more (rate limit) */
          delay = MAX (1, (guint) (delay * g_random_double_range (0.5, 1.5)));
          schedule (self, MAX (delay, job->report.retry_after + 1));
        }
    }
  self->again = FALSE;

  if (enroll_task != NULL)
    {
      if (enrolling && !aj_sync_is_enrolled (self->store))
        g_task_return_error (enroll_task, g_steal_pointer (&error));
      else
        g_task_return_boolean (enroll_task, TRUE);
    }
}

static void
start_run (AjSyncManager *self,
           Job           *job,
           GTask         *enroll_task)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, sync_done, NULL);

  g_clear_handle_id (&self->timer, g_source_remove);
  job->enroll_task = enroll_task;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  set_state (self, AJ_SYNC_STATE_SYNCING);
  g_task_run_in_thread (task, sync_thread);
}

void
aj_sync_manager_sync_now (AjSyncManager *self)
{
  if (self->state == AJ_SYNC_STATE_SYNCING)
    {
      self->again = TRUE;
      return;
    }
  if (!aj_sync_is_enrolled (self->store))
    {
      set_state (self, AJ_SYNC_STATE_NOT_ENROLLED);
      return;
    }
  start_run (self, job_new (self), NULL);
}

static gboolean
timer_cb (gpointer data)
{
  AjSyncManager *self = data;

  self->timer = 0;
  aj_sync_manager_sync_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (AjSyncManager *self,
          guint          seconds)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  if (aj_sync_is_enrolled (self->store))
    self->timer = g_timeout_add_seconds (seconds, timer_cb, self);
}

/* Counted once per change of the store (or sync), however many ask: the
 * home page, the status bar and the settings page all show it. */
static gint64
pending (AjSyncManager *self)
{
  if (self->pending < 0)
    self->pending = aj_store_count_unsynced (self->store);
  return self->pending;
}

static void
on_store_changed (AjSyncManager *self)
{
  self->pending = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  count_refused (self);
  /* New records go out soon, not at once: an answer is rarely alone. */
  if (self->state != AJ_SYNC_STATE_SYNCING && self->failures == 0 && pending (self) > 0)
    schedule (self, AFTER_CHANGE_SECONDS);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    AjSyncManager   *self)
{
  if (available && self->state != AJ_SYNC_STATE_SYNCING && aj_sync_is_enrolled (self->store))
    {
      self->failures = 0;
      schedule (self, 2);
    }
}

void
aj_sync_manager_enroll_async (AjSyncManager       *self,
                              const char          *server,
                              const char          *code,
                              const char          *device_name,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *enroll_task = g_task_new (self, NULL, callback, user_data);
  Job *job;

  if (self->state == AJ_SYNC_STATE_SYNCING)
    {
      g_task_return_new_error (enroll_task, AJ_SYNC_ERROR, AJ_SYNC_ERROR_CANCELLED,
                               _("A sync is running; try again in a moment"));
      g_object_unref (enroll_task);
      return;
    }
  job = job_new (self);
  job->server = g_strdup (server);
  job->code = g_strdup (code);
  job->name = g_strdup (device_name);
  start_run (self, job, enroll_task);
}

gboolean
aj_sync_manager_enroll_finish (AjSyncManager  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

AjSyncState
aj_sync_manager_get_state (AjSyncManager *self)
{
  return self->state;
}

gint64
aj_sync_manager_get_pending (AjSyncManager *self)
{
  return pending (self);
}

const char *
aj_sync_manager_get_last_success (AjSyncManager *self)
{
  return self->last_success;
}

const char *
aj_sync_manager_get_last_error (AjSyncManager *self)
{
  return self->last_error;
}

/* What the last successful run did; all zero before one. */
const AjSyncReport *
aj_sync_manager_get_last_report (AjSyncManager *self)
{
  return &self->last_report;
}

/* How many of this device's records the server refused (see
 * aj_store_list_refused): they stay visible until someone deals with them. */
guint
aj_sync_manager_get_refused (AjSyncManager *self)
{
  return self->n_refused;
}

char *
aj_sync_manager_dup_server (AjSyncManager *self)
{
  return aj_sync_dup_server_url (self->store);
}

/* One line for the status bar, in plain words. */
char *
aj_sync_manager_describe (AjSyncManager *self)
{
  gint64 n = pending (self);
  g_autofree char *when = self->last_success ? aj_iso8601_to_display (self->last_success, TRUE) : NULL;
  g_autofree char *waiting = g_strdup_printf (ngettext ("%d record waiting", "%d records waiting", (int) n),
                                              (int) n);

  switch (self->state)
    {
    case AJ_SYNC_STATE_NOT_ENROLLED:
      return g_strdup_printf (_("Not connected to a server · %s"), waiting);
    case AJ_SYNC_STATE_SYNCING:
      return g_strdup_printf (_("Syncing… · %s"), waiting);
    case AJ_SYNC_STATE_FAILED:
      return g_strdup_printf (_("Sync failed: %s · %s"), self->last_error ? self->last_error : "", waiting);
    case AJ_SYNC_STATE_IDLE:
    default:
      if (n == 0 && when)
        return g_strdup_printf (_("All records synced · last %s"), when);
      if (when)
        return g_strdup_printf (_("%s · last synced %s"), waiting, when);
      return g_strdup_printf (_("%s · not synced yet"), waiting);
    }
}

static void
aj_sync_manager_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AjSyncManager *self = AJ_SYNC_MANAGER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, pending (self));
      break;
    case PROP_REFUSED:
      g_value_set_uint (value, self->n_refused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_sync_manager_dispose (GObject *object)
{
  AjSyncManager *self = AJ_SYNC_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  G_OBJECT_CLASS (aj_sync_manager_parent_class)->dispose (object);
}

static void
aj_sync_manager_finalize (GObject *object)
{
  AjSyncManager *self = AJ_SYNC_MANAGER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_free (self->db_path);
  g_free (self->blob_dir);
  g_free (self->checklist_dir);
  g_free (self->last_success);
  g_free (self->last_error);
  G_OBJECT_CLASS (aj_sync_manager_parent_class)->finalize (object);
}

static void
aj_sync_manager_class_init (AjSyncManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = aj_sync_manager_get_property;
  object_class->dispose = aj_sync_manager_dispose;
  object_class->finalize = aj_sync_manager_finalize;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, AJ_SYNC_STATE_FAILED, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PENDING] = g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REFUSED] = g_param_spec_uint ("refused", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After a successful run; the argument says whether checklists or the
   * registry changed. */
  signals[SYNCED] = g_signal_new ("synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
aj_sync_manager_init (AjSyncManager *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = -1;
}

AjSyncManager *
aj_sync_manager_new (AjStore    *store,
                     const char *data_dir)
{
  AjSyncManager *self = g_object_new (AJ_TYPE_SYNC_MANAGER, NULL);

  self->store = g_object_ref (store);
  self->db_path = g_strdup (aj_store_get_path (store));
  self->blob_dir = g_build_filename (data_dir, "blobs", NULL);
  self->checklist_dir = g_build_filename (data_dir, "checklists", NULL);
  reload_meta (self);
  count_refused (self);
  self->state = aj_sync_is_enrolled (store) ? AJ_SYNC_STATE_IDLE : AJ_SYNC_STATE_NOT_ENROLLED;
  if (self->state == AJ_SYNC_STATE_IDLE && self->last_error != NULL)
    self->state = AJ_SYNC_STATE_FAILED;

  g_signal_connect_swapped (store, "changed", G_CALLBACK (on_store_changed), self);
  if (g_getenv ("ANJIAN_NO_AUTO_SYNC") == NULL)
    {
      self->monitor = g_network_monitor_get_default ();
      g_signal_connect (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self);
      schedule (self, 3);
    }
  return self;
}
