/* aj-server-db.h: the server's shared, authoritative state behind one
 * interface, so that several anjian-server processes can serve one province.
 *
 * Two implementations:
 *  - SQLite (db == NULL, the default, `--database sqlite:DIR`): the existing
 *    functions of aj-server-store.c on the one file in the data folder; every
 *    aj_server_db_* call below goes straight to them.
 *  - PostgreSQL (`--database postgresql://…`, aj-server-db-pg.c, libpq, one
 *    connection per thread): the event log with its numbering, devices and
 *    their token hashes, enrollment codes and failed attempts, per-device
 *    event windows, photo metadata (files on a blob directory the servers
 *    share), document number blocks, the office console's sessions, and the
 *    registry, checklists and office users as imported documents.
 *
 * How this departs from DESIGN.md's "storage interface": there, every table
 * sits behind the interface. Here only the state that must be shared for
 * servers to be interchangeable is: with PostgreSQL, each server keeps its
 * local SQLite store (projections, rules, console and page queries, all of
 * aj-server-store.c unchanged) as a *cache* rebuilt from the shared log
 * (aj_server_db_catch_up, before a request is answered), and a push is
 * validated against that cache under PostgreSQL advisory locks on the device
 * and on each subject it touches, then written to PostgreSQL only. Porting
 * the ~38 tables' queries twice would have doubled the SQL to keep right;
 * this keeps one copy of the rules and the projection.
 *
 * What stays per process for now (written by the admin command or the
 * console on one server, seen only there): plans, draws, assignments and
 * their publication (the public pages), the office audit log, an office
 * user's failed sign-ins and lock, registers imported with `register` or in
 * the console, and the reference version devices compare (each server
 * counts its own: a device that changes server fetches the reference data
 * again, which is harmless). Run the office's work on one server until these
 * move here; devices, sync, photos, numbers, registry, checklists and
 * console sign-in work through any server.
 *
 * Assignments are also read when a push is judged (aj-authority.c:
 * check_assignment_started, check_team): an inspection that carries out a
 * spot-check assignment, and its team's confirmations, are accepted only
 * by the server whose draw made the assignment; pushed through another,
 * they are refused (assignment_mismatch), and the refusal is in the shared
 * log for good. Until assignments are shared (as reference documents, say),
 * a province that draws spot checks sends every device request to that one
 * server too, or runs one server; field and self inspections, which name
 * no assignment, are judged the same on every server. */
#pragma once

#include "aj-scope.h"
#include "aj-server-store.h"
#include "aj-store.h"

G_BEGIN_DECLS

typedef struct _AjServerDb AjServerDb;

/* New events a device may push per window of time (0: no bound). */
typedef struct
{
  gint64 events;
  gint64 window_seconds;
} AjEventRate;

/* One implementation's functions; see the aj_server_db_* wrappers. */
typedef struct
{
  const char *name;
  void        (*free)                  (AjServerDb *db);
  gboolean    (*add_code)              (AjServerDb *db, const char *code_hash, const char *scope_json,
                                        const char *created_at, const char *expires_at, GError **error);
  char       *(*redeem_code)           (AjServerDb *db, const char *code_hash, const char *device_id,
                                        const char *device_name, const char *token_hash, const char *now,
                                        GError **error);
  gint64      (*count_enroll_failures) (AjServerDb *db, const char *client, gint64 since_unix);
  gboolean    (*add_enroll_failure)    (AjServerDb *db, const char *client, gint64 at_unix, GError **error);
  gboolean    (*find_device_by_token)  (AjServerDb *db, const char *token_hash, char **device_id,
                                        AjScope **scope, GError **error);
  GPtrArray  *(*list_devices)          (AjServerDb *db);
  gboolean    (*revoke_device)         (AjServerDb *db, const char *device_id, const char *now, GError **error);
  gint64      (*blob_size)             (AjServerDb *db, const char *sha256);
  gint64      (*device_blob_bytes)     (AjServerDb *db, const char *device_id);
  void        (*blob_sizes)            (AjServerDb *db, const char *sha256, const char *device_id,
                                        gint64 *size, gint64 *device_bytes);
  gboolean    (*add_blob)              (AjServerDb *db, const char *sha256, gint64 size, const char *device_id,
                                        const char *received_at, GError **error);
  gboolean    (*catch_up)              (AjServerDb *db, AjStore *cache, GError **error);
  GArray     *(*push)                  (AjServerDb *db, AjStore *cache, const char *device_id,
                                        const AjScope *scope, GPtrArray *events, const AjEventRate *rate,
                                        gint64 *wait, GError **error);
  gboolean    (*add_reference)         (AjServerDb *db, const char *kind, const char *body, GError **error);
  gboolean    (*grant_numbers)         (AjServerDb *db, const char *device_id, const char *department, int year,
                                        gint64 count, gint64 *first, gint64 *last, GError **error);
  gboolean    (*add_office_session)    (AjServerDb *db, const char *token_hash, const char *user_name,
                                        const char *csrf, gint64 now, gint64 expires_at, const char *client,
                                        GError **error);
  char       *(*find_office_session)   (AjServerDb *db, const char *token_hash, gint64 now, char **csrf);
  gboolean    (*end_office_session)    (AjServerDb *db, const char *token_hash, GError **error);
  GPtrArray  *(*list_open_codes)       (AjServerDb *db, const char *now);
  gboolean    (*revoke_code)           (AjServerDb *db, const char *code_hash, const char *now, GError **error);
} AjServerDbOps;

