/* aj-stats.c: statistics over the hazards this device holds; withdrawn
 * hazards are not counted. The rectification rate is closed / total. */
#include "config.h"

#include <string.h>

#include "aj-hazard.h"
#include "aj-stats.h"
#include "aj-util.h"

static void
bump (GHashTable *table,
      const char *key)
{
  gpointer old = g_hash_table_lookup (table, key);
  g_hash_table_replace (table, g_strdup (key ? key : ""), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static int
week_index (GDate      *monday_now,
            const char *iso)
{
  g_autoptr(GDate) d = g_date_new ();
  g_autofree char *day = NULL;
  int days;

  if (iso == NULL || strlen (iso) < 10)
    return -1;
  day = g_strndup (iso, 10);
  g_date_set_parse (d, day);
  if (!g_date_valid (d))
    return -1;
  days = g_date_days_between (d, monday_now);   /* >0 when d is earlier */
  if (days <= 0)
    return AJ_STATS_WEEKS - 1;
  return AJ_STATS_WEEKS - 1 - (days + 6) / 7;
}

AjStats *
aj_stats_compute (AjStore    *store,
                  const char *today)
{
  AjStats *stats = g_new0 (AjStats, 1);
  g_autoptr(GListModel) hazards = aj_hazard_list (store, NULL, NULL);
  g_autoptr(GDate) monday = g_date_new ();

  stats->by_status = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats->by_level = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats->by_institution = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stats->by_category = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_date_set_parse (monday, today);
  g_date_subtract_days (monday, g_date_get_weekday (monday) - G_DATE_MONDAY);
  for (int w = 0; w < AJ_STATS_WEEKS; w++)
    {
      g_autoptr(GDate) d = g_date_copy (monday);
      char buf[16];
      g_date_subtract_days (d, 7 * (AJ_STATS_WEEKS - 1 - w));
      g_date_strftime (buf, sizeof buf, "%m-%d", d);
      stats->week_start[w] = g_strdup (buf);
    }

  for (guint i = 0; hazards && i < g_list_model_get_n_items (hazards); i++)
    {
      g_autoptr(AjHazard) h = g_list_model_get_item (hazards, i);
      const char *status = aj_hazard_get_status (h);
      int w;

      if (g_strcmp0 (status, "withdrawn") == 0)
        continue;
      stats->total++;
      bump (stats->by_status, status);
      bump (stats->by_level, aj_hazard_get_risk_level (h));
      bump (stats->by_institution, aj_hazard_get_institution_name (h));
      bump (stats->by_category, aj_hazard_get_category (h));
      if (g_strcmp0 (status, "closed") == 0)
        stats->closed++;
      else
        stats->open++;
      if (aj_hazard_is_overdue (h, today))
        stats->overdue++;
      w = week_index (monday, aj_hazard_get_found_at (h));
      if (w >= 0)
        stats->found[w]++;
      w = week_index (monday, aj_hazard_get_closed_at (h));
      if (w >= 0 && g_strcmp0 (status, "closed") == 0)
        stats->closed_in[w]++;
    }
  return stats;
}

void
aj_stats_free (AjStats *stats)
{
  if (stats == NULL)
    return;
  g_hash_table_unref (stats->by_status);
  g_hash_table_unref (stats->by_level);
  g_hash_table_unref (stats->by_institution);
  g_hash_table_unref (stats->by_category);
  for (int w = 0; w < AJ_STATS_WEEKS; w++)
    g_free (stats->week_start[w]);
  g_free (stats);
}
