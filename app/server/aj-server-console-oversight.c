/* aj-server-console-oversight.c: what the office oversees, within the
 * signed-in user's scope: hazards across institutions with filters and
 * their ledger (core aj-ledger), each hazard with photos and history, the
 * assignments of the draws, each home's self-inspection completion (core
 * aj-completion) and statistics (core aj-stats) drawn as SVG on the server.
 * A hazard outside the scope is answered 404, as if it did not exist. */
#include "config.h"

#include <string.h>

#include "aj-checklist.h"
#include "aj-completion.h"
#include "aj-event.h"
#include "aj-hazard.h"
#include "aj-ledger.h"
#include "aj-photo.h"
#include "aj-registry.h"
#include "aj-server-admin.h"
#include "aj-report.h"
#include "aj-server-console.h"
#include "aj-stats.h"
#include "aj-util.h"

#define LIST_LIMIT    500
#define EXPORT_LIMIT  100000

/* Category codes to their names in the published checklists; the table
 * keeps the checklists alive. */
static GHashTable *
category_names (AjConsole  *cx,
                GPtrArray **keep)
{
  GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);

  *keep = aj_admin_published_checklists (cx->store);
  for (guint i = 0; i < (*keep)->len; i++)
    {
      AjChecklist *c = g_ptr_array_index (*keep, i);

      for (guint j = 0; j < aj_checklist_get_n_categories (c); j++)
        {
          const AjChecklistCategory *category = aj_checklist_get_category (c, j);
          g_hash_table_replace (names, category->code, (gpointer) aj_checklist_category_get_name (category));
        }
    }
  return names;
}

/* ---- the hazard list and its ledger ---- */

typedef struct
{
  AjOfficeHazardFilter sql;
  gboolean             overdue_only;
} Filter;

static gboolean
flag (AjConsole  *cx,
      const char *name)
{
  return g_strcmp0 (aj_request_get_query (cx->req, name), "1") == 0;
}

static void
read_filter (AjConsole *cx,
             Filter    *f)
{
  f->sql.county = aj_request_get_query (cx->req, "county");
  f->sql.type = aj_request_get_query (cx->req, "type");
  f->sql.status = aj_request_get_query (cx->req, "status");
  f->sql.risk_level = aj_request_get_query (cx->req, "risk");
  f->sql.major_only = flag (cx, "major");
  f->sql.escalated_only = flag (cx, "escalated");
  f->overdue_only = flag (cx, "overdue");
}

/* The hazards of the scope that pass the filter; overdue is the core's rule. */
static GPtrArray *
load_hazards (AjConsole    *cx,
              const Filter *f,
              guint         limit,
              const char   *today)
{
  g_autoptr(GPtrArray) ids = aj_server_store_office_hazards (cx->store, cx->scope, &f->sql, limit);
  GPtrArray *hazards = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < ids->len; i++)
    {
      AjHazard *h = aj_hazard_load (cx->store, g_ptr_array_index (ids, i));

      if (h == NULL)
        continue;
      if (f->overdue_only && !aj_hazard_is_overdue (h, today))
        {
          g_object_unref (h);
          continue;
        }
      g_ptr_array_add (hazards, h);
    }
  return hazards;
}

static void
checkbox (AjHtml     *html,
          const char *name,
          const char *label,
          gboolean    checked)
{
  g_autofree char *id = g_strconcat ("f-", name, NULL);

  aj_html_markup (html, "<p class=\"check\"><input type=\"checkbox\" value=\"1\"");
  aj_html_attr (html, "id", id);
  aj_html_attr (html, "name", name);
  if (checked)
    aj_html_markup (html, " checked");
  aj_html_markup (html, "> <label");
  aj_html_attr (html, "for", id);
  aj_html_markup (html, ">");
  aj_html_text (html, label);
  aj_html_markup (html, "</label></p>");
}

