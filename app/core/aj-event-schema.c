/* aj-event-schema.c: one schema per event type: each member's kind
 * (text of bounded length, date, timestamp, enumeration, SHA-256, id, count,
 * flag, list of hashes, location), whether it is required, and nothing else:
 * a member no schema names is refused, so that nothing unchecked reaches a
 * page or a document. A deadline that is not a date is refused here, not
 * shown later as "overdue by 9,831 days". */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-error.h"
#include "aj-event-schema.h"
#include "aj-hazard-rules.h"
#include "aj-util.h"

typedef enum
{
  TEXT,        /* UTF-8, at most MAX_TEXT characters */
  LINE,        /* UTF-8, one line, at most MAX_LINE characters */
  ID,          /* ASCII letters, digits, '-', '_', '.', at most 64 */
  DATE,        /* YYYY-MM-DD, or empty when optional */
  TIMESTAMP,   /* ISO 8601 with a zone */
  SHA256,
  COUNT,       /* integer 0 … 1,000,000,000 */
  FLAG,
  HASHES,      /* a non-empty list of at most 50 SHA-256 */
  LOCATION,    /* {latitude, longitude, accuracy} numbers in range */
  PIN_HASH,    /* an Argon2id string; never a PIN */
  ENUM,
  TIME,        /* HH:MM, a time of day */
  IDS,         /* a list of at most 200 IDs, possibly empty */
} Kind;

#define MAX_TEXT 4000
#define MAX_LINE 200

typedef struct
{
  const char *name;
  Kind        kind;
  gboolean    required;
  const char *values;   /* ENUM: space-separated */
} Member;

typedef struct
{
  const char *type;
  Member      members[20];
} Schema;

#define R TRUE
#define O FALSE
#define STEP_COMMON { "from", ENUM, O, "found rectification_ordered rectified verified closed reopened rejected" }, \
                    { "at", TIMESTAMP, R, NULL }

