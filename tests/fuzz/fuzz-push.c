/* fuzz-push.c: a push body as the server takes it (aj-server-request.c's
 * parse_body, then aj-server-events.c), with the same core calls and no
 * HTTP: size limit, UTF-8, JSON with its depth pre-check, the "events" list
 * and its length, the codec, then the authority's judgement of each event
 * against a server store that holds a real inspection (state/push-state.json,
 * written by make-seeds.c).
 *
 * Fuzzed events almost never carry a valid hash chain, so the authority and
 * the store would see only refusals of the chain. A second pass therefore
 * re-chains the decoded events onto the state (device_seq, prev_hash, hash
 * recomputed, nothing else touched) and stores those the authority accepts
 * with aj_store_insert_remote, projection and all, then reads the subjects
 * back as pages do; the transaction is rolled back, so every input meets
 * the same state. */
#include "config.h"

#include "aj-fuzz.h"
#include "aj-fuzz-json.h"

#include "aj-authority.h"
#include "aj-codec.h"
#include "aj-error.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-scope.h"
#include "aj-util.h"

static AjStore *store;
static AjScope *scopes[3];          /* all; the state's institution; another one */
static char *device_id;             /* the state's device: the token's device */
static gint64 head_seq;             /* the end of its chain on the server */
static char *head_hash;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (AJ_FUZZ_SOURCE_DIR, "state", "push-state.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GPtrArray) events = NULL;

  aj_fuzz_init_logging ();
  store = aj_fuzz_open_store ();
  scopes[0] = aj_scope_new_all ();
  scopes[1] = aj_scope_parse_spec ("institutions:DLX001", NULL);
  scopes[2] = aj_scope_parse_spec ("institutions:XHX001", NULL);

  if (!g_file_get_contents (path, &text, NULL, &error) ||
      (root = aj_json_parse_object (text, &error)) == NULL ||
      (events = aj_events_from_array (json_object_get_array_member (root, "events"), &error)) == NULL)
    g_error ("Cannot read %s: %s", path, error->message);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);

      if (!aj_store_insert_remote (store, ev, TRUE, NULL, NULL, &error))
        g_error ("%s: event %u: %s", path, i + 1, error->message);
      g_free (device_id);
      device_id = g_strdup (ev->device_id);
      head_seq = ev->device_seq;
      g_free (head_hash);
      head_hash = g_strdup (ev->hash);
    }
  return 0;
}

/* What a page shows of @subject, read from the projection. */
static void
read_subject (const char *subject)
{
  g_autoptr(AjHazard) hazard = aj_hazard_load (store, subject);
  g_autoptr(AjInspection) inspection = aj_inspection_load (store, subject);

  if (hazard != NULL)
    {
      g_autofree char *today = aj_today_iso ();
      (void) aj_hazard_get_status (hazard);
      (void) aj_hazard_is_overdue (hazard, today);
      (void) aj_hazard_days_overdue (hazard, today);
      (void) aj_hazard_get_institution_name (hazard);
    }
  if (inspection != NULL)
    (void) aj_inspection_get_institution_name (inspection);
}

static gboolean
judge (AjEvent       *ev,
       const AjScope *scope)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = aj_authority_check (store, device_id, scope, ev, g_get_real_time () / 1000, &error);

  aj_fuzz_assert (ok == (error == NULL), "the authority's answer and error disagree");
  aj_fuzz_assert (ok || (error->domain == AJ_REFUSAL && aj_refusal_code (error->code) != NULL),
                  "a refusal without a refusal code: %s", error->message);
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  gint64 seq = head_seq;
  JsonNode *node;

  /* parse_body: the route's limit, then text up to the first NUL. */
  if (size > AJ_PROTOCOL_MAX_BODY_BYTES)
    return 0;
  text = g_strndup ((const char *) data, size);
  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  body = aj_json_parse_object (text, &error);
  if (body == NULL)
    return 0;
  aj_fuzz_check_json_depth (body);

  /* aj_server_events_push */
  node = json_object_get_member (body, "events");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) > AJ_PROTOCOL_MAX_BATCH_EVENTS)
    return 0;
  events = aj_events_from_array (json_node_get_array (node), &error);
  if (events == NULL)
    return 0;
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *institution = aj_store_event_institution (store, ev);
      g_autoptr(GPtrArray) refs = aj_event_blob_refs (ev);

      /* As the server's storage asks before it stores. */
      if (institution != NULL)
        (void) aj_registry_scope_allows (store, scopes[1], institution);
      for (guint r = 0; r < refs->len; r++)
        aj_fuzz_assert (aj_is_sha256_hex (g_ptr_array_index (refs, r)), "a blob reference is not a SHA-256");
      for (guint s = 0; s < G_N_ELEMENTS (scopes); s++)
        judge (ev, scopes[s]);
    }

  /* Re-chained onto the state, judged and stored; then undone. */
  if (!aj_store_begin (store, &error))
    g_error ("%s", error->message);
  hash = g_strdup (head_hash);
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(GError) insert_error = NULL;
      gboolean inserted = FALSE;
      gint64 server_seq = 0;

      ev->device_seq = seq + 1;
      g_free (ev->prev_hash);
      ev->prev_hash = g_strdup (hash);
      g_free (ev->hash);
      ev->hash = aj_event_compute_hash (ev);
      if (!judge (ev, scopes[0]))
        continue;
      if (!aj_store_insert_remote (store, ev, TRUE, &inserted, &server_seq, &insert_error))
        continue;
      aj_fuzz_assert (inserted && server_seq > 0, "an event was stored without its number");
      seq++;
      g_free (hash);
      hash = g_strdup (ev->hash);
      read_subject (ev->subject);
    }
  aj_store_rollback (store);
  return 0;
}
