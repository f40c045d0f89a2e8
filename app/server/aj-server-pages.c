/* aj-server-pages.c: pages a phone opens from a QR tag, and the public list
 * of spot-check results (抽查结果公示). They show no personal data: no
 * residents, no inspectors' names, no responsible persons. */
#include "config.h"

#include <string.h>

#include "aj-db.h"
#include "aj-hazard.h"
#include "aj-server-pages.h"
#include "aj-util.h"
#include "anjian-web-resources.h"

static char *
load_template (const char *name)
{
  static gsize registered;
  g_autofree char *path = g_strconcat ("/org/anjian/Server/", name, NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (g_once_init_enter (&registered))
    {
      aj_web_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  bytes = g_resources_lookup_data (path, 0, NULL);

  return bytes ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : g_strdup ("");
}

/* {{key}} is replaced by the escaped value; keys ending in "_html" are
 * inserted as they are (they are built here from escaped parts). */
static char *
fill (const char  *template,
      const char **pairs)
{
  GString *out = g_string_new (NULL);
  const char *p = template;

  while (*p)
    {
      const char *open = strstr (p, "{{");
      const char *close = open ? strstr (open, "}}") : NULL;
      g_autofree char *key = NULL;
      const char *value = "";

      if (open == NULL || close == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      key = g_strndup (open + 2, close - open - 2);
      for (guint i = 0; pairs[i]; i += 2)
        if (g_str_equal (pairs[i], key))
          value = pairs[i + 1] ? pairs[i + 1] : "";
      if (g_str_has_suffix (key, "_html") || g_str_equal (key, "content") || g_str_equal (key, "overdue"))
        g_string_append (out, value);
      else
        {
          g_autofree char *escaped = g_markup_escape_text (value, -1);
          g_string_append (out, escaped);
        }
      p = close + 2;
    }
  return g_string_free (out, FALSE);
}

static void
send_page (AjRequest  *req,
           guint       status,
           const char *title,
           const char *content)
{
  SoupServerMessage *msg = aj_request_get_message (req);
  g_autofree char *page = load_template ("page.html");
  const char *pairs[] = { "title", title, "content", content, NULL };
  char *html = fill (page, pairs);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, html, strlen (html));
}

static const char *
risk_zh (const char *level)
{
  if (g_strcmp0 (level, "red") == 0) return "红色 · 重大风险";
  if (g_strcmp0 (level, "orange") == 0) return "橙色 · 较大风险";
  if (g_strcmp0 (level, "yellow") == 0) return "黄色 · 一般风险";
  if (g_strcmp0 (level, "blue") == 0) return "蓝色 · 低风险";
  return level ? level : "";
}

static const char *
status_zh (const char *status)
{
  if (g_strcmp0 (status, "found") == 0) return "已登记，待整改";
  if (g_strcmp0 (status, "rectification_ordered") == 0) return "整改中";
  if (g_strcmp0 (status, "rectified") == 0) return "已整改，待复查";
  if (g_strcmp0 (status, "closed") == 0) return "已销号";
  if (g_strcmp0 (status, "withdrawn") == 0) return "已撤销";
  return status ? status : "";
}

static const char *
category_zh (const char *category)
{
  static const struct { const char *code, *name; } names[] = {
    { "fire", "消防安全" }, { "power_gas", "用电用气" }, { "food", "食品安全" },
    { "facilities", "设施设备" }, { "security", "安保" }, { "care", "照护服务安全" },
    { "management", "安全管理" }, { "epidemic", "疫情防控" }, { "special_equipment", "特种设备" },
    { "buildings", "建筑安全" }, { "rescue", "救助服务" }, { "child_protection", "儿童保护" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (names[i].code, category) == 0)
      return names[i].name;
  return category ? category : "";
}

void
aj_server_pages_hazard (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  const char *id = aj_request_get_path (req) + strlen ("/h/");
  g_autoptr(AjHazard) hazard = NULL;
  g_autofree char *today = aj_today_iso ();
  g_autofree char *found = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *overdue = NULL;
  g_autofree char *body = NULL;
  g_autofree char *template = NULL;
  int days;

  if (!aj_uuid_is_valid (id) || (hazard = aj_hazard_load (store, id)) == NULL)
    {
      send_page (req, 404, "未找到", "<div class=\"card\"><h1>未找到该隐患</h1><p>二维码可能已失效，或该隐患尚未同步到服务器。</p></div>");
      return;
    }
  days = aj_hazard_days_overdue (hazard, today);
  if (days > 0)
    overdue = g_strdup_printf (" <span class=\"chip overdue\">已逾期 %d 天</span>", days);
  found = aj_iso8601_to_display (aj_hazard_get_found_at (hazard), FALSE);
  closed = aj_iso8601_to_display (aj_hazard_get_closed_at (hazard), FALSE);
  template = load_template ("hazard.html");
  {
    const char *pairs[] = {
      "number", aj_hazard_get_number (hazard),
      "risk", aj_hazard_get_risk_level (hazard),
      "risk_label", risk_zh (aj_hazard_get_risk_level (hazard)),
      "grade_label", aj_hazard_is_major (hazard) ? "重大事故隐患" : "一般事故隐患",
      "status_label", status_zh (aj_hazard_get_status (hazard)),
      "overdue", overdue ? overdue : "",
      "institution", aj_hazard_get_institution_name (hazard),
      "category", category_zh (aj_hazard_get_category (hazard)),
      "found", found,
      "deadline", *aj_hazard_get_deadline (hazard) ? aj_hazard_get_deadline (hazard) : "—",
      "closed", *closed ? closed : "—",
      NULL
    };
    body = fill (template, pairs);
  }
  send_page (req, 200, aj_hazard_get_number (hazard), body);
}

/* Results of random spot checks, as published within 20 working days. */
void
aj_server_pages_spot_checks (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT coalesce(i.name, s.institution), s.finished_at, "
      "(SELECT count(*) FROM item_results r WHERE r.inspection_id = s.id), "
      "(SELECT count(*) FROM hazards h WHERE h.inspection_id = s.id AND h.status <> 'withdrawn'), "
      "(SELECT count(*) FROM hazards h WHERE h.inspection_id = s.id AND h.status = 'closed') "
      "FROM inspections s LEFT JOIN institutions i ON i.code = s.institution "
      "WHERE s.mode = 'spot_check' AND s.status = 'finished' ORDER BY s.finished_at DESC LIMIT 200", NULL);
  GString *html = g_string_new ("<h1>“双随机、一公开”抽查结果公示</h1>");
  g_autofree char *content = NULL;
  guint rows = 0;

  g_string_append (html, "<table><tr><th>机构</th><th>抽查日期</th><th>检查项</th><th>结果</th><th>整改情况</th></tr>");
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *name = g_markup_escape_text (aj_db_col_text (stmt, 0), -1);
      g_autofree char *date = aj_iso8601_to_display (aj_db_col_text (stmt, 1), FALSE);
      int hazards = sqlite3_column_int (stmt, 3), closed = sqlite3_column_int (stmt, 4);
      g_autofree char *result = hazards == 0 ? g_strdup ("未发现问题") : g_strdup_printf ("发现隐患 %d 处", hazards);
      g_autofree char *progress = hazards == 0 ? g_strdup ("—") :
                                  closed == hazards ? g_strdup ("已全部整改销号") :
                                  g_strdup_printf ("整改中（已销号 %d 处）", closed);

      g_string_append_printf (html, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>",
                              name, date, sqlite3_column_int (stmt, 2), result, progress);
      rows++;
    }
  if (rows == 0)
    g_string_append (html, "<tr><td colspan=\"5\">暂无公示的抽查结果。</td></tr>");
  g_string_append (html, "</table>");
  content = g_string_free (html, FALSE);
  send_page (req, 200, "抽查结果公示", content);
}

void
aj_server_pages_static (AjRequest *req)
{
  SoupServerMessage *msg = aj_request_get_message (req);

  if (g_str_equal (aj_request_get_path (req), "/static/style.css"))
    {
      char *css = load_template ("style.css");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/css; charset=utf-8", SOUP_MEMORY_TAKE, css, strlen (css));
      return;
    }
  send_page (req, 404, "未找到", "<div class=\"card\"><h1>未找到</h1></div>");
}

/* The administrator's overview: counts only. */
void
aj_server_pages_overview (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  sqlite3 *db = aj_store_get_db (store);
  g_autofree char *today = aj_today_iso ();
  g_autofree char *content = NULL;

  if (!g_str_equal (aj_request_get_path (req), "/"))
    {
      send_page (req, 404, "未找到", "<div class=\"card\"><h1>未找到</h1></div>");
      return;
    }
  content = g_strdup_printf (
    "<h1>概况</h1><div class=\"card\"><dl>"
    "<dt>在用设备</dt><dd>%lld</dd><dt>机构</dt><dd>%lld</dd><dt>检查</dt><dd>%lld</dd>"
    "<dt>未销号隐患</dt><dd>%lld</dd><dt>逾期隐患</dt><dd>%lld</dd><dt>同步记录</dt><dd>%lld</dd>"
    "</dl></div><p><a href=\"/public\">抽查结果公示</a></p>",
    (long long) aj_db_query_int (db, "SELECT count(*) FROM devices WHERE revoked_at IS NULL", NULL, 0),
    (long long) aj_db_query_int (db, "SELECT count(*) FROM institutions", NULL, 0),
    (long long) aj_db_query_int (db, "SELECT count(*) FROM inspections", NULL, 0),
    (long long) aj_db_query_int (db, "SELECT count(*) FROM hazards WHERE status NOT IN ('closed', 'withdrawn')", NULL, 0),
    (long long) aj_db_query_int (db, "SELECT count(*) FROM hazards WHERE status NOT IN ('closed', 'withdrawn') "
                                     "AND deadline <> '' AND deadline < ?", today, 0),
    (long long) aj_db_query_int (db, "SELECT count(*) FROM events", NULL, 0));
  send_page (req, 200, "概况", content);
}