static const Schema schemas[] = {
  { "inspection.started", {
      { "institution", ID, R, NULL }, { "mode", ENUM, R, "field spot_check self" },
      { "template", ID, R, NULL }, { "template_version", COUNT, O, NULL }, { "assignment", ID, O, NULL },
      { "at", TIMESTAMP, R, NULL } } },
  /* A team member present at a spot check, confirmed with his or her PIN:
   * the event's author is the member. */
  { "inspection.team_confirmed", { { "at", TIMESTAMP, R, NULL } } },
  { "inspection.finished", {
      { "answered", COUNT, O, NULL }, { "hazards", COUNT, O, NULL }, { "at", TIMESTAMP, R, NULL } } },
  { "item.answered", {
      { "item", ID, R, NULL }, { "result", ENUM, R, "pass hazard na" }, { "note", TEXT, O, NULL },
      { "at", TIMESTAMP, R, NULL } } },
  { "hazard.found", {
      { "number", ID, R, NULL }, { "inspection", ID, R, NULL }, { "institution", ID, R, NULL },
      { "item", ID, R, NULL }, { "category", ID, R, NULL }, { "description", TEXT, R, NULL },
      { "location", LINE, O, NULL }, { "risk_level", ENUM, R, "red orange yellow blue" },
      { "grade", ENUM, R, "general major" }, { "suggestion", TEXT, O, NULL }, { "deadline", DATE, O, NULL },
      { "responsible", LINE, O, NULL }, { "at", TIMESTAMP, R, NULL },
      { "criterion", ID, O, NULL }, { "determination_body", LINE, O, NULL },
      { "determination_document", LINE, O, NULL }, { "pending_determination", FLAG, O, NULL } } },
  { "hazard.updated", {
      { "description", TEXT, O, NULL }, { "location", LINE, O, NULL },
      { "risk_level", ENUM, O, "red orange yellow blue" }, { "grade", ENUM, O, "general major" },
      { "suggestion", TEXT, O, NULL }, { "deadline", DATE, O, NULL }, { "responsible", LINE, O, NULL },
      { "at", TIMESTAMP, R, NULL }, { "determination_body", LINE, O, NULL },
      { "determination_document", LINE, O, NULL }, { "pending_determination", FLAG, O, NULL } } },
  { "hazard.withdrawn", { { "reason", TEXT, O, NULL }, { "at", TIMESTAMP, R, NULL } } },
  { "hazard.rectification_ordered", {
      { "measures", TEXT, R, NULL }, { "responsible", LINE, R, NULL }, { "deadline", DATE, R, NULL },
      { "funds", LINE, O, NULL }, { "contingency_plan", TEXT, O, NULL }, STEP_COMMON } },
  { "hazard.rectified", { { "note", TEXT, R, NULL }, { "photos", HASHES, R, NULL }, STEP_COMMON } },
  { "hazard.verified", { { "accepted", FLAG, R, NULL }, { "opinion", TEXT, O, NULL }, STEP_COMMON } },
  { "hazard.closed", { STEP_COMMON } },
  { "hazard.reopened", { { "reason", TEXT, R, NULL }, STEP_COMMON } },
  /* Extension (延期), escalation (挂牌督办) and referral (移送): issue 14. */
  { "hazard.extension_requested", { { "deadline", DATE, R, NULL }, { "reason", TEXT, R, NULL }, STEP_COMMON } },
  { "hazard.extension_decided", {
      { "approved", FLAG, R, NULL }, { "deadline", DATE, O, NULL }, { "opinion", TEXT, O, NULL }, STEP_COMMON } },
  { "hazard.escalated", {
      { "level", ENUM, R, "county city province" }, { "reason", ENUM, R, "major overdue manual" },
      { "note", TEXT, O, NULL }, STEP_COMMON } },
  { "hazard.referred", {
      { "to", LINE, R, NULL }, { "kind", ENUM, R, "fire market housing health emergency other" },
      { "reason", TEXT, R, NULL }, { "letter_number", LINE, O, NULL }, STEP_COMMON } },
  { "photo.added", {
      { "sha256", SHA256, R, NULL }, { "inspection", ID, O, NULL }, { "item", ID, O, NULL },
      { "hazard", ID, O, NULL }, { "width", COUNT, O, NULL }, { "height", COUNT, O, NULL },
      { "bytes", COUNT, O, NULL }, { "source", ENUM, O, "camera file" }, { "stamped", FLAG, O, NULL },
      { "location", LOCATION, O, NULL }, { "at", TIMESTAMP, R, NULL } } },
  { "photo.removed", { { "photo", ID, R, NULL }, { "at", TIMESTAMP, O, NULL } } },
  { "photo.withdrawn", { { "photo", ID, R, NULL }, { "reason", TEXT, R, NULL }, { "at", TIMESTAMP, O, NULL } } },
  { "user.pin_changed", { { "pin_hash", PIN_HASH, R, NULL }, { "at", TIMESTAMP, R, NULL } } },
  { "signature.added", {
      { "role", ENUM, R, "inspector institution" }, { "signer", LINE, R, NULL }, { "sha256", SHA256, O, NULL },
      { "refused", FLAG, O, NULL }, { "reason", TEXT, O, NULL }, { "at", TIMESTAMP, R, NULL } } },
  /* A home's rounds (自查): one institution's, or all of a type's (set by the office). */
  { "schedule.set", {
      { "institution", ID, O, NULL }, { "institution_type", ID, O, NULL }, { "template", ID, R, NULL },
      { "post", ID, R, NULL }, { "frequency", ENUM, R, "daily night weekly monthly" }, { "from", DATE, R, NULL },
      { "start", TIME, O, NULL }, { "end", TIME, O, NULL }, { "fix_on_spot", IDS, O, NULL },
      { "active", FLAG, O, NULL }, { "at", TIMESTAMP, R, NULL } } },
  /* A document's number (文号), given once: the subject is the inspection,
   * or the hazard of a referral letter; a verification opinion is one per
   * re-inspection visit. seq is the place in a block the server granted;
   * without it the number carries the device's tag. */
  { "document.numbered", {
      { "kind", ENUM, R, "inspection notice verification referral" }, { "number", LINE, R, NULL },
      { "department", ID, R, NULL }, { "year", COUNT, R, NULL }, { "seq", COUNT, O, NULL },
      { "visit", DATE, O, NULL }, { "inspectors", IDS, O, NULL }, { "issued_on", DATE, R, NULL },
      { "at", TIMESTAMP, R, NULL } } },
};

static const Schema *
find_schema (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (schemas); i++)
    if (g_strcmp0 (schemas[i].type, type) == 0)
      return &schemas[i];
  return NULL;
}

gboolean
aj_event_schema_is_known (const char *type)
{
  return find_schema (type) != NULL;
}

