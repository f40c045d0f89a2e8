/* test-qr.c: what the tags say, how the kiosk reads them back, and that a
 * real decoder (zbarimg) reads the rendered code as the exact payload. */
#include "config.h"

#include <string.h>

#include "aj-qr.h"
#include "aj-util.h"

#include "aj-test-util.h"

#define HAZARD_ID "0190a6e2-7c1a-7b3e-8f00-123456789abc"

static void
test_hazard_payload (void)
{
  g_autofree char *offline = aj_qr_hazard_payload (NULL, HAZARD_ID);
  g_autofree char *empty = aj_qr_hazard_payload ("", HAZARD_ID);
  g_autofree char *server = aj_qr_hazard_payload ("https://aj.example.org", HAZARD_ID);
  g_autofree char *slash = aj_qr_hazard_payload ("https://aj.example.org//", HAZARD_ID);
  g_autofree char *sub = aj_qr_hazard_payload ("http://10.0.0.5:8080/anjian/", HAZARD_ID);

  g_test_summary ("A hazard tag reads anjian:h/ID offline and SERVER/h/ID with a server, slashes tidied");

  g_assert_cmpstr (offline, ==, "anjian:h/" HAZARD_ID);
  g_assert_cmpstr (empty, ==, "anjian:h/" HAZARD_ID);
  g_assert_cmpstr (server, ==, "https://aj.example.org/h/" HAZARD_ID);
  g_assert_cmpstr (slash, ==, "https://aj.example.org/h/" HAZARD_ID);
  g_assert_cmpstr (sub, ==, "http://10.0.0.5:8080/anjian/h/" HAZARD_ID);
}

static void
check_parse (const char *payload,
             AjQrKind    kind,
             const char *id)
{
  g_autofree char *parsed = NULL;
  AjQrKind got = aj_qr_parse_payload (payload, &parsed);

  if (got != kind)
    g_error ("“%s” parsed as kind %d, expected %d", payload, got, kind);
  g_assert_cmpstr (parsed, ==, id);
  /* The id is optional. */
  g_assert_cmpint (aj_qr_parse_payload (payload, NULL), ==, kind);
}

static void
test_parse_round_trip (void)
{
  g_autofree char *fresh = aj_uuid7_new ();
  const char *servers[] = { NULL, "https://aj.example.org", "http://10.0.0.5:8080/anjian/" };

  g_test_summary ("Every hazard and institution payload the kiosk writes parses back to its kind and id");

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *hazard = aj_qr_hazard_payload (servers[i], fresh);
      g_autofree char *institution = aj_qr_institution_payload (servers[i], "DLX001");
      g_autofree char *underscore = aj_qr_institution_payload (servers[i], "NHQ_00-6");

      check_parse (hazard, AJ_QR_HAZARD, fresh);
      check_parse (institution, AJ_QR_INSTITUTION, "DLX001");
      check_parse (underscore, AJ_QR_INSTITUTION, "NHQ_00-6");
    }
  check_parse ("anjian:i/DLX001", AJ_QR_INSTITUTION, "DLX001");
  check_parse ("https://x/h/" HAZARD_ID, AJ_QR_HAZARD, HAZARD_ID);
}

static void
test_parse_rejects (void)
{
  const char *junk[] = {
    "hello",
    "",
    "anjian:",
    "anjian:h/",
    "anjian:h/not-a-uuid",
    "anjian:h/" HAZARD_ID "/more",
    "anjian:x/" HAZARD_ID,
    "https://x/h/..",
    "https://x/h/",
    "https://x/xh/" HAZARD_ID,
    "https://x/h/" HAZARD_ID "/",
    "ftp://x/h/" HAZARD_ID,
    "anjian:i/bad code!",
    "anjian:i/",
    "anjian:i/" "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",   /* longer than any code */
    "ANJIAN:h/" HAZARD_ID,
  };

  g_test_summary ("Payloads that are not exactly an Anjian hazard or institution tag parse as nothing");

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    check_parse (junk[i], AJ_QR_NONE, NULL);
  check_parse (NULL, AJ_QR_NONE, NULL);
}

