/* aj-server-console-work.c: the office's work in the console, through the
 * same functions as the command line (aj-server-admin.c): spot-check plans
 * and their draws (seed and its source shown, teams), publication with the
 * working-day countdown, register imports previewed before anything is
 * written, device enrollment codes with their QR, and the PDF documents of
 * an inspection. Every change is written to the audit log. */
#include "config.h"

#include <string.h>

#include "aj-draw-record.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-roster.h"
#include "aj-server-admin.h"
#include "aj-server-console.h"
#include "aj-server-db.h"
#include "aj-util.h"
#include "aj-workdays.h"

static void
field_with_id (AjHtml     *html,
               const char *id,
               const char *name,
               const char *label,
               const char *type,
               const char *value,
               gboolean    required)
{
  aj_html_markup (html, "<p><label");
  aj_html_attr (html, "for", id);
  aj_html_markup (html, ">");
  aj_html_text (html, label);
  aj_html_markup (html, "</label><input");
  aj_html_attr (html, "id", id);
  aj_html_attr (html, "name", name);
  aj_html_attr (html, "type", type);
  if (value != NULL)
    aj_html_attr (html, "value", value);
  if (required)
    aj_html_markup (html, " required");
  aj_html_markup (html, "></p>");
}

static void
field (AjHtml     *html,
       const char *name,
       const char *label,
       const char *type,
       const char *value,
       gboolean    required)
{
  g_autofree char *id = g_strconcat ("f-", name, NULL);

  field_with_id (html, id, name, label, type, value, required);
}

static void
submit (AjHtml     *html,
        const char *label)
{
  aj_html_markup (html, "<p><button type=\"submit\">");
  aj_html_text (html, label);
  aj_html_markup (html, "</button></p></form>");
}

static void
error_note (AjHtml     *html,
            const char *message)
{
  aj_html_markup (html, "<p class=\"error\" role=\"alert\">");
  aj_html_text (html, message);
  aj_html_markup (html, "</p>");
}

/* A county user works only with plans of his or her county alone. */
static gboolean
plan_in_scope (AjConsole  *cx,
               const char *plan_id)
{
  g_autoptr(AjDrawPlan) plan = NULL;

  if (aj_console_city_wide (cx))
    return TRUE;
  plan = aj_draw_record_load_plan (cx->store, plan_id, NULL, NULL);
  return plan != NULL && plan->counties != NULL && g_strv_length (plan->counties) == 1 &&
         g_strcmp0 (plan->counties[0], cx->user->county) == 0;
}

/* ---- plans ---- */

