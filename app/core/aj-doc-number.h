/* aj-doc-number.h: the formats of a document's identity: the department's
 * number (文号) 东民安检〔2026〕12号, the device-tagged number used when a
 * device has no granted number left offline, and the unified social credit
 * code (统一社会信用代码, GB 32100-2015) with its check character. Pure. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How many numbers a device asks for at a time, and below how many left it asks. */
#define AJ_DOC_NUMBER_BLOCK       20
#define AJ_DOC_NUMBER_LOW_WATER   5

char     *aj_doc_number_format          (const char  *prefix,
                                         int          year,
                                         gint64       seq);
char     *aj_doc_number_format_tagged   (const char  *prefix,
                                         int          year,
                                         const char  *device_tag,
                                         gint64       seq);
char     *aj_doc_number_device_tag      (const char  *device_id);
gboolean  aj_doc_number_parse           (const char  *number,
                                         const char  *prefix,
                                         int         *year,
                                         char       **device_tag,
                                         gint64      *seq);
char     *aj_doc_number_china_today     (void);
int       aj_doc_number_year_of         (const char  *iso_date);

gboolean  aj_credit_code_is_valid       (const char  *code);
char      aj_credit_code_check_char     (const char  *first17);

G_END_DECLS
