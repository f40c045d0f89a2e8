/* aj-workdays.c: a holiday calendar as plain text, one day a line:
 *   2026-10-01 holiday 国庆节
 *   2026-10-10 workday 国庆节调休上班
 * ("#" starts a comment). A day not listed is a working day from Monday to
 * Friday. The office updates the file each year when the State Council
 * publishes the next year's arrangement. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "aj-error.h"
#include "aj-util.h"
#include "aj-workdays.h"

struct _AjHolidayCalendar
{
  GHashTable *days;    /* YYYY-MM-DD → GINT_TO_POINTER (TRUE: working, FALSE: holiday) + 1 */
  GHashTable *years;   /* years the file lists a day of */
};

AjHolidayCalendar *
aj_holiday_calendar_new (void)
{
  AjHolidayCalendar *calendar = g_new0 (AjHolidayCalendar, 1);

  calendar->days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  calendar->years = g_hash_table_new (NULL, NULL);
  return calendar;
}

void
aj_holiday_calendar_free (AjHolidayCalendar *calendar)
{
  if (calendar == NULL)
    return;
  g_hash_table_unref (calendar->days);
  g_hash_table_unref (calendar->years);
  g_free (calendar);
}

/* Adds the days of @text. A bad line fails the whole text with its line
 * number; the caller then drops the calendar rather than use half a file. */
gboolean
aj_holiday_calendar_parse (AjHolidayCalendar  *calendar,
                           const char         *text,
                           gsize               length,
                           GError            **error)
{
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = NULL;

  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("The holiday calendar is not UTF-8 text"));
      return FALSE;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (guint n = 0; lines[n] != NULL; n++)
    {
      char *hash = strchr (lines[n], '#');
      g_auto(GStrv) words = NULL;
      guint n_words = 0;
      gboolean working;

      if (hash != NULL)
        *hash = '\0';
      g_strstrip (lines[n]);
      if (*lines[n] == '\0')
        continue;
      words = g_strsplit_set (lines[n], " \t", -1);
      for (guint w = 0; words[w] != NULL; w++)
        if (*words[w] != '\0')
          words[n_words++] = words[w];
      if (n_words < 2 || !aj_is_iso_date (words[0]))
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID,
                       _("line %u: expected a date (YYYY-MM-DD) and “holiday” or “workday”"), n + 1);
          return FALSE;
        }
      if (g_str_equal (words[1], "holiday"))
        working = FALSE;
      else if (g_str_equal (words[1], "workday"))
        working = TRUE;
      else
        {
          g_set_error (error, AJ_ERROR, AJ_ERROR_INVALID, _("line %u: “%s” is neither “holiday” nor “workday”"),
                       n + 1, words[1]);
          return FALSE;
        }
      g_hash_table_insert (calendar->days, g_strndup (words[0], 10), GINT_TO_POINTER (working + 1));
      g_hash_table_add (calendar->years, GINT_TO_POINTER (atoi (words[0])));
    }
  return TRUE;
}

AjHolidayCalendar *
aj_holiday_calendar_load (const char  *path,
                          GError     **error)
{
  g_autoptr(AjHolidayCalendar) calendar = aj_holiday_calendar_new ();
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (!aj_holiday_calendar_parse (calendar, text, length, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&calendar);
}

/* Whether the file lists any day of @year: a year it does not know is
 * counted with weekends alone, which the office should be told. */
gboolean
aj_holiday_calendar_covers (AjHolidayCalendar *calendar,
                            int                year)
{
  return g_hash_table_contains (calendar->years, GINT_TO_POINTER (year));
}

gboolean
aj_holiday_calendar_is_working (AjHolidayCalendar *calendar,
                                const char        *date)
{
  g_autoptr(GDateTime) day = NULL;
  g_autofree char *iso = NULL;
  gpointer listed;
  int weekday;

  if (!aj_is_iso_date (date))
    return FALSE;
  listed = g_hash_table_lookup (calendar->days, date);
  if (listed != NULL)
    return GPOINTER_TO_INT (listed) - 1;
  iso = g_strconcat (date, "T12:00:00Z", NULL);
  day = g_date_time_new_from_iso8601 (iso, NULL);
  weekday = day ? g_date_time_get_day_of_week (day) : 7;
  return weekday <= 5;
}

/* The working days after @from up to and including @to (dates, or
 * timestamps of which the date counts; 0 when @to is not after @from): a
 * check on a Friday published the next Monday took 1. */
int
aj_holiday_calendar_count (AjHolidayCalendar *calendar,
                           const char        *from,
                           const char        *to)
{
  g_autofree char *day = g_strndup (from ? from : "", 10);
  g_autofree char *last = g_strndup (to ? to : "", 10);
  int count = 0;

  if (!aj_is_iso_date (day) || !aj_is_iso_date (last))
    return 0;
  /* Bounded: ten years at most. */
  for (int i = 0; i < 3660 && g_strcmp0 (day, last) < 0; i++)
    {
      char *next = aj_date_add_days (day, 1);
      g_free (day);
      day = next;
      if (aj_holiday_calendar_is_working (calendar, day))
        count++;
    }
  return count;
}

/* Where a check stands against the 20 working days from the check to its
 * publication: counted to @published_on when published, else to @today.
 * @working_days (may be NULL) gets the count. */
AjDeadlineState
aj_publication_deadline (AjHolidayCalendar *calendar,
                         const char        *checked_on,
                         const char        *published_on,
                         const char        *today,
                         int               *working_days)
{
  int days;

  if (working_days != NULL)
    *working_days = 0;
  if (checked_on == NULL || *checked_on == '\0')
    return AJ_DEADLINE_NONE;
  days = aj_holiday_calendar_count (calendar, checked_on, published_on ? published_on : today);
  if (working_days != NULL)
    *working_days = days;
  if (days > AJ_PUBLICATION_WORKING_DAYS)
    return AJ_DEADLINE_PAST;
  if (published_on == NULL && days >= AJ_PUBLICATION_NEAR_DAYS)
    return AJ_DEADLINE_NEAR;
  return AJ_DEADLINE_IN_TIME;
}
