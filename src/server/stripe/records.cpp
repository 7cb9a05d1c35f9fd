// Card payment records. See stripe/records.h.
#include "server/stripe/records.h"

#include "core/schedule.h"
#include "server/devices/devices.h"

namespace quittance::server {

using Json = nlohmann::json;

namespace {

constexpr const char* kChargeColumns =
    "clinic_id, command_id, COALESCE(payment_intent_id, ''), invoice_id, patient_id, currency, paid_on, status, "
    "amount, fee, refunded, created_at, payment_method_id, decline_code, request_id, surcharge";

ChargeRecord read_charge(SqlStatement& s) {
  ChargeRecord c;
  c.clinic_id = s.column_text(0);
  c.command_id = s.column_text(1);
  c.payment_intent_id = s.column_text(2);
  c.invoice_id = s.column_text(3);
  c.patient_id = s.column_text(4);
  c.currency = s.column_text(5);
  c.paid_on = s.column_text(6);
  c.status = s.column_text(7);
  c.amount = s.column_int64(8);
  c.fee = s.column_int64(9);
  c.refunded = s.column_int64(10);
  c.created_at = s.column_text(11);
  c.payment_method_id = s.column_text(12);
  c.decline_code = s.column_text(13);
  c.request_id = s.column_text(14);
  c.surcharge = s.column_int64(15);
  return c;
}

std::optional<ChargeRecord> one_charge(SqlStatement s) {
  if (!s.step()) return std::nullopt;
  return read_charge(s);
}

}  // namespace

std::optional<ChargeRecord> find_charge_by_intent(Sql& db, const std::string& payment_intent_id) {
  SqlStatement s =
      db.prepare(std::string("SELECT ") + kChargeColumns + " FROM charges WHERE payment_intent_id = ?");
  s.bind(1, payment_intent_id);
  return one_charge(std::move(s));
}

std::optional<ChargeRecord> find_charge_by_command(Sql& db, const std::string& clinic_id,
                                                   const std::string& command_id) {
  SqlStatement s = db.prepare(std::string("SELECT ") + kChargeColumns +
                                  " FROM charges WHERE clinic_id = ? AND command_id = ? AND command_id != ''");
  s.bind(1, clinic_id).bind(2, command_id);
  return one_charge(std::move(s));
}

void insert_charge(Sql& db, const ChargeRecord& c, std::int64_t now) {
  SqlStatement s = db.prepare(
      "INSERT INTO charges(clinic_id, command_id, payment_intent_id, invoice_id, patient_id, amount, currency, "
      "paid_on, status, created_at, updated_at, payment_method_id, request_id, surcharge) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  s.bind(1, c.clinic_id).bind(2, c.command_id);
  if (c.payment_intent_id.empty()) {
    s.bind_null(3);
  } else {
    s.bind(3, c.payment_intent_id);
  }
  s.bind(4, c.invoice_id)
      .bind(5, c.patient_id)
      .bind(6, c.amount)
      .bind(7, c.currency)
      .bind(8, c.paid_on)
      .bind(9, c.status)
      .bind(10, core::format_utc_instant(now))
      .bind(11, core::format_utc_instant(now))
      .bind(12, c.payment_method_id)
      .bind(13, c.request_id)
      .bind(14, c.surcharge)
      .step();
}

std::vector<ChargeRecord> find_request_charges(Sql& db, const std::string& clinic_id,
                                               const std::string& request_id) {
  SqlStatement s = db.prepare(std::string("SELECT ") + kChargeColumns +
                                  " FROM charges WHERE clinic_id = ? AND request_id = ? AND request_id != '' "
                                  "ORDER BY id DESC");
  s.bind(1, clinic_id).bind(2, request_id);
  std::vector<ChargeRecord> out;
  while (s.step()) out.push_back(read_charge(s));
  return out;
}

void cancel_request_charge(Sql& db, const std::string& payment_intent_id, std::int64_t now) {
  db.prepare(
        "UPDATE charges SET status = 'failed', decline_code = 'canceled', updated_at = ? "
        "WHERE payment_intent_id = ? AND status IN ('pending', 'failed')")
      .bind(1, core::format_utc_instant(now))
      .bind(2, payment_intent_id)
      .step();
}

ServerEvent record_charge_outcome(Sql& db, const ChargeRecord& c, const std::string& status,
                                  std::int64_t fee, const std::string& code, const std::string& decline_code,
                                  std::int64_t now) {
  ServerEvent event;
  db.transaction([&] {
    if (status != "succeeded") {
      std::optional<ServerEvent> success = find_event(db, c.clinic_id, "payment_succeeded:" + c.payment_intent_id);
      if (success) {
        event = *success;
        return;
      }
    }
    SqlStatement s = db.prepare(
        "UPDATE charges SET payment_intent_id = ?, status = CASE WHEN status = 'succeeded' THEN status ELSE ? END, "
        "fee = CASE WHEN ? > 0 THEN ? ELSE fee END, decline_code = ?, updated_at = ?, "
        "paid_on = CASE WHEN status = 'succeeded' THEN paid_on ELSE ? END "
        "WHERE clinic_id = ? AND (payment_intent_id = ? OR (command_id = ? AND command_id != ''))");
    s.bind(1, c.payment_intent_id)
        .bind(2, status)
        .bind(3, fee)
        .bind(4, fee)
        .bind(5, decline_code)
        .bind(6, core::format_utc_instant(now))
        .bind(7, c.paid_on)  // a payment page's: the day it was paid (stripe/webhook.cpp)
        .bind(8, c.clinic_id)
        .bind(9, c.payment_intent_id)
        .bind(10, c.command_id)
        .step();
    // A payment request's: the devices pay its invoices (server_event_commands.cpp), and only
    // what is left once the fee passed on to the patient is taken off.
    auto of_request = [&c](Json data) {
      if (!c.request_id.empty()) data["request_id"] = c.request_id;
      return data;
    };
    if (status == "succeeded") {
      Json data = of_request({{"payment_intent_id", c.payment_intent_id},
                              {"invoice_id", c.invoice_id},
                              {"patient_id", c.patient_id},
                              {"amount", c.amount},
                              {"fee", fee},
                              {"currency", c.currency},
                              {"paid_on", c.paid_on}});
      if (!c.request_id.empty()) data["surcharge"] = c.surcharge;
      event = emit_event(db, c.clinic_id, "payment_succeeded:" + c.payment_intent_id, "payment.succeeded", data, now);
    } else if (status == "processing") {
      event = emit_event(db, c.clinic_id, "payment_processing:" + c.payment_intent_id, "payment.processing",
                         of_request({{"payment_intent_id", c.payment_intent_id},
                                     {"invoice_id", c.invoice_id},
                                     {"patient_id", c.patient_id},
                                     {"amount", c.amount}}),
                         now);
    } else {
      event = emit_event(db, c.clinic_id, "payment_failed:" + c.payment_intent_id, "payment.failed",
                         of_request({{"payment_intent_id", c.payment_intent_id},
                                     {"invoice_id", c.invoice_id},
                                     {"patient_id", c.patient_id},
                                     {"amount", c.amount},
                                     {"code", code},
                                     {"decline_code", decline_code}}),
                         now);
    }
  });
  return event;
}

ServerEvent record_refund(Sql& db, const ChargeRecord& c, const std::string& refund_id, std::int64_t amount,
                          const std::string& command_id, const std::string& refunded_on, const std::string& reason,
                          std::int64_t now) {
  ServerEvent event;
  db.transaction([&] {
    const std::int64_t before = db.total_changes();
    SqlStatement insert = db.prepare(
        "INSERT INTO stripe_refunds(refund_id, clinic_id, payment_intent_id, command_id, amount, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(refund_id) DO NOTHING");
    insert.bind(1, refund_id).bind(2, c.clinic_id).bind(3, c.payment_intent_id);
    if (command_id.empty()) {
      insert.bind_null(4);
    } else {
      insert.bind(4, command_id);
    }
    insert.bind(5, amount).bind(6, core::format_utc_instant(now)).step();
    if (db.total_changes() != before) {
      db.prepare("UPDATE charges SET refunded = refunded + ?, updated_at = ? WHERE payment_intent_id = ?")
          .bind(1, amount)
          .bind(2, core::format_utc_instant(now))
          .bind(3, c.payment_intent_id)
          .step();
    }
    event = emit_event(db, c.clinic_id, "refund:" + refund_id, "refund.succeeded",
                       {{"refund_id", refund_id},
                        {"payment_intent_id", c.payment_intent_id},
                        {"invoice_id", c.invoice_id},
                        {"patient_id", c.patient_id},
                        {"amount", amount},
                        {"refunded_on", refunded_on},
                        {"reason", reason}},
                       now);
  });
  return event;
}

void abandon_charge(Sql& db, const std::string& clinic_id, const std::string& command_id,
                    const std::string& code, std::int64_t now) {
  db.prepare(
        "UPDATE charges SET status = 'failed', decline_code = ?, updated_at = ? "
        "WHERE clinic_id = ? AND command_id = ? AND status = 'pending'")
      .bind(1, code)
      .bind(2, core::format_utc_instant(now))
      .bind(3, clinic_id)
      .bind(4, command_id)
      .step();
}

std::optional<std::string> find_refund_by_command(Sql& db, const std::string& clinic_id,
                                                  const std::string& command_id) {
  SqlStatement s = db.prepare("SELECT refund_id FROM stripe_refunds WHERE clinic_id = ? AND command_id = ?");
  s.bind(1, clinic_id).bind(2, command_id);
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

std::optional<ServerEvent> outcome_event(Sql& db, const ChargeRecord& c) {
  if (c.payment_intent_id.empty()) return std::nullopt;
  for (const char* prefix : {"payment_succeeded:", "payment_failed:", "payment_processing:"})
    if (auto e = find_event(db, c.clinic_id, prefix + c.payment_intent_id)) return e;
  return std::nullopt;
}

std::optional<ServerEvent> record_detached_card(Sql& db, const std::string& payment_method_id,
                                                std::int64_t now, const std::string& only_clinic) {
  SqlStatement s = db.prepare(
      "SELECT clinic_id, patient_id, brand, last4, exp_month, exp_year FROM saved_cards WHERE payment_method_id = ?");
  s.bind(1, payment_method_id);
  if (!s.step()) return std::nullopt;
  const std::string clinic_id = s.column_text(0);
  if (!only_clinic.empty() && clinic_id != only_clinic) return std::nullopt;
  const Json data = {{"patient_id", s.column_text(1)},
                     {"brand", s.column_text(2)},
                     {"last4", s.column_text(3)},
                     {"exp_month", s.column_int64(4)},
                     {"exp_year", s.column_int64(5)}};
  ServerEvent event;
  db.transaction([&] {
    db.prepare("UPDATE saved_cards SET detached = 1 WHERE payment_method_id = ?").bind(1, payment_method_id).step();
    event = emit_event(db, clinic_id, "card_removed:" + payment_method_id, "card.removed", data, now);
  });
  return event;
}

void forget_clinic_cards(Sql& db, const std::string& clinic_id, std::int64_t now) {
  std::vector<std::string> cards;
  {
    SqlStatement s = db.prepare("SELECT payment_method_id FROM saved_cards WHERE clinic_id = ? AND detached = 0");
    s.bind(1, clinic_id);
    while (s.step()) cards.push_back(s.column_text(0));
  }
  for (const std::string& card : cards) record_detached_card(db, card, now, clinic_id);
  db.prepare("DELETE FROM stripe_customers WHERE clinic_id = ?").bind(1, clinic_id).step();
}

ServerEvent record_saved_card(Sql& db, const std::string& clinic_id, const std::string& patient_id,
                              const CardRecord& card, std::int64_t now, const std::string& request_id) {
  ServerEvent event;
  db.transaction([&] {
    db.prepare(
          "INSERT INTO saved_cards(payment_method_id, clinic_id, patient_id, brand, last4, exp_month, exp_year, "
          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(payment_method_id) DO NOTHING")
        .bind(1, card.payment_method_id)
        .bind(2, clinic_id)
        .bind(3, patient_id)
        .bind(4, card.brand)
        .bind(5, card.last4)
        .bind(6, card.exp_month)
        .bind(7, card.exp_year)
        .bind(8, core::format_utc_instant(now))
        .step();
    Json data = {{"patient_id", patient_id},
                 {"brand", card.brand},
                 {"last4", card.last4},
                 {"exp_month", card.exp_month},
                 {"exp_year", card.exp_year}};
    if (!request_id.empty()) data["request_id"] = request_id;
    event = emit_event(db, clinic_id, "card:" + card.payment_method_id, "card.saved", data, now);
  });
  return event;
}

std::optional<CardRecord> latest_card(Sql& db, const std::string& clinic_id,
                                      const std::string& patient_id) {
  SqlStatement s = db.prepare(
      "SELECT payment_method_id, brand, last4, exp_month, exp_year FROM saved_cards "
      "WHERE clinic_id = ? AND patient_id = ? AND detached = 0 ORDER BY created_at DESC, rowid DESC LIMIT 1");
  s.bind(1, clinic_id).bind(2, patient_id);
  if (!s.step()) return std::nullopt;
  return CardRecord{s.column_text(0), s.column_text(1), s.column_text(2), s.column_int64(3), s.column_int64(4)};
}

std::optional<std::string> find_customer(Sql& db, const std::string& clinic_id,
                                         const std::string& patient_id) {
  SqlStatement s = db.prepare("SELECT customer_id FROM stripe_customers WHERE clinic_id = ? AND patient_id = ?");
  s.bind(1, clinic_id).bind(2, patient_id);
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

std::string keep_customer(Sql& db, const std::string& clinic_id, const std::string& patient_id,
                          const std::string& customer_id, std::int64_t now) {
  db.prepare(
        "INSERT INTO stripe_customers(clinic_id, patient_id, customer_id, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING")
      .bind(1, clinic_id)
      .bind(2, patient_id)
      .bind(3, customer_id)
      .bind(4, core::format_utc_instant(now))
      .step();
  return *find_customer(db, clinic_id, patient_id);
}

void insert_card_setup(Sql& db, const std::string& setup_intent_id, const CardSetup& setup,
                       const std::string& command_id, std::int64_t now) {
  db.prepare(
        "INSERT INTO card_setups(setup_intent_id, clinic_id, patient_id, command_id, created_at, request_id) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .bind(1, setup_intent_id)
      .bind(2, setup.clinic_id)
      .bind(3, setup.patient_id)
      .bind(4, command_id)
      .bind(5, core::format_utc_instant(now))
      .bind(6, setup.request_id)
      .step();
}

namespace {
constexpr const char* kSetupColumns = "clinic_id, patient_id, request_id, setup_intent_id, payment_method_id";
CardSetup read_setup(SqlStatement& s) {
  return CardSetup{s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4)};
}
}  // namespace

std::optional<CardSetup> find_card_setup(Sql& db, const std::string& setup_intent_id) {
  SqlStatement s =
      db.prepare(std::string("SELECT ") + kSetupColumns + " FROM card_setups WHERE setup_intent_id = ?");
  s.bind(1, setup_intent_id);
  if (!s.step()) return std::nullopt;
  return read_setup(s);
}

std::vector<CardSetup> find_request_setups(Sql& db, const std::string& clinic_id,
                                           const std::string& request_id) {
  SqlStatement s = db.prepare(std::string("SELECT ") + kSetupColumns +
                                  " FROM card_setups WHERE clinic_id = ? AND request_id = ? AND request_id != '' "
                                  "ORDER BY rowid DESC");
  s.bind(1, clinic_id).bind(2, request_id);
  std::vector<CardSetup> out;
  while (s.step()) out.push_back(read_setup(s));
  return out;
}

void mark_card_setup_done(Sql& db, const std::string& setup_intent_id,
                          const std::string& payment_method_id) {
  db.prepare("UPDATE card_setups SET payment_method_id = ? WHERE setup_intent_id = ?")
      .bind(1, payment_method_id)
      .bind(2, setup_intent_id)
      .step();
}

}  // namespace quittance::server
