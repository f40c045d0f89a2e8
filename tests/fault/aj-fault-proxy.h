/* aj-fault-proxy.h: a loopback HTTP/1.1 proxy for the fault tests. It reads
 * each request on a connection, asks a policy what to do with it, and then
 * forwards it, cuts it, drops it, delays or truncates the answer, or answers
 * itself in the server's place. Only 127.0.0.1, on both sides. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AJ_FAULT_PASS,
  AJ_FAULT_DROP_REQUEST,      /* close the connection before forwarding anything */
  AJ_FAULT_CUT_REQUEST,       /* forward the head and @fraction of the body, then close */
  AJ_FAULT_DROP_RESPONSE,     /* forward the request, read the whole answer, close unanswered */
  AJ_FAULT_DELAY_RESPONSE,    /* forward the answer after @delay_ms */
  AJ_FAULT_TRUNCATE_RESPONSE, /* forward @fraction of the answer's bytes, then close */
  AJ_FAULT_ANSWER,            /* answer @status with a JSON error, not forwarding */
  AJ_FAULT_N_ACTIONS
} AjFaultAction;

typedef struct
{
  guint        index;           /* 0, 1, 2… over the proxy's life */
  const char  *method;
  const char  *path;
  gint64       body_length;
  const char  *content_range;   /* NULL when absent */
} AjFaultRequest;

typedef struct
{
  AjFaultAction action;
  double        fraction;
  guint         delay_ms;
  guint         status;
} AjFaultDecision;

/* Called with the proxy's lock held: one call at a time. */
typedef void (*AjFaultPolicy) (const AjFaultRequest *request,
                               AjFaultDecision      *decision,
                               gpointer              data);

typedef struct _AjFaultProxy AjFaultProxy;

AjFaultProxy *aj_fault_proxy_new      (int            upstream_port,
                                       AjFaultPolicy  policy,
                                       gpointer       data);
const char   *aj_fault_proxy_get_url  (AjFaultProxy  *proxy);
guint         aj_fault_proxy_count    (AjFaultProxy  *proxy,
                                       AjFaultAction  action);
guint         aj_fault_proxy_requests (AjFaultProxy  *proxy);
void          aj_fault_proxy_free     (AjFaultProxy  *proxy);

G_END_DECLS
