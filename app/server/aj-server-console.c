/* aj-server-console.c: the office's web console under /office/: sign-in with
 * a password (Argon2id), sessions kept in the database behind an HttpOnly,
 * SameSite=Strict cookie (Secure over TLS), a CSRF token on every form, a
 * lock-out after repeated failures, and the audit log of every change. Then
 * it hands each page to its unit (oversight, work). Pages are HTML written
 * with AjHtml in a frame from ui/web/office.html; none needs a script. */
#include "config.h"

#include <libintl.h>
#include <string.h>
#include <sodium.h>
#include <glib/gstdio.h>

#include "aj-server-admin.h"
#include "aj-server-console.h"
#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-util.h"

#define SESSION_COOKIE      "anjian_office"
#define PRE_COOKIE          "anjian_pre"      /* the sign-in form's CSRF token */
#define LANG_COOKIE         "anjian_lang"
#define SESSION_SECONDS     (8 * 3600)
#define MAX_FAILURES        5
#define LOCK_SECONDS        (15 * 60)
#define SECRET_BYTES        32

/* The language of the page being written by this thread: handlers run in
 * several threads at once, so it is per thread (the process's LANGUAGE is
 * zh_CN once and for all; English is the source language). */
static GPrivate console_english;

const char *
aj_console_gettext (const char *msgid)
{
  return g_private_get (&console_english) ? msgid : dgettext (GETTEXT_PACKAGE, msgid);
}

/* ---- small helpers ---- */

static char *
random_hex (void)
{
  guint8 bytes[SECRET_BYTES];
  char hex[SECRET_BYTES * 2 + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strdup (hex);
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gboolean
same_secret (const char *a,
             const char *b)
{
  gsize n = a ? strlen (a) : 0;

  return n >= 32 && b != NULL && strlen (b) == n && sodium_memcmp (a, b, n) == 0;
}

static void
set_headers (AjConsole *cx)
{
  aj_request_set_header (cx->req, "Content-Security-Policy",
                         "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
                         "form-action 'self'; frame-ancestors 'none'");
  aj_request_set_header (cx->req, "X-Content-Type-Options", "nosniff");
  aj_request_set_header (cx->req, "Referrer-Policy", "no-referrer");
  aj_request_set_header (cx->req, "X-Frame-Options", "DENY");
  aj_request_set_header (cx->req, "Cache-Control", "no-store");
}

static void
set_cookie (AjConsole  *cx,
            const char *name,
            const char *value,
            gint64      max_age)
{
  g_autofree char *cookie = g_strdup_printf ("%s=%s; Path=/office; Max-Age=%" G_GINT64_FORMAT
                                             "; HttpOnly; SameSite=Strict%s",
                                             name, value, max_age, aj_request_is_tls (cx->req) ? "; Secure" : "");

  aj_request_append_header (cx->req, "Set-Cookie", cookie);
}

const char *
aj_console_form (AjConsole  *cx,
                 const char *name)
{
  return aj_request_get_form (cx->req, name);
}

gboolean
aj_console_city_wide (AjConsole *cx)
{
  return cx->user != NULL && cx->user->county == NULL;
}

/* ---- labels shared by the pages ---- */

const char *
aj_console_status_label (const char *status)
{
  static const struct { const char *code, *label; } labels[] = {
    { "found", N_("Found, awaiting an order") },
    { "rectification_ordered", N_("Being rectified") },
    { "rectified", N_("Rectified, awaiting verification") },
    { "verified", N_("Verified") },
    { "rejected", N_("Rectification rejected") },
    { "closed", N_("Closed") },
    { "withdrawn", N_("Withdrawn") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].code, status) == 0)
      return _(labels[i].label);
  return status ? status : "";
}

const char *
aj_console_risk_label (const char *risk)
{
  static const struct { const char *code, *label; } labels[] = {
    { "red", N_("Red · major risk") }, { "orange", N_("Orange · high risk") },
    { "yellow", N_("Yellow · moderate risk") }, { "blue", N_("Blue · low risk") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].code, risk) == 0)
      return _(labels[i].label);
  return risk ? risk : "";
}

