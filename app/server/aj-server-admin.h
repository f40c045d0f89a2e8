/* aj-server-admin.h: what the administrator does from the command line. */
#pragma once

#include "aj-draw-record.h"
#include "aj-register-io.h"
#include "aj-report.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct _AjServerDb AjServerDb;

gboolean    aj_admin_import_registry        (AjStore     *store,
                                             const char  *path,
                                             GError     **error);
gboolean    aj_admin_publish_checklist      (AjStore     *store,
                                             const char  *path,
                                             GError     **error);
/* @db: the shared database (aj-server-db.h), or NULL for @store alone. */
char       *aj_admin_new_enroll_code        (AjServerDb  *db,
                                             AjStore     *store,
                                             const char  *scope_spec,
                                             int          valid_days,
                                             GError     **error);
gboolean    aj_admin_revoke_device          (AjServerDb  *db,
                                             AjStore     *store,
                                             const char  *device_id,
                                             GError     **error);
GPtrArray  *aj_admin_list_devices           (AjServerDb  *db,
                                             AjStore     *store);
char       *aj_admin_enroll_payload         (const char  *server_url,
                                             const char  *code);

/* What the command line and the office's console both call; with a shared
 * database @db, each change is shared with every server (aj-server-db.h). */
char         *aj_admin_create_plan          (AjServerDb        *db,
                                             AjStore           *store,
                                             const char        *title,
                                             const AjDrawPlan  *plan,
                                             const char        *checklist,
                                             const char        *due,
                                             const char        *by,
                                             GError           **error);
AjDrawRecord *aj_admin_make_draw            (AjServerDb        *db,
                                             AjStore           *store,
                                             const char        *id,
                                             const char        *seed_source,
                                             const char        *reason,
                                             const char        *by,
                                             char             **due,
                                             GError           **error);
gboolean      aj_admin_publish_draw         (AjServerDb        *db,
                                             AjStore           *store,
                                             const char        *draw_id,
                                             const char        *date,
                                             const char        *by,
                                             GError           **error);
gboolean      aj_admin_import_register      (AjServerDb        *db,
                                             AjStore           *store,
                                             AjRegister         which,
                                             AjRegisterFormat   format,
                                             const char        *text,
                                             gsize              length,
                                             gboolean           commit,
                                             guint             *n_rows,
                                             GError           **error);
/* The documents of those changes (kinds plan, draw, publication and
 * register), applied to a server's store as each server catches up. */
gboolean      aj_admin_is_office_document   (const char        *kind);
gboolean      aj_admin_apply_office_document (AjStore          *store,
                                             const char        *kind,
                                             const char        *body,
                                             GError           **error);
GPtrArray    *aj_admin_published_checklists (AjStore          *store);
gboolean      aj_admin_write_report         (AjStore           *store,
                                             const char        *blob_dir,
                                             const char        *server_url,
                                             AjReportKind       kind,
                                             const char        *inspection_id,
                                             const char        *path,
                                             GError           **error);

/* Office users of the web console (passwords as Argon2id hashes). */
char         *aj_admin_hash_password        (const char        *password);
gboolean      aj_admin_password_matches     (const char        *hash,
                                             const char        *password);
gboolean      aj_admin_add_office_user      (AjStore           *store,
                                             const char        *name,
                                             const char        *display_name,
                                             const char        *role,
                                             const char        *county,
                                             const char        *password,
                                             GError           **error);

G_END_DECLS
