// The outbox. See mail/outbox.h.
#include "server/mail/outbox.h"

#include <nlohmann/json.hpp>

#include "core/schedule.h"
#include "server/sync/server_events.h"

namespace quittance::server {

namespace {

constexpr const char* kColumns =
    "id, template_id, invoice_id, patient_id, template_name, reminder, due_at, next_attempt_at, state, attempts, "
    "recipient, error, sent_at, retry_seen, version, issued_at";

OutboxRow read_row(SqlStatement& s) {
  OutboxRow r;
  r.id = s.column_text(0);
  r.template_id = s.column_text(1);
  r.invoice_id = s.column_text(2);
  r.patient_id = s.column_text(3);
  r.template_name = s.column_text(4);
  r.reminder = s.column_int64(5) != 0;
  r.due_at = s.column_int64(6);
  r.next_attempt_at = s.column_int64(7);
  r.state = s.column_text(8);
  r.attempts = s.column_int64(9);
  r.recipient = s.column_text(10);
  r.error = s.column_text(11);
  if (!s.column_is_null(12)) r.sent_at = s.column_int64(12);
  r.retry_seen = s.column_text(13);
  r.version = s.column_int64(14);
  r.issued_at = s.column_int64(15);
  return r;
}

void tell_devices(Sql& db, const std::string& clinic_id, const OutboxRow& r, std::int64_t now) {
  if (r.state == "sending") return;  // not a state the devices know: they hear the outcome
  nlohmann::json data = {{"message_id", r.id},
                         {"invoice_id", r.invoice_id},
                         {"patient_id", r.patient_id},
                         {"template_id", r.template_id},
                         {"template_name", r.template_name},
                         {"recipient", r.recipient},
                         {"due_at", core::format_utc_instant(r.due_at)},
                         {"state", r.state},
                         {"error", r.error},
                         {"attempts", r.attempts}};
  if (r.sent_at) data["sent_at"] = core::format_utc_instant(*r.sent_at);
  emit_event(db, clinic_id, "message:" + r.id + ":" + std::to_string(r.version), "message.update", data, now);
}

}  // namespace

std::optional<OutboxRow> find_mail(Sql& db, const std::string& clinic_id, const std::string& id) {
  SqlStatement s = db.prepare(std::string("SELECT ") + kColumns + " FROM mail_outbox WHERE clinic_id = ? AND id = ?");
  s.bind(1, clinic_id).bind(2, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

OutboxRow asked_row(const std::string& template_id, const std::string& template_name, const std::string& what,
                    const std::string& patient_id, std::int64_t asked_at, const std::string& recipient) {
  OutboxRow row;
  row.id = template_id + ":" + what;
  row.template_id = template_id;
  row.patient_id = patient_id;
  row.template_name = template_name;
  row.issued_at = asked_at;
  row.due_at = asked_at;  // at once; one synced late goes at the first pass after
  row.recipient = recipient;
  return row;
}

bool plan_mail(Sql& db, const std::string& clinic_id, const OutboxRow& planned, std::int64_t now) {
  if (find_mail(db, clinic_id, planned.id)) return false;
  OutboxRow row = planned;
  if (row.state != "cancelled") row.state = "scheduled";
  if (row.next_attempt_at == 0) row.next_attempt_at = row.due_at;
  db.prepare(
        "INSERT INTO mail_outbox(clinic_id, id, template_id, invoice_id, patient_id, template_name, reminder, issued_at, "
        "due_at, next_attempt_at, recipient, state, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, clinic_id)
      .bind(2, row.id)
      .bind(3, row.template_id)
      .bind(4, row.invoice_id)
      .bind(5, row.patient_id)
      .bind(6, row.template_name)
      .bind(7, std::int64_t{row.reminder})
      .bind(8, row.issued_at)
      .bind(9, row.due_at)
      .bind(10, row.next_attempt_at)
      .bind(11, row.recipient)
      .bind(12, row.state)
      .bind(13, row.error)
      .step();
  tell_devices(db, clinic_id, row, now);
  return true;
}

std::optional<PlanMark> plan_mark(Sql& db, const std::string& clinic_id, const std::string& template_id) {
  SqlStatement s =
      db.prepare("SELECT active_since, planned_seq FROM mail_plans WHERE clinic_id = ? AND template_id = ?");
  s.bind(1, clinic_id).bind(2, template_id);
  if (!s.step()) return std::nullopt;
  return PlanMark{s.column_text(0), s.column_int64(1)};
}

void set_plan_mark(Sql& db, const std::string& clinic_id, const std::string& template_id,
                   const PlanMark& mark) {
  db.prepare(
        "INSERT INTO mail_plans(clinic_id, template_id, active_since, planned_seq) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(clinic_id, template_id) DO UPDATE SET active_since = excluded.active_since, "
        "planned_seq = excluded.planned_seq")
      .bind(1, clinic_id)
      .bind(2, template_id)
      .bind(3, mark.active_since)
      .bind(4, mark.planned_seq)
      .step();
}

std::vector<OutboxRow> open_mail(Sql& db, const std::string& clinic_id, std::int64_t failed_since,
                                 const std::string& template_id) {
  SqlStatement s = db.prepare(std::string("SELECT ") + kColumns +
                                  " FROM mail_outbox WHERE clinic_id = ?1 AND (state = 'scheduled' OR "
                                  "(state = 'failed' AND due_at >= ?2)) AND (?3 = '' OR template_id = ?3) "
                                  "ORDER BY due_at, id");
  s.bind(1, clinic_id).bind(2, failed_since).bind(3, template_id);
  std::vector<OutboxRow> rows;
  while (s.step()) rows.push_back(read_row(s));
  return rows;
}

void save_mail(Sql& db, const std::string& clinic_id, OutboxRow row, std::int64_t now) {
  row.version += 1;
  SqlStatement s = db.prepare(
      "UPDATE mail_outbox SET template_name = ?, reminder = ?, due_at = ?, next_attempt_at = ?, state = ?, "
      "attempts = ?, recipient = ?, error = ?, sent_at = ?, retry_seen = ?, version = ? WHERE clinic_id = ? AND id = ?");
  s.bind(1, row.template_name).bind(2, std::int64_t{row.reminder}).bind(3, row.due_at).bind(4, row.next_attempt_at);
  s.bind(5, row.state).bind(6, row.attempts).bind(7, row.recipient).bind(8, row.error);
  if (row.sent_at) {
    s.bind(9, *row.sent_at);
  } else {
    s.bind_null(9);
  }
  s.bind(10, row.retry_seen).bind(11, row.version).bind(12, clinic_id).bind(13, row.id);
  s.step();
  tell_devices(db, clinic_id, row, now);
}

bool claim_mail(Sql& db, const std::string& clinic_id, OutboxRow& row, std::int64_t now) {
  const std::int64_t before = db.total_changes();
  db.prepare(
        "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, sent_at = ?, recipient = ?, "
        "version = version + 1 WHERE clinic_id = ? AND id = ? AND state = 'scheduled' AND version = ?")
      .bind(1, now)
      .bind(2, row.recipient)
      .bind(3, clinic_id)
      .bind(4, row.id)
      .bind(5, row.version)
      .step();
  if (db.total_changes() == before) return false;
  row.state = "sending";
  row.attempts += 1;
  row.sent_at = now;
  row.version += 1;
  return true;
}

std::int64_t sent_since(Sql& db, const std::string& clinic_id, std::int64_t since) {
  SqlStatement s = db.prepare(
      "SELECT COUNT(*) FROM mail_outbox WHERE clinic_id = ? AND sent_at >= ? AND state IN ('sent', 'sending')");
  s.bind(1, clinic_id).bind(2, since);
  s.step();
  return s.column_int64(0);
}

int fail_interrupted(Sql& db, std::int64_t now, std::int64_t claimed_before) {
  std::vector<std::pair<std::string, std::string>> ids;  // clinic, message
  {
    SqlStatement s = db.prepare("SELECT clinic_id, id FROM mail_outbox WHERE state = 'sending' AND sent_at < ?");
    s.bind(1, claimed_before);
    while (s.step()) ids.emplace_back(s.column_text(0), s.column_text(1));
  }
  for (const auto& [clinic, id] : ids) {
    OutboxRow row = *find_mail(db, clinic, id);
    row.state = "failed";
    row.sent_at.reset();
    row.error =
        "Envoi interrompu : le serveur s'est arrêté pendant l'envoi. Le message est peut-être parti ; "
        "vérifiez avant de le renvoyer.";
    save_mail(db, clinic, row, now);
  }
  return static_cast<int>(ids.size());
}

std::vector<std::string> mail_clinics(Sql& db) {
  SqlStatement s = db.prepare(
      "SELECT id FROM clinics WHERE EXISTS (SELECT 1 FROM sync_ops o WHERE o.clinic_id = clinics.id) ORDER BY id");
  std::vector<std::string> ids;
  while (s.step()) ids.push_back(s.column_text(0));
  return ids;
}

std::map<std::string, std::int64_t> clinic_log_sizes(Sql& db) {
  SqlStatement s = db.prepare("SELECT clinic_id, bytes FROM clinic_log_usage");
  std::map<std::string, std::int64_t> sizes;
  while (s.step()) sizes.emplace(s.column_text(0), s.column_int64(1));
  return sizes;
}

std::set<std::string> clinics_with_mail_due(Sql& db, std::int64_t now) {
  SqlStatement s = db.prepare(
      "SELECT DISTINCT clinic_id FROM mail_outbox WHERE state = 'scheduled' AND due_at <= ? AND next_attempt_at <= ?");
  s.bind(1, now).bind(2, now);
  std::set<std::string> due;
  while (s.step()) due.insert(s.column_text(0));
  return due;
}

}  // namespace quittance::server
