/* aj-summary-page.h: the inspection's results at a glance, and finishing it. */
#pragma once

#include <adwaita.h>

#include "aj-report.h"

G_BEGIN_DECLS

#define AJ_TYPE_SUMMARY_PAGE (aj_summary_page_get_type ())
G_DECLARE_FINAL_TYPE (AjSummaryPage, aj_summary_page, AJ, SUMMARY_PAGE, AdwBin)

void aj_summary_page_load   (AjSummaryPage *self,
                             const char    *inspection_id);
void aj_summary_page_reload (AjSummaryPage *self);
void aj_summary_page_write_report (AjSummaryPage *self,
                                   AjReportKind   kind,
                                   const char    *path);

G_END_DECLS
