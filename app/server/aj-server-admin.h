/* aj-server-admin.h: what the administrator does from the command line, and
 * the reference data handed to devices. */
#pragma once

#include <json-glib/json-glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

gboolean    aj_admin_import_registry        (AjStore     *store,
                                             const char  *path,
                                             GError     **error);
gboolean    aj_admin_publish_checklist      (AjStore     *store,
                                             const char  *path,
                                             GError     **error);
char       *aj_admin_new_enroll_code        (AjStore     *store,
                                             const char  *scope_spec,
                                             int          valid_days,
                                             GError     **error);
gboolean    aj_admin_revoke_device          (AjStore     *store,
                                             const char  *device_id,
                                             GError     **error);
GPtrArray  *aj_admin_list_devices           (AjStore     *store);

JsonObject *aj_server_registry_for_scope    (AjStore     *store,
                                             const char  *scope_json);
JsonArray  *aj_server_published_checklists  (AjStore     *store);

G_END_DECLS
