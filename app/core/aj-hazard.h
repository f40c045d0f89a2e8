/* aj-hazard.h: hazards (隐患) as read from the projection, and their vocabulary. */
#pragma once

#include <gio/gio.h>

#include "aj-hazard-rules.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_HAZARD (aj_hazard_get_type ())
G_DECLARE_FINAL_TYPE (AjHazard, aj_hazard, AJ, HAZARD, GObject)

/* What the hazard sheet hands to the core. */
typedef struct
{
  const char *inspection_id;
  const char *item_code;
  const char *category;
  const char *description;
  const char *location;
  const char *risk_level;    /* red, orange, yellow, blue */
  const char *grade;         /* general, major */
  const char *suggestion;
  const char *deadline;      /* YYYY-MM-DD */
  const char *responsible;
  /* The criterion the item tests, and where it needs an outside
   * determination, who made it and in which document (number, date). */
  const char *criterion;
  gboolean    needs_determination;
  const char *determination_body;
  const char *determination_document;
} AjHazardDraft;

/* The hazards not yet struck off, as the home page counts them. */
typedef struct
{
  guint open;
  guint overdue;          /* not rectified by their deadline */
  guint due_this_week;    /* deadline from today to the week's end, not overdue */
  guint to_verify;        /* rectified, waiting for re-inspection */
  guint major;
} AjHazardCounts;

const char *aj_hazard_get_id               (AjHazard   *self);
const char *aj_hazard_get_number           (AjHazard   *self);
const char *aj_hazard_get_inspection_id    (AjHazard   *self);
const char *aj_hazard_get_institution      (AjHazard   *self);
const char *aj_hazard_get_institution_name (AjHazard   *self);
const char *aj_hazard_get_item_code        (AjHazard   *self);
const char *aj_hazard_get_category        (AjHazard   *self);
const char *aj_hazard_get_description      (AjHazard   *self);
const char *aj_hazard_get_location         (AjHazard   *self);
const char *aj_hazard_get_risk_level       (AjHazard   *self);
const char *aj_hazard_get_grade            (AjHazard   *self);
const char *aj_hazard_get_suggestion       (AjHazard   *self);
const char *aj_hazard_get_deadline         (AjHazard   *self);
const char *aj_hazard_get_responsible      (AjHazard   *self);
const char *aj_hazard_get_status           (AjHazard   *self);
const char *aj_hazard_get_found_at         (AjHazard   *self);
const char *aj_hazard_get_found_by         (AjHazard   *self);
const char *aj_hazard_get_closed_at        (AjHazard   *self);
const char *aj_hazard_get_measures         (AjHazard   *self);
const char *aj_hazard_get_funds            (AjHazard   *self);
const char *aj_hazard_get_contingency_plan (AjHazard   *self);
const char *aj_hazard_get_rectified_note   (AjHazard   *self);
const char *aj_hazard_get_criterion        (AjHazard   *self);
const char *aj_hazard_get_determination_body     (AjHazard *self);
const char *aj_hazard_get_determination_document (AjHazard *self);
gboolean    aj_hazard_is_pending_determination   (AjHazard *self);
const char *aj_hazard_get_verification     (AjHazard   *self);
const char *aj_hazard_get_verified_at      (AjHazard   *self);
const char *aj_hazard_get_county           (AjHazard   *self);
const char *aj_hazard_get_institution_type (AjHazard   *self);
const char *aj_hazard_get_source           (AjHazard   *self);
const char *aj_hazard_get_rectified_at     (AjHazard   *self);
const char *aj_hazard_get_verified_by      (AjHazard   *self);
int         aj_hazard_get_rejections       (AjHazard   *self);
const char *aj_hazard_get_escalation_level (AjHazard   *self);
const char *aj_hazard_get_escalation_reason (AjHazard  *self);
const char *aj_hazard_get_referred_to      (AjHazard   *self);
const char *aj_hazard_get_referral_kind    (AjHazard   *self);
gboolean    aj_hazard_get_extension_pending (AjHazard  *self);
const char *aj_hazard_get_extension_deadline (AjHazard *self);
gboolean    aj_hazard_is_major             (AjHazard   *self);
gboolean    aj_hazard_is_overdue           (AjHazard   *self,
                                            const char *today);
int         aj_hazard_days_overdue         (AjHazard   *self,
                                            const char *today);


char       *aj_hazard_record               (AjStore              *store,
                                            const char           *author,
                                            const AjHazardDraft  *draft,
                                            GError              **error);
gboolean    aj_hazard_update               (AjStore              *store,
                                            const char           *author,
                                            const char           *hazard_id,
                                            const AjHazardDraft  *draft,
                                            GError              **error);
gboolean    aj_hazard_withdraw             (AjStore              *store,
                                            const char           *author,
                                            const char           *hazard_id,
                                            const char           *reason,
                                            GError              **error);
char       *aj_hazard_save_sheet           (AjStore              *store,
                                            const char           *author,
                                            const char           *hazard_id,
                                            const AjHazardDraft  *draft,
                                            GError              **error);
/* Lives with hazards because inspections sit below hazards in the layers. */
gboolean    aj_inspection_reanswer         (AjStore              *store,
                                            const char           *author,
                                            const char           *inspection_id,
                                            const char           *item_code,
                                            const char           *result,
                                            const char           *note,
                                            const char           *withdraw_reason,
                                            GError              **error);
char       *aj_hazard_next_number          (AjStore              *store,
                                            const char           *institution,
                                            const char           *date);

AjHazard   *aj_hazard_load                 (AjStore              *store,
                                            const char           *id);
AjHazard   *aj_hazard_find_for_item        (AjStore              *store,
                                            const char           *inspection_id,
                                            const char           *item_code);
gboolean    aj_hazard_count_open           (AjStore              *store,
                                            const char           *institution,
                                            const char           *today,
                                            const char           *week_end,
                                            AjHazardCounts       *counts,
                                            GError              **error);
GListModel *aj_hazard_list_escalation      (AjStore              *store,
                                            const char           *institution,
                                            const char           *today,
                                            int                   threshold_days,
                                            GError              **error);
int         aj_hazard_escalation_days      (AjStore              *store,
                                            AjHazard             *hazard);
const char *aj_hazard_escalation_due       (AjHazard             *self,
                                            const char           *today,
                                            int                   threshold_days,
                                            const char          **reason);
GListModel *aj_hazard_list                 (AjStore              *store,
                                            const char           *inspection_id,
                                            GError              **error);

G_END_DECLS
