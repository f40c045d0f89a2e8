/* aj-authority.h: the center's judgement of an event a device pushes: the
 * same rules as the kiosk, applied to the server's own state. */
#pragma once

#include "aj-event.h"
#include "aj-scope.h"
#include "aj-store.h"

G_BEGIN_DECLS

#define AJ_REFUSAL (aj_refusal_quark ())

/* Why an event is refused; each has a stable code for the push answer. */
typedef enum
{
  AJ_REFUSAL_NOT_YOUR_CHAIN,      /* "not_your_chain": made by another device */
  AJ_REFUSAL_UNKNOWN_TYPE,        /* "unknown_type" */
  AJ_REFUSAL_INVALID_BODY,        /* "invalid_body": fails its type's schema */
  AJ_REFUSAL_CLOCK,               /* "clock_out_of_range": HLC in the far future or not positive */
  AJ_REFUSAL_UNKNOWN_AUTHOR,      /* "unknown_author": not in the registry */
  AJ_REFUSAL_UNKNOWN_SUBJECT,     /* "unknown_subject": about something the server does not hold */
  AJ_REFUSAL_SUBJECT_EXISTS,      /* "subject_exists": a second start of the same subject */
  AJ_REFUSAL_OUT_OF_SCOPE,        /* "out_of_scope": an institution outside the device's scope */
  AJ_REFUSAL_ROLE,                /* "role_not_allowed": this person may not take this step */
  AJ_REFUSAL_FINISHED,            /* "inspection_finished": a finished inspection stays finished */
  AJ_REFUSAL_UNFINISHED,          /* "inspection_unfinished": a step before its inspection ended */
  AJ_REFUSAL_ASSIGNMENT,          /* "assignment_mismatch": not what the server assigned (institution, mode, team) */
  AJ_REFUSAL_NUMBER,              /* "number_not_granted": a document number outside the device's blocks, or taken */
} AjRefusal;

GQuark      aj_refusal_quark       (void);
const char *aj_refusal_code        (int             refusal);
gboolean    aj_authority_check     (AjStore        *store,
                                    const char     *device_id,
                                    const AjScope  *scope,
                                    const AjEvent  *event,
                                    gint64          now_ms,
                                    GError        **error);

G_END_DECLS