static void
plans_page (AjConsole  *cx,
            guint       status,
            const char *error)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(GPtrArray) plans = aj_server_store_list_plans (cx->store);
  g_autoptr(JsonArray) checklists = aj_server_store_published_checklists (cx->store);

  aj_console_heading (content, _("Spot checks (双随机)"));
  if (error != NULL)
    error_note (content, error);
  aj_console_table_open (content, _("Plans"),
                         (const char * const[]) { _("Plan"), _("Due"), _("Draw"), NULL });
  for (guint i = 0; i < plans->len; i++)
    {
      AjServerPlan *plan = g_ptr_array_index (plans, i);
      g_autofree char *seed_id = g_strconcat ("seed-", plan->id, NULL);
      g_autofree char *reason_id = g_strconcat ("reason-", plan->id, NULL);

      if (!plan_in_scope (cx, plan->id))
        continue;
      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, plan->title);
      aj_html_markup (content, "<br><span class=\"mono hint\">");
      aj_html_text (content, plan->id);
      aj_html_markup (content, "</span></td><td>");
      aj_html_text (content, plan->due);
      aj_html_markup (content, "</td><td>");
      if (plan->current_draw != NULL)
        {
          g_autofree char *href = g_strconcat ("/office/draws/", plan->current_draw, NULL);
          aj_html_markup (content, "<a");
          aj_html_attr (content, "href", href);
          aj_html_markup (content, ">");
          aj_html_text (content, _("See the draw and the teams"));
          aj_html_markup (content, "</a>");
        }
      if (cx->role >= AJ_OFFICE_CHIEF)
        {
          aj_console_form_open (cx, content, "/office/draws", FALSE);
          aj_html_markup (content, "<input type=\"hidden\" name=\"id\"");
          aj_html_attr (content, "value", plan->current_draw ? plan->current_draw : plan->id);
          aj_html_markup (content, ">");
          /* one form per plan: the field ids are the plan's */
          field_with_id (content, seed_id, "seed_source", _("Public value announced before the draw (seed source)"),
                         "text", NULL, TRUE);
          if (plan->current_draw != NULL)
            field_with_id (content, reason_id, "reason", _("Why the draw is made again"), "text", NULL, TRUE);
          submit (content, plan->current_draw ? _("Redraw") : _("Draw"));
        }
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);

  aj_html_markup (content, "<section class=\"card\"><h2>");
  aj_html_text (content, _("New plan"));
  aj_html_markup (content, "</h2>");
  aj_console_form_open (cx, content, "/office/plans", FALSE);
  aj_html_markup (content, "<div class=\"filters\">");
  field (content, "title", _("Title"), "text", NULL, TRUE);
  if (aj_console_city_wide (cx))
    field (content, "counties", _("Counties (separated by commas; empty: all)"), "text", NULL, FALSE);
  field (content, "types", _("Institution types (separated by commas; empty: all)"), "text", NULL, FALSE);
  field (content, "count", _("Institutions to draw"), "number", "5", FALSE);
  field (content, "team_size", _("Inspectors per team"), "number", "2", TRUE);
  field (content, "from", _("First day"), "date", NULL, TRUE);
  field (content, "to", _("Last day"), "date", NULL, TRUE);
  field (content, "due", _("Inspected by"), "date", NULL, FALSE);
  /* A checklist id: the published ones offered, any other accepted (the
   * teams' kiosks carry their own checklists). */
  aj_html_markup (content, "<p><label for=\"f-checklist\">");
  aj_html_text (content, _("Checklist"));
  aj_html_markup (content, "</label><input id=\"f-checklist\" name=\"checklist\" type=\"text\" required "
                           "list=\"checklists\" value=\"elder-care\"><datalist id=\"checklists\">");
  for (guint i = 0; i < json_array_get_length (checklists); i++)
    {
      JsonObject *o = json_array_get_object_element (checklists, i);
      aj_html_markup (content, "<option");
      aj_html_attr (content, "value", json_object_get_string_member_with_default (o, "id", ""));
      aj_html_markup (content, ">");
    }
  aj_html_markup (content, "</datalist></p>");
  aj_html_markup (content, "</div>");
  submit (content, _("Create the plan"));
  aj_html_markup (content, "</section>");
  aj_console_send_page (cx, status, _("Spot checks (双随机)"), content);
}

void
aj_console_plans (AjConsole *cx)
{
  plans_page (cx, 200, NULL);
}

static char **
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text ? text : "", ",，", -1);
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; parts[i]; i++)
    {
      char *item = g_strstrip (parts[i]);
      if (*item != '\0')
        g_ptr_array_add (list, g_strdup (item));
    }
  g_ptr_array_add (list, NULL);
  return (char **) g_ptr_array_free (list, FALSE);
}

void
aj_console_plan_create (AjConsole *cx)
{
  g_autoptr(AjDrawPlan) plan = aj_draw_plan_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *to = aj_console_form (cx, "to");
  const char *due = aj_console_form (cx, "due");

  if (due == NULL || *due == '\0')
    due = to;
  if (aj_console_city_wide (cx))
    plan->counties = split_list (aj_console_form (cx, "counties"));
  else
    plan->counties = g_strdupv ((char *[]) { cx->user->county, NULL });
  plan->types = split_list (aj_console_form (cx, "types"));
  plan->count = (guint) CLAMP (g_ascii_strtoll (aj_console_form (cx, "count") ?: "0", NULL, 10), 0, 100000);
  plan->team_size = (guint) CLAMP (g_ascii_strtoll (aj_console_form (cx, "team_size") ?: "2", NULL, 10), 0, 100);
  plan->period_start = g_strdup (aj_console_form (cx, "from"));
  plan->period_end = g_strdup (to);
  if ((plan->period_start && !aj_is_iso_date (plan->period_start)) || (to && !aj_is_iso_date (to)))
    {
      plans_page (cx, 422, _("Dates are written YYYY-MM-DD."));
      return;
    }
  id = aj_admin_create_plan (aj_request_get_context (cx->req)->db, cx->store, aj_console_form (cx, "title"), plan,
                             aj_console_form (cx, "checklist"), due, cx->user->name, &error);
  if (id == NULL)
    {
      plans_page (cx, 422, error->message);
      return;
    }
  if (aj_console_audit (cx, "plan.create", id, aj_console_form (cx, "title")))
    aj_console_redirect (cx, "/office/plans");
}

