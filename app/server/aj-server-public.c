/* aj-server-public.c: 一公开: the published results of random spot checks.
 * /public lists the published draws, /public/<draw> shows each drawn
 * institution's check (date, result, hazards by risk level, rectification)
 * and how the draw can be checked (public seed value, its SHA-256, the
 * digest); the same as JSON and CSV at /public.json, /public.csv and
 * /public/<draw>.json, .csv. Nothing here names a person: no inspector,
 * no team, no one who drew or published, no institution's staff. The
 * overview counts the overdue assignments and the checks near or past the
 * publication deadline (20 working days, DOMAIN.md). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aj-register-io.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
#include "aj-util.h"
#include "aj-workdays.h"

static const char * const risk_names[4] = { "red", "orange", "yellow", "blue" };
static const char * const risk_words[4] = { "红色（重大风险）", "橙色（较大风险）", "黄色（一般风险）", "蓝色（低风险）" };

static const char *
type_word (const char *type)
{
  static const struct { const char *code, *word; } types[] = {
    { "elder_care", "养老机构" }, { "township_home", "乡镇敬老院" }, { "day_care", "社区日间照料中心" },
    { "child_welfare", "儿童福利机构" }, { "rescue_station", "救助管理站" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (types[i].code, type) == 0)
      return types[i].word;
  return type;
}

/* Stable codes for the data, words for the page. */
static const char *
result_code (const AjServerCheck *check)
{
  if (check->checked_on == NULL)
    return "not_checked";
  return check->hazards == 0 ? "no_hazards" : "hazards_found";
}

static const char *
rectification_code (const AjServerCheck *check)
{
  if (check->checked_on == NULL || check->hazards == 0)
    return "none_needed";
  return check->closed == check->hazards ? "all_closed" : "in_progress";
}

static void
send_bytes (AjRequest  *req,
            const char *content_type,
            char       *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

  aj_server_pages_set_headers (req);
  aj_request_reply_bytes (req, 200, content_type, bytes);
}

static void
send_json (AjRequest  *req,
           JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  send_bytes (req, "application/json; charset=utf-8", aj_json_to_string (node));
}

/* A cell as a spreadsheet takes it: text that would start a formula is
 * prefixed with an apostrophe. */