static void
filter_form (AjConsole    *cx,
             AjHtml       *html,
             const Filter *f)
{
  static const char * const statuses[] = { "open", "found", "rectification_ordered", "rectified", "rejected",
                                           "verified", "closed", "withdrawn", NULL };
  static const char * const risks[] = { "red", "orange", "yellow", "blue", NULL };
  g_autoptr(GPtrArray) counties = aj_server_store_institution_values (cx->store, cx->scope, FALSE);
  g_autoptr(GPtrArray) types = aj_server_store_institution_values (cx->store, cx->scope, TRUE);
  const char *status_labels[G_N_ELEMENTS (statuses)] = { 0 };
  const char *risk_labels[G_N_ELEMENTS (risks)] = { 0 };

  for (guint i = 0; statuses[i]; i++)
    status_labels[i] = i == 0 ? _("Open (not closed)") : aj_console_status_label (statuses[i]);
  for (guint i = 0; risks[i]; i++)
    risk_labels[i] = aj_console_risk_label (risks[i]);
  g_ptr_array_add (counties, NULL);
  g_ptr_array_add (types, NULL);

  aj_html_markup (html, "<form method=\"get\" action=\"/office/hazards\" class=\"card filters\">");
  if (aj_console_city_wide (cx))
    aj_console_select (html, "county", _("County"), _("All counties"), (const char * const *) counties->pdata, NULL,
                       f->sql.county);
  aj_console_select (html, "type", _("Institution type"), _("All types"), (const char * const *) types->pdata, NULL,
                     f->sql.type);
  aj_console_select (html, "status", _("Status"), _("Any status"), statuses, status_labels, f->sql.status);
  aj_console_select (html, "risk", _("Risk level"), _("Any level"), risks, risk_labels, f->sql.risk_level);
  checkbox (html, "major", _("Major hazards only"), f->sql.major_only);
  checkbox (html, "overdue", _("Overdue only"), f->overdue_only);
  checkbox (html, "escalated", _("Escalated (督办) only"), f->sql.escalated_only);
  aj_html_markup (html, "<p><button type=\"submit\">");
  aj_html_text (html, _("Filter"));
  aj_html_markup (html, "</button></p></form>");
}

static char *
query_string (AjConsole *cx)
{
  GUri *uri = aj_request_get_uri (cx->req);
  const char *query = g_uri_get_query (uri);

  return g_strdup (query ? query : "");
}

typedef struct
{
  GPtrArray      *hazards;
  const char     *today;
  AjLedgerFormat  format;
} LedgerJob;

static gboolean
write_ledger (AjConsole   *cx,
              const char  *path,
              gpointer     data,
              GError     **error)
{
  LedgerJob *job = data;
  g_autoptr(GPtrArray) checklists = NULL;
  g_autoptr(GHashTable) names = category_names (cx, &checklists);

  return aj_ledger_export_hazards (job->hazards, names, job->today, job->format, path, error);
}

static void
export_ledger (AjConsole      *cx,
               const Filter   *f,
               AjLedgerFormat  format)
{
  g_autofree char *today = aj_today_iso ();
  g_autoptr(GPtrArray) hazards = load_hazards (cx, f, EXPORT_LIMIT, today);
  g_autofree char *name = g_strdup_printf ("ledger-%s.%s", today, format == AJ_LEDGER_XLSX ? "xlsx" : "csv");
  g_autofree char *detail = query_string (cx);
  LedgerJob job = { hazards, today, format };

  /* An export changes nothing, but personal data leaves the server: logged. */
  if (aj_console_audit (cx, "ledger.export", name, detail))
    aj_console_send_written (cx, format == AJ_LEDGER_XLSX
                                 ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                 : "text/csv; charset=utf-8", name, write_ledger, &job);
}