/* ---- the frame ---- */

static const struct
{
  const char *path;
  const char *label;
} nav_items[] = {
  { "/office/", N_("Overview") },
  { "/office/hazards", N_("Hazards") },
  { "/office/hazards?escalated=1", N_("Escalated (督办)") },
  { "/office/assignments", N_("Assignments") },
  { "/office/completion", N_("Self-inspection") },
  { "/office/stats", N_("Statistics") },
  { "/office/plans", N_("Spot checks") },
  { "/office/import", N_("Registers") },
  { "/office/codes", N_("Devices") },
  { "/office/audit", N_("Audit log") },
};

void
aj_console_send_page (AjConsole    *cx,
                      guint         status,
                      const char   *title,
                      const AjHtml *content)
{
  g_autoptr(AjHtml) page = aj_html_new ();
  g_autoptr(AjHtml) user = aj_html_new ();
  g_autoptr(AjHtml) nav = aj_html_new ();
  g_autoptr(AjHtml) languages = aj_html_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *here = g_strconcat ("/office", cx->path, NULL);

  if (cx->user != NULL)
    {
      aj_html_markup (user, "<span class=\"who\">");
      aj_html_text (user, cx->user->display_name);
      aj_html_markup (user, " · ");
      aj_html_text (user, cx->user->county ? cx->user->county : _("Whole city"));
      aj_html_markup (user, "</span> ");
      aj_console_form_open (cx, user, "/office/sign-out", FALSE);
      aj_html_markup (user, "<button type=\"submit\">");
      aj_html_text (user, _("Sign out"));
      aj_html_markup (user, "</button></form>");

      aj_html_markup (nav, "<nav");
      aj_html_attr (nav, "aria-label", _("Console"));
      aj_html_markup (nav, "><ul>");
      for (guint i = 0; i < G_N_ELEMENTS (nav_items); i++)
        {
          aj_html_markup (nav, "<li><a");
          aj_html_attr (nav, "href", nav_items[i].path);
          if (g_str_equal (nav_items[i].path, here))
            aj_html_markup (nav, " aria-current=\"page\"");
          aj_html_markup (nav, ">");
          aj_html_text (nav, _(nav_items[i].label));
          aj_html_markup (nav, "</a></li>");
        }
      aj_html_markup (nav, "</ul></nav>");
    }
  aj_html_markup (languages, "<a href=\"/office/lang?to=zh\" lang=\"zh-CN\">中文</a> · "
                             "<a href=\"/office/lang?to=en\" lang=\"en\">English</a>");
  {
    const AjHtmlSlot slots[] = {
      { "lang", cx->english ? "en" : "zh-CN" },
      { "title", title },
      { "brand", _("Anjian office console") },
      { "skip", _("Skip to the content") },
      { "user", NULL, user },
      { "nav", NULL, nav },
      { "content", NULL, content },
      { "footer", _("Civil-affairs safety inspections") },
      { "languages", NULL, languages },
      { NULL }
    };
    aj_html_template (page, "office.html", slots);
  }
  bytes = aj_html_free_to_bytes (g_steal_pointer (&page));
  set_headers (cx);
  aj_request_reply_bytes (cx->req, status, "text/html; charset=utf-8", bytes);
}

void
aj_console_send_message (AjConsole  *cx,
                         guint       status,
                         const char *title,
                         const char *message)
{
  g_autoptr(AjHtml) content = aj_html_new ();

  aj_html_markup (content, "<section class=\"card\"><h1>");
  aj_html_text (content, title);
  aj_html_markup (content, "</h1><p>");
  aj_html_text (content, message);
  aj_html_markup (content, "</p><p><a href=\"/office/\">");
  aj_html_text (content, _("Back to the overview"));
  aj_html_markup (content, "</a></p></section>");
  aj_console_send_page (cx, status, title, content);
}

