/* aj-server-store.h: what the server keeps beside the event log: devices and
 * their tokens, enrollment codes, blobs, published reference data, and the
 * counts its pages show. No HTTP here, so that tests can call it directly. */
#pragma once

#include <json-glib/json-glib.h>

#include "aj-scope.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_SERVER_STORE_ERROR (aj_server_store_error_quark ())

typedef enum
{
  AJ_SERVER_STORE_ERROR_CODE_UNKNOWN,
  AJ_SERVER_STORE_ERROR_CODE_USED,
  AJ_SERVER_STORE_ERROR_CODE_EXPIRED,
  AJ_SERVER_STORE_ERROR_DEVICE_REVOKED,   /* a revoked device may not enroll again */
  AJ_SERVER_STORE_ERROR_TOKEN_UNKNOWN,
  AJ_SERVER_STORE_ERROR_TOKEN_REVOKED,
  AJ_SERVER_STORE_ERROR_NOT_YOUR_EVENT,   /* a device pushes only its own events */
  AJ_SERVER_STORE_ERROR_OUTSIDE_SCOPE,
  AJ_SERVER_STORE_ERROR_BLOB_MISSING,     /* an event names a photo not uploaded whole */
  AJ_SERVER_STORE_ERROR_DEVICE_EXISTS,    /* an enrolled device id is never taken over */
} AjServerStoreError;

typedef struct
{
  char     *id;
  char     *name;
  char     *scope;         /* JSON, as aj_scope_to_json () writes it */
  char     *enrolled_at;
  gint64    events;
  gboolean  revoked;
} AjServerDevice;

/* One drawn institution's spot check, as the office and the public see it. */
typedef struct
{
  char     *assignment;
  char     *draw_id;
  char     *institution;       /* code */
  char     *institution_name;  /* its name, or its code when the registry lacks it */
  char     *county;
  char     *type;
  char     *due;
  char     *status;            /* open, done */
  gboolean  started;           /* an inspection of it exists on the server */
  char     *checked_on;        /* YYYY-MM-DD of the finished inspection that closed it, or NULL */
  char     *published_on;      /* the draw's publication date, or NULL */
  int       items;
  int       hazards;           /* not withdrawn */
  int       closed;
  int       by_risk[4];        /* red, orange, yellow, blue, not withdrawn */
} AjServerCheck;

/* A draw made public, with its plan's title. */
typedef struct
{
  char *draw_id;
  char *title;
  char *drawn_at;
  char *published_on;
  char *seed_source;
  char *seed;
  char *digest;
  int   checks;
  int   done;
} AjServerPublication;

typedef struct
{
  char *id;
  char *title;
  char *created_at;
  char *checklist;
  char *due;
  char *current_draw;      /* the draw no redraw replaced, or NULL */
} AjServerPlan;

typedef struct
{
  gint64 active_devices;
  gint64 institutions;
  gint64 inspections;
  gint64 open_hazards;
  gint64 overdue_hazards;
  gint64 events;
} AjServerOverview;

GQuark       aj_server_store_error_quark            (void);
void         aj_server_check_free                   (AjServerCheck      *check);
void         aj_server_publication_free             (AjServerPublication *publication);
void         aj_server_plan_free                    (AjServerPlan       *plan);
void         aj_server_device_free                  (AjServerDevice     *device);

char        *aj_server_store_path                   (const char         *data_dir);
AjStore     *aj_server_store_open                   (const char         *data_dir,
                                                     GError            **error);
/* Another connection to the same database as @store: a worker thread's own,
 * which that thread alone uses (no SQLite locking around each call;
 * the schema is already there). */
AjStore     *aj_server_store_open_connection        (AjStore            *store,
                                                     GError            **error);

/* Devices and enrollment codes. A code is compared as its letters and
 * digits in upper case (dashes and spaces as typed do not count); times are
 * ISO 8601 and compared as times, expiry in UTC. */
char        *aj_server_store_normalize_code         (const char         *code);
gboolean     aj_server_store_is_before              (const char         *a,
                                                     const char         *b);
gboolean     aj_server_store_add_code               (AjStore            *store,
                                                     const char         *code,
                                                     const AjScope      *scope,
                                                     const char         *created_at,
                                                     const char         *expires_at,
                                                     GError            **error);
char        *aj_server_store_redeem_code            (AjStore            *store,
                                                     const char         *code,
                                                     const char         *device_id,
                                                     const char         *device_name,
                                                     const char         *token,
                                                     const char         *now,
                                                     GError            **error);
/* Failed enrollments by client address, kept in the database so that a
 * restart (or another server process) forgets none. */
gint64       aj_server_store_count_enroll_failures  (AjStore            *store,
                                                     const char         *client,
                                                     gint64              since_unix);
gboolean     aj_server_store_add_enroll_failure     (AjStore            *store,
                                                     const char         *client,
                                                     gint64              at_unix,
                                                     GError            **error);
