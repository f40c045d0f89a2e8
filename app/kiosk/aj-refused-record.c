/* aj-refused-record.c: the records the server refused, as model objects with
 * read-only properties that rows bind to. Everything here is plain text from
 * the device's log and the server's answer; none of it is markup. */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard.h"
#include "aj-hlc.h"
#include "aj-inspection.h"
#include "aj-refused-record.h"
#include "aj-registry.h"
#include "aj-util.h"

struct _AjRefusedRecord
{
  GObject  parent_instance;

  char    *event_id;
  char    *title;         /* what it was: "Hazard closed" */
  char    *subject;       /* about what: hazard number, institution */
  char    *when;
  char    *who;
  char    *code;          /* the server's stable code */
  char    *message;       /* the server's own words */
  char    *explanation;   /* the code in plain words */
};

G_DEFINE_FINAL_TYPE (AjRefusedRecord, aj_refused_record, G_TYPE_OBJECT)

static const AjFieldProperty fields[] = {
  { "event-id", G_STRUCT_OFFSET (AjRefusedRecord, event_id) },
  { "title", G_STRUCT_OFFSET (AjRefusedRecord, title) },
  { "subject", G_STRUCT_OFFSET (AjRefusedRecord, subject) },
  { "when", G_STRUCT_OFFSET (AjRefusedRecord, when) },
  { "who", G_STRUCT_OFFSET (AjRefusedRecord, who) },
  { "code", G_STRUCT_OFFSET (AjRefusedRecord, code) },
  { "message", G_STRUCT_OFFSET (AjRefusedRecord, message) },
  { "explanation", G_STRUCT_OFFSET (AjRefusedRecord, explanation) },
};

static void
aj_refused_record_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  if (!aj_get_field_property (object, fields, G_N_ELEMENTS (fields), prop_id, value))
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
aj_refused_record_finalize (GObject *object)
{
  AjRefusedRecord *self = AJ_REFUSED_RECORD (object);

  g_free (self->event_id);
  g_free (self->title);
  g_free (self->subject);
  g_free (self->when);
  g_free (self->who);
  g_free (self->code);
  g_free (self->message);
  g_free (self->explanation);
  G_OBJECT_CLASS (aj_refused_record_parent_class)->finalize (object);
}

static void
aj_refused_record_class_init (AjRefusedRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = aj_refused_record_get_property;
  object_class->finalize = aj_refused_record_finalize;
  aj_install_field_properties (object_class, fields, G_N_ELEMENTS (fields));
}

static void
aj_refused_record_init (AjRefusedRecord *self)
{
}

/* What a record of @type was, in words (the "event type" context keeps them
 * apart from the same English words elsewhere); @body tells a rejection from
 * an acceptance and a refused signature from a signature. */
const char *
aj_event_type_label (const char *type,
                     JsonObject *body)
{
  static const struct { const char *type; const char *label; } labels[] = {
    { "inspection.started", NC_("event type", "Inspection started") },
    { "inspection.finished", NC_("event type", "Inspection finished") },
    { "inspection.team_confirmed", NC_("event type", "Inspector named on the inspection") },
    { "document.numbered", NC_("event type", "Document numbered") },
    { "item.answered", NC_("event type", "Checklist item answered") },
    { "hazard.found", NC_("event type", "Hazard found") },
    { "hazard.updated", NC_("event type", "Hazard changed") },
    { "hazard.withdrawn", NC_("event type", "Hazard withdrawn") },
    { "hazard.rectification_ordered", NC_("event type", "Rectification ordered") },
    { "hazard.rectified", NC_("event type", "Rectification reported") },
    { "hazard.verified", NC_("event type", "Rectification accepted") },
    { "hazard.closed", NC_("event type", "Hazard closed") },
    { "hazard.reopened", NC_("event type", "Hazard reopened") },
    { "hazard.extension_requested", NC_("event type", "Extension requested") },
    { "hazard.extension_decided", NC_("event type", "Extension decided") },
    { "hazard.escalated", NC_("event type", "Hazard escalated (supervised listing)") },
    { "hazard.referred", NC_("event type", "Hazard referred to another department") },
    { "photo.added", NC_("event type", "Photo added") },
    { "photo.removed", NC_("event type", "Photo removed") },
    { "photo.withdrawn", NC_("event type", "Photo withdrawn") },
    { "signature.added", NC_("event type", "Signature") },
  };

  if (g_strcmp0 (type, "hazard.verified") == 0 && body != NULL && !aj_json_get_bool (body, "accepted", TRUE))
    return C_("event type", "Rectification rejected");
  if (g_strcmp0 (type, "signature.added") == 0 && body != NULL && aj_json_get_bool (body, "refused", FALSE))
    return C_("event type", "Signature refused");
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].type, type) == 0)
      return g_dpgettext2 (NULL, "event type", labels[i].label);
  return NULL;
}

/* The server's stable refusal codes, said so that the person at the kiosk
 * knows what went wrong and whom to ask. */
