// The server's outbox of billing emails (server schema 6, docs/emails.md): one row per
// template and invoice, planned from the clinic's books by the mail scheduler, sent at most
// once. Every change a person should see becomes a "message.update" server event, which the
// clinic's devices pull into their Communications (app/message_commands.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace quittance::server {

struct OutboxRow {
  std::string id;  // "<template>:<invoice>"
  std::string template_id, invoice_id, patient_id, template_name;
  bool reminder = false;  // only while unpaid, never to a patient excluded from reminders
  std::int64_t due_at = 0, next_attempt_at = 0;
  std::string state = "scheduled";  // scheduled, sending, sent, failed, cancelled
  std::int64_t attempts = 0;
  std::string recipient, error;
  std::optional<std::int64_t> sent_at;
  std::string retry_seen;
  std::int64_t version = 0;
};

// A new row is inserted (scheduled, with an event). A scheduled one whose due time or template
// name changed (the template was edited) is updated, with an event. Anything else is left.
void plan_mail(store::Database& db, const std::string& clinic_id, const OutboxRow& planned, std::int64_t now);

// The clinic's rows still open: scheduled, or failed (a person may ask to retry).
std::vector<OutboxRow> open_mail(store::Database& db, const std::string& clinic_id);
std::optional<OutboxRow> find_mail(store::Database& db, const std::string& clinic_id, const std::string& id);

// Writes the row's state. Every state but 'sending' is told to the devices by an event.
void save_mail(store::Database& db, const std::string& clinic_id, OutboxRow row, std::int64_t now);

// Messages sent since `since` (the daily cap).
std::int64_t sent_since(store::Database& db, const std::string& clinic_id, std::int64_t since);

// Rows left in 'sending' by a stopped server: failed, never sent again on their own (the SMTP
// server may have taken them). Returns how many.
int fail_interrupted(store::Database& db, std::int64_t now);

// Clinics that have an open row or any operation in their log.
std::vector<std::string> mail_clinics(store::Database& db);

}  // namespace quittance::server
