/* aj-signature.c: a signature is a PNG blob named by its SHA-256, named in a
 * signature.added event (so sync carries it like a photo). A refusal to
 * sign is recorded the same way, with its reason and no image. */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-db.h"
#include "aj-store-private.h"
#include "aj-error.h"
#include "aj-photo.h"
#include "aj-signature.h"
#include "aj-util.h"

void
aj_signature_free (AjSignature *s)
{
  if (s == NULL)
    return;
  g_free (s->event_id);
  g_free (s->subject);
  g_free (s->role);
  g_free (s->signer);
  g_free (s->sha256);
  g_free (s->reason);
  g_free (s->at);
  g_free (s);
}

const char *
aj_signature_role_label (const char *role)
{
  if (g_strcmp0 (role, "inspector") == 0)
    return _("Inspector");
  if (g_strcmp0 (role, "institution") == 0)
    return _("Institution representative");
  return role ? role : "";
}

gboolean
aj_signature_store_png (const char    *blob_dir,
                        const guint8  *png,
                        gsize          length,
                        char           sha256[65],
                        GError       **error)
{
  g_autofree char *sha = aj_sha256_hex (png, length);
  g_autofree char *path = aj_photo_blob_path (blob_dir, sha);

  if (length < 8 || memcmp (png, "\x89PNG", 4) != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The signature image is not a PNG"));
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !aj_write_file_durably (path, png, length, error))
    return FALSE;
  memcpy (sha256, sha, 65);
  return TRUE;
}

char *
aj_signature_record (AjStore     *store,
                     const char  *author,
                     const char  *subject,
                     const char  *role,
                     const char  *signer,
                     const char  *sha256,
                     const char  *refusal_reason,
                     GError     **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autofree char *at = aj_now_iso8601 ();
  gboolean refused = refusal_reason != NULL;

  if (g_strcmp0 (role, "inspector") != 0 && g_strcmp0 (role, "institution") != 0)
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("A signature is by the inspector or the institution"));
      return NULL;
    }
  if (signer == NULL || strspn (signer, " \t\n") == strlen (signer))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Enter the name of the person signing."));
      return NULL;
    }
  if (refused && *refusal_reason == '\0')
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Give the reason for refusing to sign."));
      return NULL;
    }
  if (!refused && !aj_is_sha256_hex (sha256))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("Sign in the box first."));
      return NULL;
    }
  json_object_set_string_member (body, "role", role);
  json_object_set_string_member (body, "signer", signer);
  if (refused)
    {
      json_object_set_boolean_member (body, "refused", TRUE);
      json_object_set_string_member (body, "reason", refusal_reason);
    }
  else
    json_object_set_string_member (body, "sha256", sha256);
  json_object_set_string_member (body, "at", at);
  return aj_store_append (store, "signature.added", subject, author, body, error);
}

GPtrArray *
aj_signature_list (AjStore    *store,
                   const char *subject)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) aj_signature_free);
  g_autoptr(sqlite3_stmt) stmt = aj_db_prepare (aj_store_get_db (store),
      "SELECT event_id, subject, role, signer, sha256, refused, reason, at FROM signatures "
      "WHERE subject = ? ORDER BY at, event_id", NULL);

  aj_db_bind_text (stmt, 1, subject);
  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    {
      AjSignature *s = g_new0 (AjSignature, 1);
      s->event_id = aj_db_col_dup (stmt, 0);
      s->subject = aj_db_col_dup (stmt, 1);
      s->role = aj_db_col_dup (stmt, 2);
      s->signer = aj_db_col_dup (stmt, 3);
      s->sha256 = aj_db_col_dup (stmt, 4);
      s->refused = sqlite3_column_int (stmt, 5);
      s->reason = aj_db_col_dup (stmt, 6);
      s->at = aj_db_col_dup (stmt, 7);
      g_ptr_array_add (list, s);
    }
  return list;
}
