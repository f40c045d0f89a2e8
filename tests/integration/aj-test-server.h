/* aj-test-server.h: the real anjian-server, started on a free loopback port
 * in a temporary data folder, kiosks on real stores enrolled with it, sync,
 * plain HTTP to it, and comparing what stores hold: the setup shared by the
 * integration, fault and benchmark programs. */
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
  char       **serve_args;   /* more arguments to `serve`, e.g. TLS */
  /* The shared database (--database), or NULL for SQLite in data_dir; set
   * by ANJIAN_TEST_DATABASE=postgresql (see aj-test-pg.h). */
  char        *database;
  char        *blob_dir;     /* --blob-dir, or NULL: data_dir/blobs */
} AjTestServer;

AjTestServer *aj_test_server_new        (void);
AjTestServer *aj_test_server_new_tls    (const char   *cert_file,
                                         const char   *key_file);
/* A server on a new PostgreSQL database (aj-test-pg.h), whatever
 * ANJIAN_TEST_DATABASE says. */
AjTestServer *aj_test_server_new_pg     (void);
/* Another server on @first's database and photo folder, with its own data
 * folder (its cache): servers behind one load balancer. */
AjTestServer *aj_test_server_new_beside (AjTestServer *first);
void          aj_test_server_start      (AjTestServer *server);
void          aj_test_server_kill       (AjTestServer *server,
                                         int           signal);
void          aj_test_server_stop       (AjTestServer *server);
void          aj_test_server_free       (AjTestServer *server);
char         *aj_test_server_admin      (AjTestServer *server,
                                         const char   *command,
                                         ...) G_GNUC_NULL_TERMINATED;
char         *aj_test_server_code       (AjTestServer *server,
                                         const char   *scope);
AjStore      *aj_test_server_open_store (AjTestServer *server);
/* A query of what servers share (devices, codes, …): on the shared
 * database when the server runs on PostgreSQL, else on its SQLite file;
 * "?" stands for @arg (NULL: none). The first column of the first row. */
char         *aj_test_server_shared_text (AjTestServer *server,
                                          const char   *sql,
                                          const char   *arg);
gint64        aj_test_server_shared_int  (AjTestServer *server,
                                          const char   *sql,
                                          const char   *arg);

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
AjSyncOptions aj_test_kiosk_options     (AjTestKiosk  *kiosk);
gboolean      aj_test_kiosk_sync        (AjTestKiosk  *kiosk,
                                         AjSyncReport *report,
                                         GError      **error);
gboolean      aj_test_kiosk_sync_via    (AjTestKiosk  *kiosk,
                                         const char   *url,
                                         guint         batch_events,
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
void          aj_test_assert_same_events (AjStore     *a,
                                          AjStore     *b,
                                          const char  *device_id);
GPtrArray    *aj_test_store_list_photos (AjStore      *store);
void          aj_test_store_add_events  (AjStore      *store,
                                         const char   *author,
                                         const char   *institution,
                                         guint         n_events);
char         *aj_test_source_path       (const char   *relative);
void          aj_test_rm_rf             (const char   *path);

/* A fresh server and one kiosk enrolled with it, for fixtures:
 * g_test_add (…, AjTestPair, scope, aj_test_pair_setup, test,
 * aj_test_pair_teardown), @scope as for enroll-code (NULL: all). */
typedef struct
{
  AjTestServer *server;
  AjTestKiosk  *kiosk;
} AjTestPair;

void          aj_test_pair_setup        (AjTestPair    *pair,
                                         gconstpointer  scope);
void          aj_test_pair_setup_server (AjTestPair    *pair,
                                         gconstpointer  test_data);
void          aj_test_pair_teardown     (AjTestPair    *pair,
                                         gconstpointer  test_data);

/* One HTTP request with libcurl, the path sent as written (no ".."
 * folding), and what came back. */
typedef struct
{
  long        status;
  GString    *body;
  GHashTable *headers;   /* lower-case names */
} AjTestReply;

void          aj_test_reply_clear       (AjTestReply  *reply);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AjTestReply, aj_test_reply_clear)

void          aj_test_http              (const char   *method,
                                         const char   *url,
                                         const char   *token,
                                         const char   *extra_header,
                                         const char   *data,
                                         gsize         length,
                                         AjTestReply  *reply);
gint64        aj_test_blob_held         (AjTestServer *server,
                                         const char   *token,
                                         const char   *sha,
                                         gboolean     *complete);

G_END_DECLS