/* ---- draws ---- */

void
aj_console_draw_create (AjConsole *cx)
{
  const char *id = aj_console_form (cx, "id");
  const char *reason = aj_console_form (cx, "reason");
  const char *seed_source = aj_console_form (cx, "seed_source");
  g_autoptr(AjDrawRecord) old = id ? aj_draw_record_get (cx->store, id) : NULL;
  g_autoptr(AjDrawRecord) draw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;

  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  if (id == NULL || !plan_in_scope (cx, old ? aj_draw_record_get_plan_id (old) : id))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such plan in your scope."));
      return;
    }
  if (old != NULL && (reason == NULL || *reason == '\0'))
    {
      plans_page (cx, 422, _("A redraw needs a reason."));
      return;
    }
  draw = aj_admin_make_draw (aj_request_get_context (cx->req)->db, cx->store, id, seed_source, old ? reason : NULL,
                             cx->user->name, NULL, &error);
  if (draw == NULL)
    {
      plans_page (cx, 422, error->message);
      return;
    }
  if (!aj_console_audit (cx, old ? "redraw" : "draw", aj_draw_record_get_id (draw), seed_source))
    return;
  location = g_strconcat ("/office/draws/", aj_draw_record_get_id (draw), NULL);
  aj_console_redirect (cx, location);
}

static AjHolidayCalendar *
load_calendar (AjConsole *cx)
{
  AjHolidayCalendar *calendar = aj_holiday_calendar_load (aj_request_get_context (cx->req)->holidays_path, NULL);

  return calendar ? calendar : aj_holiday_calendar_new ();
}