struct _AjServerDb
{
  const AjServerDbOps *ops;
  /* When (monotonic µs) the last check that found the cache up to the log
   * began (aj_server_db_catch_up_since; under a lock of aj-server-db.c). */
  gint64               caught_up_at;
};

/* "sqlite:DIR" sets *@sqlite_dir and returns NULL without error; a
 * postgresql:// URL connects, migrates data/sql/pg and returns the store. */
AjServerDb  *aj_server_db_open                  (const char           *spec,
                                                 char                **sqlite_dir,
                                                 GError              **error);
void         aj_server_db_free                  (AjServerDb           *db);
AjServerDb  *aj_server_db_pg_open               (const char           *url,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjServerDb, aj_server_db_free)

/* Each takes the request's SQLite store, used when @db is NULL. */
gboolean     aj_server_db_add_code              (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *code,
                                                 const AjScope        *scope,
                                                 const char           *created_at,
                                                 const char           *expires_at,
                                                 GError              **error);
char        *aj_server_db_redeem_code           (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *code,
                                                 const char           *device_id,
                                                 const char           *device_name,
                                                 const char           *token,
                                                 const char           *now,
                                                 GError              **error);
gint64       aj_server_db_count_enroll_failures (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *client,
                                                 gint64                since_unix);
gboolean     aj_server_db_add_enroll_failure    (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *client,
                                                 gint64                at_unix,
                                                 GError              **error);
gboolean     aj_server_db_find_device_by_token  (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *token,
                                                 char                **device_id,
                                                 AjScope             **scope,
                                                 GError              **error);
GPtrArray   *aj_server_db_list_devices          (AjServerDb           *db,
                                                 AjStore              *store);
gboolean     aj_server_db_revoke_device         (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *device_id,
                                                 const char           *now,
                                                 GError              **error);
/* The size of a photo held whole, or -1. */
gint64       aj_server_db_blob_size             (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *sha256);
gint64       aj_server_db_device_blob_bytes     (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *device_id);
/* Both, asked together (one round trip): the upload's gate. */
void         aj_server_db_blob_sizes            (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *sha256,
                                                 const char           *device_id,
                                                 gint64               *size,
                                                 gint64               *device_bytes);
gboolean     aj_server_db_add_blob              (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *sha256,
                                                 gint64                size,
                                                 const char           *device_id,
                                                 const char           *received_at,
                                                 GError              **error);
/* Brings the local store up to the shared log (nothing to do on SQLite). */
gboolean     aj_server_db_catch_up              (AjServerDb           *db,
                                                 AjStore              *store,
                                                 GError              **error);
/* The same for a request that began at @since (monotonic µs): nothing to
 * do when a check that began after it found the cache up to the log. */
gboolean     aj_server_db_catch_up_since        (AjServerDb           *db,
                                                 AjStore              *store,
                                                 gint64                since,
                                                 GError              **error);
/* A device's batch, each event numbered or refused (AjPushOutcome), or NULL:
 * with *@wait > 0 when the device's event rate is used up (seconds to
 * wait), else with @error. */
GArray      *aj_server_db_push                  (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *device_id,
                                                 const AjScope        *scope,
                                                 GPtrArray            *events,
                                                 const AjEventRate    *rate,
                                                 gint64               *wait,
                                                 GError              **error);
/* A registry (kind "registry", JSON, or "registry-csv") or checklist
 * ("checklist") the administrator imported, for every server to load;
 * nothing on SQLite, where the import wrote the store itself. */
gboolean     aj_server_db_add_reference         (AjServerDb           *db,
                                                 const char           *kind,
                                                 const char           *body,
                                                 GError              **error);

/* The office console's sessions, so that any server answers any page;
 * the user is read from @store (office users come as reference documents,
 * kind "office-user"). */
gboolean     aj_server_db_add_office_session    (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *token_hash,
                                                 const char           *user_name,
                                                 const char           *csrf,
                                                 gint64                now,
                                                 gint64                expires_at,
                                                 const char           *client,
                                                 GError              **error);
AjOfficeUser *aj_server_db_find_office_session  (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *token_hash,
                                                 gint64                now,
                                                 char                **csrf);
gboolean     aj_server_db_end_office_session    (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *token_hash,
                                                 GError              **error);

/* Enrollment codes not used and not expired (AjOfficeCode), newest first;
 * and one of them made to expire now. */
GPtrArray   *aj_server_db_list_open_codes       (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *now);
gboolean     aj_server_db_revoke_code           (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *code_hash,
                                                 const char           *now,
                                                 GError              **error);

/* An office user as the reference document that carries it to every
 * server (with the password's hash), and that document applied to @store
 * (a user held already is kept as it is). */
char        *aj_server_db_office_user_to_json   (const AjOfficeUser   *user);
gboolean     aj_server_db_apply_office_user     (AjStore              *store,
                                                 const char           *json,
                                                 GError              **error);

/* The next @count document numbers of @department's @year for a device
 * whose scope holds one of its institutions (aj_server_store_grant_numbers). */
gboolean     aj_server_db_grant_numbers         (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *device_id,
                                                 const AjScope        *scope,
                                                 const char           *department,
                                                 int                   year,
                                                 gint64                count,
                                                 gint64               *first,
                                                 gint64               *last,
                                                 GError              **error);

G_END_DECLS