static void
csv_cell (GString    *out,
          const char *text,
          gboolean    last)
{
  g_autofree char *safe = NULL;

  text = text ? text : "";
  if (strchr ("=+-@", text[0]) != NULL && text[0] != '\0')
    text = safe = g_strconcat ("'", text, NULL);
  aj_csv_append_cell (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

static void
csv_int (GString *out,
         int      value,
         gboolean last)
{
  g_autofree char *text = g_strdup_printf ("%d", value);

  csv_cell (out, text, last);
}

/* ---- the list of published draws ---- */

static JsonObject *
publication_json (const AjServerPublication *publication)
{
  JsonObject *o = json_object_new ();
  g_autofree char *page = g_strconcat ("/public/", publication->draw_id, NULL);
  g_autofree char *json = g_strconcat (page, ".json", NULL);
  g_autofree char *csv = g_strconcat (page, ".csv", NULL);
  g_autofree char *drawn_on = g_strndup (publication->drawn_at, 10);

  json_object_set_string_member (o, "draw", publication->draw_id);
  json_object_set_string_member (o, "title", publication->title);
  json_object_set_string_member (o, "drawn_on", drawn_on);
  json_object_set_string_member (o, "published_on", publication->published_on);
  json_object_set_int_member (o, "institutions", publication->checks);
  json_object_set_int_member (o, "checked", publication->done);
  json_object_set_string_member (o, "page", page);
  json_object_set_string_member (o, "json", json);
  json_object_set_string_member (o, "csv", csv);
  return o;
}

void
aj_server_public_list_json (AjRequest *req)
{
  g_autoptr(GPtrArray) list = aj_server_store_list_publications (aj_request_get_store (req));
  JsonObject *reply = json_object_new ();
  JsonArray *draws = json_array_new ();

  for (guint i = 0; i < list->len; i++)
    json_array_add_object_element (draws, publication_json (g_ptr_array_index (list, i)));
  json_object_set_array_member (reply, "draws", draws);
  send_json (req, reply);
}

void
aj_server_public_list_csv (AjRequest *req)
{
  g_autoptr(GPtrArray) list = aj_server_store_list_publications (aj_request_get_store (req));
  GString *out = g_string_new ("\xEF\xBB\xBF" "draw,title,drawn_on,published_on,institutions,checked\r\n");

  for (guint i = 0; i < list->len; i++)
    {
      AjServerPublication *publication = g_ptr_array_index (list, i);
      g_autofree char *drawn_on = g_strndup (publication->drawn_at, 10);

      csv_cell (out, publication->draw_id, FALSE);
      csv_cell (out, publication->title, FALSE);
      csv_cell (out, drawn_on, FALSE);
      csv_cell (out, publication->published_on, FALSE);
      csv_int (out, publication->checks, FALSE);
      csv_int (out, publication->done, TRUE);
    }
  send_bytes (req, "text/csv; charset=utf-8", g_string_free (out, FALSE));
}

static void
html_link (AjHtml     *html,
           const char *href,
           const char *text)
{
  aj_html_markup (html, "<a");
  aj_html_attr (html, "href", href);
  aj_html_markup (html, ">");
  aj_html_text (html, text);
  aj_html_markup (html, "</a>");
}

void
aj_server_public_list (AjRequest *req)
{
  g_autoptr(GPtrArray) list = aj_server_store_list_publications (aj_request_get_store (req));
  g_autoptr(AjHtml) html = aj_html_new ();

  aj_html_markup (html, "<h1>“双随机、一公开”抽查结果公示</h1>"
                        "<p class=\"lead\">随机抽取检查对象、随机选派执法检查人员，抽查结果向社会公开。</p>");
  for (guint i = 0; i < list->len; i++)
    {
      AjServerPublication *publication = g_ptr_array_index (list, i);
      g_autofree char *page = g_strconcat ("/public/", publication->draw_id, NULL);
      g_autofree char *json = g_strconcat (page, ".json", NULL);
      g_autofree char *csv = g_strconcat (page, ".csv", NULL);
      g_autofree char *drawn_on = g_strndup (publication->drawn_at, 10);

      aj_html_markup (html, "<section class=\"card\"><h2>");
      html_link (html, page, publication->title);
      aj_html_markup (html, "</h2><dl><dt>抽取日期</dt><dd>");
      aj_html_text (html, drawn_on);
      aj_html_markup (html, "</dd><dt>公示日期</dt><dd>");
      aj_html_text (html, publication->published_on);
      aj_html_markup (html, "</dd><dt>抽查对象</dt><dd>");
      aj_html_textf (html, "%d 家，已检查 %d 家", publication->checks, publication->done);
      aj_html_markup (html, "</dd></dl><p class=\"data\">数据下载：");
      html_link (html, json, "JSON");
      aj_html_markup (html, " · ");
      html_link (html, csv, "CSV");
      aj_html_markup (html, "</p></section>");
    }
  if (list->len == 0)
    aj_html_markup (html, "<div class=\"card\"><p>暂无公示的抽查结果。</p></div>");
  aj_html_markup (html, "<p class=\"data\">全部公示数据：<a href=\"/public.json\">JSON</a> · "
                        "<a href=\"/public.csv\">CSV</a></p>");
  aj_server_pages_send (req, 200, "抽查结果公示", html);
}

/* ---- one draw ---- */

static JsonObject *
check_json (const AjServerCheck *check)
{
  JsonObject *o = json_object_new ();
  JsonObject *by_risk = json_object_new ();

  json_object_set_string_member (o, "institution_code", check->institution);
  json_object_set_string_member (o, "institution", check->institution_name);
  json_object_set_string_member (o, "county", check->county);
  json_object_set_string_member (o, "type", check->type);
  if (check->checked_on != NULL)
    json_object_set_string_member (o, "checked_on", check->checked_on);
  else
    json_object_set_null_member (o, "checked_on");
  json_object_set_string_member (o, "result", result_code (check));
  json_object_set_int_member (o, "hazards", check->hazards);
  for (guint r = 0; r < 4; r++)
    json_object_set_int_member (by_risk, risk_names[r], check->by_risk[r]);
  json_object_set_object_member (o, "hazards_by_risk", by_risk);
  json_object_set_int_member (o, "hazards_closed", check->closed);
  json_object_set_string_member (o, "rectification", rectification_code (check));
  return o;
}

static void
draw_json (AjRequest                 *req,
           const AjServerPublication *publication,
           GPtrArray                 *checks)
{
  JsonObject *reply = publication_json (publication);
  JsonArray *list = json_array_new ();

  json_object_set_string_member (reply, "seed_source", publication->seed_source);
  json_object_set_string_member (reply, "seed", publication->seed);
  json_object_set_string_member (reply, "digest", publication->digest);
  for (guint i = 0; i < checks->len; i++)
    json_array_add_object_element (list, check_json (g_ptr_array_index (checks, i)));
  json_object_set_array_member (reply, "checks", list);
  send_json (req, reply);
}

static void
draw_csv (AjRequest *req,
          GPtrArray *checks)
{
  GString *out = g_string_new ("\xEF\xBB\xBF" "institution_code,institution,county,type,checked_on,result,hazards,"
                               "red,orange,yellow,blue,hazards_closed,rectification\r\n");

  for (guint i = 0; i < checks->len; i++)
    {
      AjServerCheck *check = g_ptr_array_index (checks, i);

      csv_cell (out, check->institution, FALSE);
      csv_cell (out, check->institution_name, FALSE);
      csv_cell (out, check->county, FALSE);
      csv_cell (out, check->type, FALSE);
      csv_cell (out, check->checked_on, FALSE);
      csv_cell (out, result_code (check), FALSE);
      csv_int (out, check->hazards, FALSE);
      for (guint r = 0; r < 4; r++)
        csv_int (out, check->by_risk[r], FALSE);
      csv_int (out, check->closed, FALSE);
      csv_cell (out, rectification_code (check), TRUE);
    }
  send_bytes (req, "text/csv; charset=utf-8", g_string_free (out, FALSE));
}

static void
check_card (AjHtml              *html,
            const AjServerCheck *check)
{
  aj_html_markup (html, "<section class=\"card check\"><h2>");
  aj_html_text (html, check->institution_name);
  aj_html_markup (html, "</h2><p class=\"meta\">");
  aj_html_text (html, check->county);
  aj_html_markup (html, " · ");
  aj_html_text (html, type_word (check->type));
  aj_html_markup (html, "</p><dl><dt>抽查日期</dt><dd>");
  aj_html_text (html, check->checked_on ? check->checked_on : "尚未检查");
  aj_html_markup (html, "</dd><dt>检查结果</dt><dd>");
  if (check->checked_on == NULL)
    aj_html_text (html, "—");
  else if (check->hazards == 0)
    aj_html_text (html, "未发现隐患");
  else
    aj_html_textf (html, "发现隐患 %d 处", check->hazards);
  aj_html_markup (html, "</dd>");
  if (check->hazards > 0)
    {
      aj_html_markup (html, "<dt>风险等级</dt><dd class=\"chips\">");
      for (guint r = 0; r < 4; r++)
        if (check->by_risk[r] > 0)
          {
            g_autofree char *css = g_strconcat ("chip risk-", risk_names[r], NULL);
            aj_html_markup (html, "<span");
            aj_html_attr (html, "class", css);
            aj_html_markup (html, ">");
            aj_html_textf (html, "%s %d 处", risk_words[r], check->by_risk[r]);
            aj_html_markup (html, "</span> ");
          }
      aj_html_markup (html, "</dd>");
    }
  aj_html_markup (html, "<dt>整改情况</dt><dd>");
  if (check->checked_on == NULL || check->hazards == 0)
    aj_html_text (html, "—");
  else if (check->closed == check->hazards)
    aj_html_text (html, "已全部整改销号");
  else
    aj_html_textf (html, "整改中（已销号 %d 处，共 %d 处）", check->closed, check->hazards);
  aj_html_markup (html, "</dd></dl></section>");
}

static void
draw_page (AjRequest                 *req,
           const AjServerPublication *publication,
           GPtrArray                 *checks)
{
  g_autoptr(AjHtml) html = aj_html_new ();
  g_autofree char *page = g_strconcat ("/public/", publication->draw_id, NULL);
  g_autofree char *json = g_strconcat (page, ".json", NULL);
  g_autofree char *csv = g_strconcat (page, ".csv", NULL);
  g_autofree char *drawn_on = g_strndup (publication->drawn_at, 10);

  aj_html_markup (html, "<p class=\"back\"><a href=\"/public\">← 全部公示</a></p><h1>");
  aj_html_text (html, publication->title);
  aj_html_markup (html, "</h1><section class=\"card\"><dl><dt>抽取日期</dt><dd>");
  aj_html_text (html, drawn_on);
  aj_html_markup (html, "</dd><dt>公示日期</dt><dd>");
  aj_html_text (html, publication->published_on);
  aj_html_markup (html, "</dd><dt>抽查对象</dt><dd>");
  aj_html_textf (html, "%d 家，已检查 %d 家", publication->checks, publication->done);
  aj_html_markup (html, "</dd></dl><details><summary>如何核验本次抽取</summary>"
                        "<p>随机数种子取自抽取前公布的公开数值，按 SHA-256 计算；用同一种子和存档的名录重新运行，"
                        "抽取结果应完全相同。</p><dl><dt>公开数值</dt><dd>");
  aj_html_text (html, publication->seed_source);
  aj_html_markup (html, "</dd><dt>种子</dt><dd class=\"hash\">");
  aj_html_text (html, publication->seed);
  aj_html_markup (html, "</dd><dt>摘要</dt><dd class=\"hash\">");
  aj_html_text (html, publication->digest);
  aj_html_markup (html, "</dd></dl></details><p class=\"data\">数据下载：");
  html_link (html, json, "JSON");
  aj_html_markup (html, " · ");
  html_link (html, csv, "CSV");
  aj_html_markup (html, "</p></section>");
  for (guint i = 0; i < checks->len; i++)
    check_card (html, g_ptr_array_index (checks, i));
  aj_server_pages_send (req, 200, publication->title, html);
}

/* /public, /public/<draw>, /public/<draw>.json, /public/<draw>.csv: only a
 * draw that was published is shown; anything else is not found. */
void
aj_server_public_draw (AjRequest *req)
{
  const char *path = aj_request_get_path (req);
  g_autofree char *id = NULL;
  g_autoptr(AjServerPublication) publication = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  const char *dot;

  if (g_str_equal (path, "/public") || g_str_equal (path, "/public/"))
    {
      aj_server_public_list (req);
      return;
    }
  id = g_strdup (path + strlen ("/public/"));
  dot = strrchr (id, '.');
  if (dot != NULL && !g_str_equal (dot, ".json") && !g_str_equal (dot, ".csv"))
    dot = NULL;
  if (dot != NULL)
    id[dot - id] = '\0';
  if (aj_uuid_is_valid (id))
    publication = aj_server_store_get_publication (aj_request_get_store (req), id);
  if (publication == NULL)
    {
      g_autoptr(AjHtml) content = aj_html_new ();

      aj_html_markup (content, "<div class=\"card\"><h1>未找到该公示</h1>"
                               "<p>该抽查尚未公示，或链接有误。<a href=\"/public\">查看全部公示</a></p></div>");
      aj_server_pages_send (req, 404, "未找到", content);
      return;
    }
  checks = aj_server_store_list_checks (aj_request_get_store (req), id);
  if (dot != NULL && g_str_equal (path + strlen (path) - 5, ".json"))
    draw_json (req, publication, checks);
  else if (dot != NULL)
    draw_csv (req, checks);
  else
    draw_page (req, publication, checks);
}

/* ---- the office's overview ---- */

/* A count, marked when it is an alarm and not zero. */
static void
count_cell (AjHtml   *content,
            guint     n,
            gboolean  alarm)
{
  if (alarm && n > 0)
    aj_html_markup (content, "<span class=\"chip overdue\">");
  aj_html_textf (content, "%u", n);
  if (alarm && n > 0)
    aj_html_markup (content, "</span>");
}

/* How many assignments are not started by their due date, and how many
 * finished checks are near or past the 20 working days to publish. The
 * overview is open to anyone who reaches the server, so it shows counts
 * only: which institutions a draw picked stays unknown until published
 * (the office lists them with `anjian-server assignments` and `deadlines`). */
void
aj_server_public_office (AjRequest *req,
                         AjHtml    *content)
{
  AjServerContext *context = aj_request_get_context (req);
  g_autoptr(GPtrArray) checks = aj_server_store_list_checks (aj_request_get_store (req), NULL);
  g_autoptr(AjHolidayCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = aj_today_iso ();
  guint n_open = 0, n_overdue = 0, n_near = 0, n_past = 0;
  gboolean missing;

  calendar = context->holidays_path ? aj_holiday_calendar_load (context->holidays_path, &error) : NULL;
  missing = calendar == NULL;
  if (missing)
    calendar = aj_holiday_calendar_new ();   /* weekends only, and said so */
  for (guint i = 0; i < checks->len; i++)
    {
      AjServerCheck *check = g_ptr_array_index (checks, i);
      AjDeadlineState state = aj_publication_deadline (calendar, check->checked_on, check->published_on, today, NULL);

      n_open += g_str_equal (check->status, "open");
      n_overdue += g_str_equal (check->status, "open") && !check->started && g_strcmp0 (check->due, today) < 0;
      n_near += state == AJ_DEADLINE_NEAR;
      n_past += state == AJ_DEADLINE_PAST;
    }
  aj_html_markup (content, "<h2>双随机抽查</h2><div class=\"card\"><dl><dt>未完成的抽查任务</dt><dd>");
  count_cell (content, n_open, FALSE);
  aj_html_markup (content, "</dd><dt>逾期未开始</dt><dd>");
  count_cell (content, n_overdue, TRUE);
  aj_html_markup (content, "</dd><dt>临近公示时限</dt><dd>");
  count_cell (content, n_near, FALSE);
  aj_html_markup (content, "</dd><dt>超过公示时限</dt><dd>");
  count_cell (content, n_past, TRUE);
  aj_html_markup (content, "</dd></dl><p class=\"meta\">公示时限：检查后 20 个工作日内（按节假日日历计算）。</p>");
  if (missing)
    {
      aj_html_markup (content, "<p class=\"warning\">");
      aj_html_textf (content, "无法读取节假日日历（仅按周末计算）：%s", error ? error->message : "未配置");
      aj_html_markup (content, "</p>");
    }
  else if (!aj_holiday_calendar_covers (calendar, atoi (today)))
    aj_html_markup (content, "<p class=\"warning\">节假日日历未包含本年度，请更新。</p>");
  aj_html_markup (content, "</div>");
}