void
aj_console_hazards (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autofree char *today = aj_today_iso ();
  g_autofree char *query = query_string (cx);
  g_autoptr(GPtrArray) hazards = NULL;
  Filter f = { 0 };

  read_filter (cx, &f);
  if (g_str_has_suffix (cx->path, ".csv") || g_str_has_suffix (cx->path, ".xlsx"))
    {
      export_ledger (cx, &f, g_str_has_suffix (cx->path, ".xlsx") ? AJ_LEDGER_XLSX : AJ_LEDGER_CSV);
      return;
    }
  hazards = load_hazards (cx, &f, LIST_LIMIT, today);
  aj_console_heading (content, f.sql.escalated_only ? _("Escalated hazards (督办)") : _("Hazards"));
  filter_form (cx, content, &f);
  aj_html_markup (content, "<div class=\"card\"><p role=\"status\">");
  aj_html_textf (content, _("%u hazards shown (at most %u)."), hazards->len, LIST_LIMIT);
  aj_html_markup (content, " ");
  {
    g_autofree char *csv = g_strconcat ("/office/hazards.csv?", query, NULL);
    g_autofree char *xlsx = g_strconcat ("/office/hazards.xlsx?", query, NULL);

    aj_html_markup (content, "<a");
    aj_html_attr (content, "href", csv);
    aj_html_markup (content, ">");
    aj_html_text (content, _("Download the ledger (CSV)"));
    aj_html_markup (content, "</a> · <a");
    aj_html_attr (content, "href", xlsx);
    aj_html_markup (content, ">");
    aj_html_text (content, _("Download the ledger (XLSX)"));
    aj_html_markup (content, "</a></p></div>");
  }
  aj_console_table_open (content, _("Hazards matching the filter, newest first"),
                         (const char * const[]) { _("Number"), _("Institution"), _("Risk level"), _("Status"),
                                                  _("Deadline"), NULL });
  for (guint i = 0; i < hazards->len; i++)
    {
      AjHazard *h = g_ptr_array_index (hazards, i);
      g_autofree char *href = g_strconcat ("/office/hazards/", aj_hazard_get_id (h), NULL);
      g_autofree char *risk_class = g_strconcat ("chip risk-", aj_hazard_get_risk_level (h), NULL);
      int days = aj_hazard_days_overdue (h, today);

      aj_html_markup (content, "<tr><td><a");
      aj_html_attr (content, "href", href);
      aj_html_markup (content, ">");
      aj_html_text (content, aj_hazard_get_number (h));
      aj_html_markup (content, "</a>");
      if (aj_hazard_is_major (h))
        {
          aj_html_markup (content, " <span class=\"chip overdue\">");
          aj_html_text (content, _("Major"));
          aj_html_markup (content, "</span>");
        }
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, aj_hazard_get_institution_name (h));
      aj_html_markup (content, "</td><td><span");
      aj_html_attr (content, "class", risk_class);
      aj_html_markup (content, ">");
      aj_html_text (content, aj_console_risk_label (aj_hazard_get_risk_level (h)));
      aj_html_markup (content, "</span></td><td>");
      aj_html_text (content, aj_console_status_label (aj_hazard_get_status (h)));
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, aj_hazard_get_deadline (h));
      if (days > 0)
        {
          aj_html_markup (content, " <span class=\"chip overdue\">");
          aj_html_textf (content, _("%d days overdue"), days);
          aj_html_markup (content, "</span>");
        }
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);
  aj_console_send_page (cx, 200, _("Hazards"), content);
}

/* ---- one hazard ---- */

static gboolean
in_scope (AjConsole  *cx,
          const char *institution)
{
  return aj_server_store_scope_allows (cx->store, cx->scope, institution);
}

static const char *
step_label (const char *type)
{
  static const struct { const char *type, *label; } labels[] = {
    { "hazard.found", N_("Found") },
    { "hazard.updated", N_("Corrected") },
    { "hazard.rectification_ordered", N_("Rectification ordered") },
    { "hazard.rectified", N_("Rectified") },
    { "hazard.verified", N_("Verified") },
    { "hazard.closed", N_("Closed") },
    { "hazard.reopened", N_("Reopened") },
    { "hazard.withdrawn", N_("Withdrawn") },
    { "hazard.extension_requested", N_("Extension requested") },
    { "hazard.extension_decided", N_("Extension decided") },
    { "hazard.escalated", N_("Escalated (督办)") },
    { "hazard.referred", N_("Referred") },
    { "document.numbered", N_("Document numbered") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].type, type))
      return _(labels[i].label);
  return type;
}

