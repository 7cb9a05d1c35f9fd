// Properties of the billing ledger over thousands of randomized command sequences (fixed seed,
// so a failure replays): whatever mix of valid and invalid commands is thrown at it,
//   - a patient's balance identity holds: due − credit = invoiced − credited − paid + refunded;
//   - each invoice's cached settled amount equals its active allocations, stays within
//     [0, total], and its status is the one derived from state and amounts;
//   - each payment's and credit note's used amount equals its allocations plus refunds and
//     never exceeds it (a deleted payment keeps nothing allocated);
//   - a refused command changes nothing at all; an accepted one adds exactly one journal entry;
//   - the journal's hash chain verifies.
#include <doctest/doctest.h>

#include <limits>

#include <random>

#include "billing_clinic.h"
#include "core/invoice_status.h"
#include "core/money.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

std::int64_t scalar(quittance::store::Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  st.step();
  return st.column_int64(0);
}

// Every row of every table, as text: equal fingerprints mean equal databases.
std::string fingerprint(quittance::store::Database& db) {
  std::vector<std::string> tables;
  // The full-text index's shadow tables are derived from patients (and some have no rowid).
  auto names = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'patients_fts%' ORDER BY name");
  while (names.step()) tables.push_back(names.column_text(0));
  std::string out;
  for (const std::string& t : tables) {
    auto rows = db.prepare("SELECT * FROM \"" + t + "\" ORDER BY rowid");
    out += t + ":";
    while (rows.step()) {
      for (int i = 0; i < rows.column_count(); ++i) out += rows.column_text(i) + "|";
      out += "\n";
    }
  }
  return out;
}

void check_invariants(Clinic& c) {
  auto& db = c.db();
  CHECK(scalar(db, "SELECT COUNT(*) FROM invoices i WHERE settled <> (SELECT COALESCE(SUM(amount), 0) FROM allocations a "
                   "WHERE a.invoice_id = i.id AND a.reversed = 0)") == 0);
  CHECK(scalar(db, "SELECT COUNT(*) FROM invoices WHERE settled < 0 OR settled > total") == 0);
  CHECK(scalar(db, "SELECT COUNT(*) FROM invoices WHERE state = 'draft' AND settled <> 0") == 0);
  {
    auto st = db.prepare("SELECT state, total, settled, status FROM invoices");
    while (st.step()) {
      using quittance::core::InvoiceState;
      const std::string s = st.column_text(0);
      InvoiceState state = s == "draft" ? InvoiceState::Draft : s == "issued" ? InvoiceState::Issued : InvoiceState::Cancelled;
      CHECK(st.column_text(3) == quittance::core::to_string(
                                     quittance::core::derive_status(state, st.column_int64(1), st.column_int64(2))));
    }
  }
  for (const char* kind : {"payment", "credit_note"}) {
    const std::string table = std::string(kind) == "payment" ? "payments" : "credit_notes";
    const std::string total = std::string(kind) == "payment" ? "amount" : "total";
    CHECK(scalar(db, "SELECT COUNT(*) FROM " + table + " s WHERE used <> "
                     "(SELECT COALESCE(SUM(amount), 0) FROM allocations a WHERE a.source_kind = '" + kind +
                     "' AND a.source_id = s.id AND a.reversed = 0) + "
                     "(SELECT COALESCE(SUM(amount), 0) FROM refund_parts r WHERE r.source_kind = '" + kind +
                     "' AND r.source_id = s.id)") == 0);
    CHECK(scalar(db, "SELECT COUNT(*) FROM " + table + " WHERE used < 0 OR used > " + total) == 0);
  }
  CHECK(scalar(db, "SELECT COUNT(*) FROM payments WHERE deleted = 1 AND used <> 0") == 0);
  auto patients = db.prepare("SELECT id FROM patients");
  while (patients.step()) {
    Json b = c.balance(patients.column_text(0));
    CHECK(b["due"].get<std::int64_t>() - b["credit"].get<std::int64_t>() ==
          b["invoiced"].get<std::int64_t>() - b["credited"].get<std::int64_t>() - b["paid"].get<std::int64_t>() +
              b["refunded"].get<std::int64_t>());
    CHECK(b["credit"].get<std::int64_t>() >= 0);
    // Money goes back only where money came in (or a credit note left credit): nothing
    // refunded out of what a credit note settled.
    CHECK(b["refunded"].get<std::int64_t>() <= b["paid"].get<std::int64_t>() + b["credited"].get<std::int64_t>());
  }
}

// Picks one of the ids in `table` (optionally filtered), or a made-up one now and then.
std::string pick(Clinic& c, std::mt19937_64& rng, const std::string& sql) {
  std::vector<std::string> ids;
  auto st = c.db().prepare(sql);
  while (st.step()) ids.push_back(st.column_text(0));
  if (ids.empty() || rng() % 20 == 0) return "unknown-id";
  return ids[rng() % ids.size()];
}

