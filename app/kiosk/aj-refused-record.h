/* aj-refused-record.h: one record the server refused, in the words a person
 * reads: what it was, about what, when, by whom, and why it was refused. */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_TYPE_REFUSED_RECORD (aj_refused_record_get_type ())
G_DECLARE_FINAL_TYPE (AjRefusedRecord, aj_refused_record, AJ, REFUSED_RECORD, GObject)

GListModel *aj_refused_record_list            (AjStore         *store,
                                               GError         **error);
const char *aj_refused_record_get_event_id    (AjRefusedRecord *self);
const char *aj_refused_record_get_title       (AjRefusedRecord *self);
const char *aj_refused_record_get_subject     (AjRefusedRecord *self);
const char *aj_refused_record_get_when        (AjRefusedRecord *self);
const char *aj_refused_record_get_who         (AjRefusedRecord *self);
const char *aj_refused_record_get_code        (AjRefusedRecord *self);
const char *aj_refused_record_get_message     (AjRefusedRecord *self);
const char *aj_refused_record_get_explanation (AjRefusedRecord *self);

const char *aj_event_type_label               (const char      *type,
                                               JsonObject      *body);
const char *aj_refusal_explanation            (const char      *code);

G_END_DECLS