static void
history (AjConsole  *cx,
         AjHtml     *html,
         const char *id)
{
  static const char * const shown[] = { "deadline", "measure", "note", "opinion", "reason", "level", "to",
                                        "number", NULL };
  static const char * const shown_labels[] = { N_("Deadline"), N_("Measure"), N_("Note"), N_("Opinion"),
                                               N_("Reason"), N_("Level"), N_("Referred to"), N_("Number") };
  g_autoptr(GPtrArray) events = aj_store_list_events (cx->store, id, NULL);

  aj_html_markup (html, "<section class=\"card\"><h2>");
  aj_html_text (html, _("History"));
  aj_html_markup (html, "</h2><ol>");
  for (guint i = 0; events && i < events->len; i++)
    {
      AjEvent *e = g_ptr_array_index (events, i);
      g_autoptr(JsonObject) body = aj_json_parse_object (e->body, NULL);
      const char *at = body ? json_object_get_string_member_with_default (body, "at", "") : "";
      g_autofree char *when = aj_iso8601_to_display (at, TRUE);

      aj_html_markup (html, "<li><strong>");
      aj_html_text (html, step_label (e->type));
      aj_html_markup (html, "</strong> ");
      aj_html_text (html, when);
      aj_html_markup (html, " · ");
      {
        g_autoptr(AjUser) author = aj_registry_get_user (cx->store, e->author);
        aj_html_text (html, author ? aj_user_get_name (author) : e->author);
      }
      for (guint k = 0; body && shown[k]; k++)
        if (json_object_has_member (body, shown[k]) &&
            JSON_NODE_HOLDS_VALUE (json_object_get_member (body, shown[k])))
          {
            aj_html_markup (html, "<br><span class=\"hint\">");
            aj_html_text (html, _(shown_labels[k]));
            aj_html_markup (html, "：</span> ");
            aj_html_text (html, json_object_get_string_member_with_default (body, shown[k], ""));
          }
      if (g_str_equal (e->type, "hazard.referred"))
        {
          /* The letter's number, once it was numbered. */
          g_autofree char *letter = aj_report_referral_letter_number (cx->store, id);
          if (letter != NULL)
            {
              aj_html_markup (html, "<br><span class=\"hint\">");
              aj_html_text (html, _("Referral letter"));
              aj_html_markup (html, "：</span> ");
              aj_html_text (html, letter);
            }
        }
      aj_html_markup (html, "</li>");
    }
  aj_html_markup (html, "</ol></section>");
}

void
aj_console_hazard (AjConsole  *cx,
                   const char *id)
{
  g_autoptr(AjHazard) h = aj_uuid_is_valid (id) ? aj_hazard_load (cx->store, id) : NULL;
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(GPtrArray) photos = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *found = NULL;

  if (h == NULL || !in_scope (cx, aj_hazard_get_institution (h)))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such hazard in your scope."));
      return;
    }
  found = aj_iso8601_to_display (aj_hazard_get_found_at (h), TRUE);
  aj_console_heading (content, aj_hazard_get_number (h));
  aj_html_markup (content, "<section class=\"card\"><dl>");
  aj_console_dl_row (content, _("Institution"), aj_hazard_get_institution_name (h), FALSE);
  aj_console_dl_row (content, _("Description"), aj_hazard_get_description (h), FALSE);
  aj_console_dl_row (content, _("Location"), aj_hazard_get_location (h), FALSE);
  aj_console_dl_row (content, _("Risk level"), aj_console_risk_label (aj_hazard_get_risk_level (h)), FALSE);
  aj_console_dl_row (content, _("Grade"), aj_hazard_is_major (h) ? _("Major hazard") : _("General hazard"), FALSE);
  aj_console_dl_row (content, _("Status"), aj_console_status_label (aj_hazard_get_status (h)), FALSE);
  aj_console_dl_row (content, _("Found"), found, FALSE);
  aj_console_dl_row (content, _("Deadline"), aj_hazard_get_deadline (h), FALSE);
  aj_console_dl_row (content, _("Responsible person"), aj_hazard_get_responsible (h), FALSE);
  {
    int days = aj_hazard_days_overdue (h, today);
    g_autofree char *overdue = days > 0 ? g_strdup_printf (_("%d days overdue"), days) : g_strdup ("");
    aj_console_dl_row (content, _("Overdue"), overdue, FALSE);
  }
  aj_html_markup (content, "</dl><p>");
  {
    static const char * const kinds[] = { "inspection", "notice", "verification", NULL };
    static const char * const labels[] = { N_("Inspection record (PDF)"), N_("Rectification notice (PDF)"),
                                           N_("Verification record (PDF)") };
    for (guint k = 0; kinds[k]; k++)
      {
        g_autofree char *href = g_strdup_printf ("/office/reports/%s/%s.pdf", aj_hazard_get_inspection_id (h), kinds[k]);
        if (k > 0)
          aj_html_markup (content, " · ");
        aj_html_markup (content, "<a");
        aj_html_attr (content, "href", href);
        aj_html_markup (content, ">");
        aj_html_text (content, _(labels[k]));
        aj_html_markup (content, "</a>");
      }
  }
  aj_html_markup (content, "</p></section><section class=\"card\"><h2>");
  aj_html_text (content, _("Photos"));
  aj_html_markup (content, "</h2><div class=\"photos\">");
  photos = aj_server_store_hazard_photos (cx->store, id);
  for (guint i = 0; i < photos->len; i++)
    {
      g_autofree char *src = g_strconcat ("/office/photos/", (char *) g_ptr_array_index (photos, i), NULL);
      g_autofree char *alt = g_strdup_printf (_("Photo %u of hazard %s"), i + 1, aj_hazard_get_number (h));

      aj_html_markup (content, "<a");
      aj_html_attr (content, "href", src);
      aj_html_markup (content, "><img");
      aj_html_attr (content, "src", src);
      aj_html_attr (content, "alt", alt);
      aj_html_markup (content, " loading=\"lazy\"></a>");
    }
  if (photos->len == 0)
    aj_html_text (content, _("No photos."));
  aj_html_markup (content, "</div></section>");
  history (cx, content, id);
  aj_console_send_page (cx, 200, aj_hazard_get_number (h), content);
}

