/* aj-doc-number.c: document numbers and credit codes as text. A number
 * is the department's prefix, the year in 〔〕 and the sequence with 号; a
 * device-tagged number puts the device's tag and a dash before the sequence
 * so that no two devices can make the same one. Pure: no store. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aj-doc-number.h"
#include "aj-util.h"

#define OPEN  "〔"
#define CLOSE "〕"
#define HAO   "号"

char *
aj_doc_number_format (const char *prefix,
                      int         year,
                      gint64      seq)
{
  return g_strdup_printf ("%s" OPEN "%d" CLOSE "%" G_GINT64_FORMAT HAO, prefix, year, seq);
}

char *
aj_doc_number_format_tagged (const char *prefix,
                             int         year,
                             const char *device_tag,
                             gint64      seq)
{
  return g_strdup_printf ("%s" OPEN "%d" CLOSE "%s-%" G_GINT64_FORMAT HAO, prefix, year, device_tag, seq);
}

/* Eight characters of the SHA-256 of the device id, upper case: what a
 * person can read out on the phone, and what the server checks. */
char *
aj_doc_number_device_tag (const char *device_id)
{
  g_autofree char *hash = aj_sha256_hex (device_id, strlen (device_id));

  return g_ascii_strup (hash, 8);
}

static gboolean
all_digits (const char *s,
            gsize       n)
{
  if (n == 0 || n > 9)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Splits @number made with @prefix into its year, its tag (NULL for a
 * granted number) and its sequence. FALSE when it is not such a number. */
gboolean
aj_doc_number_parse (const char  *number,
                     const char  *prefix,
                     int         *year,
                     char       **device_tag,
                     gint64      *seq)
{
  const char *p, *close, *end, *dash;
  gsize prefix_len = strlen (prefix);

  *device_tag = NULL;
  if (number == NULL || strncmp (number, prefix, prefix_len) != 0)
    return FALSE;
  p = number + prefix_len;
  if (!g_str_has_prefix (p, OPEN))
    return FALSE;
  p += strlen (OPEN);
  close = strstr (p, CLOSE);
  if (close == NULL || close - p != 4 || !all_digits (p, 4))
    return FALSE;
  *year = atoi (p);
  p = close + strlen (CLOSE);
  if (!g_str_has_suffix (p, HAO))
    return FALSE;
  end = p + strlen (p) - strlen (HAO);
  dash = memchr (p, '-', end - p);
  if (dash != NULL)
    {
      if (dash - p != 8)
        return FALSE;
      for (const char *t = p; t < dash; t++)
        if (!g_ascii_isdigit (*t) && !(*t >= 'A' && *t <= 'F'))
          return FALSE;
      p = dash + 1;
    }
  if (!all_digits (p, end - p) || *p == '0')
    return FALSE;
  *seq = g_ascii_strtoll (p, NULL, 10);
  if (dash != NULL)
    *device_tag = g_strndup (dash - 8, 8);
  return TRUE;
}

/* Documents are dated in China time, whatever the device's zone. */
char *
aj_doc_number_china_today (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+08:00");
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);

  return g_date_time_format (now, "%Y-%m-%d");
}

int
aj_doc_number_year_of (const char *iso_date)
{
  return aj_is_iso_date (iso_date) ? atoi (iso_date) : 0;
}

/* GB 32100-2015: 18 characters of 0-9 and the letters without I, O, S, V
 * and Z; the 18th is 31 - (Σ value × 3^(i-1) mod 31) mod 31 over the first
 * 17, as a character of the same set. */
static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char
aj_credit_code_check_char (const char *first17)
{
  int sum = 0, weight = 1;

  for (int i = 0; i < 17; i++)
    {
      const char *at = first17[i] ? strchr (credit_chars, first17[i]) : NULL;
      if (at == NULL)
        return '\0';
      sum += (int) (at - credit_chars) * weight;
      weight = weight * 3 % 31;
    }
  return credit_chars[(31 - sum % 31) % 31];
}

gboolean
aj_credit_code_is_valid (const char *code)
{
  if (code == NULL || strlen (code) != 18)
    return FALSE;
  /* The registration authority's division code (3rd to 8th) is digits. */
  for (int i = 2; i < 8; i++)
    if (!g_ascii_isdigit (code[i]))
      return FALSE;
  return aj_credit_code_check_char (code) == code[17];
}