const char *
aj_refusal_explanation (const char *code)
{
  static const struct { const char *code; const char *text; } texts[] = {
    { "out_of_scope", N_("This device may not record for this institution: it is outside the area the device was enrolled for.") },
    { "role_not_allowed", N_("The person who made this record may not take this step. For example, an institution’s staff may report a rectification but may not verify or close a hazard.") },
    { "unknown_subject", N_("The server does not know the hazard or inspection this record is about.") },
    { "invalid_body", N_("The record is incomplete or holds a value the server cannot accept, such as a date that is not a date.") },
    { "clock_out_of_range", N_("The device’s clock was far off when the record was made. Check this device’s date and time.") },
    { "inspection_finished", N_("The inspection had already been finished, and a finished inspection cannot be changed.") },
    { "inspection_unfinished", N_("This step can only be taken after the inspection has been finished.") },
    { "unknown_author", N_("The person who made this record is not in the server’s list of people.") },
    { "subject_exists", N_("The server already holds the hazard or inspection this record would start.") },
    { "unknown_type", N_("The server does not know this kind of record. This device may need an update.") },
    { "not_your_chain", N_("The record was made on another device and cannot be sent from this one.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (g_strcmp0 (texts[i].code, code) == 0)
      return _(texts[i].text);
  return _("The server gave no further explanation. Show this record to your administrator.");
}

/* The hazard number and the institution's name, as far as this device knows
 * them: a refused record no longer counts, so what it started may be gone. */
static char *
describe_subject (AjStore       *store,
                  const AjEvent *ev,
                  JsonObject    *body)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, ev->subject);
  g_autoptr(AjInstitution) institution = NULL;
  g_autofree char *code = NULL;
  const char *number = NULL;
  const char *name = NULL;

  if (hazard == NULL && body != NULL && aj_json_get_string (body, "hazard") != NULL)
    hazard = aj_hazard_load (store, aj_json_get_string (body, "hazard"));
  if (hazard != NULL)
    {
      number = aj_hazard_get_number (hazard);
      name = aj_hazard_get_institution_name (hazard);
    }
  else if (body != NULL && g_str_has_prefix (ev->type, "hazard."))
    number = aj_json_get_string (body, "number");

  if (name == NULL || *name == '\0')
    {
      code = aj_store_event_institution (store, ev);
      institution = code ? aj_registry_get_institution (store, code) : NULL;
      name = institution ? aj_institution_get_name (institution) : code;
    }

  if (number != NULL && *number && name != NULL && *name)
    return g_strdup_printf (_("Hazard %s · %s"), number, name);
  if (number != NULL && *number)
    return g_strdup_printf (_("Hazard %s"), number);
  if (name != NULL && *name)
    return g_strdup (name);
  return g_strdup ("");
}

static char *
describe_time (const AjEvent *ev,
               JsonObject    *body)
{
  const char *at = body ? aj_json_get_string (body, "at") : NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (at != NULL && *at)
    return aj_iso8601_to_display (at, TRUE);
  dt = g_date_time_new_from_unix_local (AJ_HLC_WALL_MS (ev->hlc) / 1000);
  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static AjRefusedRecord *
record_new (AjStore              *store,
            const AjRefusedEvent *refused)
{
  AjRefusedRecord *self = g_object_new (AJ_TYPE_REFUSED_RECORD, NULL);
  const AjEvent *ev = refused->event;
  g_autoptr(JsonObject) body = aj_json_parse_object (ev->body, NULL);
  g_autoptr(AjUser) author = aj_registry_get_user (store, ev->author);
  const char *label = aj_event_type_label (ev->type, body);

  self->event_id = g_strdup (ev->id);
  self->title = label ? g_strdup (label) : g_strdup_printf (_("A record of the kind “%s”"), ev->type);
  self->subject = describe_subject (store, ev, body);
  self->when = describe_time (ev, body);
  self->who = g_strdup (author ? aj_user_get_name (author) : ev->author);
  self->code = g_strdup (refused->code);
  self->message = g_strdup (refused->message ? refused->message : "");
  self->explanation = g_strdup (aj_refusal_explanation (refused->code));
  return self;
}

/* Oldest first, as the device made them. */
GListModel *
aj_refused_record_list (AjStore  *store,
                        GError  **error)
{
  g_autoptr(GPtrArray) refused = aj_store_list_refused (store, error);
  GListStore *list;

  if (refused == NULL)
    return NULL;
  list = g_list_store_new (AJ_TYPE_REFUSED_RECORD);
  for (guint i = 0; i < refused->len; i++)
    {
      g_autoptr(AjRefusedRecord) record = record_new (store, g_ptr_array_index (refused, i));
      g_list_store_append (list, record);
    }
  return G_LIST_MODEL (list);
}

const char *
aj_refused_record_get_event_id (AjRefusedRecord *self)
{
  return self->event_id;
}

const char *
aj_refused_record_get_title (AjRefusedRecord *self)
{
  return self->title;
}

const char *
aj_refused_record_get_subject (AjRefusedRecord *self)
{
  return self->subject;
}

const char *
aj_refused_record_get_when (AjRefusedRecord *self)
{
  return self->when;
}

const char *
aj_refused_record_get_who (AjRefusedRecord *self)
{
  return self->who;
}

const char *
aj_refused_record_get_code (AjRefusedRecord *self)
{
  return self->code;
}

const char *
aj_refused_record_get_message (AjRefusedRecord *self)
{
  return self->message;
}

const char *
aj_refused_record_get_explanation (AjRefusedRecord *self)
{
  return self->explanation;
}
