/* aj-registry.h: institutions and people (reference data, not events). */
#pragma once

#include <gio/gio.h>

#include <json-glib/json-glib.h>

#include "aj-department.h"
#include "aj-draw.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_INSTITUTION (aj_institution_get_type ())
G_DECLARE_FINAL_TYPE (AjInstitution, aj_institution, AJ, INSTITUTION, GObject)

#define AJ_TYPE_USER (aj_user_get_type ())
G_DECLARE_FINAL_TYPE (AjUser, aj_user, AJ, USER, GObject)

const char    *aj_institution_get_code            (AjInstitution *self);
const char    *aj_institution_get_name            (AjInstitution *self);
const char    *aj_institution_get_kind            (AjInstitution *self);
const char    *aj_institution_get_county          (AjInstitution *self);
const char    *aj_institution_get_township        (AjInstitution *self);
const char    *aj_institution_get_address         (AjInstitution *self);
int            aj_institution_get_beds            (AjInstitution *self);
const char    *aj_institution_get_head            (AjInstitution *self);
const char    *aj_institution_get_safety_officer  (AjInstitution *self);
const char    *aj_institution_get_phone           (AjInstitution *self);
gboolean       aj_institution_is_low_credit       (AjInstitution *self);
AjCreditGrade  aj_institution_get_credit          (AjInstitution *self);
const char    *aj_institution_get_ownership       (AjInstitution *self);
gboolean       aj_institution_is_fire_key_unit    (AjInstitution *self);
const char    *aj_institution_get_last_spot_check (AjInstitution *self);
const char    *aj_institution_get_department      (AjInstitution *self);
const char    *aj_institution_get_credit_code     (AjInstitution *self);
JsonObject    *aj_institution_to_json             (AjInstitution *self);
gboolean       aj_institution_matches             (AjInstitution *self,
                                                   const char    *query);

const char    *aj_institution_type_label          (const char    *type);

const char    *aj_user_get_id                     (AjUser        *self);
const char    *aj_user_get_name                   (AjUser        *self);
const char    *aj_user_get_role                   (AjUser        *self);
const char    *aj_user_get_institution            (AjUser        *self);
const char    *aj_user_get_post                   (AjUser        *self);
const char    *aj_user_role_label                 (const char    *role);

gboolean       aj_registry_import_file            (AjStore       *store,
                                                   const char    *path,
                                                   const char    *source,
                                                   GError       **error);
gboolean       aj_registry_import_data            (AjStore       *store,
                                                   const char    *text,
                                                   gsize          length,
                                                   const char    *source,
                                                   GError       **error);
gboolean       aj_registry_is_empty               (AjStore       *store);
gboolean       aj_registry_insert_institution     (AjStore       *store,
                                                   JsonObject    *row,
                                                   GError       **error);

GListModel    *aj_registry_list_institutions      (AjStore       *store,
                                                   GError       **error);
GListModel    *aj_registry_list_institutions_by_code (AjStore    *store,
                                                     GError    **error);
GListModel    *aj_registry_list_institutions_with_hazards (AjStore  *store,
                                                          GError  **error);
AjInstitution *aj_registry_get_institution        (AjStore       *store,
                                                   const char    *code);
AjDepartment  *aj_registry_get_department         (AjStore       *store,
                                                   const char    *id);
GListModel    *aj_registry_list_users             (AjStore       *store,
                                                   GError       **error);
AjUser        *aj_registry_get_user               (AjStore       *store,
                                                   const char    *id);
char          *aj_registry_hash_pin               (const char    *user_id,
                                                   const char    *pin);
gboolean       aj_registry_pin_hash_is_valid      (const char    *hash);
int            aj_registry_pin_locked_for         (AjStore       *store,
                                                   const char    *user_id);
AjUser        *aj_registry_check_pin              (AjStore       *store,
                                                   const char    *user_id,
                                                   const char    *pin,
                                                   GError       **error);

gboolean       aj_registry_change_pin             (AjStore       *store,
                                                   const char    *author,
                                                   const char    *user_id,
                                                   const char    *old_pin,
                                                   const char    *new_pin,
                                                   GError       **error);
gboolean       aj_registry_scope_allows           (AjStore       *store,
                                                   const AjScope *scope,
                                                   const char    *institution);

G_END_DECLS
