/* aj-session.c: one object for the signed-in person and "where you were", so
 * that pages share state through it rather than through the window. Resume
 * state and drafts live in the store's local table: a killed kiosk keeps them. */
#include "config.h"

#include "aj-inspection.h"
#include "aj-session.h"

struct _AjSession
{
  GObject        parent_instance;

  AjStore       *store;
  char          *blob_dir;
  GSettings     *settings;
  GListModel    *checklists;
  GSourceFunc    load_checklists;   /* until they are read */
  gpointer       load_data;
  AjSyncManager *sync;
  AjUser        *user;
};

G_DEFINE_FINAL_TYPE (AjSession, aj_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aj_session_finalize (GObject *object)
{
  AjSession *self = AJ_SESSION (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->blob_dir, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->checklists);
  g_clear_object (&self->sync);
  g_clear_object (&self->user);
  G_OBJECT_CLASS (aj_session_parent_class)->finalize (object);
}

static void
aj_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AjSession *self = AJ_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_USER:
      g_value_set_object (value, self->user);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AjSession *self = AJ_SESSION (object);

  switch (prop_id)
    {
    case PROP_USER:
      aj_session_set_user (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aj_session_class_init (AjSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aj_session_finalize;
  object_class->get_property = aj_session_get_property;
  object_class->set_property = aj_session_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, AJ_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, AJ_TYPE_USER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aj_session_init (AjSession *self)
{
}

AjSession *
aj_session_new (AjStore       *store,
                const char    *blob_dir,
                GSettings     *settings,
                GListModel    *checklists,
                AjSyncManager *sync)
{
  AjSession *self = g_object_new (AJ_TYPE_SESSION, NULL);

  g_return_val_if_fail (AJ_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  self->blob_dir = g_strdup (blob_dir);
  self->settings = g_object_ref (settings);
  self->checklists = g_object_ref (checklists);
  self->sync = sync ? g_object_ref (sync) : NULL;
  return self;
}

AjStore *
aj_session_get_store (AjSession *self)
{
  return self->store;
}

const char *
aj_session_get_blob_dir (AjSession *self)
{
  return self->blob_dir;
}

GSettings *
aj_session_get_settings (AjSession *self)
{
  return self->settings;
}

/* Reading the checklists is left until after the first frame (start-up
 * is faster by that much); @load fills the model, then or at the first
 * question about a checklist, whichever comes first. */
void
aj_session_defer_checklists (AjSession   *self,
                             GSourceFunc  load,
                             gpointer     data)
{
  self->load_checklists = load;
  self->load_data = data;
}

GListModel *
aj_session_get_checklists (AjSession *self)
{
  if (self->load_checklists != NULL)
    {
      GSourceFunc load = g_steal_pointer (&self->load_checklists);
      load (self->load_data);
    }
  return self->checklists;
}

/* The checklist model stays alive with the session: the pointer is borrowed. */
AjChecklist *
aj_session_find_checklist (AjSession  *self,
                           const char *id)
{
  GListModel *checklists = aj_session_get_checklists (self);
  guint n = g_list_model_get_n_items (checklists);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjChecklist) checklist = g_list_model_get_item (checklists, i);
      if (g_strcmp0 (aj_checklist_get_id (checklist), id) == 0)
        return checklist;
    }
  return NULL;
}

/* The checklist an inspection was made with: its own version where this
 * device knows it, so that what was recorded under an earlier version still
 * reads with its original questions. */
AjChecklist *
aj_session_find_checklist_of (AjSession    *self,
                              AjInspection *inspection)
{
  AjChecklist *latest = aj_session_find_checklist (self, aj_inspection_get_template_id (inspection));

  return latest ? aj_checklist_get_edition (latest, aj_inspection_get_template_version (inspection)) : NULL;
}

AjSyncManager *
aj_session_get_sync (AjSession *self)
{
  return self->sync;
}

AjUser *
aj_session_get_user (AjSession *self)
{
  return self->user;
}

const char *
aj_session_get_user_id (AjSession *self)
{
  return self->user ? aj_user_get_id (self->user) : NULL;
}

void
aj_session_set_user (AjSession *self,
                     AjUser    *user)
{
  g_return_if_fail (AJ_IS_SESSION (self));

  if (g_set_object (&self->user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

/* The text burnt into photos, or NULL when the setting is off. */
char *
aj_session_dup_stamp_text (AjSession  *self,
                           const char *institution_name)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");

  if (!g_settings_get_boolean (self->settings, "stamp-photos"))
    return NULL;
  return g_strdup_printf ("%s · %s · %s", when, institution_name ? institution_name : "",
                          self->user ? aj_user_get_name (self->user) : "");
}

/* The enrolled server, else the one set in the settings (for QR tags). */
char *
aj_session_dup_server_url (AjSession *self)
{
  g_autofree char *url = NULL;

  if ((url = aj_store_get_meta (self->store, "sync.server")) != NULL)
    return g_steal_pointer (&url);
  url = g_settings_get_string (self->settings, "server-url");
  return *url ? g_steal_pointer (&url) : NULL;
}

/* The item on screen, written at once so that a kiosk killed mid-inspection
 * reopens on it. */
void
aj_session_remember_item (AjSession  *self,
                          const char *inspection_id,
                          const char *item_code)
{
  aj_store_set_local (self->store, "resume.user", aj_session_get_user_id (self), NULL);
  aj_store_set_local (self->store, "resume.inspection", inspection_id, NULL);
  aj_store_set_local (self->store, "resume.item", item_code, NULL);
}

/* Back home by choice: nothing to reopen at the next sign-in. */
void
aj_session_forget_inspection (AjSession *self)
{
  aj_store_set_local (self->store, "resume.inspection", NULL, NULL);
}

char *
aj_session_dup_resume_item (AjSession *self)
{
  return aj_store_get_local (self->store, "resume.item");
}

/* The inspection to reopen for the person now signed in: their unfinished
 * one, when it is also the one they were on when the kiosk stopped. */
char *
aj_session_find_resume (AjSession  *self,
                        char      **item_code)
{
  g_autoptr(AjInspection) open = NULL;
  g_autofree char *resume_user = NULL;
  g_autofree char *resume_inspection = NULL;

  if (self->user == NULL)
    return NULL;
  resume_user = aj_store_get_local (self->store, "resume.user");
  open = aj_inspection_find_unfinished (self->store, aj_user_get_id (self->user));
  if (open == NULL || g_strcmp0 (resume_user, aj_user_get_id (self->user)) != 0)
    return NULL;
  resume_inspection = aj_store_get_local (self->store, "resume.inspection");
  if (g_strcmp0 (resume_inspection, aj_inspection_get_id (open)) != 0)
    return NULL;
  if (item_code != NULL)
    *item_code = aj_session_dup_resume_item (self);
  return g_steal_pointer (&resume_inspection);
}

char *
aj_session_dup_draft (AjSession  *self,
                      const char *key)
{
  return aj_store_get_local (self->store, key);
}

/* An empty or NULL text removes the draft. */
void
aj_session_set_draft (AjSession  *self,
                      const char *key,
                      const char *text)
{
  aj_store_set_local (self->store, key, text && *text ? text : NULL, NULL);
}
