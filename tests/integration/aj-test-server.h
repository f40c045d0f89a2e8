/* aj-test-server.h: the real anjian-server, started on a free loopback port
 * in a temporary data folder, for integration and fault tests. */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"
#include "aj-sync.h"

G_BEGIN_DECLS

typedef struct
{
  char        *data_dir;
  char        *log_path;
  char        *url;
  GSubprocess *process;
  int          port;
} AjTestServer;

AjTestServer *aj_test_server_new        (void);
void          aj_test_server_start      (AjTestServer *server);
void          aj_test_server_kill       (AjTestServer *server,
                                         int           signal);
void          aj_test_server_free       (AjTestServer *server);
char         *aj_test_server_admin      (AjTestServer *server,
                                         const char   *command,
                                         ...) G_GNUC_NULL_TERMINATED;
char         *aj_test_server_code       (AjTestServer *server,
                                         const char   *scope);
AjStore      *aj_test_server_open_store (AjTestServer *server);

/* A kiosk: its own data folder with a store, enrolled or not. */
typedef struct
{
  char    *data_dir;
  char    *db_path;
  char    *blob_dir;
  char    *checklist_dir;
  AjStore *store;
} AjTestKiosk;

AjTestKiosk  *aj_test_kiosk_new         (void);
void          aj_test_kiosk_free        (AjTestKiosk  *kiosk);
void          aj_test_kiosk_enroll      (AjTestKiosk  *kiosk,
                                         AjTestServer *server,
                                         const char   *scope);
gboolean      aj_test_kiosk_sync        (AjTestKiosk  *kiosk,
                                         const char   *url_override,
                                         AjSyncReport *report,
                                         GError      **error);
char         *aj_test_kiosk_start_inspection (AjTestKiosk *kiosk,
                                              const char  *author,
                                              const char  *institution);
char         *aj_test_kiosk_add_photo   (AjTestKiosk  *kiosk,
                                         const char   *author,
                                         const char   *inspection,
                                         const char   *item,
                                         int           width,
                                         int           height,
                                         guint         seed);
char         *aj_test_dump_events       (AjStore      *store,
                                         const char   *device_id);
void          aj_test_store_add_events  (AjStore      *store,
                                         const char   *author,
                                         const char   *institution,
                                         guint         n_events);
char         *aj_test_source_path       (const char   *relative);
void          aj_test_rm_rf             (const char   *path);

G_END_DECLS
