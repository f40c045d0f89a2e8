/* aj-fuzz-registry.h: reading back an imported registry as the pages and
 * the server do; shared by the JSON and the CSV registry targets. */
#pragma once

#include "aj-fuzz.h"

#include "aj-registry.h"
#include "aj-scope.h"

static inline void
aj_fuzz_read_registry (AjStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) institutions = aj_registry_list_institutions (store, &error);
  g_autoptr(GListModel) users = NULL;

  aj_fuzz_assert (institutions != NULL, "institutions cannot be listed: %s", error->message);
  for (guint i = 0; i < g_list_model_get_n_items (institutions); i++)
    {
      g_autoptr(AjInstitution) institution = g_list_model_get_item (institutions, i);
      const char *code = aj_institution_get_code (institution);
      g_autoptr(AjInstitution) again = aj_registry_get_institution (store, code);
      const char *county_name = aj_institution_get_county (institution);
      g_autofree char *spec = county_name ? g_strdup_printf ("county:%s", county_name) : NULL;
      g_autoptr(AjScope) county = spec ? aj_scope_parse_spec (spec, NULL) : NULL;

      aj_fuzz_assert (again != NULL, "institution %s is listed but not found", code);
      (void) aj_institution_get_name (institution);
      (void) aj_institution_get_beds (institution);
      (void) aj_institution_is_low_credit (institution);
      (void) aj_institution_type_label (aj_institution_get_kind (institution));
      (void) aj_institution_matches (institution, "敬老院");
      if (county != NULL)
        (void) aj_registry_scope_allows (store, county, code);
    }

  users = aj_registry_list_users (store, &error);
  aj_fuzz_assert (users != NULL, "users cannot be listed: %s", error->message);
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(AjUser) user = g_list_model_get_item (users, i);
      g_autoptr(AjUser) again = aj_registry_get_user (store, aj_user_get_id (user));

      aj_fuzz_assert (again != NULL, "user %s is listed but not found", aj_user_get_id (user));
      (void) aj_user_role_label (aj_user_get_role (user));
      (void) aj_user_get_institution (user);
      (void) aj_registry_pin_locked_for (store, aj_user_get_id (user));
    }
}