void
aj_console_draw (AjConsole  *cx,
                 const char *id)
{
  g_autoptr(AjDrawRecord) draw = aj_uuid_is_valid (id) ? aj_draw_record_get (cx->store, id) : NULL;
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autoptr(AjServerPublication) publication = NULL;
  g_autoptr(AjHolidayCalendar) calendar = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *drawn_at = NULL;
  AjDrawResult *result;

  if (draw == NULL || !plan_in_scope (cx, aj_draw_record_get_plan_id (draw)))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such draw in your scope."));
      return;
    }
  result = aj_draw_record_get_result (draw);
  drawn_at = aj_iso8601_to_display (aj_draw_record_get_drawn_at (draw), TRUE);
  publication = aj_server_store_get_publication (cx->store, id);
  calendar = load_calendar (cx);
  checks = aj_server_store_list_checks (cx->store, id);

  aj_console_heading (content, _("Draw"));
  aj_html_markup (content, "<section class=\"card\"><dl>");
  aj_console_dl_row (content, _("Draw"), aj_draw_record_get_id (draw), TRUE);
  aj_console_dl_row (content, _("Drawn"), drawn_at, FALSE);
  aj_console_dl_row (content, _("By"), aj_draw_record_get_drawn_by (draw), FALSE);
  aj_console_dl_row (content, _("Seed source (public value)"), aj_draw_record_get_seed_source (draw), FALSE);
  aj_console_dl_row (content, _("Seed (SHA-256 of the source)"), aj_draw_record_get_seed (draw), TRUE);
  aj_console_dl_row (content, _("Algorithm"), aj_draw_record_get_algorithm (draw), TRUE);
  aj_console_dl_row (content, _("Digest of the result"), aj_draw_record_get_digest (draw), TRUE);
  if (aj_draw_record_get_replaces (draw) != NULL)
    {
      aj_console_dl_row (content, _("Replaces"), aj_draw_record_get_replaces (draw), TRUE);
      aj_console_dl_row (content, _("Reason"), aj_draw_record_get_reason (draw), FALSE);
    }
  aj_console_dl_row (content, _("Published"), publication ? publication->published_on : _("Not published"), FALSE);
  aj_html_markup (content, "</dl>");
  if (publication == NULL && cx->role >= AJ_OFFICE_CHIEF)
    {
      aj_console_form_open (cx, content, "/office/publish", FALSE);
      aj_html_markup (content, "<input type=\"hidden\" name=\"draw\"");
      aj_html_attr (content, "value", id);
      aj_html_markup (content, ">");
      field (content, "date", _("Publication date"), "date", today, TRUE);
      submit (content, _("Publish the results"));
    }
  aj_html_markup (content, "</section>");
  {
    g_autofree char *caption = g_strdup_printf (_("Teams: %u of %u candidates drawn"),
                                                aj_draw_result_get_n_teams (result),
                                                aj_draw_result_get_n_candidates (result));
    aj_console_table_open (content, caption,
                           (const char * const[]) { _("Institution"), _("Team"), _("Checked"),
                                                    _("Working days to publish"), NULL });
  }
  for (guint i = 0; i < aj_draw_result_get_n_teams (result); i++)
    {
      const char *code = aj_draw_result_get_institution (result, i);
      const char * const *team = aj_draw_result_get_team (result, i);
      g_autoptr(AjInstitution) institution = aj_registry_get_institution (cx->store, code);
      AjServerCheck *check = NULL;

      for (guint k = 0; k < checks->len; k++)
        if (g_strcmp0 (((AjServerCheck *) g_ptr_array_index (checks, k))->institution, code) == 0)
          check = g_ptr_array_index (checks, k);
      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, institution ? aj_institution_get_name (institution) : code);
      aj_html_markup (content, "</td><td>");
      for (guint m = 0; team && team[m]; m++)
        {
          g_autoptr(AjInspector) inspector = aj_roster_get_inspector (cx->store, team[m]);
          if (m > 0)
            aj_html_markup (content, "、");
          aj_html_text (content, inspector ? aj_inspector_get_name (inspector) : team[m]);
        }
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, check && check->checked_on ? check->checked_on : _("Not yet"));
      aj_html_markup (content, "</td><td>");
      if (check != NULL)
        {
          int days = 0;
          AjDeadlineState state = aj_publication_deadline (calendar, check->checked_on, check->published_on, today, &days);

          if (state != AJ_DEADLINE_NONE)
            {
              aj_html_markup (content, "<span");
              aj_html_attr (content, "class", state == AJ_DEADLINE_PAST ? "chip past"
                                              : state == AJ_DEADLINE_NEAR ? "chip near" : "chip");
              aj_html_markup (content, ">");
              aj_html_textf (content, _("%d of %d working days"), days, AJ_PUBLICATION_WORKING_DAYS);
              aj_html_markup (content, "</span>");
            }
        }
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);
  aj_console_send_page (cx, 200, _("Draw"), content);
}

void
aj_console_publish (AjConsole *cx)
{
  const char *id = aj_console_form (cx, "draw");
  const char *date = aj_console_form (cx, "date");
  g_autoptr(AjDrawRecord) draw = id && aj_uuid_is_valid (id) ? aj_draw_record_get (cx->store, id) : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;

  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  if (draw == NULL || !plan_in_scope (cx, aj_draw_record_get_plan_id (draw)))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such draw in your scope."));
      return;
    }
  if (!aj_is_iso_date (date))
    {
      aj_console_send_message (cx, 422, _("Not done"), _("Dates are written YYYY-MM-DD."));
      return;
    }
  if (!aj_admin_publish_draw (aj_request_get_context (cx->req)->db, cx->store, id, date, cx->user->name, &error))
    {
      aj_console_send_message (cx, 422, _("Not done"), error->message);
      return;
    }
  if (!aj_console_audit (cx, "publish", id, date))
    return;
  location = g_strconcat ("/office/draws/", id, NULL);
  aj_console_redirect (cx, location);
}

/* ---- registers: a preview first, written only when confirmed ---- */

