/* aj-server-console.h: what the office's web console (/office/) shares
 * between its units: the signed-in office user and scope of a request, the
 * language of its pages, the page frame, forms with their CSRF token, and
 * the audit log. Every page is written with AjHtml (aj-server-html.h). */
#pragma once

#include "aj-scope.h"
#include "aj-server-html.h"
#include "aj-server-request.h"
#include "aj-server-store.h"

G_BEGIN_DECLS

/* The console's words in the request's language: English is the source,
 * Chinese comes from the catalogue. The server answers one request at a
 * time on its main loop, so the language is set per request. */
const char *aj_console_gettext (const char *msgid) G_GNUC_FORMAT (1);
#undef _
#undef N_
#define _(s) aj_console_gettext (s)
#define N_(s) (s)

typedef enum
{
  AJ_OFFICE_CLERK,
  AJ_OFFICE_CHIEF,
  AJ_OFFICE_ADMIN,
} AjOfficeRole;

typedef struct
{
  AjRequest    *req;
  AjStore      *store;
  AjOfficeUser *user;        /* NULL before sign-in */
  AjOfficeRole  role;
  AjScope      *scope;       /* the user's: one county or all */
  char         *csrf;        /* the session's form token */
  const char   *path;        /* after "/office" */
  gboolean      english;
} AjConsole;

/* aj-server-console.c */
void      aj_console_send_page     (AjConsole    *cx,
                                    guint         status,
                                    const char   *title,
                                    const AjHtml *content);
void      aj_console_send_message  (AjConsole    *cx,
                                    guint         status,
                                    const char   *title,
                                    const char   *message);
void      aj_console_redirect      (AjConsole    *cx,
                                    const char   *location);
void      aj_console_send_bytes    (AjConsole    *cx,
                                    const char   *content_type,
                                    const char   *filename,
                                    GBytes       *bytes);
/* <form method="post" action="…"> with its hidden CSRF field; close with
 * </form>. @multipart for a file. */
void      aj_console_form_open     (AjConsole    *cx,
                                    AjHtml       *html,
                                    const char   *action,
                                    gboolean      multipart);
/* Writes who, what, when and from where; FALSE (and a 500 page) when it
 * could not be written. */
gboolean  aj_console_audit         (AjConsole    *cx,
                                    const char   *action,
                                    const char   *subject,
                                    const char   *detail);
/* Answers 403 and returns FALSE when the user's role is below @role. */
gboolean  aj_console_require_role  (AjConsole    *cx,
                                    AjOfficeRole  role);
gboolean  aj_console_city_wide     (AjConsole    *cx);
const char *aj_console_form        (AjConsole    *cx,
                                    const char   *name);
/* A <select> named @name with @values (and an "any" choice first when
 * @any_label is not NULL), @selected chosen; labels through @label. */
void      aj_console_select        (AjHtml       *html,
                                    const char   *name,
                                    const char   *label_text,
                                    const char   *any_label,
                                    const char * const *values,
                                    const char * const *labels,
                                    const char   *selected);
/* <div class="card"><table> with its caption and column heads, up to
 * <tbody>; close with aj_console_table_close. @heads ends with NULL. */
void      aj_console_table_open    (AjHtml       *html,
                                    const char   *caption,
                                    const char * const *heads);
void      aj_console_table_close   (AjHtml       *html);
void      aj_console_heading       (AjHtml       *html,
                                    const char   *title);
void      aj_console_dl_row        (AjHtml       *html,
                                    const char   *term,
                                    const char   *value,
                                    gboolean      mono);
/* Writes a file with @write into a temporary folder and sends it. */
typedef gboolean (*AjConsoleWriter) (AjConsole   *cx,
                                     const char  *path,
                                     gpointer     data,
                                     GError     **error);
void      aj_console_send_written  (AjConsole    *cx,
                                    const char   *content_type,
                                    const char   *filename,
                                    AjConsoleWriter write,
                                    gpointer      data);
const char *aj_console_status_label (const char  *status);
const char *aj_console_risk_label   (const char  *risk);

/* aj-server-console-oversight.c */
void      aj_console_hazards       (AjConsole    *cx);
void      aj_console_hazard        (AjConsole    *cx,
                                    const char   *id);
void      aj_console_photo         (AjConsole    *cx,
                                    const char   *sha256);
void      aj_console_assignments   (AjConsole    *cx);
void      aj_console_completion    (AjConsole    *cx);
void      aj_console_stats         (AjConsole    *cx);

/* aj-server-console-work.c */
void      aj_console_plans         (AjConsole    *cx);
void      aj_console_plan_create   (AjConsole    *cx);
void      aj_console_draw_create   (AjConsole    *cx);
void      aj_console_draw          (AjConsole    *cx,
                                    const char   *id);
void      aj_console_publish       (AjConsole    *cx);
void      aj_console_import        (AjConsole    *cx);
void      aj_console_codes         (AjConsole    *cx);
void      aj_console_code_revoke   (AjConsole    *cx);
void      aj_console_device_revoke (AjConsole    *cx);
void      aj_console_report        (AjConsole    *cx,
                                    const char   *rest);

G_END_DECLS
