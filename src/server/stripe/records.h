// The server database's record of card payments (tables of migration 3), written by both
// the app's payment routes (stripe/payments.cpp) and Stripe's webhook (stripe/webhook.cpp):
// each outcome is recorded once and becomes one server event, whichever path saw it first.
// Callers hold the SharedDatabase lock; each function is one statement or one transaction.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/sync/server_events.h"
#include "server/store/sql.h"

namespace quittance::server {

struct ChargeRecord {
  std::string clinic_id, command_id, payment_intent_id, invoice_id, patient_id, currency, paid_on;
  std::string payment_method_id;   // the saved card charged; "" for a payment begun elsewhere
  std::string status = "pending";  // pending, processing, succeeded, failed
  std::int64_t amount = 0, fee = 0, refunded = 0;
  std::string created_at;
  std::string decline_code;        // a failure's; "canceled" for an intent we canceled
  // A payment request's (pay/page.h): the request it pays, "" otherwise; and the card fee
  // passed on to the patient, part of `amount` but not of what the invoices receive.
  std::string request_id;
  std::int64_t surcharge = 0;
};

std::optional<ChargeRecord> find_charge_by_intent(Sql& db, const std::string& payment_intent_id);
std::optional<ChargeRecord> find_charge_by_command(Sql& db, const std::string& clinic_id,
                                                   const std::string& command_id);
// Inserts the charge as it is about to be asked of Stripe (no payment intent yet), or a
// payment intent first met in a webhook. Does nothing if that command or intent is known.
void insert_charge(Sql& db, const ChargeRecord& charge, std::int64_t now);

// The outcome of a payment intent, found by command id (an app charge) or by intent id:
// updates the charge and emits its event (payment.succeeded / .processing / .failed).
// `code`/`decline_code` only for a failure. A charge that succeeded stays so: a late event
// of an earlier attempt gives back the success's event and changes nothing.
ServerEvent record_charge_outcome(Sql& db, const ChargeRecord& charge, const std::string& status,
                                  std::int64_t fee, const std::string& code, const std::string& decline_code,
                                  std::int64_t now);

// A refund of a charge, once per Stripe refund id: adds to the charge's refunded amount the
// first time, and emits refund.succeeded. `command_id` is "" for a refund made in Stripe's
// dashboard.
ServerEvent record_refund(Sql& db, const ChargeRecord& charge, const std::string& refund_id,
                          std::int64_t amount, const std::string& command_id, const std::string& refunded_on,
                          const std::string& reason, std::int64_t now);

// The charges made for a payment request, newest first.
std::vector<ChargeRecord> find_request_charges(Sql& db, const std::string& clinic_id,
                                               const std::string& request_id);
// A request's intent we canceled (its amount or the patient's choice changed): it no longer
// counts, and its successor gets another Idempotency-Key.
void cancel_request_charge(Sql& db, const std::string& payment_intent_id, std::int64_t now);

// A charge Stripe refused outright (a bad request, a bad key): it happened nowhere, so it
// stops keeping other charges of its invoice waiting.
void abandon_charge(Sql& db, const std::string& clinic_id, const std::string& command_id,
                    const std::string& code, std::int64_t now);

// The Stripe refund made for an app's refund command, if Stripe made one.
std::optional<std::string> find_refund_by_command(Sql& db, const std::string& clinic_id,
                                                  const std::string& command_id);

struct CardRecord {
  std::string payment_method_id, brand, last4;
  std::int64_t exp_month = 0, exp_year = 0;
};
// A card saved for off-session use; emits card.saved once per payment method.
// The event that settled a charge (succeeded, processing or failed), if any.
std::optional<ServerEvent> outcome_event(Sql& db, const ChargeRecord& charge);

// `request_id`: the card request (kind card) the card was saved for, told in the event.
ServerEvent record_saved_card(Sql& db, const std::string& clinic_id, const std::string& patient_id,
                              const CardRecord& card, std::int64_t now, const std::string& request_id = "");
// The patient's most recently saved card that is still usable.
// A card removed in Stripe (payment_method.detached): no longer offered nor charged; emits
// card.removed once. nullopt when the card is not known.
// `only_clinic`: the card must be that clinic's (an event routed to it); "" for any.
std::optional<ServerEvent> record_detached_card(Sql& db, const std::string& payment_method_id,
                                                std::int64_t now, const std::string& only_clinic = "");
// The clinic's Stripe account is gone (deauthorized): its saved cards and customers lived
// there. Each card becomes card.removed; the customers are forgotten, so that a new account
// makes its own.
void forget_clinic_cards(Sql& db, const std::string& clinic_id, std::int64_t now);
std::optional<CardRecord> latest_card(Sql& db, const std::string& clinic_id, const std::string& patient_id);

std::optional<std::string> find_customer(Sql& db, const std::string& clinic_id,
                                         const std::string& patient_id);
// Keeps the first customer made for a patient; gives the one kept.
std::string keep_customer(Sql& db, const std::string& clinic_id, const std::string& patient_id,
                          const std::string& customer_id, std::int64_t now);

// The setup a SetupIntent was made for: {clinic_id, patient_id}, and the payment request
// (kind card) it was made for, if any.
struct CardSetup {
  std::string clinic_id, patient_id;
  std::string request_id;
  std::string setup_intent_id;    // when read back
  std::string payment_method_id;  // the card saved, once it succeeded; "" until then
};
void insert_card_setup(Sql& db, const std::string& setup_intent_id, const CardSetup& setup,
                       const std::string& command_id, std::int64_t now);
std::optional<CardSetup> find_card_setup(Sql& db, const std::string& setup_intent_id);
// The set-ups made for a card request, newest first.
std::vector<CardSetup> find_request_setups(Sql& db, const std::string& clinic_id,
                                           const std::string& request_id);
// The set-up succeeded and saved this card.
void mark_card_setup_done(Sql& db, const std::string& setup_intent_id,
                          const std::string& payment_method_id);

}  // namespace quittance::server
