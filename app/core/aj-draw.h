/* aj-draw.h: the random draw of "double random, one public" (双随机、一公开)
 * as a pure function: a plan, a snapshot of the registers and a seed in;
 * institutions with their teams of inspectors out. No store, no clock. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Bumped whenever the algorithm changes what it draws; stored with each draw. */
#define AJ_DRAW_ALGORITHM "anjian-draw-1"

typedef enum
{
  AJ_CREDIT_NORMAL,
  AJ_CREDIT_WATCH,      /* 重点监管: drawn with a higher weight */
  AJ_CREDIT_DISHONEST,  /* 失信: drawn always (by default) */
} AjCreditGrade;

gboolean        aj_credit_grade_parse             (const char           *text,
                                                   AjCreditGrade        *grade);
const char     *aj_credit_grade_to_string         (AjCreditGrade         grade);
const char     *aj_credit_grade_label             (AjCreditGrade         grade);

/* A plan: plain data, owned strings. aj_draw_plan_new () gives the defaults
 * (team of 2, weights normal 1, watch 3, dishonest always, institutions
 * checked within the period excluded); set the scope, size and period. */
typedef struct
{
  char     **counties;          /* scope: NULL or empty for every county */
  char     **types;             /* scope: NULL or empty for every type */
  guint      count;             /* institutions to draw; 0: use share_permille */
  guint      share_permille;    /* share of the candidates in ‰, rounded up */
  guint      team_size;         /* inspectors per team, at least 2 */
  char      *period_start;      /* YYYY-MM-DD, first day */
  char      *period_end;        /* YYYY-MM-DD, last day */
  guint      weight_normal;     /* lots of a normal institution */
  guint      weight_watch;      /* lots of a watched institution */
  guint      weight_dishonest;  /* lots of a dishonest one, when not always drawn */
  gboolean   dishonest_always;  /* every dishonest candidate is drawn */
  gboolean   exclude_checked;   /* skip institutions spot-checked within the period */
} AjDrawPlan;

AjDrawPlan     *aj_draw_plan_new                  (void);
AjDrawPlan     *aj_draw_plan_copy                 (const AjDrawPlan     *plan);
void            aj_draw_plan_free                 (AjDrawPlan           *plan);
gboolean        aj_draw_plan_validate             (const AjDrawPlan     *plan,
                                                   GError              **error);
JsonNode       *aj_draw_plan_to_json              (const AjDrawPlan     *plan);
AjDrawPlan     *aj_draw_plan_from_json            (JsonNode             *node,
                                                   GError              **error);

/* What the draw reads of the registers, kept in canonical order (by code and
 * by id) whatever order they were added in. */
typedef struct _AjDrawSnapshot AjDrawSnapshot;

AjDrawSnapshot *aj_draw_snapshot_new              (void);
void            aj_draw_snapshot_free             (AjDrawSnapshot       *snapshot);
void            aj_draw_snapshot_add_institution  (AjDrawSnapshot       *snapshot,
                                                   const char           *code,
                                                   const char           *type,
                                                   const char           *county,
                                                   AjCreditGrade         credit,
                                                   const char           *last_spot_check);
void            aj_draw_snapshot_add_inspector    (AjDrawSnapshot       *snapshot,
                                                   const char           *id,
                                                   const char * const   *counties,
                                                   const char * const   *conflicts);
guint           aj_draw_snapshot_get_n_institutions (AjDrawSnapshot     *snapshot);
guint           aj_draw_snapshot_get_n_inspectors (AjDrawSnapshot       *snapshot);
JsonNode       *aj_draw_snapshot_to_json          (AjDrawSnapshot       *snapshot);
AjDrawSnapshot *aj_draw_snapshot_from_json        (JsonNode             *node,
                                                   GError              **error);

/* The outcome: teams in the order drawn. */
typedef struct _AjDrawResult AjDrawResult;

void            aj_draw_result_free               (AjDrawResult         *result);
guint           aj_draw_result_get_n_teams        (AjDrawResult         *result);
const char     *aj_draw_result_get_institution    (AjDrawResult         *result,
                                                   guint                 index);
const char * const *aj_draw_result_get_team       (AjDrawResult         *result,
                                                   guint                 index);
gboolean        aj_draw_result_get_always         (AjDrawResult         *result,
                                                   guint                 index);
guint           aj_draw_result_get_n_candidates   (AjDrawResult         *result);
guint           aj_draw_result_get_n_excluded     (AjDrawResult         *result);
JsonNode       *aj_draw_result_to_json            (AjDrawResult         *result);
AjDrawResult   *aj_draw_result_from_json          (JsonNode             *node,
                                                   GError              **error);
gboolean        aj_draw_result_equal              (AjDrawResult         *a,
                                                   AjDrawResult         *b);

char           *aj_draw_seed_from_source          (const char           *source);
gboolean        aj_draw_seed_is_valid             (const char           *seed);
AjDrawResult   *aj_draw_run                       (const AjDrawPlan     *plan,
                                                   AjDrawSnapshot       *snapshot,
                                                   const char           *seed,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDrawPlan, aj_draw_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDrawSnapshot, aj_draw_snapshot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDrawResult, aj_draw_result_free)

G_END_DECLS
