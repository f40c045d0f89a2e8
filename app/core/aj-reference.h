/* aj-reference.h: the documents checklists cite (data/references.json, built
 * into the core), and the basis text made from a citation of one of them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char     *id;
  char     *kind;        /* law, regulation, rule, standard, normative */
  char     *title_zh;
  char     *title_en;
  char     *issuer_zh;
  char     *issuer_en;
  char     *number;      /* 文号 / 标准号, NULL where none was verified */
  char     *date;        /* YYYY-MM-DD or NULL */
  gboolean  verified;
} AjReference;

/* One citation in a checklist item: a reference id, a clause within it
 * (NULL: the document as a whole) and whether the document is applied by
 * analogy (参照) to a kind of institution it was not written for. */
typedef struct
{
  char     *ref;
  char     *clause;
  gboolean  analogy;
} AjCitation;

guint              aj_reference_get_n          (void);
const AjReference *aj_reference_get            (guint              index);
const AjReference *aj_reference_find           (const char        *id);
gboolean           aj_reference_kind_needs_number (const char     *kind);

char              *aj_citation_format          (const AjCitation  *citation,
                                                gboolean           chinese);
char              *aj_citations_format         (const AjCitation  *citations,
                                                guint              n_citations,
                                                gboolean           chinese);
char              *aj_citations_format_merged  (const AjCitation * const *citations,
                                                guint              n_citations,
                                                gboolean           chinese);

G_END_DECLS
