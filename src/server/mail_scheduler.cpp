// The mail scheduler. See mail_scheduler.h.
#include "server/mail_scheduler.h"

#include <chrono>
#include <iostream>
#include <map>

#include "core/schedule.h"
#include "server/op_log.h"

namespace quittance::server {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kFailedKept = 60 * kDay;  // failures older than that are no longer retried
// Why a reminder was cancelled, when it may come back (the payment deleted, the patient's
// reminders turned on again).
constexpr const char* kPaid = "facture réglée";
constexpr const char* kExcluded = "patient exclu des rappels";
constexpr const char* kSuperseded = "remplacée par une relance plus récente";
// A cancelled reminder due again after its time (its payment deleted, the patient's reminders
// turned on again) waits that long: a mistake corrected at once sends nothing. A reminder
// planned late for the first time (the server was down, an invoice synced late) is not held.
constexpr std::int64_t kLateGrace = 15 * 60;

struct Job {
  OutboxRow row;
  ComposedMail composed;
  std::int64_t charges = 0;  // the server's card payments for the invoice when decided
};

// Card payments the server took, per invoice: a reminder must not chase money already paid,
// even before a device has brought it into the books. A bank debit under way (processing) may
// still fail: it holds the reminder back without cancelling it.
struct ServerCharge {
  std::string intent;
  std::int64_t amount = 0;
  bool succeeded = false;
};
using ServerCharges = std::map<std::string, std::vector<ServerCharge>>;

ServerCharges server_charges(store::Database& db, const std::string& clinic_id, const std::string& invoice_id = "") {
  store::Statement s = db.prepare(
      "SELECT invoice_id, COALESCE(payment_intent_id, ''), amount, status = 'succeeded' FROM charges "
      "WHERE clinic_id = ?1 AND status IN ('succeeded', 'processing') AND (?2 = '' OR invoice_id = ?2)");
  s.bind(1, clinic_id).bind(2, invoice_id);
  ServerCharges out;
  while (s.step()) out[s.column_text(0)].push_back({s.column_text(1), s.column_int64(2), s.column_int64(3) != 0});
  return out;
}

std::int64_t charges_total(const ServerCharges& charges, const std::string& invoice_id) {
  auto it = charges.find(invoice_id);
  std::int64_t sum = 0;
  if (it != charges.end()) {
    for (const ServerCharge& c : it->second) sum += c.amount;
  }
  return sum;
}

// What the server took for the invoice that the books do not show yet: paid (succeeded) and
// under way (processing).
struct Elsewhere {
  std::int64_t paid = 0;
  bool under_way = false;
};

Elsewhere elsewhere(store::Database& books, const ServerCharges& charges, const std::string& invoice_id) {
  Elsewhere e;
  auto it = charges.find(invoice_id);
  if (it == charges.end()) return e;
  for (const ServerCharge& c : it->second) {
    store::Statement s = books.prepare("SELECT 1 FROM payments WHERE processor_ref = ? AND processor_ref != ''");
    s.bind(1, c.intent);
    if (s.step()) continue;
    if (c.succeeded) {
      e.paid += c.amount;
    } else {
      e.under_way = true;
    }
  }
  return e;
}

// Why a scheduled message no longer applies; "" when it still does. Said after « Annulé – ».
std::string cancel_reason(const OutboxRow& row, const InvoiceFacts& facts, const std::optional<MailTemplate>& t,
                          std::int64_t paid_elsewhere) {
  if (facts.cancel_requested) return "à la demande du cabinet";
  if (!t) return "modèle supprimé";
  if (!t->active) return "modèle désactivé";
  if (!facts.exists) return "facture introuvable";
  // Turned off and on again: it concerns only invoices issued since.
  if (facts.issued_at < t->active_since) return "modèle réactivé depuis l'émission de la facture";
  if (facts.state == "cancelled") return "facture annulée";
  if (row.reminder && facts.due - paid_elsewhere <= 0) return kPaid;
  if (row.reminder && !facts.patient_reminders) return kExcluded;
  return "";
}

// Temporary failures are tried again after 5 min, 20 min, 80 min, 5 h 20.
std::int64_t backoff(std::int64_t attempts) {
  std::int64_t wait = 300;
  for (std::int64_t i = 1; i < attempts && wait < 6 * 3600; ++i) wait *= 4;
  return wait;
}

std::int64_t books_cursor(store::Database& books) {
  store::Statement s = books.prepare("SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'cursor'");
  return s.step() ? s.column_int64(0) : 0;
}

}  // namespace

