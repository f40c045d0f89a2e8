/* aj-schedule.h: when a home's own rounds (自查) are due. A schedule says
 * which checklist is due for which post (岗位), how often (daily, per night
 * shift, weekly, monthly) and from when; its windows are computed in China's
 * time (UTC+8) whatever the device's clock zone. Pure: no store, no clock. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  AJ_FREQUENCY_DAILY,
  AJ_FREQUENCY_NIGHT,     /* a night shift: the window may cross midnight */
  AJ_FREQUENCY_WEEKLY,    /* Monday to Sunday */
  AJ_FREQUENCY_MONTHLY,
} AjFrequency;

typedef struct
{
  char         *id;
  char         *institution;       /* one home, or NULL */
  char         *institution_type;  /* all homes of a type (set by the office), or NULL */
  char         *template_id;
  char         *post;
  AjFrequency   frequency;
  char         *from;              /* YYYY-MM-DD, China time */
  int           start_minute;      /* daily and night: the window opens, minutes after midnight */
  int           end_minute;        /* and closes; at or before the start: on the next day */
  char        **fix_on_spot;       /* item codes staff may close themselves, with a photo */
  gboolean      active;
} AjSchedule;

typedef struct
{
  char        *schedule_id;
  char        *template_id;
  char        *post;
  AjFrequency  frequency;
  char        *day;     /* the China date the window opens on */
  gint64       start;   /* Unix seconds */
  gint64       end;
} AjDueWindow;

/* A self-inspection as the schedule sees it. */
typedef struct
{
  const char *template_id;
  gint64      started;    /* Unix seconds */
  gboolean    finished;
} AjRound;

typedef enum
{
  AJ_WINDOW_UPCOMING,
  AJ_WINDOW_OPEN,
  AJ_WINDOW_DONE,
  AJ_WINDOW_MISSED,
} AjWindowState;

typedef struct
{
  guint due;            /* windows begun in the period */
  guint done;
  guint missed;         /* closed and not done: counted once, in the period it began */
  guint night_due;
  guint night_missed;
} AjCompletion;

GTimeZone    *aj_schedule_zone           (void);
char         *aj_schedule_date_of        (gint64        unix_seconds);
gint64        aj_schedule_midnight       (const char   *date);
gint64        aj_schedule_parse_time     (const char   *iso8601);

const char   *aj_frequency_to_string     (AjFrequency   frequency);
gboolean      aj_frequency_from_string   (const char   *text,
                                          AjFrequency  *frequency);
const char   *aj_frequency_label         (AjFrequency   frequency);
const char   *aj_post_label              (const char   *post);

AjSchedule   *aj_schedule_from_json      (const char   *id,
                                          JsonObject   *body,
                                          GError      **error);
JsonObject   *aj_schedule_to_json        (const AjSchedule *self);
void          aj_schedule_free           (AjSchedule   *self);
gboolean      aj_schedule_applies_to     (const AjSchedule *self,
                                          const char   *institution,
                                          const char   *institution_type);
gboolean      aj_schedule_fixes_on_spot  (const AjSchedule *self,
                                          const char   *item_code);

GPtrArray    *aj_schedule_windows        (const AjSchedule *self,
                                          gint64        from,
                                          gint64        to);
void          aj_due_window_free         (AjDueWindow  *window);
AjWindowState aj_due_window_state        (const AjDueWindow *window,
                                          const AjRound *rounds,
                                          guint         n_rounds,
                                          gint64        now);
void          aj_schedule_tally          (const AjSchedule *self,
                                          const AjRound *rounds,
                                          guint         n_rounds,
                                          gint64        from,
                                          gint64        to,
                                          gint64        now,
                                          AjCompletion *completion);
guint         aj_completion_percent      (const AjCompletion *completion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjSchedule, aj_schedule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AjDueWindow, aj_due_window_free)

G_END_DECLS
