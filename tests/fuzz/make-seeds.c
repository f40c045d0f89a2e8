/* make-seeds.c: writes the fuzz targets' event seeds from core calls, as an
 * honest kiosk makes them: an inspection with answers, photos, a signature and
 * hazards, then the closed loop of one hazard. The first part becomes the
 * state the push target's server holds (state/push-state.json); the rest, the
 * batches pushed on top of it (corpus/push) and the codec's batches
 * (corpus/codec); QR payloads name the same hazard (corpus/qr).
 * usage: fuzz-make-seeds <tests/fuzz folder>  (README.md) */
#include "config.h"

#include <glib/gstdio.h>

#include "aj-checklist.h"
#include "aj-codec.h"
#include "aj-hazard.h"
#include "aj-hazard-steps.h"
#include "aj-inspection.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-signature.h"
#include "aj-store.h"
#include "aj-util.h"

#define INSPECTOR "u-zhang-wei"
#define STAFF     "u-li-chunmei"     /* institution_staff of DLX001 */

static void
check (gboolean  ok,
       GError   *error)
{
  if (!ok)
    g_error ("%s", error ? error->message : "failed");
}

static void
write_text (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_mkdir_with_parents (dir, 0755);
  check (g_file_set_contents (path, text, -1, &error), error);
  g_print ("%s\n", path);
}

/* Events [from, to) of @events as one batch. */
static char *
batch (GPtrArray *events,
       guint      from,
       guint      to,
       gboolean   with_server_seq)
{
  g_autoptr(GPtrArray) part = g_ptr_array_new ();

  for (guint i = from; i < to && i < events->len; i++)
    g_ptr_array_add (part, g_ptr_array_index (events, i));
  return aj_events_to_batch (part, with_server_seq);
}