static void
import_form (AjConsole  *cx,
             AjHtml     *html,
             const char *which,
             const char *format)
{
  static const char * const registers[] = { "institutions", "inspectors", NULL };
  static const char * const formats[] = { "csv", "json", NULL };
  const char *register_labels[] = { _("Institutions"), _("Inspectors (roster)"), NULL };

  aj_console_select (html, "register", _("Register"), NULL, registers, register_labels, which);
  aj_console_select (html, "format", _("Format"), NULL, formats, (const char * const[]) { "CSV", "JSON", NULL }, format);
}

void
aj_console_import (AjConsole *cx)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  gboolean post = g_str_equal (aj_request_get_method (cx->req), "POST");
  const char *which = post ? aj_console_form (cx, "register") : NULL;
  const char *format = post ? aj_console_form (cx, "format") : NULL;
  const char *text = post ? aj_console_form (cx, "file") : NULL;
  gboolean confirm = post && g_strcmp0 (aj_console_form (cx, "step"), "confirm") == 0;
  guint status = 200;

  if (!aj_console_city_wide (cx))
    {
      aj_console_send_message (cx, 403, _("Not allowed"), _("Registers are imported by a city-wide account."));
      return;
    }
  if (text == NULL || *text == '\0')
    text = post ? aj_console_form (cx, "text") : NULL;

  aj_console_heading (content, _("Import a register"));
  if (post)
    {
      AjRegister reg = g_strcmp0 (which, "inspectors") == 0 ? AJ_REGISTER_INSPECTORS : AJ_REGISTER_INSTITUTIONS;
      AjRegisterFormat fmt = g_strcmp0 (format, "json") == 0 ? AJ_REGISTER_JSON : AJ_REGISTER_CSV;
      g_autoptr(GError) error = NULL;
      guint rows = 0;
      gsize length = text ? strlen (text) : 0;

      aj_html_markup (content, "<section class=\"card\"><h2>");
      aj_html_text (content, confirm ? _("Import") : _("Preview"));
      aj_html_markup (content, "</h2>");
      if (length == 0 || !aj_admin_import_register (aj_request_get_context (cx->req)->db, cx->store, reg, fmt, text,
                                                    length, confirm, &rows, &error))
        {
          status = 422;
          error_note (content, error ? error->message : _("Choose a file or paste the register's text."));
          aj_html_markup (content, "<p>");
          aj_html_text (content, _("Nothing was written. Correct the file and preview it again."));
          aj_html_markup (content, "</p>");
        }
      else if (confirm)
        {
          g_autofree char *detail = g_strdup_printf ("%u rows", rows);

          if (!aj_console_audit (cx, "register.import", which, detail))
            return;
          aj_html_markup (content, "<p class=\"ok\" role=\"status\">");
          aj_html_textf (content, _("%u rows imported."), rows);
          aj_html_markup (content, "</p>");
        }
      else
        {
          aj_html_markup (content, "<p role=\"status\">");
          aj_html_textf (content, _("%u rows are correct. Nothing has been written yet."), rows);
          aj_html_markup (content, "</p>");
          aj_console_form_open (cx, content, "/office/import", FALSE);
          aj_html_markup (content, "<input type=\"hidden\" name=\"step\" value=\"confirm\">");
          aj_html_markup (content, "<input type=\"hidden\" name=\"register\"");
          aj_html_attr (content, "value", which);
          aj_html_markup (content, "><input type=\"hidden\" name=\"format\"");
          aj_html_attr (content, "value", format);
          aj_html_markup (content, "><p><label for=\"f-confirm-text\">");
          aj_html_text (content, _("The text to import"));
          aj_html_markup (content, "</label><textarea id=\"f-confirm-text\" name=\"text\" readonly>");
          aj_html_text (content, text);
          aj_html_markup (content, "</textarea></p>");
          submit (content, _("Import these rows"));
        }
      aj_html_markup (content, "</section>");
    }
  aj_html_markup (content, "<section class=\"card\"><h2>");
  aj_html_text (content, _("Preview a register"));
  aj_html_markup (content, "</h2>");
  aj_console_form_open (cx, content, "/office/import", TRUE);
  aj_html_markup (content, "<div class=\"filters\">");
  import_form (cx, content, which, format);
  aj_html_markup (content, "<p><label for=\"f-file\">");
  aj_html_text (content, _("File"));
  aj_html_markup (content, "</label><input id=\"f-file\" name=\"file\" type=\"file\" accept=\".csv,.json\"></p></div>"
                           "<p><label for=\"f-text\">");
  aj_html_text (content, _("Or paste the text"));
  aj_html_markup (content, "</label><textarea id=\"f-text\" name=\"text\"></textarea></p>");
  submit (content, _("Preview"));
  aj_html_markup (content, "</section>");
  aj_console_send_page (cx, status, _("Import a register"), content);
}

