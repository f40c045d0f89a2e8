/* aj-draw-record.h: plans and draws kept in the store: a draw is made from a
 * stored plan, a snapshot of the registers and a public seed; it is never
 * changed or deleted; a redraw is a new draw naming the old one and why. */
#pragma once

#include <gio/gio.h>

#include "aj-draw.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_DRAW_RECORD (aj_draw_record_get_type ())
G_DECLARE_FINAL_TYPE (AjDrawRecord, aj_draw_record, AJ, DRAW_RECORD, GObject)

const char     *aj_draw_record_get_id           (AjDrawRecord  *self);
const char     *aj_draw_record_get_plan_id      (AjDrawRecord  *self);
const char     *aj_draw_record_get_algorithm    (AjDrawRecord  *self);
const char     *aj_draw_record_get_seed_source  (AjDrawRecord  *self);
const char     *aj_draw_record_get_seed         (AjDrawRecord  *self);
const char     *aj_draw_record_get_digest       (AjDrawRecord  *self);
const char     *aj_draw_record_get_drawn_at     (AjDrawRecord  *self);
const char     *aj_draw_record_get_drawn_by     (AjDrawRecord  *self);
const char     *aj_draw_record_get_replaces     (AjDrawRecord  *self);
const char     *aj_draw_record_get_reason       (AjDrawRecord  *self);
AjDrawResult   *aj_draw_record_get_result       (AjDrawRecord  *self);
AjDrawPlan     *aj_draw_record_dup_plan         (AjDrawRecord  *self);
AjDrawSnapshot *aj_draw_record_dup_snapshot     (AjDrawRecord  *self);
char           *aj_draw_record_dup_inputs       (AjDrawRecord  *self);

char           *aj_draw_record_save_plan        (AjStore       *store,
                                                 const char    *title,
                                                 const AjDrawPlan *plan,
                                                 const char    *author,
                                                 GError       **error);
AjDrawPlan     *aj_draw_record_load_plan        (AjStore       *store,
                                                 const char    *plan_id,
                                                 char         **title,
                                                 GError       **error);
AjDrawSnapshot *aj_draw_record_snapshot         (AjStore       *store,
                                                 GError       **error);
AjDrawRecord   *aj_draw_record_make             (AjStore       *store,
                                                 const char    *plan_id,
                                                 const char    *seed_source,
                                                 const char    *author,
                                                 GError       **error);
AjDrawRecord   *aj_draw_record_redraw           (AjStore       *store,
                                                 const char    *old_id,
                                                 const char    *seed_source,
                                                 const char    *reason,
                                                 const char    *author,
                                                 GError       **error);
AjDrawRecord   *aj_draw_record_get              (AjStore       *store,
                                                 const char    *id);
AjDrawRecord   *aj_draw_record_current          (AjStore       *store,
                                                 const char    *plan_id);
GListModel     *aj_draw_record_list             (AjStore       *store,
                                                 const char    *plan_id,
                                                 GError       **error);
gboolean        aj_draw_record_rerun            (AjDrawRecord  *self,
                                                 AjDrawResult **rerun,
                                                 GError       **error);

G_END_DECLS
