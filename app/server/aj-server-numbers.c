/* aj-server-numbers.c: POST /api/v1/numbers: a device asks for a block of
 * its department's document numbers for a year, {"department", "year",
 * "count"}, and is answered {"department", "year", "first", "last"}. The
 * server is the only one that grants them (see aj_server_store_grant_numbers)
 * and checks every number a device pushes against what it granted. */
#include "config.h"

#include "aj-doc-number.h"
#include "aj-server-db.h"
#include "aj-server-handlers.h"
#include "aj-server-store.h"
#include "aj-util.h"

/* A device asks again when few are left; more at once is never needed. */
#define MAX_BLOCK 50

void
aj_server_numbers_grant (AjRequest *req)
{
  JsonObject *body = aj_request_get_body (req);
  const char *department = aj_json_get_string (body, "department");
  gint64 year = aj_json_get_int (body, "year", 0);
  gint64 count = aj_json_get_int (body, "count", AJ_DOC_NUMBER_BLOCK);
  g_autofree char *today = aj_doc_number_china_today ();
  int this_year = aj_doc_number_year_of (today);
  g_autoptr(GError) error = NULL;
  gint64 first = 0, last = 0;
  JsonObject *reply;

  if (department == NULL || *department == '\0')
    {
      aj_request_reply_error (req, 400, "bad_request", "Name the department: {\"department\", \"year\", \"count\"}");
      return;
    }
  /* This year, or the next one from December on (a device offline over the
   * new year still has numbers of it). */
  if (year != this_year && year != this_year + 1)
    {
      aj_request_reply_error (req, 422, "bad_year", "Numbers are granted for this year or the next only");
      return;
    }
  if (count < 1 || count > MAX_BLOCK)
    {
      aj_request_reply_error (req, 422, "bad_count", "Ask for 1 to 50 numbers at a time");
      return;
    }
  if (!aj_server_db_grant_numbers (aj_request_get_context (req)->db, aj_request_get_store (req),
                                   aj_request_get_device_id (req), aj_request_get_scope (req), department, (int) year,
                                   count, &first, &last, &error))
    {
      aj_request_reply_gerror (req, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_string_member (reply, "department", department);
  json_object_set_int_member (reply, "year", year);
  json_object_set_int_member (reply, "first", first);
  json_object_set_int_member (reply, "last", last);
  aj_request_reply (req, 200, reply);
}
