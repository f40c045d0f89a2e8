/* aj-server-html.c: an HTML builder whose only way in for text is escaping
 * (see aj-server-html.h). */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "aj-server-html.h"
#include "anjian-web-resources.h"

struct _AjHtml
{
  GString *out;
};

AjHtml *
aj_html_new (void)
{
  AjHtml *html = g_new0 (AjHtml, 1);

  html->out = g_string_new (NULL);
  return html;
}

void
aj_html_free (AjHtml *html)
{
  g_string_free (html->out, TRUE);
  g_free (html);
}

GBytes *
aj_html_free_to_bytes (AjHtml *html)
{
  GBytes *bytes = g_string_free_to_bytes (html->out);

  g_free (html);
  return bytes;
}

const char *
aj_html_peek (const AjHtml *html)
{
  return html->out->str;
}

/* Escaped for text and for quoted attribute values alike (& < > " '). */
void
aj_html_text (AjHtml     *html,
              const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return;
  valid = g_utf8_make_valid (text, -1);
  escaped = g_markup_escape_text (valid, -1);
  g_string_append (html->out, escaped);
}

void
aj_html_textf (AjHtml     *html,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  aj_html_text (html, text);
}

void
aj_html_append (AjHtml       *html,
                const AjHtml *fragment)
{
  g_string_append_len (html->out, fragment->out->str, fragment->out->len);
}

void
aj_html_append_literal_ (AjHtml     *html,
                         const char *literal)
{
  g_string_append (html->out, literal);
}

void
aj_html_append_attr_ (AjHtml     *html,
                      const char *name,
                      const char *value)
{
  g_string_append_printf (html->out, " %s=\"", name);
  aj_html_text (html, value ? value : "");
  g_string_append_c (html->out, '"');
}

GBytes *
aj_html_web_resource (const char *name)
{
  static gsize registered;
  g_autofree char *path = g_strconcat ("/org/anjian/Server/", name, NULL);

  if (g_once_init_enter (&registered))
    {
      aj_web_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return g_resources_lookup_data (path, 0, NULL);
}

void
aj_html_append_template_ (AjHtml           *html,
                          const char       *resource,
                          const AjHtmlSlot *slots)
{
  g_autoptr(GBytes) bytes = aj_html_web_resource (resource);
  g_autofree char *template = NULL;
  const char *p;

  g_return_if_fail (bytes != NULL);
  template = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  p = template;
  while (*p)
    {
      const char *open = strstr (p, "{{");
      const char *close = open ? strstr (open, "}}") : NULL;
      g_autofree char *name = NULL;

      if (open == NULL || close == NULL)
        {
          g_string_append (html->out, p);
          break;
        }
      g_string_append_len (html->out, p, open - p);
      name = g_strndup (open + 2, close - open - 2);
      for (guint i = 0; slots && slots[i].name; i++)
        if (g_str_equal (slots[i].name, name))
          {
            if (slots[i].markup != NULL)
              aj_html_append (html, slots[i].markup);
            else
              aj_html_text (html, slots[i].text);
            break;
          }
      p = close + 2;
    }
}
