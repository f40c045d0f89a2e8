/* fuzz-checklist.c: a checklist template as an administrator publishes it
 * and a kiosk loads it (aj_checklist_load_data), from bytes that are not
 * NUL-terminated; a template that loads is read as the pages read it. */
#include "config.h"

#include "aj-fuzz.h"

#include "aj-checklist.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  aj_fuzz_init_logging ();
  return 0;
}

static void
read_template (AjChecklist *checklist)
{
  const char * const *types = aj_checklist_get_institution_types (checklist);

  (void) aj_checklist_get_id (checklist);
  (void) aj_checklist_get_version (checklist);
  (void) aj_checklist_get_title (checklist);
  for (guint i = 0; types != NULL && types[i] != NULL; i++)
    aj_fuzz_assert (aj_checklist_is_for_type (checklist, types[i]), "a template is not for its own type %s", types[i]);

  for (guint i = 0; i < aj_checklist_get_n_categories (checklist); i++)
    {
      const AjChecklistCategory *category = aj_checklist_get_category (checklist, i);

      aj_fuzz_assert (category != NULL && category->code != NULL, "category %u is missing", i);
      (void) aj_checklist_category_get_name (category);
      aj_fuzz_assert (aj_checklist_find_category (checklist, category->code) != NULL,
                      "category %s is not found by its code", category->code);
    }
  for (guint i = 0; i < aj_checklist_get_n_items (checklist); i++)
    {
      const AjChecklistItem *item = aj_checklist_get_item (checklist, i);
      guint index = G_MAXUINT;

      aj_fuzz_assert (item != NULL && item->code != NULL, "item %u is missing", i);
      (void) aj_checklist_item_get_question (item);
      (void) aj_checklist_item_get_how (item);
      (void) aj_checklist_item_get_basis (item);
      aj_fuzz_assert (aj_checklist_find_item (checklist, item->code, &index) != NULL,
                      "item %s is not found by its code", item->code);
      if (item->category != NULL)
        (void) aj_checklist_find_category (checklist, item->category);
      aj_fuzz_assert (!item->needs_determination || item->criterion != NULL,
                      "item %s needs a determination without a criterion", item->code);
      for (guint c = 0; c < item->n_citations; c++)
        aj_fuzz_assert (aj_reference_find (item->citations[c].ref) != NULL,
                        "item %s cites %s, not in the reference list", item->code, item->citations[c].ref);
    }
  aj_fuzz_assert (aj_checklist_get_edition (checklist, aj_checklist_get_version (checklist)) == checklist,
                  "a template is not its own edition");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AjChecklist) checklist = NULL;

  if (size > G_MAXSSIZE)
    return 0;
  checklist = aj_checklist_load_data ("fuzz.json", (const char *) data, (gssize) size, &error);
  aj_fuzz_assert ((checklist == NULL) == (error != NULL), "loading: result and error disagree");
  if (checklist != NULL)
    read_template (checklist);
  return 0;
}
