/* aj-server-html.h: the only way the server writes HTML. Text goes in
 * through aj_html_text () and its kin, which escape it; markup only as
 * string literals written in the program (aj_html_markup () does not
 * compile with anything else) or as a template compiled into it. So no
 * value from a device, a registry or a request can reach a page as markup. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AjHtml AjHtml;

/* A template slot: text (escaped) or a fragment built with AjHtml. */
typedef struct
{
  const char   *name;
  const char   *text;
  const AjHtml *markup;
} AjHtmlSlot;

/* A file of ui/web, compiled into the server (the style sheet). */
GBytes     *aj_html_web_resource           (const char    *name);

AjHtml     *aj_html_new                    (void);
void        aj_html_free                   (AjHtml        *html);
GBytes     *aj_html_free_to_bytes          (AjHtml        *html);
const char *aj_html_peek                   (const AjHtml  *html);

void        aj_html_text                   (AjHtml        *html,
                                            const char    *text);
void        aj_html_textf                  (AjHtml        *html,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (2, 3);
void        aj_html_append                 (AjHtml        *html,
                                            const AjHtml  *fragment);

/* Literals only: "" x "" is a compile error unless x is a string literal. */
#define aj_html_markup(html, literal) \
  aj_html_append_literal_ ((html), "" literal "")
/* ` name="value"`, the value escaped. */
#define aj_html_attr(html, name, value) \
  aj_html_append_attr_ ((html), "" name "", (value))
/* A template from the server's compiled-in resources, its {{slots}}
 * filled from @slots (NULL-named entry last); an unknown slot is empty. */
#define aj_html_template(html, resource, slots) \
  aj_html_append_template_ ((html), "" resource "", (slots))

/* Behind the macros above; never call them directly. */
void        aj_html_append_literal_        (AjHtml           *html,
                                            const char       *literal);
void        aj_html_append_attr_           (AjHtml           *html,
                                            const char       *name,
                                            const char       *value);
void        aj_html_append_template_       (AjHtml           *html,
                                            const char       *resource,
                                            const AjHtmlSlot *slots);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjHtml, aj_html_free)

G_END_DECLS
