// Communications (seed 001): the emails the server scheduled, sent or could not send, as its
// events told this device (server_event.apply, kind "message.update"), and what a person asks of
// them. A request is an operation like any other: it reaches the server through the log, which
// honours it at its next pass (server/mail/scheduler.cpp), and the outcome comes back as an event.
//   message.list    {patient_id?, state?, limit?, offset?}  newest first
//   message.cancel  {message_id}  a scheduled one; shown « Annulation demandée » until confirmed
//   message.retry   {message_id}  a failed one, sent again at the server's next pass
#include "app/args.h"
#include "app/command_error.h"
#include "app/message_events.h"
#include "app/ledger.h"
#include "app/registry.h"

namespace quittance::app {

namespace {

std::string require_state(store::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT state FROM messages WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) refuse("not_found", "no message \"" + id + "\"", "message_id");
  return st.column_text(0);
}

Json message_cancel(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "message_id", 200);
  if (require_state(ctx.db, id) != "scheduled") {
    refuse("message_not_scheduled", "only a scheduled message can be cancelled", "message_id");
  }
  auto st = ctx.db.prepare("UPDATE messages SET cancel_requested = 1 WHERE id = ?1");
  st.bind(1, id);
  st.step();
  return Json{{"message_id", id}};
}

Json message_retry(Context& ctx) {
  const std::string id = require_string(ctx.cmd, "message_id", 200);
  if (require_state(ctx.db, id) != "failed") refuse("message_not_failed", "only a failed message is sent again", "message_id");
  auto st = ctx.db.prepare("UPDATE messages SET retry_requested = ?2 WHERE id = ?1");
  st.bind(1, id).bind(2, ctx.clock.now());
  st.step();
  return Json{{"message_id", id}};
}

Json message_list(Context& ctx) {
  std::string where = "1";
  std::vector<std::string> args;
  if (has(ctx.cmd, "patient_id")) {
    args.push_back(require_string(ctx.cmd, "patient_id", 64));
    where += " AND m.patient_id = ?" + std::to_string(args.size());
  }
  if (has(ctx.cmd, "state")) {
    const std::string state = require_string(ctx.cmd, "state", 20);
    if (state != "scheduled" && state != "sent" && state != "failed" && state != "cancelled") {
      refuse("invalid_argument", "state must be scheduled, sent, failed or cancelled", "state");
    }
    args.push_back(state);
    where += " AND m.state = ?" + std::to_string(args.size());
  }
  const Page page = read_page(ctx.cmd);
  auto count = ctx.db.prepare("SELECT COUNT(*) FROM messages m WHERE " + where);
  for (std::size_t i = 0; i < args.size(); ++i) count.bind(static_cast<int>(i + 1), args[i]);
  count.step();
  auto st = ctx.db.prepare(
      "SELECT m.id, m.invoice_id, COALESCE(i.number, ''), m.patient_id, COALESCE(p.name, ''), m.template_name, "
      "m.recipient, m.due_at, m.state, COALESCE(m.sent_at, ''), m.error, m.attempts, m.cancel_requested, "
      "m.retry_requested IS NOT NULL, COALESCE(r.kind, ''), "
      "(SELECT COUNT(*) FROM payment_request_invoices l WHERE l.request_id = r.id) "
      "FROM messages m LEFT JOIN invoices i ON i.id = m.invoice_id "
      "LEFT JOIN patients p ON p.id = m.patient_id "
      // A payment request's email is "<template>:<request>" (server/mail/request_mail.cpp).
      "LEFT JOIN message_templates t ON t.id = m.template_id "
      "LEFT JOIN payment_requests r ON t.system_key = 'payment_request' AND r.id = substr(m.id, length(m.template_id) + 2) "
      "WHERE " + where +
      " ORDER BY COALESCE(m.sent_at, m.due_at) DESC, m.id LIMIT ?" + std::to_string(args.size() + 1) + " OFFSET ?" +
      std::to_string(args.size() + 2));
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  st.bind(static_cast<int>(args.size() + 1), page.limit).bind(static_cast<int>(args.size() + 2), page.offset);
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"message_id", st.column_text(0)},    {"invoice_id", st.column_text(1)},
                     {"invoice_number", st.column_text(2)}, {"patient_id", st.column_text(3)},
                     {"patient_name", st.column_text(4)},   {"template_name", st.column_text(5)},
                     {"recipient", st.column_text(6)},      {"due_at", st.column_text(7)},
                     {"state", st.column_text(8)},          {"sent_at", st.column_text(9)},
                     {"error", st.column_text(10)},         {"attempts", st.column_int64(11)},
                     {"cancel_requested", st.column_int64(12) != 0},
                     {"retry_requested", st.column_int64(13) != 0},
                     {"request_kind", st.column_text(14)},  // '' unless a payment request's email
                     {"request_invoices", st.column_int64(15)}});
  }
  return Json{{"total", count.column_int64(0)}, {"items", std::move(items)}};
}

}  // namespace

Json record_message_update(Context& ctx, const Json& data) {
  const std::string id = require_string(data, "message_id", 200);
  const std::string state = require_string(data, "state", 20);
  if (state != "scheduled" && state != "sent" && state != "failed" && state != "cancelled") {
    // A newer server's state: acknowledged, never refused (a refusal would stop the event pull).
    return Json{{"applied", false}, {"ignored_state", state}};
  }
  // The server's word replaces what this device knew; a request made here stays pending only
  // while the server has not answered it (a retry is answered by any later state).
  auto st = ctx.db.prepare(
      "INSERT INTO messages(id, invoice_id, patient_id, template_id, template_name, recipient, due_at, state, sent_at, "
      "error, attempts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULLIF(?9, ''), ?10, ?11) "
      "ON CONFLICT(id) DO UPDATE SET recipient = excluded.recipient, due_at = excluded.due_at, state = excluded.state, "
      "sent_at = excluded.sent_at, error = excluded.error, attempts = excluded.attempts, template_name = "
      "excluded.template_name, cancel_requested = cancel_requested AND excluded.state = 'scheduled', "
      "retry_requested = CASE WHEN excluded.state = 'failed' AND excluded.attempts = attempts THEN retry_requested END");
  // The server's outbox keeps the patient it planned for; a record merged since is the kept one's.
  st.bind(1, id).bind(2, require_string(data, "invoice_id", 64));
  st.bind(3, ledger::current_record(ctx.db, require_string(data, "patient_id", 64)));
  st.bind(4, require_string(data, "template_id", 64)).bind(5, optional_string(data, "template_name", 200));
  st.bind(6, optional_string(data, "recipient", 300)).bind(7, require_string(data, "due_at", 30)).bind(8, state);
  st.bind(9, optional_string(data, "sent_at", 30)).bind(10, optional_string(data, "error", 500));
  st.bind(11, data.value("attempts", std::int64_t{0}));
  st.step();
  return Json{{"applied", true}};
}

void add_message_commands(Registry& r) {
  using core::Permission;
  r.push_back({"message.cancel", true, Permission::WriteInvoices, message_cancel});
  r.push_back({"message.retry", true, Permission::WriteInvoices, message_retry});
  r.push_back({"message.list", false, Permission::View, message_list});
}

}  // namespace quittance::app