void
aj_console_photo (AjConsole  *cx,
                  const char *sha256)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!aj_is_sha256_hex (sha256) || !aj_server_store_blob_is_complete (cx->store, sha256) ||
      !aj_server_store_blob_in_scope (cx->store, sha256, cx->scope))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such photo in your scope."));
      return;
    }
  path = aj_photo_blob_path (aj_request_get_context (cx->req)->blob_dir, sha256);
  if (!g_file_get_contents (path, &data, &length, NULL))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("The photo's file is missing on the server."));
      return;
    }
  {
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), length);
    aj_console_send_bytes (cx, "image/jpeg", NULL, bytes);
  }
}

/* ---- assignments ---- */

void
aj_console_assignments (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(GPtrArray) checks = aj_server_store_list_checks (cx->store, aj_request_get_query (cx->req, "draw"));
  g_autofree char *today = aj_today_iso ();

  aj_console_heading (content, _("Assignments"));
  aj_console_table_open (content, _("Institutions drawn for spot checks, and their state"),
                         (const char * const[]) { _("Institution"), _("County"), _("Due"), _("State"), _("Draw"), NULL });
  for (guint i = 0; i < checks->len; i++)
    {
      AjServerCheck *c = g_ptr_array_index (checks, i);
      gboolean late = g_str_equal (c->status, "open") && !c->started && g_strcmp0 (c->due, today) < 0;
      g_autofree char *href = g_strconcat ("/office/draws/", c->draw_id, NULL);

      if (!in_scope (cx, c->institution))
        continue;
      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, c->institution_name);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, c->county);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, c->due);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, g_str_equal (c->status, "done") ? _("Done")
                             : c->started ? _("Started") : g_str_equal (c->status, "open") ? _("Not started")
                             : c->status);
      if (late)
        {
          aj_html_markup (content, " <span class=\"chip overdue\">");
          aj_html_text (content, _("Overdue"));
          aj_html_markup (content, "</span>");
        }
      aj_html_markup (content, "</td><td><a");
      aj_html_attr (content, "href", href);
      aj_html_markup (content, ">");
      aj_html_text (content, _("Draw"));
      aj_html_markup (content, "</a></td></tr>");
    }
  aj_console_table_close (content);
  aj_console_send_page (cx, 200, _("Assignments"), content);
}

/* ---- self-inspection completion ---- */

static void
figures_cell (AjHtml     *html,
              JsonObject *o)
{
  aj_html_markup (html, "<td>");
  if (o != NULL)
    aj_html_textf (html, "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT "%%)",
                   json_object_get_int_member_with_default (o, "done", 0),
                   json_object_get_int_member_with_default (o, "due", 0),
                   json_object_get_int_member_with_default (o, "percent", 0));
  aj_html_markup (html, "</td><td>");
  if (o != NULL)
    aj_html_textf (html, "%" G_GINT64_FORMAT, json_object_get_int_member_with_default (o, "missed", 0));
  aj_html_markup (html, "</td>");
}