void
aj_console_redirect (AjConsole  *cx,
                     const char *location)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  set_headers (cx);
  aj_request_set_header (cx->req, "Location", location);
  aj_request_reply_bytes (cx->req, 303, "text/plain; charset=utf-8", empty);
}

void
aj_console_send_bytes (AjConsole  *cx,
                       const char *content_type,
                       const char *filename,
                       GBytes     *bytes)
{
  set_headers (cx);
  if (filename != NULL)
    {
      g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s\"", filename);
      aj_request_set_header (cx->req, "Content-Disposition", disposition);
    }
  aj_request_reply_bytes (cx->req, 200, content_type, bytes);
}

void
aj_console_form_open (AjConsole  *cx,
                      AjHtml     *html,
                      const char *action,
                      gboolean    multipart)
{
  aj_html_markup (html, "<form method=\"post\"");
  aj_html_attr (html, "action", action);
  if (multipart)
    aj_html_markup (html, " enctype=\"multipart/form-data\"");
  aj_html_markup (html, "><input type=\"hidden\" name=\"csrf\"");
  aj_html_attr (html, "value", cx->csrf);
  aj_html_markup (html, ">");
}

void
aj_console_select (AjHtml             *html,
                   const char         *name,
                   const char         *label_text,
                   const char         *any_label,
                   const char * const *values,
                   const char * const *labels,
                   const char         *selected)
{
  g_autofree char *id = g_strconcat ("f-", name, NULL);

  aj_html_markup (html, "<p><label");
  aj_html_attr (html, "for", id);
  aj_html_markup (html, ">");
  aj_html_text (html, label_text);
  aj_html_markup (html, "</label><select");
  aj_html_attr (html, "id", id);
  aj_html_attr (html, "name", name);
  aj_html_markup (html, ">");
  if (any_label != NULL)
    {
      aj_html_markup (html, "<option value=\"\">");
      aj_html_text (html, any_label);
      aj_html_markup (html, "</option>");
    }
  for (guint i = 0; values && values[i]; i++)
    {
      aj_html_markup (html, "<option");
      aj_html_attr (html, "value", values[i]);
      if (g_strcmp0 (selected, values[i]) == 0)
        aj_html_markup (html, " selected");
      aj_html_markup (html, ">");
      aj_html_text (html, labels ? labels[i] : values[i]);
      aj_html_markup (html, "</option>");
    }
  aj_html_markup (html, "</select></p>");
}

/* An entry of the audit log, as @user_name; on the shared database when
 * there is one, so that every server's console shows it. */
static gboolean
audit_as (AjConsole   *cx,
          const char  *user_name,
          const char  *action,
          const char  *subject,
          const char  *detail,
          GError     **error)
{
  g_autofree char *now = aj_now_iso8601 ();
  AjOfficeAuditEntry entry = { .at = now, .user = (char *) user_name, .action = (char *) action,
                               .subject = (char *) subject, .detail = (char *) detail,
                               .client = (char *) aj_request_get_client (cx->req) };

  return aj_server_db_add_office_audit (aj_request_get_context (cx->req)->db, cx->store, &entry, error);
}

gboolean
aj_console_audit (AjConsole  *cx,
                  const char *action,
                  const char *subject,
                  const char *detail)
{
  g_autoptr(GError) error = NULL;

  if (!audit_as (cx, cx->user ? cx->user->name : "-", action, subject, detail, &error))
    {
      g_printerr ("anjian-server: cannot write the audit log: %s\n", error->message);
      aj_console_send_message (cx, 500, _("Not done"), _("The audit log could not be written."));
      return FALSE;
    }
  return TRUE;
}

gboolean
aj_console_require_role (AjConsole    *cx,
                         AjOfficeRole  role)
{
  if (cx->role >= role)
    return TRUE;
  aj_console_send_message (cx, 403, _("Not allowed"),
                           role == AJ_OFFICE_ADMIN ? _("Only an administrator may do this.")
                                                   : _("Only a section chief or an administrator may do this."));
  return FALSE;
}

