/* aj-scan-page.c: a hazard tag opens that hazard (the id is in the tag, so
 * this works offline), an institution tag starts a check-in there, an
 * enrollment QR fills in the server settings, a document's QR opens its
 * inspection; anything else is "not an Anjian code". */
#include "config.h"

#include <glib/gi18n.h>

#include "aj-hazard.h"
#include "aj-inspection.h"
#include "aj-picture-chooser.h"
#include "aj-photo.h"
#include "aj-qr.h"
#include "aj-registry.h"
#include "aj-scan-page.h"
#include "aj-settings-page.h"
#include "aj-sync.h"
#include "aj-page.h"

struct _AjScanPage
{
  AdwBin    parent_instance;

  GtkLabel *result_label;
};

G_DEFINE_FINAL_TYPE (AjScanPage, aj_scan_page, ADW_TYPE_BIN)

void
aj_scan_page_reset (AjScanPage *self)
{
  gtk_label_set_label (self->result_label, "");
}

static void
say (AjScanPage *self,
     const char *message)
{
  gtk_label_set_label (self->result_label, message);
  aj_page_toast (GTK_WIDGET (self), message);
}

gboolean
aj_scan_page_open_payload (AjScanPage *self,
                           const char *payload)
{
  AjSession *session = aj_page_get_session (GTK_WIDGET (self));
  AjStore *store = aj_session_get_store (session);
  g_autofree char *id = NULL;
  g_autofree char *server = NULL;
  g_autofree char *code = NULL;
  g_autofree char *kind = NULL;

  switch (aj_qr_parse_payload (payload, &id))
    {
    case AJ_QR_HAZARD:
      {
        g_autoptr(AjHazard) hazard = aj_hazard_load (store, id);
        if (hazard == NULL)
          {
            say (self, _("This hazard is not on this device yet. Sync to receive it."));
            return FALSE;
          }
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-hazard", "s", id);
        return TRUE;
      }
    case AJ_QR_INSTITUTION:
      {
        g_autoptr(AjInstitution) institution = aj_registry_get_institution (store, id);
        if (institution == NULL)
          {
            say (self, _("This institution is not in the registry of this device."));
            return FALSE;
          }
        /* Arriving at an institution: check in by starting its inspection. */
        gtk_widget_activate_action (GTK_WIDGET (self), "win.show-start", "s", id);
        return TRUE;
      }
    case AJ_QR_NONE:
    default:
      break;
    }

  if (aj_sync_parse_enroll_qr (payload, &server, &code))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-enroll", "(ss)", server, code);
      return TRUE;
    }
  if (aj_qr_parse_document (payload, &kind, &id))
    {
      g_autoptr(AjInspection) inspection = aj_inspection_load (store, id);
      if (inspection == NULL)
        {
          say (self, _("This document's inspection is not on this device yet. Sync to receive it."));
          return FALSE;
        }
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-summary", "s", id);
      return TRUE;
    }
  say (self, _("This is not an Anjian code."));
  return FALSE;
}

void
aj_scan_page_scan_file (AjScanPage *self,
                        const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = NULL;

  /* Only a JPEG or PNG of a sane size reaches the decoder. */
  if (aj_photo_check_file (path, &error))
    codes = aj_qr_decode_file (path, &error);
  if (codes == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The picture could not be read: %s"), error->message);
      say (self, message);
      return;
    }
  if (codes->len == 0)
    {
      say (self, _("No QR code was found in this picture."));
      return;
    }
  /* The first code Anjian understands wins. */
  for (guint i = 0; i < codes->len; i++)
    if (aj_scan_page_open_payload (self, g_ptr_array_index (codes, i)))
      return;
}



static void
on_picture_chosen (GtkWidget  *owner,
                   const char *path)
{
  aj_scan_page_scan_file (AJ_SCAN_PAGE (owner), path);
}

static void
on_choose (AjScanPage *self)
{
  aj_choose_picture (GTK_WIDGET (self), _("A picture of a QR tag"), on_picture_chosen);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  on_choose (AJ_SCAN_PAGE (widget));
}

static void
scan_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  aj_scan_page_scan_file (AJ_SCAN_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
aj_scan_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AJ_TYPE_SCAN_PAGE);
  G_OBJECT_CLASS (aj_scan_page_parent_class)->dispose (object);
}

static void
aj_scan_page_class_init (AjScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aj_scan_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/anjian/Kiosk/aj-scan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AjScanPage, result_label);
  gtk_widget_class_bind_template_callback (widget_class, on_choose);
  gtk_widget_class_install_action (widget_class, "scan.file", "s", scan_file_action);
  gtk_widget_class_install_action (widget_class, "scan.choose", NULL, choose_action);
}

static void
aj_scan_page_init (AjScanPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
