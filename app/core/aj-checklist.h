/* aj-checklist.h: versioned checklist templates, loaded and validated from JSON files. */
#pragma once

#include <glib-object.h>

#include "aj-reference.h"

G_BEGIN_DECLS

typedef struct
{
  char *code;
  char *name_zh;
  char *name_en;
} AjChecklistCategory;

typedef struct
{
  char     *code;
  char     *category;
  char     *question_zh;
  char     *question_en;
  char     *how_zh;
  char     *how_en;
  char     *basis_zh;
  char     *basis_en;
  gboolean  major_if_no;
  gboolean  photo_required;
  /* From version 2 of the bundled templates: the criterion of a major-hazard
   * standard the item tests (e.g. "MZ2023-4-1", NULL for none), whether that
   * criterion needs a determination by an authority or a qualified third
   * party, and the documents cited (basis_* is then built from them). */
  char       *criterion;
  gboolean    needs_determination;
  AjCitation *citations;
  guint       n_citations;
} AjChecklistItem;

#define AJ_TYPE_CHECKLIST (aj_checklist_get_type ())
G_DECLARE_FINAL_TYPE (AjChecklist, aj_checklist, AJ, CHECKLIST, GObject)

AjChecklist               *aj_checklist_load_file           (const char   *path,
                                                             GError      **error);
AjChecklist               *aj_checklist_load_data           (const char   *name,
                                                             const char   *text,
                                                             gssize        length,
                                                             GError      **error);
GPtrArray                 *aj_checklist_load_dir            (const char   *dir,
                                                             GPtrArray    *problems);

void                       aj_checklist_supersede           (AjChecklist  *newer,
                                                             AjChecklist  *older);
AjChecklist               *aj_checklist_get_edition         (AjChecklist  *self,
                                                             int           version);

const char                *aj_checklist_get_id              (AjChecklist  *self);
int                        aj_checklist_get_version         (AjChecklist  *self);
const char                *aj_checklist_get_title           (AjChecklist  *self);
const char * const        *aj_checklist_get_institution_types (AjChecklist *self);
gboolean                   aj_checklist_is_for_type         (AjChecklist  *self,
                                                             const char   *institution_type);
guint                      aj_checklist_get_n_items         (AjChecklist  *self);
const AjChecklistItem     *aj_checklist_get_item            (AjChecklist  *self,
                                                             guint         index);
const AjChecklistItem     *aj_checklist_find_item           (AjChecklist  *self,
                                                             const char   *code,
                                                             guint        *index);
guint                      aj_checklist_get_n_categories    (AjChecklist  *self);
const AjChecklistCategory *aj_checklist_get_category        (AjChecklist  *self,
                                                             guint         index);
const AjChecklistCategory *aj_checklist_find_category       (AjChecklist  *self,
                                                             const char   *code);

const char                *aj_checklist_item_get_question   (const AjChecklistItem     *item);
const char                *aj_checklist_item_get_how        (const AjChecklistItem     *item);
const char                *aj_checklist_item_get_basis      (const AjChecklistItem     *item);
const char                *aj_checklist_category_get_name   (const AjChecklistCategory *category);

G_END_DECLS
