/* aj-server-completion.c: GET /api/v1/completion: each home's self-inspection
 * completion (due vs done this week and this month, missed night rounds),
 * for the homes in the device's scope, computed from the schedules and
 * inspections the server holds with the same core function the kiosk's
 * statistics use. ?at=UNIX-SECONDS asks for another moment (for reports). */
#include "config.h"

#include "aj-completion.h"
#include "aj-server-handlers.h"

void
aj_server_completion_get (AjRequest *req)
{
  AjStore *store = aj_request_get_store (req);
  gint64 now = aj_request_get_query_int (req, "at", g_get_real_time () / G_USEC_PER_SEC);
  JsonObject *reply = json_object_new ();
  g_autofree char *week = aj_schedule_date_of (aj_completion_week_start (now));
  g_autofree char *month = aj_schedule_date_of (aj_completion_month_start (now));

  json_object_set_string_member (reply, "week_from", week);
  json_object_set_string_member (reply, "month_from", month);
  json_object_set_string_member (reply, "time_zone", "+08:00");
  json_object_set_array_member (reply, "institutions", aj_completion_report (store, aj_request_get_scope (req), now));
  aj_request_reply (req, 200, reply);
}