void
aj_console_table_open (AjHtml             *html,
                       const char         *caption,
                       const char * const *heads)
{
  aj_html_markup (html, "<div class=\"card\"><table class=\"stack\"><caption>");
  aj_html_text (html, caption);
  aj_html_markup (html, "</caption><thead><tr>");
  for (guint i = 0; heads[i]; i++)
    {
      aj_html_markup (html, "<th scope=\"col\">");
      aj_html_text (html, heads[i]);
      aj_html_markup (html, "</th>");
    }
  aj_html_markup (html, "</tr></thead><tbody>");
}

void
aj_console_table_close (AjHtml *html)
{
  aj_html_markup (html, "</tbody></table></div>");
}

void
aj_console_heading (AjHtml     *html,
                    const char *title)
{
  aj_html_markup (html, "<h1>");
  aj_html_text (html, title);
  aj_html_markup (html, "</h1>");
}

void
aj_console_dl_row (AjHtml     *html,
                   const char *term,
                   const char *value,
                   gboolean    mono)
{
  aj_html_markup (html, "<dt>");
  aj_html_text (html, term);
  if (mono)
    aj_html_markup (html, "</dt><dd class=\"mono\">");
  else
    aj_html_markup (html, "</dt><dd>");
  aj_html_text (html, value && *value ? value : "—");
  aj_html_markup (html, "</dd>");
}

void
aj_console_send_written (AjConsole       *cx,
                         const char      *content_type,
                         const char      *filename,
                         AjConsoleWriter  write,
                         gpointer         data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("anjian-console-XXXXXX", &error);
  g_autofree char *path = dir ? g_build_filename (dir, "file", NULL) : NULL;
  g_autofree char *bytes_data = NULL;
  gsize length = 0;

  if (dir == NULL || !write (cx, path, data, &error) || !g_file_get_contents (path, &bytes_data, &length, &error))
    aj_console_send_message (cx, 500, _("Not done"), error->message);
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&bytes_data), length);
      aj_console_send_bytes (cx, content_type, filename, bytes);
    }
  if (path != NULL)
    g_unlink (path);
  if (dir != NULL)
    g_rmdir (dir);
}

/* ---- sign-in, sign-out, language ---- */

static void
sign_in_page (AjConsole  *cx,
              guint       status,
              const char *message,
              const char *name)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(AjHtml) note = aj_html_new ();
  g_autofree char *pre = g_strdup (aj_request_get_cookie (cx->req, PRE_COOKIE));

  if (pre == NULL || strlen (pre) != SECRET_BYTES * 2)
    {
      g_free (pre);
      pre = random_hex ();
      set_cookie (cx, PRE_COOKIE, pre, 3600);
    }
  if (message != NULL)
    {
      aj_html_markup (note, "<p class=\"error\" role=\"alert\">");
      aj_html_text (note, message);
      aj_html_markup (note, "</p>");
    }
  {
    const AjHtmlSlot slots[] = {
      { "heading", _("Sign in") },
      { "message", NULL, note },
      { "csrf", pre },
      { "name_label", _("Name") },
      { "name", name ? name : "" },
      { "password_label", _("Password") },
      { "submit", _("Sign in") },
      { NULL }
    };
    aj_html_template (content, "office-sign-in.html", slots);
  }
  aj_console_send_page (cx, status, _("Sign in"), content);
}