void
aj_console_completion (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(JsonArray) report = aj_completion_report (cx->store, cx->scope, g_get_real_time () / G_USEC_PER_SEC);

  aj_console_heading (content, _("Self-inspection completion"));
  aj_console_table_open (content, _("Rounds done of rounds due, this week and this month"),
                         (const char * const[]) { _("Home"), _("This week"), _("Missed this week"), _("This month"), _("Missed this month"), NULL });
  for (guint i = 0; i < json_array_get_length (report); i++)
    {
      JsonObject *o = json_array_get_object_element (report, i);

      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, json_object_get_string_member_with_default (o, "name", ""));
      aj_html_markup (content, "</td>");
      figures_cell (content, json_object_get_object_member (o, "week"));
      figures_cell (content, json_object_get_object_member (o, "month"));
      aj_html_markup (content, "</tr>");
    }
  aj_console_table_close (content);
  if (json_array_get_length (report) == 0)
    {
      aj_html_markup (content, "<p class=\"card\">");
      aj_html_text (content, _("No home in your scope has rounds due this month."));
      aj_html_markup (content, "</p>");
    }
  aj_console_send_page (cx, 200, _("Self-inspection completion"), content);
}

/* ---- statistics, drawn on the server ---- */

/* A horizontal bar chart as SVG, its numbers also written as text so that
 * it reads without colour and with a screen reader (role img, a title). */
static void
bar_chart (AjHtml             *html,
           const char         *title,
           const char * const *labels,
           const guint        *values,
           guint               n)
{
  guint max = 1;
  const int row = 28, label_w = 200, bar_w = 360;

  for (guint i = 0; i < n; i++)
    max = MAX (max, values[i]);
  aj_html_markup (html, "<figure class=\"card\"><figcaption><h2>");
  aj_html_text (html, title);
  aj_html_markup (html, "</h2></figcaption><svg class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"");
  {
    g_autofree char *box = g_strdup_printf ("0 0 %d %u", label_w + bar_w + 60, n * row + 8);
    aj_html_attr (html, "viewBox", box);
  }
  aj_html_attr (html, "aria-label", title);
  aj_html_markup (html, "><title>");
  aj_html_text (html, title);
  aj_html_markup (html, "</title>");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *y = g_strdup_printf ("%u", i * row + 4);
      g_autofree char *ty = g_strdup_printf ("%u", i * row + 22);
      g_autofree char *w = g_strdup_printf ("%u", values[i] * bar_w / max);
      g_autofree char *vx = g_strdup_printf ("%u", label_w + values[i] * bar_w / max + 6);

      aj_html_markup (html, "<text x=\"0\" font-size=\"15\" fill=\"#1d1d1d\"");
      aj_html_attr (html, "y", ty);
      aj_html_markup (html, ">");
      aj_html_text (html, labels[i]);
      aj_html_markup (html, "</text><rect x=\"200\" height=\"20\" fill=\"#1a5fb4\"");
      aj_html_attr (html, "y", y);
      aj_html_attr (html, "width", w);
      aj_html_markup (html, "/><text font-size=\"15\" fill=\"#1d1d1d\"");
      aj_html_attr (html, "x", vx);
      aj_html_attr (html, "y", ty);
      aj_html_markup (html, ">");
      aj_html_textf (html, "%u", values[i]);
      aj_html_markup (html, "</text>");
    }
  aj_html_markup (html, "</svg></figure>");
}

/* One table of the statistics: a chart of the hazards found per line and
 * the counts with the rate, the numbers readable without the chart. */