MailScheduler::MailScheduler(SharedDatabase& db, SnapshotStore& books, std::shared_ptr<MailSender> sender, Clock now,
                             MailSchedulerOptions options)
    : db_(db), books_(books), sender_(std::move(sender)), now_(std::move(now)), options_(std::move(options)) {}

int MailScheduler::recover() {
  const std::int64_t now = now_();
  return db_.with([&](store::Database& d) {
    int n = 0;
    d.transaction([&] { n = fail_interrupted(d, now); });
    return n;
  });
}

MailPass MailScheduler::run_once() {
  MailPass pass;
  // Only this scheduler sends, one pass at a time: a row still 'sending' now was interrupted.
  recover();
  const std::vector<std::string> clinics = db_.with([](store::Database& d) { return mail_clinics(d); });
  for (const std::string& clinic : clinics) {
    if (options_.stopping()) break;
    try {
      plan_clinic(clinic, pass);
      run_clinic(clinic, pass);
    } catch (const std::exception& e) {
      std::cerr << "quittance-server: emails of clinic " << clinic << ": " << e.what() << '\n';
    }
  }
  return pass;
}

// New rows for the invoices issued by operations the template has not been planned for (all
// those issued since its activation, the first time), and the scheduled rows of a template whose
// delay or name changed brought in line.
void MailScheduler::plan_clinic(const std::string& clinic_id, MailPass& pass) {
  const std::int64_t now = now_();
  const ServerCharges charges = db_.with([&](store::Database& d) { return server_charges(d, clinic_id); });
  std::vector<OutboxRow> plans, moved;
  std::map<std::string, PlanMark> marks;
  books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer&) {
    const std::int64_t cursor = books_cursor(b);
    for (const MailTemplate& t : active_templates(b)) {
      const std::optional<core::DelayUnit> unit = core::delay_unit_from_string(t.delay_unit);
      if (!unit) continue;
      const int amount = static_cast<int>(t.delay_amount);
      std::optional<PlanMark> mark;
      std::vector<OutboxRow> open;
      db_.with([&](store::Database& d) {
        mark = plan_mark(d, clinic_id, t.id);
        open = open_mail(d, clinic_id, now, t.id);
      });
      for (OutboxRow& row : open) {
        if (row.state != "scheduled") continue;
        const std::int64_t due = core::schedule_at(row.issued_at, amount, *unit);
        if (row.due_at == due && row.template_name == t.name) continue;
        if (row.next_attempt_at == row.due_at) row.next_attempt_at = due;
        row.due_at = due;
        row.template_name = t.name;
        moved.push_back(row);
      }
      // The invoice email: every invoice issued since the template's last planned log position
      // (all since its activation the first time). Reminders: every invoice unpaid now, whose
      // patient receives them — few, found through the status index — so a reminder comes back
      // when a payment is deleted or a patient's reminders are turned on again.
      // The recipient shown is the « Facturé à » payer's, else the patient's.
      const bool from_start = t.reminder() || !mark || mark->active_since != t.active_since;
      store::Statement s = b.prepare(
          std::string("SELECT i.id, i.patient_id, i.issued_at, COALESCE(c.email, p.email), i.total - i.settled "
                      "FROM invoices i JOIN patients p ON p.id = i.patient_id LEFT JOIN contacts c ON c.id = i.contact_id "
                      "WHERE i.state = 'issued' AND i.issued_at >= ?1") +
          (from_start ? ""
                      : " AND i.id IN (SELECT json_extract(j.body, '$.invoice_id') FROM journal j "
                        "WHERE j.name = 'invoice.issue' AND j.server_seq > ?2)") +
          (t.reminder() ? " AND i.status IN ('due', 'partly_paid') AND p.reminders = 1" : ""));
      s.bind(1, t.active_since);
      if (!from_start) s.bind(2, mark->planned_seq);
      while (s.step()) {
        const std::optional<std::int64_t> issued = core::parse_utc_instant(s.column_text(2));
        if (!issued) continue;
        const std::string invoice = s.column_text(0);
        if (t.reminder() && s.column_int64(4) - elsewhere(b, charges, invoice).paid <= 0) continue;
        OutboxRow row;
        row.id = t.id + ":" + invoice;
        row.template_id = t.id;
        row.invoice_id = invoice;
        row.patient_id = s.column_text(1);
        row.template_name = t.name;
        row.reminder = t.reminder();
        row.issued_at = *issued;
        row.due_at = core::schedule_at(*issued, amount, *unit);
        row.recipient = s.column_text(3);
        plans.push_back(std::move(row));
      }
      marks[t.id] = PlanMark{t.active_since, cursor};
    }
  });
  // Of an invoice's reminders planned after their time, only the latest goes (once): a patient
  // is never sent the 7-day, 1-month and 2-month reminders in one burst.
  std::map<std::string, std::int64_t> latest_late;
  for (const OutboxRow& row : plans) {
    if (row.reminder && row.due_at <= now) latest_late[row.invoice_id] = std::max(latest_late[row.invoice_id], row.due_at);
  }
  db_.with([&](store::Database& d) {
    d.transaction([&] {
      for (OutboxRow row : plans) {
        const bool late = row.reminder && row.due_at <= now;
        const bool superseded = late && row.due_at < latest_late[row.invoice_id];
        std::optional<OutboxRow> known = find_mail(d, clinic_id, row.id);
        if (!known) {
          if (superseded) {
            row.state = "cancelled";
            row.error = kSuperseded;
          }
          plan_mail(d, clinic_id, row, now);
          ++pass.planned;
          continue;
        }
        // A reminder cancelled because the invoice was paid or its patient excluded, and due
        // again: scheduled as it would have been, or after the grace if that time is past.
        if (!superseded && known->state == "cancelled" && (known->error == kPaid || known->error == kExcluded)) {
          known->state = "scheduled";
          known->error.clear();
          known->due_at = row.due_at;
          known->next_attempt_at = late ? now + kLateGrace : row.due_at;
          known->recipient = row.recipient;
          save_mail(d, clinic_id, *known, now);
          ++pass.planned;
        }
      }
      for (const OutboxRow& row : moved) save_mail(d, clinic_id, row, now);
      for (const auto& [template_id, mark] : marks) set_plan_mark(d, clinic_id, template_id, mark);
    });
  });
}

