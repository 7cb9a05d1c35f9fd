// The mail scheduler. See mail_scheduler.h.
#include "server/mail_scheduler.h"

#include <iostream>
#include <map>

#include "core/schedule.h"

namespace quittance::server {

namespace {

constexpr std::int64_t kDay = 86400;

struct Job {
  OutboxRow row;
  ComposedMail composed;
};

// Card payments the server took (succeeded, or a bank debit under way) per invoice: a reminder
// must not chase money already paid, even before a device has brought it into the books.
using ServerPayments = std::map<std::string, std::vector<std::pair<std::string, std::int64_t>>>;

ServerPayments server_payments(store::Database& db, const std::string& clinic_id) {
  store::Statement s = db.prepare(
      "SELECT invoice_id, COALESCE(payment_intent_id, ''), amount FROM charges "
      "WHERE clinic_id = ? AND status IN ('succeeded', 'processing')");
  s.bind(1, clinic_id);
  ServerPayments out;
  while (s.step()) out[s.column_text(0)].emplace_back(s.column_text(1), s.column_int64(2));
  return out;
}

std::int64_t paid_elsewhere(store::Database& books, const ServerPayments& payments, const std::string& invoice_id) {
  auto it = payments.find(invoice_id);
  if (it == payments.end()) return 0;
  std::int64_t sum = 0;
  for (const auto& [intent, amount] : it->second) {
    store::Statement s = books.prepare("SELECT 1 FROM payments WHERE processor_ref = ? AND processor_ref != ''");
    s.bind(1, intent);
    if (!s.step()) sum += amount;
  }
  return sum;
}

// Why a scheduled message no longer applies; "" when it still does.
std::string cancel_reason(const OutboxRow& row, const InvoiceFacts& facts, const std::optional<MailTemplate>& t,
                          std::int64_t paid_elsewhere) {
  if (facts.cancel_requested) return "Annulé depuis Quittance.";
  if (!t) return "Modèle supprimé.";
  if (!t->active) return "Modèle désactivé.";
  if (!facts.exists) return "Facture introuvable.";
  if (facts.state == "cancelled") return "Facture annulée.";
  if (row.reminder && facts.due - paid_elsewhere <= 0) return "Facture réglée.";
  if (row.reminder && !facts.patient_reminders) {
    return "Patient exclu des rappels (« Recevoir des rappels pour impayés » décoché).";
  }
  return "";
}

// Temporary failures are tried again after 5 min, 20 min, 80 min, 5 h 20.
std::int64_t backoff(std::int64_t attempts) {
  std::int64_t wait = 300;
  for (std::int64_t i = 1; i < attempts && wait < 6 * 3600; ++i) wait *= 4;
  return wait;
}

}  // namespace

MailScheduler::MailScheduler(SharedDatabase& db, SnapshotStore& books, std::shared_ptr<MailSender> sender, Clock now,
                             MailSchedulerOptions options)
    : db_(db), books_(books), sender_(std::move(sender)), now_(std::move(now)), options_(options) {}

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
  const std::vector<std::string> clinics = db_.with([](store::Database& d) { return mail_clinics(d); });
  for (const std::string& clinic : clinics) {
    try {
      run_clinic(clinic, pass);
    } catch (const std::exception& e) {
      std::cerr << "quittance-server: emails of clinic " << clinic << ": " << e.what() << '\n';
    }
  }
  return pass;
}

void MailScheduler::run_clinic(const std::string& clinic_id, MailPass& pass) {
  const std::int64_t now = now_();
  // 1. Plan from the books, then record the plan.
  std::vector<OutboxRow> plans = books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer&) {
    std::vector<OutboxRow> out;
    for (const MailTemplate& t : active_templates(b)) {
      const std::optional<core::DelayUnit> unit = core::delay_unit_from_string(t.delay_unit);
      if (!unit) continue;
      store::Statement s = b.prepare(
          t.reminder() ? "SELECT id, patient_id, issued_at FROM invoices WHERE state = 'issued' AND issued_at >= ? "
                         "AND status IN ('due', 'partly_paid')"
                       : "SELECT id, patient_id, issued_at FROM invoices WHERE state = 'issued' AND issued_at >= ?");
      s.bind(1, t.active_since);
      while (s.step()) {
        const std::optional<std::int64_t> issued = core::parse_utc_instant(s.column_text(2));
        if (!issued) continue;
        OutboxRow row;
        row.id = t.id + ":" + s.column_text(0);
        row.template_id = t.id;
        row.invoice_id = s.column_text(0);
        row.patient_id = s.column_text(1);
        row.template_name = t.name;
        row.reminder = t.reminder();
        row.due_at = core::schedule_at(*issued, static_cast<int>(t.delay_amount), *unit);
        out.push_back(std::move(row));
      }
    }
    return out;
  });
  db_.with([&](store::Database& d) {
    d.transaction([&] {
      for (const OutboxRow& row : plans) {
        if (!find_mail(d, clinic_id, row.id)) ++pass.planned;
        plan_mail(d, clinic_id, row, now);
      }
    });
  });

  // 2. Decide for every open row, and compose what is due.
  std::vector<OutboxRow> open;
  ServerPayments payments;
  db_.with([&](store::Database& d) {
    open = open_mail(d, clinic_id);
    payments = server_payments(d, clinic_id);
  });
  std::vector<OutboxRow> changes;
  std::vector<Job> jobs;
  books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer& commands) {
    for (OutboxRow& row : open) {
      const InvoiceFacts facts = invoice_facts(b, row.invoice_id, row.id);
      if (row.state == "failed") {
        // « Réessayer » on a device: once per request.
        if (!facts.retry_requested.empty() && facts.retry_requested > row.retry_seen) {
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
      const std::int64_t elsewhere = paid_elsewhere(b, payments, row.invoice_id);
      const std::string reason = cancel_reason(row, facts, t, elsewhere);
      if (!reason.empty()) {
        row.state = "cancelled";
        row.error = reason;
        changes.push_back(row);
        ++pass.cancelled;
        continue;
      }
      if (row.due_at > now || row.next_attempt_at > now || jobs.size() >= static_cast<std::size_t>(options_.batch)) {
        continue;
      }
      jobs.push_back({row, compose_mail(commands, *t, row.invoice_id, elsewhere)});
    }
  });
  db_.with([&](store::Database& d) {
    d.transaction([&] {
      for (const OutboxRow& row : changes) save_mail(d, clinic_id, row, now);
    });
  });

  // 3. Send, one message at a time, outside every lock.
  for (Job& job : jobs) send_one(clinic_id, job.row, job.composed, pass);
}

void MailScheduler::send_one(const std::string& clinic_id, OutboxRow row, const ComposedMail& composed,
                             MailPass& pass) {
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
  // Written before the conversation: a server stopped during it never sends this row again.
  row.state = "sending";
  row.sent_at = now;
  row.attempts += 1;
  save(row);
  const SendResult result = sender_->send(composed.message);
  if (result.sent()) {
    row.state = "sent";
    row.error.clear();
    ++pass.sent;
  } else if (result.outcome == SendResult::Outcome::refused || row.attempts >= options_.max_attempts) {
    row.state = "failed";
    row.sent_at.reset();
    row.error = result.outcome == SendResult::Outcome::refused
                    ? result.error
                    : "Échec après " + std::to_string(row.attempts) + " tentatives : " + result.error;
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
