/* aj-server-pages.c: pages a phone opens from a QR tag, and the public list
 * of spot-check results (抽查结果公示). They show no personal data: no
 * residents, no inspectors' names, no responsible persons. Every page is
 * written with AjHtml, through which no value can be markup. */
#include "config.h"

#include <string.h>

#include "aj-hazard.h"
#include "aj-server-handlers.h"
#include "aj-server-html.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* The pages load nothing but their own style sheet: no script, no frame,
 * no form, nothing from elsewhere, and no referrer to leak a hazard's URL. */
void
aj_server_pages_set_headers (AjRequest *req)
{
  aj_request_set_header (req, "Content-Security-Policy",
                         "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                         "form-action 'none'; frame-ancestors 'none'");
  aj_request_set_header (req, "X-Content-Type-Options", "nosniff");
  aj_request_set_header (req, "Referrer-Policy", "no-referrer");
  aj_request_set_header (req, "X-Frame-Options", "DENY");
}

/* The page frame (page.html) around @content, with @title as text. */
void
aj_server_pages_send (AjRequest    *req,
           guint         status,
           const char   *title,
           const AjHtml *content)
{
  g_autoptr(AjHtml) page = aj_html_new ();
  const AjHtmlSlot slots[] = {
    { "title", title, NULL },
    { "content", NULL, content },
    { NULL }
  };
  g_autoptr(GBytes) bytes = NULL;

  aj_html_template (page, "page.html", slots);
  bytes = aj_html_free_to_bytes (g_steal_pointer (&page));
  aj_server_pages_set_headers (req);
  aj_request_reply_bytes (req, status, "text/html; charset=utf-8", bytes);
}

static void
send_not_found (AjRequest  *req,
                const char *title)
{
  g_autoptr(AjHtml) content = aj_html_new ();

  aj_html_markup (content, "<div class=\"card\"><h1>");
  aj_html_text (content, title);
  aj_html_markup (content, "</h1></div>");
  aj_server_pages_send (req, 404, "未找到", content);
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
  { "rejected", "整改未通过" }, { "closed", "已销号" }, { "withdrawn", "已撤销" },
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
  g_autoptr(AjHtml) overdue = aj_html_new ();
  g_autoptr(AjHtml) body = aj_html_new ();
  g_autofree char *today = aj_today_iso ();
  g_autofree char *found = NULL;
  g_autofree char *closed = NULL;
  int days;

  if (!aj_uuid_is_valid (id) || (hazard = aj_hazard_load (store, id)) == NULL)
    {
      g_autoptr(AjHtml) content = aj_html_new ();

      aj_html_markup (content, "<div class=\"card\"><h1>未找到该隐患</h1>"
                               "<p>二维码可能已失效，或该隐患尚未同步到服务器。</p></div>");
      aj_server_pages_send (req, 404, "未找到", content);
      return;
    }
  days = aj_hazard_days_overdue (hazard, today);
  if (days > 0)
    {
      aj_html_markup (overdue, " <span class=\"chip overdue\">");
      aj_html_textf (overdue, "已逾期 %d 天", days);
      aj_html_markup (overdue, "</span>");
    }
  found = aj_iso8601_to_display (aj_hazard_get_found_at (hazard), FALSE);
  closed = aj_iso8601_to_display (aj_hazard_get_closed_at (hazard), FALSE);
  {
    const AjHtmlSlot slots[] = {
      { "number", aj_hazard_get_number (hazard) },
      { "risk", aj_hazard_get_risk_level (hazard) },
      { "risk_label", LABEL (risk_labels, aj_hazard_get_risk_level (hazard)) },
      { "grade_label", aj_hazard_is_major (hazard) ? "重大事故隐患" : "一般事故隐患" },
      { "status_label", LABEL (status_labels, aj_hazard_get_status (hazard)) },
      { "overdue", NULL, overdue },
      { "institution", aj_hazard_get_institution_name (hazard) },
      { "category", LABEL (category_labels, aj_hazard_get_category (hazard)) },
      { "found", found },
      { "deadline", *aj_hazard_get_deadline (hazard) ? aj_hazard_get_deadline (hazard) : "—" },
      { "closed", *closed ? closed : "—" },
      { NULL }
    };
    aj_html_template (body, "hazard.html", slots);
  }
  aj_server_pages_send (req, 200, aj_hazard_get_number (hazard), body);
}

/* The paths of the site that name nothing answer 404 at the gate, so
 * that a body sent to them is never read. */
gboolean
aj_server_pages_check_path (AjRequest *req)
{
  const char *path = aj_request_get_path (req);

  if (g_str_equal (path, "/") || g_str_equal (path, "/static/style.css"))
    return TRUE;
  send_not_found (req, "未找到");
  return FALSE;
}

void
aj_server_pages_static (AjRequest *req)
{
  g_autoptr(GBytes) css = aj_html_web_resource ("style.css");

  aj_request_set_header (req, "X-Content-Type-Options", "nosniff");
  aj_request_reply_bytes (req, 200, "text/css; charset=utf-8", css);
}

/* The administrator's overview: counts only. */
void
aj_server_pages_overview (AjRequest *req)
{
  g_autofree char *today = aj_today_iso ();
  g_autoptr(AjHtml) content = aj_html_new ();
  AjServerOverview overview;

  aj_server_store_overview (aj_request_get_store (req), today, &overview);
  aj_html_markup (content, "<h1>概况</h1><div class=\"card\"><dl><dt>在用设备</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.active_devices);
  aj_html_markup (content, "</dd><dt>机构</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.institutions);
  aj_html_markup (content, "</dd><dt>检查</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.inspections);
  aj_html_markup (content, "</dd><dt>未销号隐患</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.open_hazards);
  aj_html_markup (content, "</dd><dt>逾期隐患</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.overdue_hazards);
  aj_html_markup (content, "</dd><dt>同步记录</dt><dd>");
  aj_html_textf (content, "%" G_GINT64_FORMAT, overview.events);
  aj_html_markup (content, "</dd></dl></div>");
  aj_server_public_office (req, content);
  aj_html_markup (content, "<p><a href=\"/public\">抽查结果公示</a></p>");
  aj_server_pages_send (req, 200, "概况", content);
}
