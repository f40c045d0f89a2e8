/* aj-workdays.h: working days under a holiday calendar (法定节假日 and the
 * weekend days made working days, 调休), read from a file the office keeps. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* DOMAIN.md: results are published within 20 working days of the check. */
#define AJ_PUBLICATION_WORKING_DAYS 20
/* A check is flagged "near" its deadline from this many working days on. */
#define AJ_PUBLICATION_NEAR_DAYS    15

typedef struct _AjHolidayCalendar AjHolidayCalendar;

AjHolidayCalendar *aj_holiday_calendar_new        (void);
void               aj_holiday_calendar_free       (AjHolidayCalendar  *calendar);
gboolean           aj_holiday_calendar_parse      (AjHolidayCalendar  *calendar,
                                                   const char         *text,
                                                   gsize               length,
                                                   GError            **error);
AjHolidayCalendar *aj_holiday_calendar_load       (const char         *path,
                                                   GError            **error);
gboolean           aj_holiday_calendar_covers     (AjHolidayCalendar  *calendar,
                                                   int                 year);
gboolean           aj_holiday_calendar_is_working (AjHolidayCalendar  *calendar,
                                                   const char         *date);
int                aj_holiday_calendar_count      (AjHolidayCalendar  *calendar,
                                                   const char         *from,
                                                   const char         *to);

typedef enum
{
  AJ_DEADLINE_NONE,       /* not checked yet: nothing to publish */
  AJ_DEADLINE_IN_TIME,    /* published in time, or still well within it */
  AJ_DEADLINE_NEAR,       /* unpublished, AJ_PUBLICATION_NEAR_DAYS working days or more since the check */
  AJ_DEADLINE_PAST,       /* unpublished past the deadline, or published late */
} AjDeadlineState;

AjDeadlineState    aj_publication_deadline        (AjHolidayCalendar  *calendar,
                                                   const char         *checked_on,
                                                   const char         *published_on,
                                                   const char         *today,
                                                   int                *working_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjHolidayCalendar, aj_holiday_calendar_free)

G_END_DECLS