static AjPhotoInfo
photo_info (const char *seed,
            gboolean    located)
{
  AjPhotoInfo info = { .width = 2048, .height = 1536, .bytes = 412345, .stamped = TRUE };
  g_autofree char *sha = aj_sha256_hex (seed, strlen (seed));

  g_strlcpy (info.sha256, sha, sizeof info.sha256);
  g_strlcpy (info.source, "camera", sizeof info.source);
  if (located)
    {
      info.located = TRUE;
      info.latitude = 35.1041;
      info.longitude = 118.3564;
      info.accuracy = 12.5;
    }
  return info;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = NULL, *db = NULL, *registry = NULL, *template = NULL;
  g_autofree char *inspection = NULL, *hazard = NULL, *hazard2 = NULL, *photo = NULL, *photo2 = NULL;
  g_autofree char *codec = NULL, *push = NULL, *qr = NULL, *state = NULL;
  g_autoptr(AjStore) store = NULL;
  g_autoptr(AjChecklist) checklist = NULL;
  g_autoptr(AjUser) inspector = NULL, staff = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *photo_sha = NULL, *evidence_sha = NULL;
  const char *evidence[2] = { NULL, NULL };
  AjHazardDraft draft = {
    .item_code = "EC-FIRE-01", .category = "fire", .description = "安全出口被铁链锁住 / exit chained shut",
    .location = "二楼东侧", .risk_level = "red", .grade = "major", .suggestion = "立即拆除铁链",
    .deadline = "2027-01-15", .responsible = "王建国",
  };
  AjHazardDraft draft2 = {
    .item_code = "EC-FIRE-01", .category = "fire", .description = "灭火器过期",
    .risk_level = "yellow", .grade = "general", .deadline = "2027-02-01",
  };
  AjPhotoInfo info = photo_info ("photo-1", TRUE), info2 = photo_info ("photo-2", FALSE);
  AjPhotoInfo info3 = photo_info ("evidence-1", FALSE);
  AjStepInput order = { .measures = "拆除铁链，每日巡查", .responsible = "王建国", .deadline = "2027-01-15",
                        .funds = "500 元", .contingency_plan = "夜间专人值守" };
  AjStepInput rectify = { .note = "铁链已拆除" };
  AjStepInput reject = { .accepted = FALSE, .opinion = "门仍不能完全打开" };
  AjStepInput verify = { .accepted = TRUE, .opinion = "门可自由开启" };
  AjStepInput reopen = { .reason = "复查时又发现锁链" };
  guint held;
  const char *servers[] = { "https://anjian.example.org", "http://192.168.1.20:8080/", "https://a.b/c/d" };

  if (argc != 2)
    {
      g_printerr ("usage: %s <tests/fuzz folder>\n", argv[0]);
      return 2;
    }
  codec = g_build_filename (argv[1], "corpus", "codec", NULL);
  push = g_build_filename (argv[1], "corpus", "push", NULL);
  qr = g_build_filename (argv[1], "corpus", "qr", NULL);
  state = g_build_filename (argv[1], "state", NULL);

  tmp = g_dir_make_tmp ("anjian-seeds-XXXXXX", &error);
  check (tmp != NULL, error);
  db = g_build_filename (tmp, "anjian.db", NULL);
  registry = g_build_filename (ANJIAN_SOURCE_DATADIR, "registry.json", NULL);
  template = g_build_filename (ANJIAN_SOURCE_DATADIR, "checklists", "elder-care.json", NULL);
  store = aj_store_open (db, &error);
  check (store != NULL, error);
  check (aj_registry_import_file (store, registry, "seeds", &error), error);
  checklist = aj_checklist_load_file (template, &error);
  check (checklist != NULL, error);
  inspector = aj_registry_get_user (store, INSPECTOR);
  staff = aj_registry_get_user (store, STAFF);

  /* The inspection, up to its end: what the server holds already. */
  inspection = aj_inspection_start (store, INSPECTOR, "DLX001", "field", checklist, &error);
  check (inspection != NULL, error);
  for (guint i = 0; i < 3 && i < aj_checklist_get_n_items (checklist); i++)
    check (aj_inspection_answer (store, INSPECTOR, inspection, aj_checklist_get_item (checklist, i)->code,
                                 i == 0 ? "hazard" : i == 1 ? "pass" : "na", i == 2 ? "不适用：无厨房" : NULL,
                                 &error), error);
  draft.inspection_id = inspection;
  draft2.inspection_id = inspection;
  hazard = aj_hazard_save_sheet (store, INSPECTOR, NULL, &draft, &error);
  check (hazard != NULL, error);
  hazard2 = aj_hazard_save_sheet (store, INSPECTOR, NULL, &draft2, &error);
  check (hazard2 != NULL, error);
  draft.description = "安全出口被铁链锁住，钥匙不在值班室";
  check (aj_hazard_update (store, INSPECTOR, hazard, &draft, &error), error);
  photo = aj_inspection_add_photo (store, INSPECTOR, inspection, "EC-FIRE-01", hazard, &info, &error);
  check (photo != NULL, error);
  photo2 = aj_inspection_add_photo (store, INSPECTOR, inspection, NULL, NULL, &info2, &error);
  check (photo2 != NULL, error);
  check (aj_inspection_withdraw_photo (store, INSPECTOR, photo2, "拍错了机构", &error), error);
  check (aj_hazard_withdraw (store, INSPECTOR, hazard2, "已当场整改", &error), error);
  photo_sha = aj_sha256_hex ("signature", 9);
  g_free (aj_signature_record (store, INSPECTOR, inspection, "inspector", "张伟", photo_sha, NULL, &error));
  check (error == NULL, error);
  g_free (aj_signature_record (store, INSPECTOR, inspection, "institution", "王建国", NULL, "负责人不在", &error));
  check (error == NULL, error);
  check (aj_inspection_finish (store, INSPECTOR, inspection, &error), error);
  events = aj_store_list_device_events (store, aj_store_get_device_id (store), &error);
  check (events != NULL, error);
  held = events->len;
  g_clear_pointer (&events, g_ptr_array_unref);

  /* The closed loop, rejected once, closed, and found again. */
  evidence_sha = g_strdup (info3.sha256);
  evidence[0] = evidence_sha;
  rectify.photos = evidence;
  g_free (aj_hazard_step (store, inspector, hazard, AJ_STEP_ORDER, &order, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, staff, hazard, AJ_STEP_RECTIFY, &rectify, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, inspector, hazard, AJ_STEP_VERIFY, &reject, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, staff, hazard, AJ_STEP_RECTIFY, &rectify, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, inspector, hazard, AJ_STEP_VERIFY, &verify, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, inspector, hazard, AJ_STEP_CLOSE, NULL, &error));
  check (error == NULL, error);
  g_free (aj_hazard_step (store, inspector, hazard, AJ_STEP_REOPEN, &reopen, &error));
  check (error == NULL, error);

  events = aj_store_list_device_events (store, aj_store_get_device_id (store), &error);
  check (events != NULL, error);

  /* push: the server holds the inspection; each seed pushes the loop, or a part of it. */
  {
    g_autofree char *held_batch = batch (events, 0, held, FALSE);
    write_text (state, "push-state.json", held_batch);
  }
  for (guint i = held; i < events->len; i++)
    {
      g_autofree char *name = g_strdup_printf ("step-%02u.json", i - held + 1);
      g_autofree char *text = batch (events, held, i + 1, FALSE);
      write_text (push, name, text);
    }

  /* codec: the whole log as a pull answer (server_seq) and each event alone. */
  {
    g_autofree char *all = batch (events, 0, events->len, TRUE);
    write_text (codec, "log-pulled.json", all);
  }
  for (guint i = 0; i < events->len; i++)
    {
      AjEvent *ev = g_ptr_array_index (events, i);
      g_autofree char *name = g_strdup_printf ("event-%02u-%s.json", i + 1, ev->type);
      g_autofree char *text = batch (events, i, i + 1, FALSE);
      write_text (codec, name, text);
    }

  /* qr: the tags and documents an inspector scans. */
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *h = aj_qr_hazard_payload (servers[i], hazard);
      g_autofree char *in = aj_qr_institution_payload (servers[i], "DLX001");
      g_autofree char *name_h = g_strdup_printf ("hazard-url-%u", i + 1);
      g_autofree char *name_i = g_strdup_printf ("institution-url-%u", i + 1);
      write_text (qr, name_h, h);
      write_text (qr, name_i, in);
    }
  {
    g_autofree char *h = aj_qr_hazard_payload (NULL, hazard);
    g_autofree char *in = aj_qr_institution_payload (NULL, "XHX001");
    g_autofree char *d1 = g_strdup_printf ("anjian:d/inspection/%s", inspection);
    g_autofree char *d2 = g_strdup_printf ("https://anjian.example.org/d/notice/%s", inspection);
    g_autofree char *d3 = g_strdup_printf ("anjian:d/verification/%s", inspection);
    write_text (qr, "hazard-local", h);
    write_text (qr, "institution-local", in);
    write_text (qr, "document-inspection", d1);
    write_text (qr, "document-notice-url", d2);
    write_text (qr, "document-verification", d3);
    write_text (qr, "enroll", "anjian:enroll?server=https%3A%2F%2Fanjian.example.org&code=K7QF-2M9X-TC4H-PW8D");
    write_text (qr, "enroll-code-only", "anjian:enroll?code=K7QF2M9XTC4HPW8D");
  }

  g_clear_object (&store);
  {
    g_autoptr(GDir) dir = g_dir_open (tmp, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp, name, NULL);
        g_remove (path);
      }
    g_rmdir (tmp);
  }
  return 0;
}
