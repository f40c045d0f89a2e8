/* aj-signature.h: signatures (or refusals to sign) on an inspection or a verification. */
#pragma once

#include <glib.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef struct
{
  char     *event_id;
  char     *subject;
  char     *role;
  char     *signer;
  char     *sha256;
  gboolean  refused;
  char     *reason;
  char     *at;
} AjSignature;

void       aj_signature_free     (AjSignature  *signature);
gboolean   aj_signature_store_png (const char  *blob_dir,
                                   const guint8 *png,
                                   gsize         length,
                                   char          sha256[65],
                                   GError      **error);
char      *aj_signature_record   (AjStore      *store,
                                  const char   *author,
                                  const char   *subject,
                                  const char   *role,
                                  const char   *signer,
                                  const char   *sha256,
                                  const char   *refusal_reason,
                                  GError      **error);
GPtrArray *aj_signature_list     (AjStore      *store,
                                  const char   *subject);
const char *aj_signature_role_label (const char *role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjSignature, aj_signature_free)

G_END_DECLS
