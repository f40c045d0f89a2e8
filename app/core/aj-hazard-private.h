/* aj-hazard-private.h: reading hazards from rows that other core units
 * select (the ledger's windowed model), in one column order. */
#pragma once

#if !defined (AJ_STORE_COMPILATION)
# error "aj-hazard-private.h is private to core"
#endif

#include <sqlite3.h>

#include "aj-hazard.h"

G_BEGIN_DECLS

/* The columns hazard rows are read from, FROM hazards h, its institution i,
 * its inspection ins (for the source) and its verifier u. */
#define AJ_HAZARD_SELECT \
  "SELECT h.id, h.number, h.inspection_id, h.institution, coalesce(i.name, h.institution), h.item_code, " \
  "h.category, h.description, h.location, h.risk_level, h.grade, h.suggestion, h.deadline, h.responsible, " \
  "h.status, h.found_at, h.found_by, h.closed_at, h.measures, h.funds, h.contingency_plan, " \
  "h.rectified_note, h.verification, h.verified_at, h.escalation_level, h.escalation_reason, h.referred_to, " \
  "h.referral_kind, h.extension_deadline, h.criterion, h.determination_body, h.determination_document, " \
  "coalesce(i.county, ''), coalesce(i.type, ''), coalesce(ins.mode, ''), h.rectified_at, coalesce(u.name, h.verified_by), " \
  "h.rejections, h.extension_pending, h.pending_determination " \
  "FROM hazards h LEFT JOIN institutions i ON i.code = h.institution " \
  "LEFT JOIN inspections ins ON ins.id = h.inspection_id LEFT JOIN users u ON u.id = h.verified_by "

/* The ledger's order (open first, major first, then by risk level, the most
 * recently found first): the expressions of the hazards_ledger_order index
 * (data/sql/0014-ledger-search.sql), written the same so SQLite walks it. */
#define AJ_HAZARD_LEDGER_ORDER \
  " ORDER BY h.status IN ('closed', 'withdrawn'), h.grade = 'major' DESC, " \
  "CASE h.risk_level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END DESC, " \
  "h.found_at DESC, h.number, h.id"

/* The SQL form of !aj_lifecycle_is_rectified (): still to be rectified
 * (closed and withdrawn hazards are filtered out before). */
#define AJ_HAZARD_NOT_RECTIFIED(column) column " NOT IN ('rectified', 'verified', 'closed')"

AjHazard *aj_hazard_new_from_row (sqlite3_stmt *stmt);

G_END_DECLS