void MailScheduler::run_clinic(const std::string& clinic_id, MailPass& pass) {
  const std::int64_t now = now_();
  std::vector<OutboxRow> open;
  ServerCharges charges;
  db_.with([&](store::Database& d) {
    open = open_mail(d, clinic_id, now - kFailedKept);
    charges = server_charges(d, clinic_id);
  });
  std::vector<OutboxRow> changes;
  std::vector<Job> jobs;
  std::int64_t decided_at_seq = 0;
  books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer& commands) {
    decided_at_seq = books_cursor(b);
    for (OutboxRow& row : open) {
      const InvoiceFacts facts = invoice_facts(b, row.invoice_id, row.id);
      if (row.state == "failed") {
        // « Réessayer » on a device: once per request (a new request is a new instant).
        if (!facts.retry_requested.empty() && facts.retry_requested != row.retry_seen) {
          row.state = "scheduled";
          row.retry_seen = facts.retry_requested;
          row.next_attempt_at = now;
          row.attempts = 0;
          row.error.clear();
          changes.push_back(row);
        }
        continue;
      }
      const std::optional<MailTemplate> t = find_template(b, row.template_id);
      const Elsewhere paid = elsewhere(b, charges, row.invoice_id);
      const std::string reason = cancel_reason(row, facts, t, paid.paid);
      if (!reason.empty()) {
        row.state = "cancelled";
        row.error = reason;
        changes.push_back(row);
        ++pass.cancelled;
        continue;
      }
      if (row.reminder && paid.under_way) continue;  // a bank debit under way: not now
      if (row.due_at > now || row.next_attempt_at > now || jobs.size() >= static_cast<std::size_t>(options_.batch)) {
        continue;
      }
      jobs.push_back({row, compose_mail(commands, *t, row.invoice_id, paid.paid), charges_total(charges, row.invoice_id)});
    }
  });
  db_.with([&](store::Database& d) {
    d.transaction([&] {
      for (const OutboxRow& row : changes) save_mail(d, clinic_id, row, now);
    });
  });

  // Send, one message at a time, outside every lock; stop when what was decided is overtaken
  // (new operations in the log, a card payment) or the pass has run long: the next pass,
  // within seconds, decides again on the books as they are then.
  const auto started = std::chrono::steady_clock::now();
  for (Job& job : jobs) {
    if (options_.stopping() || std::chrono::steady_clock::now() - started > std::chrono::seconds(options_.pass_seconds)) {
      break;
    }
    const bool overtaken = db_.with([&](store::Database& d) {
      return log_head(d, clinic_id) != decided_at_seq ||
             charges_total(server_charges(d, clinic_id, job.row.invoice_id), job.row.invoice_id) != job.charges;
    });
    if (overtaken) break;
    try {
      attach_invoice_pdf(job.composed);
      send_one(clinic_id, job.row, job.composed, pass);
    } catch (const std::exception& e) {
      std::cerr << "quittance-server: email " << job.row.id << " of clinic " << clinic_id << ": " << e.what() << '\n';
    }
  }
}