static const char *
string_of (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ASCII letters, digits, '-', '_', '.': 1 to 64 of them. */
gboolean
aj_event_schema_is_id (const char *s)
{
  gsize n = s ? strlen (s) : 0;

  if (n == 0 || n > 64)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_' && *s != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_timestamp (const char *s)
{
  g_autoptr(GDateTime) when = strlen (s) <= 40 ? g_date_time_new_from_iso8601 (s, NULL) : NULL;

  /* Between 2000 and 2100: a device clock set to 1970 or 9999 is an error. */
  return when != NULL && g_date_time_get_year (when) >= 2000 && g_date_time_get_year (when) < 2100;
}

static gboolean
in_words (const char *value,
          const char *words)
{
  g_auto(GStrv) list = g_strsplit (words, " ", -1);

  return g_strv_contains ((const char * const *) list, value);
}

static gboolean
number_in (JsonObject *o,
           const char *member,
           double      low,
           double      high)
{
  JsonNode *n = json_object_get_member (o, member);
  GType t = n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_value_type (n) : G_TYPE_INVALID;
  double v;

  if (t != G_TYPE_DOUBLE && t != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_double (n);
  return v >= low && v <= high;
}

static gboolean
member_ok (const Member *m,
           JsonNode     *node)
{
  const char *s = string_of (node);

  switch (m->kind)
    {
    case TEXT:
    case LINE:
      if (s == NULL || !g_utf8_validate (s, -1, NULL))
        return FALSE;
      if (m->kind == LINE && strpbrk (s, "\n\r") != NULL)
        return FALSE;
      return g_utf8_strlen (s, -1) <= (m->kind == TEXT ? MAX_TEXT : MAX_LINE);
    case ID:
      return s != NULL && aj_event_schema_is_id (s);
    case DATE:
      return s != NULL && ((*s == '\0' && !m->required) || aj_is_iso_date (s));
    case TIMESTAMP:
      return s != NULL && is_timestamp (s);
    case SHA256:
      return s != NULL && aj_is_sha256_hex (s);
    case ENUM:
      return s != NULL && in_words (s, m->values);
    case COUNT:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
             json_node_get_int (node) >= 0 && json_node_get_int (node) <= 1000000000;
    case FLAG:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case HASHES:
      {
        JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
        guint n = a ? json_array_get_length (a) : 0;
        if (n == 0 || n > 50)
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!aj_is_sha256_hex (string_of (json_array_get_element (a, i))))
            return FALSE;
        return TRUE;
      }
    case TIME:
      return s != NULL && strlen (s) == 5 && g_ascii_isdigit (s[0]) && g_ascii_isdigit (s[1]) && s[2] == ':' &&
             g_ascii_isdigit (s[3]) && g_ascii_isdigit (s[4]) && atoi (s) < 24 && atoi (s + 3) < 60;
    case IDS:
      {
        JsonArray *a = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
        guint n = a ? json_array_get_length (a) : 0;
        if (a == NULL || n > 200)
          return FALSE;
        for (guint i = 0; i < n; i++)
          {
            const char *code = string_of (json_array_get_element (a, i));
            if (code == NULL || !aj_event_schema_is_id (code))
              return FALSE;
          }
        return TRUE;
      }
    case PIN_HASH:
      return s != NULL && g_str_has_prefix (s, "$argon2id$") && strlen (s) < 128 &&
             strspn (s, "$=,+/.-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen (s);
    case LOCATION:
      {
        JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
        return o != NULL && json_object_get_size (o) == 3 &&
               number_in (o, "latitude", -90, 90) && number_in (o, "longitude", -180, 180) &&
               number_in (o, "accuracy", 0, 1e7);
      }
    default:
      return FALSE;
    }
}

/* Checks @body against the schema of @type; the error names the member. */
gboolean
aj_event_schema_check (const char  *type,
                       JsonObject  *body,
                       GError     **error)
{
  const Schema *schema = find_schema (type);
  g_autoptr(GList) names = NULL;

  if (schema == NULL)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("Unknown event type “%s”"), type ? type : "");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (schema->members) && schema->members[i].name; i++)
    {
      const Member *m = &schema->members[i];
      JsonNode *node = json_object_get_member (body, m->name);

      if (node == NULL)
        {
          if (m->required)
            {
              g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("%s: “%s” is missing"), type, m->name);
              return FALSE;
            }
          continue;
        }
      if (!member_ok (m, node))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("%s: “%s” is not valid"), type, m->name);
          return FALSE;
        }
    }
  /* An approved extension names the date it grants. */
  if (g_str_equal (type, "hazard.extension_decided") && json_object_get_boolean_member_with_default (body, "approved", FALSE) &&
      !aj_is_iso_date (json_object_get_string_member_with_default (body, "deadline", "")))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("%s: “%s” is missing"), type, "deadline");
      return FALSE;
    }
  names = json_object_get_members (body);
  for (GList *l = names; l; l = l->next)
    {
      gboolean named = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (schema->members) && schema->members[i].name && !named; i++)
        named = g_str_equal (schema->members[i].name, l->data);
      if (!named)
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_CORRUPT, _("%s: unknown field “%s”"), type, (const char *) l->data);
          return FALSE;
        }
    }
  return TRUE;
}
