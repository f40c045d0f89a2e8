/* fuzz-qr.c: what a camera reads from a QR code, as the scan page hands it
 * on: a hazard or institution tag, a document, an enrollment. A payload
 * that names a hazard or an institution must name the same one again when
 * written back, with or without a server. */
#include "config.h"

#include "aj-fuzz.h"

#include "aj-qr.h"
#include "aj-sync.h"
#include "aj-util.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  aj_fuzz_init_logging ();
  return 0;
}

static void
check_round_trip (AjQrKind    kind,
                  const char *id)
{
  static const char * const servers[] = { NULL, "https://anjian.example.org/", "http://10.0.0.2:8080" };

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autofree char *payload = kind == AJ_QR_HAZARD ? aj_qr_hazard_payload (servers[i], id)
                                                      : aj_qr_institution_payload (servers[i], id);
      g_autofree char *again = NULL;
      AjQrKind kind_again = aj_qr_parse_payload (payload, &again);

      aj_fuzz_assert (kind_again == kind && g_strcmp0 (again, id) == 0,
                      "%s does not name %s again", payload, id);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *payload = aj_fuzz_text (data, size);
  g_autofree char *id = NULL, *kind = NULL, *inspection = NULL, *server = NULL, *code = NULL;
  AjQrKind qr_kind = aj_qr_parse_payload (payload, &id);

  aj_fuzz_assert (qr_kind == aj_qr_parse_payload (payload, NULL), "the kind depends on asking for the id");
  aj_fuzz_assert ((qr_kind == AJ_QR_NONE) == (id == NULL), "a kind without an id, or an id without a kind");
  if (qr_kind == AJ_QR_HAZARD)
    aj_fuzz_assert (aj_uuid_is_valid (id), "a hazard tag names %s, which is not a UUID", id);
  if (qr_kind != AJ_QR_NONE)
    check_round_trip (qr_kind, id);

  if (aj_qr_parse_document (payload, &kind, &inspection))
    aj_fuzz_assert (aj_uuid_is_valid (inspection), "a document names %s, which is not a UUID", inspection);
  else
    aj_fuzz_assert (kind == NULL && inspection == NULL, "a refused document left values behind");

  if (aj_sync_parse_enroll_qr (payload, &server, &code))
    aj_fuzz_assert (code != NULL, "an enrollment without a code");
  return 0;
}
