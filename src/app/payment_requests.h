// Payment requests in the books (docs/payment_requests.md): what a link /pay/<token> asks of a
// patient, its state, and where the money it brings goes. Shared by the request commands, the
// appointments (whose category asks for a deposit or the whole price) and the server events
// that record the payment.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/registry.h"

namespace quittance::app::requests {

struct Spec {
  std::string id;          // the request's id (a command's id)
  std::string token;       // drawn by the device: is_valid_token
  std::string patient_id;
  std::string kind;        // "invoices", "deposit" or "card"
  std::vector<std::string> invoice_ids;  // kind "invoices", paid in this order
  std::int64_t deposit = 0;              // kind "deposit"
  bool save_card = false;                // the page offers to keep the card (kind "card": always)
  bool send_email = false;               // the server emails the link
  std::int64_t expires_in_hours = 7 * 24;
  std::string note;                      // shown to the patient
  std::string appointment_id;            // the appointment it confirms, if any
};

// 32 to 64 characters of base64url: at least 192 bits when drawn at random.
bool is_valid_token(std::string_view token);

// The request described by the command's arguments (payment_request.create), checked.
Spec read_spec(Context& ctx);

// Checks the spec against the books and records the request: invoices issued, of the patient,
// with something due; an email address when it is to be emailed. Returns
// {request_id, token, path, kind, amount, currency, expires_at}.
Json create(Context& ctx, const Spec& spec);

// The state a person sees: the stored one, or "expired" for one not paid nor cancelled by
// its expiry (instants compared as text: both are "YYYY-MM-DDTHH:MM:SSZ").
std::string effective_state(const std::string& stored, const std::string& expires_at, const std::string& now);

struct Share {
  std::string invoice_id;
  std::int64_t amount;
};
// Where `amount` received for the request goes: its invoices in order, each up to what it
// still owes; what is left is account credit (a deposit is all credit). Empty for an unknown
// request.
std::vector<Share> shares_of(store::Database& db, const std::string& request_id, std::int64_t amount);

// Whether the request is in these books, and its patient.
std::string patient_of(store::Database& db, const std::string& request_id);

// The request was paid (or, for a card request, the card saved): its state, and the
// appointment it confirms.
void mark_paid(store::Database& db, const std::string& request_id, const std::string& payment_id,
               const std::string& at);
// An attempt was declined (the link still works), or the page was opened: only a request
// still waiting changes.
void mark_failed(store::Database& db, const std::string& request_id, const std::string& decline_code);
void mark_opened(store::Database& db, const std::string& request_id, const std::string& at);

}  // namespace quittance::app::requests
