/* aj-error.h: the error domain shared by the core, the kiosk and the server. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AJ_ERROR (aj_error_quark ())

typedef enum
{
  AJ_ERROR_FAILED,
  AJ_ERROR_DATABASE,        /* SQLite reported an error */
  AJ_ERROR_CORRUPT,         /* a file or a record is not what it must be */
  AJ_ERROR_INVALID,         /* input refused by validation */
  AJ_ERROR_NOT_FOUND,
  AJ_ERROR_NOT_AN_IMAGE,
  AJ_ERROR_IMAGE_DAMAGED,
  AJ_ERROR_TOO_NEW,         /* a database written by a newer Anjian */
  AJ_ERROR_WRONG_PIN,
  AJ_ERROR_NOT_ALLOWED,
  AJ_ERROR_GAP,             /* an event arrived before the one it follows */
  AJ_ERROR_CONFLICT,        /* the same id or number with different content */
  AJ_ERROR_LOCKED,          /* too many wrong PINs: wait until the lock ends */
} AjError;

GQuark aj_error_quark (void);

G_END_DECLS