static void
stats_table (AjHtml     *html,
             const char *title,
             GListModel *lines,
             GHashTable *names)
{
  guint n = g_list_model_get_n_items (lines);
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  g_autofree guint *values = g_new0 (guint, n + 1);
  const char *heads[] = { title, _("Found"), _("Rectified"), _("Overdue"), _("Closed"), _("Rectification rate"), NULL };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjStatsLine) line = g_list_model_get_item (lines, i);
      const char *name = names ? g_hash_table_lookup (names, aj_stats_line_get_key (line)) : NULL;

      labels[i] = name ? name : aj_stats_line_get_label (line);   /* the model holds the line */
      values[i] = aj_stats_line_get_found (line);
    }
  if (n > 0)
    bar_chart (html, title, labels, values, n);
  aj_console_table_open (html, title, heads);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AjStatsLine) line = g_list_model_get_item (lines, i);
      g_autofree char *rate = aj_stats_line_format_rate (line);
      const guint counts[] = { aj_stats_line_get_found (line), aj_stats_line_get_rectified (line),
                               aj_stats_line_get_overdue (line), aj_stats_line_get_closed (line), 0 /* the rate */ };

      aj_html_markup (html, "<tr><th scope=\"row\">");
      aj_html_text (html, labels[i]);
      aj_html_markup (html, "</th>");
      for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
        {
          aj_html_markup (html, "<td");
          aj_html_attr (html, "data-label", heads[c + 1]);   /* named on a phone, where the heads are hidden */
          aj_html_markup (html, ">");
          if (c < G_N_ELEMENTS (counts) - 1)
            aj_html_textf (html, "%u", counts[c]);
          else
            aj_html_text (html, rate);
          aj_html_markup (html, "</td>");
        }
      aj_html_markup (html, "</tr>");
    }
  aj_console_table_close (html);
}

void
aj_console_stats (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autofree char *today = aj_today_iso ();
  g_autofree char *this_year = g_strndup (today, 4);
  const char *asked = aj_request_get_query (cx->req, "period");
  const char *period = asked != NULL && aj_stats_period_parse (asked, NULL, NULL) ? asked : this_year;
  g_autoptr(GPtrArray) periods = aj_stats_recent_periods (today, 3, 12);
  g_autoptr(AjStatsReport) report = NULL;
  g_autoptr(GError) error = NULL;
  static const struct { AjStatsDimension dimension; const char *title; } tables[] = {
    { AJ_STATS_BY_COUNTY, N_("By county") },
    { AJ_STATS_BY_INSTITUTION_TYPE, N_("By institution type") },
    { AJ_STATS_BY_MONTH, N_("By month found") },
    { AJ_STATS_BY_GRADE, N_("By grade") },
    { AJ_STATS_BY_RISK_LEVEL, N_("By risk level") },
    { AJ_STATS_BY_CATEGORY, N_("By category") },
  };

  aj_console_heading (content, _("Statistics"));
  aj_html_markup (content, "<nav class=\"card\"");
  aj_html_attr (content, "aria-label", _("Period"));
  aj_html_markup (content, "><p>");
  aj_html_text (content, _("Period:"));
  for (guint i = 0; i < periods->len; i++)
    {
      const char *p = g_ptr_array_index (periods, i);
      g_autofree char *href = g_strconcat ("/office/stats?period=", p, NULL);

      aj_html_markup (content, " <a");
      aj_html_attr (content, "href", href);
      if (g_str_equal (p, period))
        aj_html_markup (content, " aria-current=\"page\"");
      aj_html_markup (content, ">");
      aj_html_text (content, p);
      aj_html_markup (content, "</a>");
    }
  aj_html_markup (content, "</p></nav>");

  report = aj_stats_report_in_scope (cx->store, cx->scope, period, today, &error);
  if (report == NULL)
    {
      aj_html_markup (content, "<p class=\"card\">");
      aj_html_text (content, error->message);
      aj_html_markup (content, "</p>");
      aj_console_send_page (cx, 500, _("Statistics"), content);
      return;
    }
  {
    g_autofree char *rate = aj_stats_line_format_rate (report->total);

    aj_html_markup (content, "<section class=\"card\"><h2>");
    aj_html_textf (content, _("Hazards found in %s"), period);
    aj_html_markup (content, "</h2><p>");
    aj_html_textf (content, _("Found %u, rectified %u, overdue %u, closed %u; rectification rate %s."),
                   aj_stats_line_get_found (report->total), aj_stats_line_get_rectified (report->total),
                   aj_stats_line_get_overdue (report->total), aj_stats_line_get_closed (report->total), rate);
    aj_html_markup (content, "</p><p>");
    aj_html_text (content, aj_stats_rate_definition ());
    aj_html_markup (content, "</p></section>");
  }
  {
    g_autoptr(GPtrArray) checklists = NULL;
    g_autoptr(GHashTable) names = category_names (cx, &checklists);

    for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
      stats_table (content, _(tables[i].title), G_LIST_MODEL (report->lines[tables[i].dimension]),
                   tables[i].dimension == AJ_STATS_BY_CATEGORY ? names : NULL);
  }
  aj_console_send_page (cx, 200, _("Statistics"), content);
}