static void
test_render (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) small = aj_qr_render ("anjian:h/" HAZARD_ID, 1, &error);
  g_autoptr(GdkPixbuf) big = NULL;
  const guint8 *pixels;
  int n, stride;

  g_test_summary ("A rendered code is square, scales with the module size and has a white quiet zone");

  g_assert_no_error (error);
  g_assert_nonnull (small);
  big = aj_qr_render ("anjian:h/" HAZARD_ID, 6, &error);
  g_assert_no_error (error);

  /* Square, scaled by the module size, with a white quiet zone of four modules. */
  g_assert_cmpint (gdk_pixbuf_get_width (small), ==, gdk_pixbuf_get_height (small));
  g_assert_cmpint (gdk_pixbuf_get_width (big), ==, 6 * gdk_pixbuf_get_width (small));
  g_assert_cmpint (gdk_pixbuf_get_width (small), >=, 21 + 8);

  pixels = gdk_pixbuf_read_pixels (small);
  n = gdk_pixbuf_get_n_channels (small);
  stride = gdk_pixbuf_get_rowstride (small);
  g_assert_cmpint (pixels[0], ==, 255);                    /* quiet zone */
  g_assert_cmpint (pixels[4 * stride + 4 * n], ==, 0);     /* finder pattern corner */
}

static void
check_zbarimg (AjTestFolder *f,
               const char   *payload)
{
  const char *zbarimg = g_getenv ("ZBARIMG");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize len;
  int status = 0;

  path = g_build_filename (f->dir, "tag.png", NULL);
  g_assert_true (aj_qr_save_png (payload, 4, path, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { zbarimg, "--raw", "-q", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("zbarimg failed on “%s”: %s\n%s", payload, error->message, err);

  len = strlen (out);
  if (len > 0 && out[len - 1] == '\n')
    out[len - 1] = '\0';
  g_assert_cmpstr (out, ==, payload);
}

static gboolean
have_zbarimg (void)
{
  const char *zbarimg = g_getenv ("ZBARIMG");

  if (zbarimg == NULL || *zbarimg == '\0')
    {
      g_test_skip ("zbarimg not found; install zbar-tools to check that the codes scan");
      return FALSE;
    }
  return TRUE;
}

static void
test_zbar_hazard_offline (AjTestFolder  *f,
                          gconstpointer  test_data)
{
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *payload = aj_qr_hazard_payload (NULL, id);

  g_test_summary ("zbarimg reads an offline hazard tag as exactly its payload");

  if (have_zbarimg ())
    check_zbarimg (f, payload);
}

static void
test_zbar_hazard_server (AjTestFolder  *f,
                         gconstpointer  test_data)
{
  g_autofree char *id = aj_uuid7_new ();
  g_autofree char *payload = aj_qr_hazard_payload ("https://anjian.qingshan.gov.cn:8443/", id);

  g_test_summary ("zbarimg reads a hazard tag with a server address as exactly its payload");

  if (have_zbarimg ())
    check_zbarimg (f, payload);
}

static void
test_zbar_institution (AjTestFolder  *f,
                       gconstpointer  test_data)
{
  g_autofree char *offline = aj_qr_institution_payload (NULL, "DLX001");
  g_autofree char *server = aj_qr_institution_payload ("https://anjian.qingshan.gov.cn", "NHQ006");

  g_test_summary ("zbarimg reads institution tags, offline and with a server, as exactly their payloads");

  if (have_zbarimg ())
    {
      check_zbarimg (f, offline);
      check_zbarimg (f, server);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/qr/hazard-payload", test_hazard_payload);
  g_test_add_func ("/qr/parse-round-trip", test_parse_round_trip);
  g_test_add_func ("/qr/parse-rejects-junk", test_parse_rejects);
  g_test_add_func ("/qr/render", test_render);
  aj_test_add_in_folder ("/qr/zbarimg-reads-hazard-offline", test_zbar_hazard_offline);
  aj_test_add_in_folder ("/qr/zbarimg-reads-hazard-server", test_zbar_hazard_server);
  aj_test_add_in_folder ("/qr/zbarimg-reads-institution", test_zbar_institution);

  return g_test_run ();
}
