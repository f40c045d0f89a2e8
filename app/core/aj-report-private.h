/* aj-report-private.h: what a document says, as aj-report.c gathers it
 * (the inspection, institution, department, team, number), and the drawing
 * of each kind with aj-report-layout. Inside core only. */
#pragma once

#include <json-glib/json-glib.h>

#include "aj-checklist.h"
#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-numbering.h"
#include "aj-registry.h"
#include "aj-report.h"
#include "aj-report-layout.h"

G_BEGIN_DECLS

/* A person named on a document. */
typedef struct
{
  char *id;
  char *name;
  char *certificate;   /* 执法证号, or "" */
} AjReportNamed;

typedef struct
{
  AjStore               *store;
  AjReportKind           kind;
  const AjReportOptions *options;
  AjInspection          *inspection;
  AjInstitution         *institution;
  AjDepartment          *department;
  AjHazard              *referred;     /* the referral letter's hazard */
  AjChecklist           *checklist;
  GPtrArray             *team;         /* AjReportNamed* */
  GPtrArray             *hazards;      /* AjHazard*: live ones, or the visit's verified ones */
  GHashTable            *verdicts;     /* hazard id → JsonObject body of its verification on the visit */
  AjDocumentNumber      *number;       /* of this document (the notice's, for a receipt) */
  AjDocumentNumber      *notice;       /* the notice a verification opinion cites */
  char                  *visit;        /* a verification's visit day */
  char                  *title;
  char                  *payload;      /* the document's own QR */
  gboolean               self;         /* a home's self-inspection record */
} AjReportData;

char       *aj_report_china_day     (const char   *iso);
JsonObject *aj_report_referral_of   (AjStore      *store,
                                     const char   *hazard);
AjDocDraw   aj_report_drawer        (AjReportKind  kind);

G_END_DECLS