/* ---- enrollment codes and devices ---- */

static char *
server_url (AjConsole *cx)
{
  GUri *uri = aj_request_get_uri (cx->req);
  g_autoptr(GUri) base = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                                      g_uri_get_port (uri), "", NULL, NULL);

  return g_uri_to_string (base);
}

static void
qr_image (AjHtml     *html,
          const char *payload,
          const char *alt)
{
  g_autoptr(GdkPixbuf) pixbuf = aj_qr_render (payload, 6, NULL);
  g_autofree char *png = NULL;
  gsize size = 0;

  if (pixbuf == NULL || !gdk_pixbuf_save_to_buffer (pixbuf, &png, &size, "png", NULL, NULL))
    return;
  {
    g_autofree char *b64 = g_base64_encode ((const guchar *) png, size);
    g_autofree char *src = g_strconcat ("data:image/png;base64,", b64, NULL);

    aj_html_markup (html, "<img class=\"qr\"");
    aj_html_attr (html, "src", src);
    aj_html_attr (html, "alt", alt);
    aj_html_markup (html, ">");
  }
}

/* A device's scope is the user's to manage: any for the city, one county's
 * devices for a county. */
static gboolean
device_in_scope (AjConsole  *cx,
                 const char *scope_json)
{
  g_autoptr(AjScope) scope = aj_scope_new_from_json (scope_json);

  return aj_console_city_wide (cx) ||
         (scope != NULL && g_strcmp0 (aj_scope_get_county (scope), cx->user->county) == 0);
}

static void
revoke_button (AjConsole  *cx,
               AjHtml     *html,
               const char *action,
               const char *field_name,
               const char *value,
               const char *visible,
               const char *label)
{
  aj_console_form_open (cx, html, action, FALSE);
  aj_html_markup (html, "<input type=\"hidden\"");
  aj_html_attr (html, "name", field_name);
  aj_html_attr (html, "value", value);
  aj_html_markup (html, "><button type=\"submit\" class=\"danger\"");
  aj_html_attr (html, "aria-label", label);
  aj_html_markup (html, ">");
  aj_html_text (html, visible);
  aj_html_markup (html, "</button></form>");
}

static void
devices_table (AjConsole *cx,
               AjHtml    *content)
{
  g_autoptr(GPtrArray) devices = aj_server_db_list_devices (aj_request_get_context (cx->req)->db, cx->store);

  aj_console_table_open (content, _("Enrolled devices"),
                         (const char * const[]) { _("Device"), _("Scope"), _("Enrolled"), _("State"), NULL });
  for (guint i = 0; i < devices->len; i++)
    {
      AjServerDevice *d = g_ptr_array_index (devices, i);
      g_autoptr(AjScope) scope = aj_scope_new_from_json (d->scope);
      g_autofree char *spec = scope ? aj_scope_to_spec (scope) : g_strdup ("?");

      if (!device_in_scope (cx, d->scope))
        continue;
      aj_html_markup (content, "<tr><td>");
      aj_html_text (content, d->name);
      aj_html_markup (content, "<br><span class=\"mono hint\">");
      aj_html_text (content, d->id);
      aj_html_markup (content, "</span></td><td>");
      aj_html_text (content, spec);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, d->enrolled_at);
      aj_html_markup (content, "</td><td>");
      if (d->revoked)
        aj_html_text (content, _("Revoked"));
      else if (cx->role >= AJ_OFFICE_CHIEF)
        {
          g_autofree char *label = g_strdup_printf (_("Revoke access of device %s"), d->name);
          revoke_button (cx, content, "/office/devices/revoke", "device", d->id, _("Revoke access"), label);
        }
      else
        aj_html_text (content, _("Active"));
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);
}

