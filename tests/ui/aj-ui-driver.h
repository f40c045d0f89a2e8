/* aj-ui-driver.h: driving the real kiosk window from a test: find widgets by
 * their template id, click, type, wait for the main loop, take screenshots. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *aj_ui_find_type      (GtkWidget   *root,
                                 GType        type);
GtkWidget *aj_ui_find_id        (GtkWidget   *root,
                                 const char  *id);
GtkWidget *aj_ui_find_name      (GtkWidget   *root,
                                 const char  *name);
GtkWidget *aj_ui_page           (GtkWidget   *window,
                                 GType        type);
GtkWidget *aj_ui_in_page        (GtkWidget   *window,
                                 GType        type,
                                 const char  *id);
void       aj_ui_click          (GtkWidget   *widget);
void       aj_ui_type           (GtkWidget   *widget,
                                 const char  *text);
void       aj_ui_wait           (guint        ms);
gboolean   aj_ui_wait_for       (gboolean   (*condition) (gpointer),
                                 gpointer     data,
                                 guint        timeout_ms);
GtkWindow *aj_ui_find_dialog    (GtkWindow   *parent);
void       aj_ui_respond        (GtkWindow   *dialog,
                                 const char  *response);
gboolean   aj_ui_screenshot     (GtkWidget   *window,
                                 const char  *path);
void       aj_ui_dump_widths    (GtkWidget   *widget,
                                 int          depth);

/* The kiosk's own window: running it, which page it shows, signing in. */
typedef void (*AjUiDrive) (GtkWidget *window);

int        aj_ui_run_kiosk      (const char  *size,
                                 AjUiDrive    drive);
GApplication *aj_ui_kiosk       (void);
void       aj_ui_expect_page    (GtkWidget   *window,
                                 const char  *name);
void       aj_ui_sign_in        (GtkWidget   *window,
                                 const char  *user,
                                 const char  *pin);

G_END_DECLS