static void
sign_in (AjConsole *cx)
{
  const char *name = aj_console_form (cx, "name");
  const char *password = aj_console_form (cx, "password");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 locked_until = 0;
  AjServerDb *db = aj_request_get_context (cx->req)->db;
  g_autoptr(AjOfficeUser) user = NULL;
  g_autoptr(GError) error = NULL;

  if (!same_secret (aj_request_get_cookie (cx->req, PRE_COOKIE), aj_console_form (cx, "csrf")))
    {
      aj_console_send_message (cx, 403, _("Refused"), _("The form has expired or did not come from this site. "
                                                        "Open the sign-in page again."));
      return;
    }
  user = name ? aj_server_store_get_office_user (cx->store, name) : NULL;
  /* The lock and the failures are counted on the shared database when
   * there is one: a lock set through one server holds on every other. */
  if (user != NULL && !aj_server_db_office_locked_until (db, user, &locked_until, &error))
    {
      aj_console_send_message (cx, 500, _("Not done"), error->message);
      return;
    }
  if (user != NULL && locked_until > now)
    {
      g_autofree char *message = g_strdup_printf (_("Too many wrong passwords: this account is locked for "
                                                    "%d more minutes."),
                                                  (int) ((locked_until - now + 59) / 60));

      audit_as (cx, user->name, "sign-in.locked", "", "", NULL);
      sign_in_page (cx, 403, message, name);
      return;
    }
  if (user == NULL)
    {
      /* As long to refuse an unknown name as a wrong password. */
      static char *dummy;

      if (dummy == NULL)
        dummy = aj_admin_hash_password ("anjian: no such office user");
      aj_admin_password_matches (dummy, password ? password : "");
    }
  if (user == NULL || !user->active || !aj_admin_password_matches (user->password_hash, password))
    {
      if (user != NULL)
        {
          gboolean lock = FALSE;

          aj_server_db_office_failed (db, cx->store, user, MAX_FAILURES, now + LOCK_SECONDS, &lock, NULL);
          audit_as (cx, user->name, lock ? "sign-in.lock" : "sign-in.failed", "", "", NULL);
        }
      else
        {
          /* The name as typed, short: sometimes a password typed in the wrong field. */
          g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
          g_autofree char *typed = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 32));

          audit_as (cx, "-", "sign-in.failed", typed, "", NULL);
        }
      sign_in_page (cx, 401, _("Wrong name or password."), name);
      return;
    }
  {
    g_autofree char *token = random_hex ();
    g_autofree char *token_hash = hash_token (token);
    g_autofree char *csrf = random_hex ();

    if (!aj_server_db_office_signed_in (db, cx->store, user->name, &error) ||
        !aj_server_db_add_office_session (db, cx->store, token_hash, user->name, csrf, now, now + SESSION_SECONDS,
                                          aj_request_get_client (cx->req), &error))
      {
        aj_console_send_message (cx, 500, _("Not done"), error->message);
        return;
      }
    cx->user = g_steal_pointer (&user);
    if (!aj_console_audit (cx, "sign-in", "", ""))
      return;
    set_cookie (cx, SESSION_COOKIE, token, SESSION_SECONDS);
    set_cookie (cx, PRE_COOKIE, "", 0);
    aj_console_redirect (cx, "/office/");
  }
}

static void
sign_out (AjConsole *cx)
{
  g_autofree char *token_hash = hash_token (aj_request_get_cookie (cx->req, SESSION_COOKIE));

  if (!aj_console_audit (cx, "sign-out", "", ""))
    return;
  aj_server_db_end_office_session (aj_request_get_context (cx->req)->db, cx->store, token_hash, NULL);
  set_cookie (cx, SESSION_COOKIE, "", 0);
  aj_console_redirect (cx, "/office/sign-in");
}

static void
set_language (AjConsole *cx)
{
  const char *to = aj_request_get_query (cx->req, "to");

  set_cookie (cx, LANG_COOKIE, g_strcmp0 (to, "en") == 0 ? "en" : "zh", 365 * 24 * 3600);
  aj_console_redirect (cx, "/office/");
}

/* The cookie's choice, else the browser's first language; Chinese when in doubt. */
static gboolean
wants_english (AjRequest *req)
{
  const char *chosen = aj_request_get_cookie (req, LANG_COOKIE);
  const char *accept = aj_request_get_header (req, "Accept-Language");

  if (chosen != NULL)
    return g_str_equal (chosen, "en");
  while (accept != NULL && g_ascii_isspace (*accept))
    accept++;
  return accept != NULL && g_ascii_strncasecmp (accept, "en", 2) == 0;
}

