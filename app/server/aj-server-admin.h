/* aj-server-admin.h: what the administrator does from the command line. */
#pragma once

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

G_END_DECLS
