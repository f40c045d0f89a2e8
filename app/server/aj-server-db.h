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
 *    share), document number blocks, the office console's sessions, its
 *    audit log and each office user's failed sign-ins and lock; and, as
 *    reference documents, the registry, checklists and office users
 *    imported, and the office's work: registers imported (`register` or the
 *    console), plans, draws with their assignments, and publications.
 *
 * How this departs from DESIGN.md's "storage interface": there, every table
 * sits behind the interface. Here only the state that must be shared for
 * servers to be interchangeable is: with PostgreSQL, each server keeps its
 * local SQLite store (projections, rules, console and page queries, all of
 * aj-server-store.c unchanged) as a *cache* rebuilt from the shared log and
 * documents (aj_server_db_catch_up, before a request is answered), and a
 * push is validated against that cache under PostgreSQL advisory locks on
 * the device and on each subject it touches, then written to PostgreSQL
 * only. Porting the ~38 tables' queries twice would have doubled the SQL to
 * keep right; this keeps one copy of the rules and the projection.
 *
 * The office's work goes the same way (aj_server_db_share_change): the
 * change is made on a cache caught up under the lock that orders reference
 * documents, in a local transaction that is undone; what it wrote (the
 * plan's row, the draw's row and its assignments, the publication's row)
 * or, for a register, its text becomes a document, and every server,
 * this one included, applies the documents in order as it catches up. A
 * plan's first draw, a draw's redraw and a draw's publication carry a key
 * PostgreSQL keeps unique, so each happens once whichever servers are asked
 * at once. Hence every server pulls the same assignments to devices, judges
 * a spot-check inspection and its team's confirmations against the same
 * assignment (aj-authority.c: check_assignment_started, check_team), and
 * shows the same public pages; the console's audit page reads PostgreSQL,
 * and five wrong passwords through any servers lock the account on all.
 *
 * What a server still keeps to itself, none of it an answer that differs:
 * the reference version devices compare is counted in each cache, bumped
 * only as documents and events are applied, so caches that applied the
 * same are at the same version (a device that changes server to one not
 * yet caught up fetches the reference data again, which is harmless); and
 * when a cache closes an assignment, closed_at is that server's clock
 * (shown nowhere). Documents are applied before the log, so a cache may
 * apply a redraw before the events that closed some of the replaced
 * draw's assignments (a cache behind, or rebuilt from nothing): the
 * redraw's document names the assignments it cancelled, and only those
 * are, so the others are closed by their events as where it was made. */
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

/* One change of the office's work (a plan, a draw, a publication, a
 * register) made on @store. With @document non-NULL (a shared database),
 * also sets *@document to what makes the same change on another server's
 * store (a reference document of the change's kind, applied by
 * aj_admin_apply_office_document) and *@once_key to NULL or to a key no
 * other document may carry (a plan's first draw, a draw's redraw, its
 * publication): the database refuses the second, whichever server makes
 * it. */
typedef gboolean (*AjOfficeChange) (AjStore     *store,
                                    gpointer     data,
                                    JsonObject **document,
                                    char       **once_key,
                                    GError     **error);

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
  /* The office's work (see aj_server_db_share_change and below). */
  gboolean    (*share_change)          (AjServerDb *db, AjStore *cache, const char *kind, AjOfficeChange change,
                                        gpointer data, GError **error);
  gboolean    (*add_office_audit)      (AjServerDb *db, const AjOfficeAuditEntry *entry, GError **error);
  GPtrArray  *(*list_office_audit)     (AjServerDb *db, guint limit, GError **error);
  gboolean    (*office_locked_until)   (AjServerDb *db, const char *user_name, gint64 *locked_until, GError **error);
  gboolean    (*office_failed)         (AjServerDb *db, const char *user_name, gint64 max_failures,
                                        gint64 locked_until, gboolean *locked, GError **error);
  gboolean    (*office_signed_in)      (AjServerDb *db, const char *user_name, GError **error);
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

/* The office's work shared by every server. On SQLite, @change is made on
 * @store. With a shared database, under the lock that orders reference
 * documents: the cache is brought up to every document and event committed,
 * @change is made on it in a transaction that is undone, its document is
 * added (refused with AJ_ERROR_CONFLICT when its once-key is taken), and
 * the cache caught up again, which applies it, as every other server does
 * at its next request. So a plan is drawn once even when two servers are
 * asked at once: the second waits for the lock, then finds the draw. */
gboolean     aj_server_db_share_change          (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *kind,
                                                 AjOfficeChange        change,
                                                 gpointer              data,
                                                 GError              **error);

/* The office's audit log: on the shared database when there is one, so
 * that the console shows the same log on every server; the latest @limit
 * entries (AjOfficeAuditEntry), newest first. */
gboolean     aj_server_db_add_office_audit      (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const AjOfficeAuditEntry *entry,
                                                 GError              **error);
GPtrArray   *aj_server_db_list_office_audit     (AjServerDb           *db,
                                                 AjStore              *store,
                                                 guint                 limit);

/* An office user's failed sign-ins and lock, counted across servers on a
 * shared database: until when @user is locked (Unix seconds, 0: not);
 * one more failure at @now, which locks the account until @locked_until
 * when it is the @max_failures-th in a row (*@locked says so); and a
 * success, which starts the count again. */
gboolean     aj_server_db_office_locked_until   (AjServerDb           *db,
                                                 const AjOfficeUser   *user,
                                                 gint64               *locked_until,
                                                 GError              **error);
gboolean     aj_server_db_office_failed         (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const AjOfficeUser   *user,
                                                 gint64                max_failures,
                                                 gint64                locked_until,
                                                 gboolean             *locked,
                                                 GError              **error);
gboolean     aj_server_db_office_signed_in      (AjServerDb           *db,
                                                 AjStore              *store,
                                                 const char           *user_name,
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