void MailScheduler::send_one(const std::string& clinic_id, OutboxRow row, ComposedMail& composed, MailPass& pass) {
  const std::int64_t now = now_();
  auto save = [&](const OutboxRow& r) {
    db_.with([&](store::Database& d) { d.transaction([&] { save_mail(d, clinic_id, r, now); }); });
  };
  row.recipient = composed.recipient;
  if (!composed.error.empty() || !sender_) {
    row.state = "failed";
    row.error = !composed.error.empty() ? composed.error
                                        : "L'envoi d'e-mails n'est pas configuré sur le serveur (SMTP_URL).";
    save(row);
    ++pass.failed;
    return;
  }
  const std::int64_t day_start = now - ((now % kDay) + kDay) % kDay;
  const std::int64_t sent_today = db_.with([&](store::Database& d) { return sent_since(d, clinic_id, day_start); });
  if (sent_today >= options_.daily_cap) {
    row.next_attempt_at = day_start + kDay;
    row.error = "Reporté au lendemain : limite de " + std::to_string(options_.daily_cap) + " e-mails par jour atteinte.";
    save(row);
    ++pass.postponed;
    return;
  }
  // Written before the conversation, and only if the row is still as decided: a server stopped
  // during it never sends this row again.
  const bool claimed = db_.with([&](store::Database& d) {
    bool ok = false;
    d.transaction([&] { ok = claim_mail(d, clinic_id, row, now); });
    return ok;
  });
  if (!claimed) return;
  const SendResult result = sender_->send(composed.message);
  using Outcome = SendResult::Outcome;
  if (result.sent()) {
    row.state = "sent";
    row.error.clear();
    ++pass.sent;
  } else if (result.outcome == Outcome::refused || result.outcome == Outcome::unknown ||
             row.attempts >= options_.max_attempts) {
    row.state = "failed";
    row.sent_at.reset();
    row.error = result.outcome == Outcome::retry
                    ? "Échec après " + std::to_string(row.attempts) + " tentatives : " + result.error
                    : result.error;
    ++pass.failed;
  } else {
    row.state = "scheduled";
    row.sent_at.reset();
    row.next_attempt_at = now + backoff(row.attempts);
    row.error = "Nouvel essai prévu : " + result.error;
    ++pass.postponed;
  }
  save(row);
}

}  // namespace quittance::server
