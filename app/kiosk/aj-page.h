/* aj-page.h: what every page needs of its surroundings, found without knowing
 * the window: the session, toasts, error dialogs and the store's changes. */
#pragma once

#include <gtk/gtk.h>

#include "aj-report.h"
#include "aj-session.h"

G_BEGIN_DECLS

AjSession    *aj_page_get_session     (GtkWidget    *page);
GtkWindow    *aj_page_get_window      (GtkWidget    *page);
void          aj_page_toast           (GtkWidget    *page,
                                       const char   *message);
void          aj_page_report_error    (GtkWidget    *page,
                                       const char   *what,
                                       const GError *error);
GSignalGroup *aj_page_watch_store     (GtkWidget    *page,
                                       GCallback     refresh);
void          aj_page_write_document  (GtkWidget    *page,
                                       AjReportKind  kind,
                                       const char   *subject,
                                       const char   *path);
void          aj_page_save_document   (GtkWidget    *page,
                                       AjReportKind  kind,
                                       const char   *subject);
void          aj_page_wrap_buttons    (GtkWidget    *first,
                                       ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