/* ---- the overview and the audit log ---- */

static guint
count_hazards (AjConsole                  *cx,
               const AjOfficeHazardFilter *filter)
{
  g_autoptr(GPtrArray) ids = aj_server_store_office_hazards (cx->store, cx->scope, filter, G_MAXINT);

  return ids->len;
}

static void
overview (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  AjOfficeHazardFilter open = { .status = "open" };
  AjOfficeHazardFilter major = { .status = "open", .major_only = TRUE };
  AjOfficeHazardFilter escalated = { .status = "open", .escalated_only = TRUE };
  const struct { const char *label; guint n; const char *href; } tiles[] = {
    { N_("Open hazards"), count_hazards (cx, &open), "/office/hazards?status=open" },
    { N_("Open major hazards"), count_hazards (cx, &major), "/office/hazards?status=open&major=1" },
    { N_("Open escalated hazards"), count_hazards (cx, &escalated), "/office/hazards?status=open&escalated=1" },
  };

  aj_console_heading (content, _("Overview"));
  aj_html_markup (content, "<ul class=\"tiles\">");
  for (guint i = 0; i < G_N_ELEMENTS (tiles); i++)
    {
      aj_html_markup (content, "<li><a");
      aj_html_attr (content, "href", tiles[i].href);
      aj_html_markup (content, "><span class=\"n\">");
      aj_html_textf (content, "%u", tiles[i].n);
      aj_html_markup (content, "</span>");
      aj_html_text (content, _(tiles[i].label));
      aj_html_markup (content, "</a></li>");
    }
  aj_html_markup (content, "</ul>");
  aj_console_send_page (cx, 200, _("Overview"), content);
}

static void
audit_page (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(GPtrArray) entries = NULL;

  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  entries = aj_server_db_list_office_audit (aj_request_get_context (cx->req)->db, cx->store, 500);
  aj_console_heading (content, _("Audit log"));
  aj_console_table_open (content, _("The latest 500 changes, newest first"),
                         (const char * const[]) { _("When"), _("Who"), _("What"), _("Subject"), _("From"), NULL });
  for (guint i = 0; i < entries->len; i++)
    {
      AjOfficeAuditEntry *e = g_ptr_array_index (entries, i);

      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, e->at);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, e->user);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, e->action);
      aj_html_markup (content, "</td><td class=\"mono\">");
      aj_html_text (content, e->subject);
      if (*e->detail)
        {
          aj_html_markup (content, "<br>");
          aj_html_text (content, e->detail);
        }
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, e->client);
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);
  aj_console_send_page (cx, 200, _("Audit log"), content);
}

static void
send_css (AjConsole *cx)
{
  g_autoptr(GBytes) css = aj_html_web_resource ("office.css");

  aj_request_set_header (cx->req, "X-Content-Type-Options", "nosniff");
  aj_request_reply_bytes (cx->req, 200, "text/css; charset=utf-8", css);
}

/* ---- the entry ---- */

static AjOfficeUser *
find_session (AjConsole  *cx,
              char      **csrf)
{
  const char *token = aj_request_get_cookie (cx->req, SESSION_COOKIE);
  g_autofree char *token_hash = NULL;

  if (token == NULL || strlen (token) != SECRET_BYTES * 2)
    return NULL;
  token_hash = hash_token (token);
  return aj_server_db_find_office_session (aj_request_get_context (cx->req)->db, cx->store, token_hash,
                                           g_get_real_time () / G_USEC_PER_SEC, csrf);
}

static gboolean
is (const char *path,
    const char *what)
{
  return g_str_equal (path, what);
}

