/* aj-inspection.h: an inspection (检查) and the answers, photos and hazards recorded in it. */
#pragma once

#include <gio/gio.h>

#include "aj-checklist.h"
#include "aj-photo.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_INSPECTION (aj_inspection_get_type ())
G_DECLARE_FINAL_TYPE (AjInspection, aj_inspection, AJ, INSPECTION, GObject)

typedef struct
{
  char *item_code;
  char *result;      /* pass, hazard, na */
  char *note;
  char *author;
  char *answered_at;
} AjItemResult;

typedef struct
{
  char *event_id;
  char *sha256;
  char *item_code;
  char *hazard_id;
  int   width;
  int   height;
  char *withdrawn_reason;   /* NULL unless withdrawn */
} AjPhotoRef;

void          aj_item_result_free            (AjItemResult *result);
void          aj_photo_ref_free              (AjPhotoRef   *ref);

gboolean      aj_inspection_mode_is_valid    (const char   *mode);
const char   *aj_inspection_mode_label       (const char   *mode);
gboolean      aj_item_result_is_valid        (const char   *result);
const char   *aj_item_result_label           (const char   *result);

char         *aj_inspection_start            (AjStore      *store,
                                              const char   *author,
                                              const char   *institution,
                                              const char   *mode,
                                              AjChecklist  *checklist,
                                              GError      **error);
char         *aj_inspection_start_assigned   (AjStore      *store,
                                              const char   *author,
                                              const char   *institution,
                                              const char   *mode,
                                              AjChecklist  *checklist,
                                              const char   *assignment,
                                              GError      **error);
gboolean      aj_inspection_answer           (AjStore      *store,
                                              const char   *author,
                                              const char   *inspection_id,
                                              const char   *item_code,
                                              const char   *result,
                                              const char   *note,
                                              GError      **error);
gboolean      aj_inspection_finish           (AjStore      *store,
                                              const char   *author,
                                              const char   *inspection_id,
                                              GError      **error);
char         *aj_inspection_add_photo        (AjStore      *store,
                                              const char   *author,
                                              const char   *inspection_id,
                                              const char   *item_code,
                                              const char   *hazard_id,
                                              const AjPhotoInfo *photo,
                                              GError      **error);
gboolean      aj_inspection_remove_photo     (AjStore      *store,
                                              const char   *author,
                                              const char   *photo_event_id,
                                              GError      **error);

gboolean      aj_inspection_withdraw_photo   (AjStore      *store,
                                              const char   *author,
                                              const char   *photo_event_id,
                                              const char   *reason,
                                              GError      **error);

AjInspection *aj_inspection_load             (AjStore      *store,
                                              const char   *id);
AjInspection *aj_inspection_find_unfinished  (AjStore      *store,
                                              const char   *inspector);
GListModel   *aj_inspection_list             (AjStore      *store,
                                              GError      **error);
GListModel   *aj_inspection_list_recent      (AjStore      *store,
                                              guint         limit,
                                              GError      **error);
GHashTable   *aj_inspection_get_results      (AjStore      *store,
                                              const char   *inspection_id);
GPtrArray    *aj_inspection_get_photos       (AjStore      *store,
                                              const char   *inspection_id,
                                              const char   *item_code);

const char   *aj_inspection_get_id               (AjInspection *self);
const char   *aj_inspection_get_institution      (AjInspection *self);
const char   *aj_inspection_get_institution_name (AjInspection *self);
const char   *aj_inspection_get_mode             (AjInspection *self);
const char   *aj_inspection_get_template_id      (AjInspection *self);
int           aj_inspection_get_template_version (AjInspection *self);
const char   *aj_inspection_get_inspector        (AjInspection *self);
const char   *aj_inspection_get_started_at       (AjInspection *self);
const char   *aj_inspection_get_finished_at      (AjInspection *self);
gboolean      aj_inspection_is_finished          (AjInspection *self);
int           aj_inspection_get_n_answered       (AjInspection *self);
int           aj_inspection_get_n_hazards        (AjInspection *self);

char         *aj_inspection_photo_owner      (AjStore      *store,
                                              const char   *photo_event_id,
                                              gboolean     *withdrawn,
                                              GError      **error);

G_END_DECLS
