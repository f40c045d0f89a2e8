/* aj-server-reference.c: GET /api/v1/reference: the registry within the
 * device's scope, the published checklists and the spot-check assignments
 * of the scope (reference data: one version for all of them, bumped by a
 * draw and by each assignment closed), when newer than it holds. */
#include "config.h"

#include "aj-server-handlers.h"
#include "aj-server-store.h"

void
aj_server_reference_get (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  gint64 since = aj_request_get_query_int (req, "since", 0);
  gint64 version = aj_server_store_get_reference_version (store);
  JsonObject *reply = json_object_new ();

  json_object_set_int_member (reply, "version", version);
  if (since < version)
    {
      json_object_set_object_member (reply, "registry",
                                     aj_server_store_registry_for_scope (store, aj_request_get_scope (req)));
      json_object_set_array_member (reply, "checklists", aj_server_store_published_checklists (store));
      json_object_set_array_member (reply, "assignments",
                                    aj_server_store_assignments_for_scope (store, aj_request_get_scope (req)));
    }
  aj_request_reply (req, 200, reply);
}