gboolean     aj_server_store_find_device_by_token   (AjStore            *store,
                                                     const char         *token,
                                                     char              **device_id,
                                                     AjScope           **scope,
                                                     GError            **error);
GPtrArray   *aj_server_store_list_devices           (AjStore            *store);
gboolean     aj_server_store_revoke_device          (AjStore            *store,
                                                     const char         *device_id,
                                                     const char         *now,
                                                     GError            **error);

/* Scope */
gboolean     aj_server_store_scope_allows           (AjStore            *store,
                                                     const AjScope      *scope,
                                                     const char         *institution);

/* Events */
/* What the server answers for one pushed event: its number, or a refusal. */
typedef struct
{
  gint64  server_seq;   /* 0 when refused */
  char   *code;         /* NULL unless refused: a stable code (aj_refusal_code) */
  char   *message;
} AjPushOutcome;

void         aj_push_outcome_clear                  (AjPushOutcome      *outcome);
GArray      *aj_server_store_add_events             (AjStore            *store,
                                                     const char         *device_id,
                                                     const AjScope      *scope,
                                                     GPtrArray          *events,
                                                     GError            **error);
gint64       aj_server_store_last_server_seq        (AjStore            *store);
gboolean     aj_server_store_forget_wanted_blobs    (AjStore            *store,
                                                     GError            **error);

/* Blobs */
gboolean     aj_server_store_blob_is_complete       (AjStore            *store,
                                                     const char         *sha256);
gint64       aj_server_store_blob_size              (AjStore            *store,
                                                     const char         *sha256);
gboolean     aj_server_store_add_blob               (AjStore            *store,
                                                     const char         *sha256,
                                                     gint64              size,
                                                     const char         *received_at,
                                                     GError            **error);
gboolean     aj_server_store_blob_in_scope          (AjStore            *store,
                                                     const char         *sha256,
                                                     const AjScope      *scope);

/* Reference data */
gint64       aj_server_store_get_reference_version  (AjStore            *store);
gboolean     aj_server_store_bump_reference_version (AjStore            *store,
                                                     GError            **error);
gboolean     aj_server_store_publish_checklist      (AjStore            *store,
                                                     const char         *id,
                                                     int                 version,
                                                     const char         *body,
                                                     const char         *published_at,
                                                     GError            **error);
JsonObject  *aj_server_store_registry_for_scope     (AjStore            *store,
                                                     const AjScope      *scope);
JsonArray   *aj_server_store_published_checklists   (AjStore            *store);
JsonArray   *aj_server_store_published_checklist_editions (AjStore      *store);

/* Document numbers: blocks of a department's yearly sequence */
gboolean     aj_server_store_department_in_scope    (AjStore            *store,
                                                     const AjScope      *scope,
                                                     const char         *department,
                                                     GError            **error);
gboolean     aj_server_store_add_number_block       (AjStore            *store,
                                                     const char         *department,
                                                     int                 year,
                                                     const char         *device_id,
                                                     gint64              first,
                                                     gint64              last,
                                                     const char         *granted_at,
                                                     GError            **error);
gboolean     aj_server_store_grant_numbers          (AjStore            *store,
                                                     const char         *device_id,
                                                     const AjScope      *scope,
                                                     const char         *department,
                                                     int                 year,
                                                     gint64              count,
                                                     gint64             *first,
                                                     gint64             *last,
                                                     GError            **error);

/* Plans, assignments and publication (双随机、一公开) */
gboolean     aj_server_store_set_plan_task          (AjStore            *store,
                                                     const char         *plan_id,
                                                     const char         *checklist,
                                                     const char         *due,
                                                     GError            **error);
GPtrArray   *aj_server_store_list_plans             (AjStore            *store);
AjServerPlan *aj_server_store_get_plan              (AjStore            *store,
                                                     const char         *plan_id);
JsonArray   *aj_server_store_assignments_for_scope  (AjStore            *store,
                                                     const AjScope      *scope);
gboolean     aj_server_store_close_assignment       (AjStore            *store,
                                                     const char         *inspection_id,
                                                     const char         *now,
                                                     gboolean           *closed,
                                                     GError            **error);
GPtrArray   *aj_server_store_list_checks            (AjStore            *store,
                                                     const char         *draw_id);
gboolean     aj_server_store_publish_draw           (AjStore            *store,
                                                     const char         *draw_id,
                                                     const char         *published_on,
                                                     const char         *published_by,
                                                     const char         *now,
                                                     GError            **error);
GPtrArray   *aj_server_store_list_publications      (AjStore            *store);
AjServerPublication *aj_server_store_get_publication (AjStore           *store,
                                                     const char         *draw_id);

/* The public pages */
void         aj_server_store_overview               (AjStore            *store,
                                                     const char         *today,
                                                     AjServerOverview   *overview);

/* Per-device bounds: photo bytes and the pace of events */
gboolean     aj_server_store_set_blob_device        (AjStore            *store,
                                                     const char         *sha256,
                                                     const char         *device_id,
                                                     GError            **error);
gint64       aj_server_store_device_blob_bytes      (AjStore            *store,
                                                     const char         *device_id);