static void
codes_page (AjConsole  *cx,
            guint       status,
            const char *new_code,
            const char *error)
{
  g_autoptr(AjHtml) content = aj_html_new ();
  g_autofree char *now = aj_now_iso8601 ();
  g_autoptr(GPtrArray) codes = aj_server_db_list_open_codes (aj_request_get_context (cx->req)->db, cx->store, now);

  aj_console_heading (content, _("Devices and enrollment codes"));
  if (error != NULL)
    error_note (content, error);
  if (new_code != NULL)
    {
      g_autofree char *url = server_url (cx);
      g_autofree char *payload = aj_admin_enroll_payload (url, new_code);

      aj_html_markup (content, "<section class=\"card\"><h2>");
      aj_html_text (content, _("New code"));
      aj_html_markup (content, "</h2><p class=\"mono\" role=\"status\">");
      aj_html_text (content, new_code);
      aj_html_markup (content, "</p>");
      qr_image (content, payload, _("QR code of the enrollment code"));
      aj_html_markup (content, "<p class=\"hint\">");
      aj_html_text (content, _("Scan it on the kiosk, or type the code. It is shown only once."));
      aj_html_markup (content, "</p></section>");
    }
  if (cx->role >= AJ_OFFICE_CHIEF)
    {
      aj_html_markup (content, "<section class=\"card\"><h2>");
      aj_html_text (content, _("Issue a code"));
      aj_html_markup (content, "</h2>");
      aj_console_form_open (cx, content, "/office/codes", FALSE);
      aj_html_markup (content, "<div class=\"filters\">");
      if (aj_console_city_wide (cx))
        {
          g_autoptr(GPtrArray) counties = aj_server_store_institution_values (cx->store, cx->scope, FALSE);
          g_ptr_array_add (counties, NULL);
          aj_console_select (content, "county", _("County the device serves"), _("Whole city"),
                             (const char * const *) counties->pdata, NULL, NULL);
        }
      field (content, "days", _("Days the code stays valid"), "number", "7", TRUE);
      aj_html_markup (content, "</div>");
      submit (content, _("Issue"));
      aj_html_markup (content, "</section>");
    }
  aj_console_table_open (content, _("Codes not used yet"),
                         (const char * const[]) { _("Code (hash)"), _("Scope"), _("Expires"), _("Revoke"), NULL });
  for (guint i = 0; i < codes->len; i++)
    {
      AjOfficeCode *code = g_ptr_array_index (codes, i);
      g_autoptr(AjScope) scope = aj_scope_new_from_json (code->scope);
      g_autofree char *spec = scope ? aj_scope_to_spec (scope) : g_strdup ("?");
      g_autofree char *short_hash = g_strndup (code->code_hash, 12);

      if (!aj_console_city_wide (cx) && (scope == NULL || g_strcmp0 (aj_scope_get_county (scope), cx->user->county) != 0))
        continue;
      aj_html_markup (content, "<tr><td class=\"mono\">");
      aj_html_text (content, short_hash);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, spec);
      aj_html_markup (content, "</td><td>");
      aj_html_text (content, code->expires_at);
      aj_html_markup (content, "</td><td>");
      if (cx->role >= AJ_OFFICE_CHIEF)
        {
          g_autofree char *label = g_strdup_printf (_("Revoke code %s"), short_hash);

          revoke_button (cx, content, "/office/codes/revoke", "code", code->code_hash, _("Revoke"), label);
        }
      aj_html_markup (content, "</td></tr>");
    }
  aj_console_table_close (content);
  devices_table (cx, content);
  aj_console_send_page (cx, status, _("Devices and enrollment codes"), content);
}

