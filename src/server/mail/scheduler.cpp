// The mail scheduler. See mail/scheduler.h.
#include "server/mail/scheduler.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "app/payment_requests.h"
#include "app/settings_keys.h"
#include "core/schedule.h"
#include "server/mail/document_mail.h"
#include "server/mail/request_mail.h"
#include "server/sync/op_log.h"
#include "zone/local_time.h"

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
// Far longer than one SMTP conversation can take (SmtpSettings: 15 s to connect, 60 s in all):
// a row 'sending' for longer belongs to a process that died.
constexpr std::int64_t kSendingLease = 10 * 60;

}  // namespace

// One message decided in a pass, sent after the books' lock is let go (scheduler.h).
struct MailJob {
  OutboxRow row;
  ComposedMail composed;
  std::int64_t charges = 0;  // the server's card payments for the invoice (and its requests) when decided
  std::string request_id;    // a request email's: sent only while the server has no payment of it
  std::vector<std::string> invoice_requests;  // an invoice email's: the requests its invoice is in
  bool document = false;     // an attestation's or a statement's: no payment overtakes it
  bool round = false;        // one of the year's attestations for all: half the daily cap at most
};

namespace {

// A row of attestation.email_all's round ("<template>:<command>:<patient>:all"), not one asked
// for one patient.
bool of_round(const OutboxRow& row) { return row.id.size() > 4 && row.id.compare(row.id.size() - 4, 4, ":all") == 0; }

// Card payments the server took, per invoice: a reminder must not chase money already paid,
// even before a device has brought it into the books. A bank debit under way (processing) may
// still fail: it holds the reminder back without cancelling it. A payment made on a payment
// request's page names the request, not an invoice: it is filed under "request:<id>", and
// goes to the request's invoices as the books will put it (requests::shares_of).
struct ServerCharge {
  std::string intent;
  std::int64_t amount = 0;  // what the invoices receive: a card fee passed on to the patient is not theirs
  bool succeeded = false;
};
using ServerCharges = std::map<std::string, std::vector<ServerCharge>>;

std::string request_key(const std::string& request_id) { return "request:" + request_id; }

// The payment requests the invoice is in (few: one per link sent for it).
std::vector<std::string> requests_of(store::Database& books, const std::string& invoice_id) {
  store::Statement s = books.prepare("SELECT request_id FROM payment_request_invoices WHERE invoice_id = ?");
  s.bind(1, invoice_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

// Every charge of the clinic (`invoice_id` ""), or those of one invoice and its requests.
ServerCharges server_charges(Sql& db, const std::string& clinic_id, const std::string& invoice_id = "",
                             const std::vector<std::string>& request_ids = {}) {
  std::string sql =
      "SELECT invoice_id, request_id, COALESCE(payment_intent_id, ''), amount - surcharge, "
      "CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END FROM charges WHERE clinic_id = ?1 AND status IN "
      "('succeeded', 'processing') AND (?2 = '' OR invoice_id = ?2";
  if (!request_ids.empty()) {  // one placeholder per request: both engines' SQL, no JSON function
    sql += " OR request_id IN (";
    for (std::size_t i = 0; i < request_ids.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 3);
    sql += ")";
  }
  sql += ")";
  SqlStatement s = db.prepare(sql);
  s.bind(1, clinic_id).bind(2, invoice_id);
  for (std::size_t i = 0; i < request_ids.size(); ++i) s.bind(static_cast<int>(i) + 3, request_ids[i]);
  ServerCharges out;
  while (s.step()) {
    const std::string request_id = s.column_text(1);
    out[request_id.empty() ? s.column_text(0) : request_key(request_id)].push_back(
        {s.column_text(2), s.column_int64(3), s.column_int64(4) != 0});
  }
  return out;
}

std::int64_t charges_total(const ServerCharges& charges, const std::string& invoice_id,
                           const std::vector<std::string>& request_ids) {
  std::int64_t sum = 0;
  auto add = [&](const std::string& key) {
    auto it = charges.find(key);
    if (it == charges.end()) return;
    for (const ServerCharge& c : it->second) sum += c.amount;
  };
  add(invoice_id);
  for (const std::string& r : request_ids) add(request_key(r));
  return sum;
}

// What the server took for the invoice that the books do not show yet: paid (succeeded) and
// under way (processing).
struct Elsewhere {
  std::int64_t paid = 0;
  bool under_way = false;
};

Elsewhere elsewhere(store::Database& books, const ServerCharges& charges, const std::string& invoice_id,
                    const std::vector<std::string>& request_ids) {
  Elsewhere e;
  // `share` gives the part of a charge not in the books yet that is the invoice's.
  auto count = [&](const std::string& key, auto share) {
    auto it = charges.find(key);
    if (it == charges.end()) return;
    for (const ServerCharge& c : it->second) {
      store::Statement s = books.prepare("SELECT 1 FROM payments WHERE processor_ref = ? AND processor_ref != ''");
      s.bind(1, c.intent);
      if (s.step()) continue;
      if (c.succeeded) {
        e.paid += share(c.amount);
      } else {
        e.under_way = true;
      }
    }
  };
  count(invoice_id, [](std::int64_t amount) { return amount; });
  for (const std::string& r : request_ids) {
    count(request_key(r), [&](std::int64_t amount) {
      for (const app::requests::Share& part : app::requests::shares_of(books, r, amount)) {
        if (part.invoice_id == invoice_id) return part.amount;
      }
      return std::int64_t{0};
    });
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
  return db_.with([&](Sql& d) {
    // SQLite: this scheduler is the only one, and sends one pass at a time, so a row still
    // 'sending' between passes was interrupted. PostgreSQL: another process's scheduler may be
    // in the middle of a conversation; a row is given up only once the longest conversation
    // (SMTP's timeouts) is long over, so its process died.
    const std::int64_t claimed_before =
        d.engine() == Sql::Engine::sqlite ? std::numeric_limits<std::int64_t>::max() : now - kSendingLease;
    int n = 0;
    d.transaction([&] { n = fail_interrupted(d, now, claimed_before); });
    return n;
  });
}

bool MailScheduler::leading() {
  if (db_.engine() == Sql::Engine::sqlite) return true;  // one process
  try {
    if (leader_ && leader_->scalar("SELECT 1") == 1) return true;  // still connected: still ours
  } catch (const std::exception&) {
    leader_.reset();  // the connection, and the lock with it, is gone: try again below
  }
  try {
    std::unique_ptr<Sql> candidate = db_.connect_alone();
    if (!candidate->try_lock_session("quittance-mail")) return false;  // another process sends
    leader_ = std::move(candidate);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: emails: " << e.what() << '\n';
    return false;
  }
}

MailPass MailScheduler::run_once() {
  MailPass pass;
  if (!leading()) return pass;
  recover();
  for (const auto& [clinic, log_size] : clinics_to_visit(now_())) {
    if (options_.stopping()) break;
    try {
      plan_clinic(clinic, pass);
      run_clinic(clinic, pass);
      visited_[clinic] = log_size;  // its size before the visit: what came during it, next pass
    } catch (const std::exception& e) {
      std::cerr << "quittance-server: emails of clinic " << clinic << ": " << e.what() << '\n';
    }
  }
  return pass;
}

std::vector<std::pair<std::string, std::int64_t>> MailScheduler::clinics_to_visit(std::int64_t now) {
  std::vector<std::string> clinics;
  std::map<std::string, std::int64_t> sizes;
  std::set<std::string> due;
  db_.with([&](Sql& d) {
    clinics = mail_clinics(d);
    sizes = clinic_log_sizes(d);
    due = clinics_with_mail_due(d, now);
  });
  const bool sweep = now - swept_at_ >= kSweepSeconds || now < swept_at_;
  if (sweep) swept_at_ = now;
  std::vector<std::pair<std::string, std::int64_t>> visit;
  for (const std::string& clinic : clinics) {
    const auto size = sizes.find(clinic);
    const std::int64_t log_size = size == sizes.end() ? 0 : size->second;
    const auto seen = visited_.find(clinic);
    if (sweep || due.count(clinic) || seen == visited_.end() || seen->second != log_size) {
      visit.emplace_back(clinic, log_size);
    }
  }
  return visit;
}

// New rows for the invoices issued by operations the template has not been planned for (all
// those issued since its activation, the first time), and the scheduled rows of a template whose
// delay or name changed brought in line.
void MailScheduler::plan_clinic(const std::string& clinic_id, MailPass& pass) {
  const std::int64_t now = now_();
  const ServerCharges charges = db_.with([&](Sql& d) { return server_charges(d, clinic_id); });
  std::vector<OutboxRow> plans, moved;
  std::map<std::string, PlanMark> marks;
  books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer&) {
    const std::int64_t cursor = books_cursor(b);
    // Delays in days and months count on the practice's calendar, at its time of day.
    const std::string time_zone = app::setting_or_default(b, "practice.time_zone");
    for (const MailTemplate& t : active_templates(b)) {
      const std::optional<core::DelayUnit> unit = core::delay_unit_from_string(t.delay_unit);
      if (!unit) continue;
      const int amount = static_cast<int>(t.delay_amount);
      std::optional<PlanMark> mark;
      std::vector<OutboxRow> open;
      db_.with([&](Sql& d) {
        mark = plan_mark(d, clinic_id, t.id);
        open = open_mail(d, clinic_id, now, t.id);
      });
      for (OutboxRow& row : open) {
        if (row.state != "scheduled") continue;
        const std::int64_t due = zone::schedule_at(row.issued_at, amount, *unit, time_zone);
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
        if (t.reminder() && s.column_int64(4) - elsewhere(b, charges, invoice, requests_of(b, invoice)).paid <= 0) {
          continue;
        }
        OutboxRow row;
        row.id = t.id + ":" + invoice;
        row.template_id = t.id;
        row.invoice_id = invoice;
        row.patient_id = s.column_text(1);
        row.template_name = t.name;
        row.reminder = t.reminder();
        row.issued_at = *issued;
        row.due_at = zone::schedule_at(*issued, amount, *unit, time_zone);
        row.recipient = s.column_text(3);
        plans.push_back(std::move(row));
      }
      marks[t.id] = PlanMark{t.active_since, cursor};
    }
    // « Demande de paiement »: every request to email still waiting; those the outbox knows
    // (sent, failed, cancelled) are not planned again below.
    if (const std::optional<MailTemplate> t = request_template(b)) {
      for (OutboxRow& row : request_mail_plans(b, *t, now)) plans.push_back(std::move(row));
    }
    // The attestations and statements asked for by email, likewise.
    for (const MailTemplate& t : document_templates(b)) {
      for (OutboxRow& row : document_mail_plans(b, t, now)) plans.push_back(std::move(row));
    }
  });
  // Of an invoice's reminders planned after their time, only the latest goes (once): a patient
  // is never sent the 7-day, 1-month and 2-month reminders in one burst.
  std::map<std::string, std::int64_t> latest_late;
  for (const OutboxRow& row : plans) {
    if (row.reminder && row.due_at <= now) latest_late[row.invoice_id] = std::max(latest_late[row.invoice_id], row.due_at);
  }
  db_.with([&](Sql& d) {
    d.transaction([&] {
      for (OutboxRow row : plans) {
        const bool late = row.reminder && row.due_at <= now;
        const bool superseded = late && row.due_at < latest_late[row.invoice_id];
        std::optional<OutboxRow> known = find_mail(d, clinic_id, row.id);
        // A corrected address (the patient's or the payer's) re-targets what is still to go,
        // and the devices see it at once; a row also moved this pass is saved once, below.
        if (known && known->state == "scheduled" && known->recipient != row.recipient) {
          auto also_moved = std::find_if(moved.begin(), moved.end(), [&](const OutboxRow& m) { return m.id == row.id; });
          if (also_moved != moved.end()) {
            also_moved->recipient = row.recipient;
          } else {
            known->recipient = row.recipient;
            save_mail(d, clinic_id, *known, now);
          }
        }
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
  db_.with([&](Sql& d) {
    open = open_mail(d, clinic_id, now - kFailedKept);
    charges = server_charges(d, clinic_id);
  });
  std::vector<OutboxRow> changes;
  std::vector<MailJob> jobs;
  std::int64_t decided_at_seq = 0;
  std::string time_zone;
  books_.read(db_, clinic_id, [&](store::Database& b, app::CommandLayer& commands) {
    decided_at_seq = books_cursor(b);
    time_zone = app::setting_or_default(b, "practice.time_zone");
    const std::int64_t window_opens = zone::within_hours(now, options_.window_opens, options_.window_closes, time_zone);
    const std::optional<MailTemplate> request_t = request_template(b);
    const std::vector<MailTemplate> document_ts = document_templates(b);
    auto cancel = [&](OutboxRow& row, const std::string& reason) {
      row.state = "cancelled";
      row.error = reason;
      changes.push_back(row);
      ++pass.cancelled;
    };
    // `windowed`: automatic emails (invoices, reminders, the attestations' round) wait for the
    // sending window; one the practice just asked for one patient (a payment link, a document)
    // goes at once: the patient may be at the desk, and a booking's link may expire overnight.
    auto sendable = [&](OutboxRow& row, bool windowed) {
      if (row.due_at > now || row.next_attempt_at > now) return false;
      if (windowed && window_opens > now) {  // night at the practice: held, once, to the window's opening
        row.next_attempt_at = window_opens;
        row.error = "Envoi le " + zone::date_time_fr(core::format_utc_instant(window_opens), time_zone) +
                    " : aucun e-mail entre " + std::to_string(options_.window_closes) + " h et " +
                    std::to_string(options_.window_opens) + " h, heure du cabinet.";
        changes.push_back(row);
        ++pass.postponed;
        return false;
      }
      return jobs.size() < static_cast<std::size_t>(options_.batch);
    };
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
      if (const std::string document = document_of(row, document_ts); !document.empty()) {
        if (facts.cancel_requested) {
          cancel(row, "à la demande du cabinet");
        } else if (const bool round = of_round(row); sendable(row, round)) {
          const MailTemplate& t = *std::find_if(document_ts.begin(), document_ts.end(),
                                                [&](const MailTemplate& d) { return d.id == row.template_id; });
          MailJob job{row, compose_document_mail(b, commands, t, document), 0, "", {}};
          job.document = true;
          job.round = round;
          jobs.push_back(std::move(job));
        }
        continue;
      }
      const std::string request_id = request_t ? request_of(row, *request_t) : "";
      if (!request_id.empty()) {
        const RequestFacts r = request_facts(b, commands, request_id);
        const RequestPayments online =
            db_.with([&](Sql& d) { return request_payments(d, clinic_id, request_id); });
        const std::string reason =
            facts.cancel_requested ? "à la demande du cabinet" : request_cancel_reason(r, online, now);
        if (!reason.empty()) {
          cancel(row, reason);
        } else if (!online.under_way && sendable(row, false)) {  // a bank debit under way may yet pay it
          jobs.push_back({row, compose_request_mail(r, *request_t, options_.public_url), 0, request_id, {}});
        }
        continue;
      }
      const std::optional<MailTemplate> t = find_template(b, row.template_id);
      const std::vector<std::string> request_ids = requests_of(b, row.invoice_id);
      const Elsewhere paid = elsewhere(b, charges, row.invoice_id, request_ids);
      const std::string reason = cancel_reason(row, facts, t, paid.paid);
      if (!reason.empty()) {
        cancel(row, reason);
        continue;
      }
      if (row.reminder && paid.under_way) continue;  // a bank debit under way: not now
      if (!sendable(row, true)) continue;
      jobs.push_back({row,
                      compose_mail(commands, *t, row.invoice_id, paid.paid,
                                   invoice_link_fields(b, commands, row.invoice_id, options_.public_url, now)),
                      charges_total(charges, row.invoice_id, request_ids), "", request_ids});
    }
  });
  db_.with([&](Sql& d) {
    d.transaction([&] {
      for (const OutboxRow& row : changes) save_mail(d, clinic_id, row, now);
    });
  });

  // Send, one message at a time, outside every lock; stop when what was decided is overtaken
  // (new operations in the log, a card payment) or the pass has run long: the next pass,
  // within seconds, decides again on the books as they are then.
  const auto started = std::chrono::steady_clock::now();
  for (MailJob& job : jobs) {
    if (options_.stopping() || std::chrono::steady_clock::now() - started > std::chrono::seconds(options_.pass_seconds)) {
      break;
    }
    const bool overtaken = db_.with([&](Sql& d) {
      // The server's own facts (this pass's emails among them) overtake nothing; a card
      // payment's is caught by the charges below.
      if (devices_wrote_after(d, clinic_id, decided_at_seq)) return true;
      if (job.document) return false;
      if (!job.request_id.empty()) {
        const RequestPayments online = request_payments(d, clinic_id, job.request_id);
        return online.paid || online.under_way;
      }
      return charges_total(server_charges(d, clinic_id, job.row.invoice_id, job.invoice_requests), job.row.invoice_id,
                           job.invoice_requests) != job.charges;
    });
    if (overtaken) break;
    try {
      send_one(clinic_id, time_zone, job, pass);
    } catch (const std::exception& e) {
      std::cerr << "quittance-server: email " << job.row.id << " of clinic " << clinic_id << ": " << e.what() << '\n';
    }
  }
}

void MailScheduler::send_one(const std::string& clinic_id, const std::string& time_zone, MailJob& job, MailPass& pass) {
  OutboxRow row = job.row;
  ComposedMail& composed = job.composed;
  const std::int64_t now = now_();
  auto save = [&](const OutboxRow& r) {
    db_.with([&](Sql& d) { d.transaction([&] { save_mail(d, clinic_id, r, now); }); });
  };
  // A message that cannot be made (or sent: no SMTP) fails at once, with its reason.
  auto fail = [&](const std::string& reason) {
    row.state = "failed";
    row.error = reason;
    save(row);
    ++pass.failed;
  };
  row.recipient = composed.recipient;
  if (!composed.error.empty()) return fail(composed.error);
  if (!sender_) return fail("L'envoi d'e-mails n'est pas configuré sur le serveur (SMTP_URL).");
  // The practice's day: from its midnight, and the rest go at the next morning's opening.
  const std::int64_t day_start = zone::day_start(now, time_zone);
  const std::int64_t sent_today = db_.with([&](Sql& d) { return sent_since(d, clinic_id, day_start); });
  // The attestations' round takes half the day's emails at most: a January of 2,000 attestations
  // never holds back the day's invoices and payment links.
  const std::int64_t cap = job.round ? std::max<std::int64_t>(1, options_.daily_cap / 2) : options_.daily_cap;
  if (sent_today >= cap) {
    row.next_attempt_at =
        zone::within_hours(zone::next_day_start(now, time_zone), options_.window_opens, options_.window_closes, time_zone);
    row.error = job.round ? "Reporté au lendemain : au plus " + std::to_string(cap) +
                                " attestations par jour, pour laisser passer les autres e-mails."
                          : "Reporté au lendemain : limite de " + std::to_string(cap) + " e-mails par jour atteinte.";
    save(row);
    ++pass.postponed;
    return;
  }
  attach_pdf(composed);  // once the cap lets it go: a postponed message costs no PDF
  if (!composed.error.empty()) return fail(composed.error);
  // Written before the conversation, and only if the row is still as decided: a server stopped
  // during it never sends this row again.
  const bool claimed = db_.with([&](Sql& d) {
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
