/* aj-register-io.h: the institution register and the inspector roster read
 * from and written to CSV and JSON, with errors that name the line. */
#pragma once

#include <gio/gio.h>

#include "aj-store.h"

G_BEGIN_DECLS

typedef enum
{
  AJ_REGISTER_INSTITUTIONS,
  AJ_REGISTER_INSPECTORS,
} AjRegister;

typedef enum
{
  AJ_REGISTER_CSV,
  AJ_REGISTER_JSON,
} AjRegisterFormat;

gboolean  aj_register_format_for_path  (const char        *path,
                                        AjRegisterFormat  *format);
gboolean  aj_register_import           (AjStore           *store,
                                        AjRegister         which,
                                        AjRegisterFormat   format,
                                        const char        *text,
                                        gsize              length,
                                        guint             *n_rows,
                                        GError           **error);
gboolean  aj_register_import_file      (AjStore           *store,
                                        AjRegister         which,
                                        const char        *path,
                                        guint             *n_rows,
                                        GError           **error);
char     *aj_register_export           (AjStore           *store,
                                        AjRegister         which,
                                        AjRegisterFormat   format,
                                        GError           **error);

void      aj_csv_append_cell           (GString           *out,
                                        const char        *text);

G_END_DECLS