void
aj_console_codes (AjConsole *cx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *code = NULL;
  const char *county;
  int days;

  if (!g_str_equal (aj_request_get_method (cx->req), "POST"))
    {
      codes_page (cx, 200, NULL, NULL);
      return;
    }
  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  county = aj_console_city_wide (cx) ? aj_console_form (cx, "county") : cx->user->county;
  spec = county && *county ? g_strconcat ("county:", county, NULL) : g_strdup ("all");
  days = (int) g_ascii_strtoll (aj_console_form (cx, "days") ?: "7", NULL, 10);
  if (days < 1 || days > 90)
    {
      codes_page (cx, 422, NULL, _("A code stays valid 1 to 90 days."));
      return;
    }
  code = aj_admin_new_enroll_code (aj_request_get_context (cx->req)->db, cx->store, spec, days, &error);
  if (code == NULL)
    {
      codes_page (cx, 422, NULL, error->message);
      return;
    }
  {
    g_autofree char *detail = g_strdup_printf ("%s, %d days", spec, days);

    /* The code itself is never written anywhere but the page. */
    if (!aj_console_audit (cx, "code.issue", "", detail))
      return;
  }
  codes_page (cx, 200, code, NULL);
}

void
aj_console_code_revoke (AjConsole *cx)
{
  const char *hash = aj_console_form (cx, "code");
  g_autofree char *now = aj_now_iso8601 ();
  g_autoptr(GError) error = NULL;

  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  if (hash == NULL || !aj_is_sha256_hex (hash) || !aj_server_db_revoke_code (aj_request_get_context (cx->req)->db, cx->store, hash, now, &error))
    {
      codes_page (cx, 404, NULL, error ? error->message : _("There is no such unused code."));
      return;
    }
  if (aj_console_audit (cx, "code.revoke", hash, ""))
    aj_console_redirect (cx, "/office/codes");
}

void
aj_console_device_revoke (AjConsole *cx)
{
  const char *id = aj_console_form (cx, "device");
  g_autoptr(GPtrArray) devices = aj_server_db_list_devices (aj_request_get_context (cx->req)->db, cx->store);
  g_autoptr(GError) error = NULL;
  AjServerDevice *device = NULL;

  if (!aj_console_require_role (cx, AJ_OFFICE_CHIEF))
    return;
  for (guint i = 0; id != NULL && i < devices->len; i++)
    if (g_str_equal (((AjServerDevice *) g_ptr_array_index (devices, i))->id, id))
      device = g_ptr_array_index (devices, i);
  if (device == NULL || !device_in_scope (cx, device->scope))
    {
      codes_page (cx, 404, NULL, _("There is no such device in your scope."));
      return;
    }
  if (!aj_admin_revoke_device (aj_request_get_context (cx->req)->db, cx->store, id, &error))
    {
      codes_page (cx, 422, NULL, error->message);
      return;
    }
  if (aj_console_audit (cx, "device.revoke", id, device->name))
    aj_console_redirect (cx, "/office/codes");
}

/* ---- the documents of an inspection ---- */

typedef struct
{
  const char   *inspection;
  AjReportKind  kind;
} ReportJob;

static gboolean
write_report (AjConsole   *cx,
              const char  *path,
              gpointer     data,
              GError     **error)
{
  ReportJob *job = data;
  g_autofree char *url = server_url (cx);

  return aj_admin_write_report (cx->store, aj_request_get_context (cx->req)->blob_dir, url, job->kind,
                                job->inspection, path, error);
}

void
aj_console_report (AjConsole  *cx,
                   const char *rest)
{
  g_auto(GStrv) parts = g_strsplit (rest, "/", 2);
  g_autofree char *institution = NULL;
  g_autofree char *kind_name = NULL;
  AjReportKind kind;

  if (g_strv_length (parts) != 2 || !aj_uuid_is_valid (parts[0]) || !g_str_has_suffix (parts[1], ".pdf") ||
      !aj_report_kind_from_name ((kind_name = g_strndup (parts[1], strlen (parts[1]) - 4)), &kind) ||
      (institution = aj_server_store_inspection_institution (cx->store, parts[0])) == NULL ||
      !aj_server_store_scope_allows (cx->store, cx->scope, institution))
    {
      aj_console_send_message (cx, 404, _("Not found"), _("There is no such document in your scope."));
      return;
    }
  {
    g_autofree char *name = g_strdup_printf ("%s-%.8s.pdf", kind_name, parts[0]);
    ReportJob job = { parts[0], kind };

    aj_console_send_written (cx, "application/pdf", name, write_report, &job);
  }
}
