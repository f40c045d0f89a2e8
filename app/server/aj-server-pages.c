/* aj-server-pages.c: pages a phone opens from a QR tag, and the public list
 * of spot-check results (抽查结果公示). They show no personal data: no
 * residents, no inspectors' names, no responsible persons. */
#include "config.h"

#include <string.h>

#include "aj-hazard.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
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

typedef struct
{
  const char *code;
  const char *name;
} Label;

/* The page's words for a stored code; an unknown code is shown as it is. */
static const char *
label (const Label *labels,
       gsize        n_labels,
       const char  *code)
{
  for (gsize i = 0; i < n_labels; i++)
    if (g_strcmp0 (labels[i].code, code) == 0)
      return labels[i].name;
  return code ? code : "";
}

static const Label risk_labels[] = {
  { "red", "红色 · 重大风险" }, { "orange", "橙色 · 较大风险" },
  { "yellow", "黄色 · 一般风险" }, { "blue", "蓝色 · 低风险" },
};

static const Label status_labels[] = {
  { "found", "已登记，待整改" }, { "rectification_ordered", "整改中" }, { "rectified", "已整改，待复查" },
  { "closed", "已销号" }, { "withdrawn", "已撤销" },
};

static const Label category_labels[] = {
  { "fire", "消防安全" }, { "power_gas", "用电用气" }, { "food", "食品安全" },
  { "facilities", "设施设备" }, { "security", "安保" }, { "care", "照护服务安全" },
  { "management", "安全管理" }, { "epidemic", "疫情防控" }, { "special_equipment", "特种设备" },
  { "buildings", "建筑安全" }, { "rescue", "救助服务" }, { "child_protection", "儿童保护" },
};

#define LABEL(table, code) label (table, G_N_ELEMENTS (table), code)

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
      "risk_label", LABEL (risk_labels, aj_hazard_get_risk_level (hazard)),
      "grade_label", aj_hazard_is_major (hazard) ? "重大事故隐患" : "一般事故隐患",
      "status_label", LABEL (status_labels, aj_hazard_get_status (hazard)),
      "overdue", overdue ? overdue : "",
      "institution", aj_hazard_get_institution_name (hazard),
      "category", LABEL (category_labels, aj_hazard_get_category (hazard)),
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
  g_autoptr(GPtrArray) checks = aj_server_store_list_spot_checks (aj_request_get_store (req), 200);
  GString *html = g_string_new ("<h1>“双随机、一公开”抽查结果公示</h1>");
  g_autofree char *content = NULL;

  g_string_append (html, "<table><tr><th>机构</th><th>抽查日期</th><th>检查项</th><th>结果</th><th>整改情况</th></tr>");
  for (guint i = 0; i < checks->len; i++)
    {
      AjServerSpotCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *name = g_markup_escape_text (check->institution, -1);
      g_autofree char *date = aj_iso8601_to_display (check->finished_at, FALSE);
      g_autofree char *result = check->hazards == 0 ? g_strdup ("未发现问题")
                                                    : g_strdup_printf ("发现隐患 %d 处", check->hazards);
      g_autofree char *progress = check->hazards == 0 ? g_strdup ("—") :
                                  check->closed == check->hazards ? g_strdup ("已全部整改销号") :
                                  g_strdup_printf ("整改中（已销号 %d 处）", check->closed);

      g_string_append_printf (html, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>",
                              name, date, check->items, result, progress);
    }
  if (checks->len == 0)
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
  g_autofree char *today = aj_today_iso ();
  g_autofree char *content = NULL;
  AjServerOverview overview;

  if (!g_str_equal (aj_request_get_path (req), "/"))
    {
      send_page (req, 404, "未找到", "<div class=\"card\"><h1>未找到</h1></div>");
      return;
    }
  aj_server_store_overview (aj_request_get_store (req), today, &overview);
  content = g_strdup_printf (
    "<h1>概况</h1><div class=\"card\"><dl>"
    "<dt>在用设备</dt><dd>%lld</dd><dt>机构</dt><dd>%lld</dd><dt>检查</dt><dd>%lld</dd>"
    "<dt>未销号隐患</dt><dd>%lld</dd><dt>逾期隐患</dt><dd>%lld</dd><dt>同步记录</dt><dd>%lld</dd>"
    "</dl></div><p><a href=\"/public\">抽查结果公示</a></p>",
    (long long) overview.active_devices, (long long) overview.institutions, (long long) overview.inspections,
    (long long) overview.open_hazards, (long long) overview.overdue_hazards, (long long) overview.events);
  send_page (req, 200, "概况", content);
}
