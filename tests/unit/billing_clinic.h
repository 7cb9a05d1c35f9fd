// A small clinic for billing tests: a real SQLite database (in memory), the real command layer,
// and helpers that run commands the way the interface does and fail the test on a refusal.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "app/commands.h"
#include "store/migrations.h"

namespace quittance::testing {

using app::Json;

// A payment link's token: 43 characters of base64url, different for each `n` (and `fill`).
inline std::string link_token(int n, char fill = 'A') {
  std::string t(43, fill);
  t[0] = static_cast<char>('a' + n % 26);
  t[1] = static_cast<char>('a' + n / 26 % 26);
  return t;
}

class Clinic {
 public:
  explicit Clinic(core::Date today = {2026, 11, 2}) : commands_(db_, app::fixed_clock(today)) {
    store::migrate(db_, store::clinic_migrations());
  }

  // Runs a writing command with a fresh id; returns the answer (ok or not).
  Json try_exec(Json cmd) {
    cmd["id"] = "cmd-" + std::to_string(++counter_);
    return commands_.exec(cmd);
  }
  // Runs it and requires success; returns its result.
  Json exec(Json cmd) {
    Json answer = try_exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, cmd.dump(), " -> ", answer.dump());
    return answer["result"];
  }
  Json query(const Json& cmd) {
    Json answer = commands_.query(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, cmd.dump(), " -> ", answer.dump());
    return answer["result"];
  }
  // The refusal's code, requiring that the command was refused.
  std::string refusal(Json cmd) {
    Json answer = try_exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == false, cmd.dump(), " was accepted: ", answer.dump());
    return answer["error"]["code"];
  }

  std::string patient(const std::string& name) { return exec({{"cmd", "patient.create"}, {"name", name}})["patient_id"]; }

  // An issued invoice of one line of `amount` cents.
  std::string invoice(const std::string& patient_id, std::int64_t amount, const char* label = "Séance de kinésithérapie",
                      const char* issued_on = "2026-11-02") {
    std::string id = exec({{"cmd", "invoice.create"},
                           {"patient_id", patient_id},
                           {"lines", {{{"label", label}, {"unit_price", amount}, {"service_date", issued_on}}}}})["invoice_id"];
    exec({{"cmd", "invoice.issue"}, {"invoice_id", id}, {"issued_on", issued_on}});
    return id;
  }

  Json invoice_state(const std::string& id) { return query({{"cmd", "invoice.get"}, {"invoice_id", id}}); }
  std::string status(const std::string& id) { return invoice_state(id)["status"]; }
  std::int64_t due(const std::string& id) { return invoice_state(id)["due"]; }
  Json balance(const std::string& patient_id) { return query({{"cmd", "patient.balance"}, {"patient_id", patient_id}}); }

  store::Database& db() { return db_; }
  app::CommandLayer& commands() { return commands_; }

 private:
  store::Database db_ = store::Database::open(":memory:");
  app::CommandLayer commands_;
  int counter_ = 0;
};

}  // namespace quittance::testing