// An amount that is usually sensible, sometimes too large (up to the 64-bit limit), zero or
// negative.
Json amount(std::mt19937_64& rng, std::int64_t typical) {
  switch (rng() % 12) {
    case 0: return -static_cast<std::int64_t>(rng() % 1000);
    case 1: return 0;
    case 10: return rng() % 2 ? quittance::core::kMaxAmount + 1 : std::numeric_limits<std::int64_t>::max();
    case 11: return std::uint64_t{18'446'744'073'709'551'615u};
    case 2: return typical + 1 + static_cast<std::int64_t>(rng() % 5000);
    default: return 1 + static_cast<std::int64_t>(rng() % std::max<std::int64_t>(typical, 1));
  }
}

Json random_command(Clinic& c, std::mt19937_64& rng) {
  const std::string patient = pick(c, rng, "SELECT id FROM patients");
  const std::string issued = pick(c, rng, "SELECT id FROM invoices WHERE state = 'issued'");
  const std::string any_invoice = pick(c, rng, "SELECT id FROM invoices");
  const std::string payment = pick(c, rng, "SELECT id FROM payments");
  const std::string credit_note = pick(c, rng, "SELECT id FROM credit_notes");
  const std::string types[] = {"cash", "cheque", "transfer", "card_terminal", "account"};
  const std::string type = types[rng() % 5];
  const std::int64_t price = 1000 + static_cast<std::int64_t>(rng() % 9000);
  switch (rng() % 12) {
    case 0:
      return {{"cmd", "patient.create"}, {"name", "Patient " + std::to_string(rng() % 1000)}};
    case 1:
    case 2:
      return {{"cmd", "invoice.create"}, {"patient_id", patient},
              {"lines", {{{"label", "Séance"}, {"unit_price", price}, {"quantity", 1 + static_cast<int>(rng() % 3)}}}}};
    case 3:
      return {{"cmd", "invoice.issue"}, {"invoice_id", any_invoice}};
    case 4:
    case 5:
      return {{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", type}, {"amount", amount(rng, price)},
              {"allocations", rng() % 3 ? Json{{{"invoice_id", issued}, {"amount", amount(rng, price / 2)}}} : Json::array()}};
    case 6:
      return {{"cmd", "invoice.pay_from_account"}, {"invoice_id", issued}, {"amount", amount(rng, price / 3)}};
    case 7:
      return {{"cmd", "credit_note.create"}, {"patient_id", patient},
              {"lines", {{{"label", "Avoir"}, {"unit_price", price / 4}}}}};
    case 8:
      return {{"cmd", "credit_note.apply"}, {"credit_note_id", credit_note}, {"invoice_id", issued},
              {"amount", amount(rng, price / 4)}};
    case 9: {
      Json cmd = {{"cmd", "refund.create"}, {"patient_id", patient}, {"payment_type_id", "cash"},
                  {"amount", amount(rng, price / 2)}, {"reason", "Trop-perçu"}};
      // Of a payment, of a credit note (one that cancelled an invoice, often), or of the credit.
      const auto from = rng() % 3;
      if (from == 0) cmd["payment_id"] = payment;
      if (from == 1) cmd["credit_note_id"] = credit_note;
      return cmd;
    }
    case 10:
      return rng() % 2 ? Json{{"cmd", "payment.update"}, {"payment_id", payment}, {"amount", amount(rng, price)},
                              {"reason", "Correction"}}
                       : Json{{"cmd", "payment.delete"}, {"payment_id", payment}, {"reason", "Erreur"}};
    default:
      return {{"cmd", "invoice.cancel"}, {"invoice_id", issued}, {"reason", "Erreur de facturation"}};
  }
}

}  // namespace

TEST_CASE("ledger properties hold over 10,000 random commands (200 clinics × 50 commands)") {
  std::mt19937_64 rng(20261121);
  int accepted = 0, refused = 0;
  for (int clinic = 0; clinic < 200; ++clinic) {
    Clinic c;
    c.patient("Alice Martin");
    c.patient("Bruno Dubois");
    for (int step = 0; step < 50; ++step) {
      Json cmd = random_command(c, rng);
      const std::string before = fingerprint(c.db());
      const std::int64_t journal = scalar(c.db(), "SELECT COUNT(*) FROM journal");
      Json answer = c.try_exec(cmd);
      CAPTURE(clinic);
      CAPTURE(step);
      CAPTURE(cmd.dump());
      CAPTURE(answer.dump());
      if (answer["ok"] == true) {
        ++accepted;
        CHECK(scalar(c.db(), "SELECT COUNT(*) FROM journal") == journal + 1);
      } else {
        ++refused;
        CHECK(fingerprint(c.db()) == before);
        CHECK(answer["error"]["code"] != "internal_error");
        CHECK(answer["error"]["code"] != "storage_error");
      }
      check_invariants(c);
    }
    CHECK(c.query({{"cmd", "audit.verify"}})["intact"] == true);
  }
  MESSAGE("accepted ", accepted, ", refused ", refused);
  // Both paths were exercised in earnest.
  CHECK(accepted > 3000);
  CHECK(refused > 1000);
}
