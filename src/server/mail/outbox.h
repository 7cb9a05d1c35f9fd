// The server's outbox of billing emails (server schema 6, docs/emails.md): one row per
// template and invoice, planned from the clinic's books by the mail scheduler, sent at most
// once. Every change a person should see becomes a "message.update" server event, which the
// clinic's devices pull into their Communications (app/message_commands.cpp).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "server/store/sql.h"

namespace quittance::server {

struct OutboxRow {
  std::string id;  // "<template>:<invoice>"
  std::string template_id, invoice_id, patient_id, template_name;
  bool reminder = false;  // only while unpaid, never to a patient excluded from reminders
  std::int64_t issued_at = 0, due_at = 0, next_attempt_at = 0;
  std::string state = "scheduled";  // scheduled, sending, sent, failed, cancelled
  std::int64_t attempts = 0;
  std::string recipient, error;
  std::optional<std::int64_t> sent_at;
  std::string retry_seen;
  std::int64_t version = 0;
};

// The row of a message sent once, at once, when asked (a payment request's, a document's): id
// "<template>:<what>", due at the asking instant, no reminder.
OutboxRow asked_row(const std::string& template_id, const std::string& template_name, const std::string& what,
                    const std::string& patient_id, std::int64_t asked_at, const std::string& recipient);

// Inserts the row (scheduled, unless planned cancelled; next attempt at its due time unless
// set) and tells the devices; false when it was already there.
bool plan_mail(Sql& db, const std::string& clinic_id, const OutboxRow& planned, std::int64_t now);

// How far a template was planned (mail_plans): for which activation, up to which log position.
struct PlanMark {
  std::string active_since;
  std::int64_t planned_seq = 0;
};
std::optional<PlanMark> plan_mark(Sql& db, const std::string& clinic_id, const std::string& template_id);
void set_plan_mark(Sql& db, const std::string& clinic_id, const std::string& template_id,
                   const PlanMark& mark);

// The clinic's rows still open: scheduled, or failed since `failed_since` (a person may ask to
// retry; older failures are left alone). `template_id` "": every template's.
std::vector<OutboxRow> open_mail(Sql& db, const std::string& clinic_id, std::int64_t failed_since,
                                 const std::string& template_id = "");
std::optional<OutboxRow> find_mail(Sql& db, const std::string& clinic_id, const std::string& id);

// Writes the row's state (and bumps its version). Every state but 'sending' is told to the
// devices by an event.
void save_mail(Sql& db, const std::string& clinic_id, OutboxRow row, std::int64_t now);

// Marks a scheduled row 'sending' (attempts + 1, sent_at = now) unless it changed since it was
// read (its version): false then, and it must not be sent. `row` is updated on success.
bool claim_mail(Sql& db, const std::string& clinic_id, OutboxRow& row, std::int64_t now);

// Messages sent since `since` (the daily cap).
std::int64_t sent_since(Sql& db, const std::string& clinic_id, std::int64_t since);

// Rows left in 'sending' by a stopped server, claimed before `claimed_before`: failed, never
// sent again on their own (the SMTP server may have taken them). Returns how many.
int fail_interrupted(Sql& db, std::int64_t now, std::int64_t claimed_before);

// Clinics that have an open row or any operation in their log.
std::vector<std::string> mail_clinics(Sql& db);

// What each clinic's log holds, in bytes (clinic_log_usage): it changes with every operation
// written, so a clinic whose figure has not moved has nothing new for the mail to plan.
std::map<std::string, std::int64_t> clinic_log_sizes(Sql& db);

// Clinics with a scheduled email due to be sent at `now`.
std::set<std::string> clinics_with_mail_due(Sql& db, std::int64_t now);

}  // namespace quittance::server
