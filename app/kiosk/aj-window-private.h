/* aj-window-private.h: what the window and its actions share; no page includes it. */
#pragma once

#include "aj-camera-page.h"
#include "aj-hazard-page.h"
#include "aj-hazard-sheet.h"
#include "aj-home-page.h"
#include "aj-inspection-page.h"
#include "aj-institution-page.h"
#include "aj-ledger-page.h"
#include "aj-photo-viewer.h"
#include "aj-pin-page.h"
#include "aj-schedules-page.h"
#include "aj-refused-page.h"
#include "aj-escalation-page.h"
#include "aj-scan-page.h"
#include "aj-settings-page.h"
#include "aj-sign-in-page.h"
#include "aj-signature-page.h"
#include "aj-start-page.h"
#include "aj-stats-page.h"
#include "aj-step-page.h"
#include "aj-summary-page.h"
#include "aj-window.h"

G_BEGIN_DECLS

struct _AjWindow
{
  AdwApplicationWindow  parent_instance;

  AjSession            *session;
  GSettings            *settings;
  GPtrArray            *history;

  AdwToastOverlay      *toasts;
  GtkStack             *pages;
  AdwStatusPage        *broken_page;
  AjSignInPage         *sign_in_page;
  /* Built when first needed: NULL until then (AJ_WINDOW_PAGE). */
  AjPinPage            *pin_page;
  AjSchedulesPage      *schedules_page;
  AjHomePage           *home_page;
  AjInstitutionPage    *institution_page;
  AjStartPage          *start_page;
  AjInspectionPage     *inspection_page;
  AjHazardSheet        *hazard_sheet;
  AjSummaryPage        *summary_page;
  AjLedgerPage         *ledger_page;
  AjHazardPage         *hazard_page;
  AjSettingsPage       *settings_page;
  AjStepPage           *step_page;
  AjStatsPage          *stats_page;
  AjSignaturePage      *signature_page;
  AjScanPage           *scan_page;
  AjCameraPage         *camera_page;
  AjPhotoViewer        *photo_viewer;
  AjRefusedPage        *refused_page;
  AjEscalationPage     *escalation_page;
  GtkWidget            *sync_bar;
  GtkImage             *sync_icon;
  GtkLabel             *sync_label;
  GtkWidget            *refused_button;
  GtkLabel             *refused_label;
};

/* The page at @field, built the first time it is needed (pages other than
 * sign-in are not built at start-up). */
#define AJ_WINDOW_PAGE(self, field) \
  ((self)->field != NULL ? (self)->field : _aj_window_page ((self), G_STRUCT_OFFSET (AjWindow, field)))

gpointer _aj_window_page           (AjWindow      *self,
                                    gsize          field);
void _aj_window_class_actions_init (AjWindowClass *klass);
void _aj_window_actions_update     (AjWindow      *self);
void _aj_window_show_page          (AjWindow      *self,
                                    const char    *name,
                                    gboolean       remember);

G_END_DECLS