gint64       aj_server_store_count_new_events       (AjStore            *store,
                                                     GPtrArray          *events);
gint64       aj_server_store_charge_events          (AjStore            *store,
                                                     const char         *device_id,
                                                     gint64              n_new,
                                                     gint64              limit,
                                                     gint64              window_seconds,
                                                     gint64              now_unix,
                                                     GError            **error);

/* The office's console (/office/) */
typedef struct
{
  char     *name;
  char     *display_name;
  char     *role;            /* clerk, chief, admin */
  char     *county;          /* NULL: the whole city */
  char     *password_hash;   /* Argon2id, as crypto_pwhash_str writes it */
  gint64    failures;
  gint64    locked_until;    /* Unix seconds */
  gboolean  active;
} AjOfficeUser;

typedef struct
{
  char *at;
  char *user;
  char *action;
  char *subject;
  char *detail;
  char *client;
} AjOfficeAuditEntry;

typedef struct
{
  char *code_hash;
  char *scope;
  char *created_at;
  char *expires_at;
  char *used_by;
} AjOfficeCode;

/* What the console's hazard list filters on in SQL; NULL or "": any. */
typedef struct
{
  const char *county;
  const char *type;
  const char *status;        /* "open": not closed or withdrawn */
  const char *risk_level;
  gboolean    major_only;
  gboolean    escalated_only;   /* 督办: a hazard.escalated event exists */
} AjOfficeHazardFilter;

void         aj_office_user_free                    (AjOfficeUser       *user);
void         aj_office_audit_entry_free             (AjOfficeAuditEntry *entry);
void         aj_office_code_free                    (AjOfficeCode       *code);
gboolean     aj_server_store_add_office_user        (AjStore            *store,
                                                     const AjOfficeUser *user,
                                                     const char         *created_at,
                                                     GError            **error);
AjOfficeUser *aj_server_store_get_office_user       (AjStore            *store,
                                                     const char         *name);
GPtrArray   *aj_server_store_list_office_users      (AjStore            *store);
gboolean     aj_server_store_set_office_failures    (AjStore            *store,
                                                     const char         *name,
                                                     gint64              failures,
                                                     gint64              locked_until,
                                                     GError            **error);
gboolean     aj_server_store_add_office_session     (AjStore            *store,
                                                     const char         *token_hash,
                                                     const char         *user_name,
                                                     const char         *csrf,
                                                     gint64              now,
                                                     gint64              expires_at,
                                                     const char         *client,
                                                     GError            **error);
AjOfficeUser *aj_server_store_find_office_session   (AjStore            *store,
                                                     const char         *token_hash,
                                                     gint64              now,
                                                     char              **csrf);
gboolean     aj_server_store_end_office_session     (AjStore            *store,
                                                     const char         *token_hash,
                                                     GError            **error);
gboolean     aj_server_store_add_office_audit       (AjStore            *store,
                                                     const char         *at,
                                                     const char         *user_name,
                                                     const char         *action,
                                                     const char         *subject,
                                                     const char         *detail,
                                                     const char         *client,
                                                     GError            **error);
GPtrArray   *aj_server_store_list_office_audit      (AjStore            *store,
                                                     guint               limit);
GPtrArray   *aj_server_store_office_hazards         (AjStore            *store,
                                                     const AjScope      *scope,
                                                     const AjOfficeHazardFilter *filter,
                                                     guint               limit);
GPtrArray   *aj_server_store_institution_values     (AjStore            *store,
                                                     const AjScope      *scope,
                                                     gboolean            types);
GPtrArray   *aj_server_store_list_open_codes        (AjStore            *store,
                                                     const char         *now);
gboolean     aj_server_store_revoke_code            (AjStore            *store,
                                                     const char         *code_hash,
                                                     const char         *now,
                                                     GError            **error);
GPtrArray   *aj_server_store_hazard_photos          (AjStore            *store,
                                                     const char         *hazard_id);
char        *aj_server_store_inspection_institution (AjStore            *store,
                                                     const char         *inspection_id);

/* The office's work carried to every server as documents (aj-server-db.h):
 * the rows of a table among draw_plans, draws, assignments and
 * draw_publications whose @column is @value, each an object of its
 * columns; such rows put back as they were (a row held already is kept);
 * and an assignment cancelled (by a redraw) unless it is done already. */
JsonArray   *aj_server_store_rows_to_json           (AjStore            *store,
                                                     const char         *table,
                                                     const char         *column,
                                                     const char         *value);
gboolean     aj_server_store_insert_rows            (AjStore            *store,
                                                     const char         *table,
                                                     JsonArray          *rows,
                                                     GError            **error);
gboolean     aj_server_store_cancel_assignment      (AjStore            *store,
                                                     const char         *id,
                                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjOfficeUser, aj_office_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjServerDevice, aj_server_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjServerCheck, aj_server_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjServerPublication, aj_server_publication_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjServerPlan, aj_server_plan_free)

G_END_DECLS