static void
route (AjConsole  *cx,
       gboolean    post)
{
  const char *p = cx->path;

  if (!post && (is (p, "/") || is (p, "")))
    overview (cx);
  else if (!post && is (p, "/hazards"))
    aj_console_hazards (cx);
  else if (!post && (is (p, "/hazards.csv") || is (p, "/hazards.xlsx")))
    aj_console_hazards (cx);
  else if (!post && g_str_has_prefix (p, "/hazards/"))
    aj_console_hazard (cx, p + strlen ("/hazards/"));
  else if (!post && g_str_has_prefix (p, "/photos/"))
    aj_console_photo (cx, p + strlen ("/photos/"));
  else if (!post && is (p, "/assignments"))
    aj_console_assignments (cx);
  else if (!post && is (p, "/completion"))
    aj_console_completion (cx);
  else if (!post && is (p, "/stats"))
    aj_console_stats (cx);
  else if (!post && is (p, "/audit"))
    audit_page (cx);
  else if (is (p, "/plans"))
    post ? aj_console_plan_create (cx) : aj_console_plans (cx);
  else if (post && is (p, "/draws"))
    aj_console_draw_create (cx);
  else if (!post && g_str_has_prefix (p, "/draws/"))
    aj_console_draw (cx, p + strlen ("/draws/"));
  else if (post && is (p, "/publish"))
    aj_console_publish (cx);
  else if (is (p, "/import"))
    aj_console_import (cx);
  else if (is (p, "/codes"))
    aj_console_codes (cx);
  else if (post && is (p, "/codes/revoke"))
    aj_console_code_revoke (cx);
  else if (post && is (p, "/devices/revoke"))
    aj_console_device_revoke (cx);
  else if (!post && g_str_has_prefix (p, "/reports/"))
    aj_console_report (cx, p + strlen ("/reports/"));
  else if (post && is (p, "/sign-out"))
    sign_out (cx);
  else
    aj_console_send_message (cx, 404, _("Not found"), _("There is no such page in the console."));
}

void
aj_server_console (AjRequest *req)
{
  AjConsole cx = { 0 };
  const char *method = aj_request_get_method (req);
  gboolean post = g_str_equal (method, "POST");

  cx.req = req;
  cx.store = aj_request_get_store (req);
  cx.path = aj_request_get_path (req) + strlen ("/office");
  cx.english = wants_english (req);
  g_private_set (&console_english, GINT_TO_POINTER (cx.english));

  if (is (cx.path, "/static/office.css"))
    send_css (&cx);
  else if (is (cx.path, "/lang"))
    set_language (&cx);
  else if (is (cx.path, "/sign-in"))
    post ? sign_in (&cx) : sign_in_page (&cx, 200, NULL, NULL);
  else if ((cx.user = find_session (&cx, &cx.csrf)) == NULL)
    {
      if (post)
        aj_console_send_message (&cx, 403, _("Refused"), _("Your session has ended. Sign in again."));
      else
        aj_console_redirect (&cx, "/office/sign-in");
    }
  else if (post && !same_secret (cx.csrf, aj_console_form (&cx, "csrf")))
    aj_console_send_message (&cx, 403, _("Refused"), _("The form has expired or did not come from this site. "
                                                       "Open the page again."));
  else
    {
      cx.role = g_str_equal (cx.user->role, "admin") ? AJ_OFFICE_ADMIN
              : g_str_equal (cx.user->role, "chief") ? AJ_OFFICE_CHIEF : AJ_OFFICE_CLERK;
      if (cx.user->county == NULL)
        cx.scope = aj_scope_new_all ();
      else
        {
          g_autofree char *spec = g_strconcat ("county:", cx.user->county, NULL);
          cx.scope = aj_scope_parse_spec (spec, NULL);
        }
      if (cx.scope == NULL)
        aj_console_send_message (&cx, 403, _("Refused"), _("Your account has no valid scope."));
      else
        route (&cx, post);
    }
  g_clear_pointer (&cx.user, aj_office_user_free);
  g_clear_pointer (&cx.scope, aj_scope_free);
  g_free (cx.csrf);
  g_private_set (&console_english, NULL);
}
