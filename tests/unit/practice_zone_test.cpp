// The practice's time zone and accounts as settings: offered zones only, « today » of the
// commands and of the interface on the practice's calendar; the FEC's chart checked.
#include <doctest/doctest.h>

#include <chrono>

#include "app/chart_of_accounts.h"
#include "app/commands.h"
#include "app/settings_keys.h"
#include "store/migrations.h"
#include "ui/format.h"
#include "zone/local_time.h"

using namespace quittance;

namespace {
std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
app::Json set(app::CommandLayer& commands, const char* key, const std::string& value) {
  static int n = 0;
  return commands.exec({{"cmd", "settings.set"}, {"id", "set-" + std::to_string(++n)}, {"key", key}, {"value", value}});
}
}  // namespace

TEST_CASE("practice.time_zone: an offered zone only; the commands date on its calendar") {
  store::Database db = store::Database::open(":memory:");
  store::migrate(db, store::clinic_migrations());
  app::CommandLayer commands(db);  // the machine's clock, dated in the practice's zone
  CHECK(app::setting_or_default(db, "practice.time_zone") == "Europe/Paris");
  for (const char* refused : {"Mars/Olympus_Mons", "UTC", "Europe/London", ""}) {
    CAPTURE(refused);
    CHECK(set(commands, "practice.time_zone", refused)["error"]["code"] == "invalid_argument");
  }
  // Tahiti (UTC-10) and Nouméa (UTC+11): 21 hours apart, so on most hours of the day their
  // dates differ, and an invoice line's default date shows which one the layer used.
  for (const auto& [zone, tag] : {std::pair{"Pacific/Tahiti", "tahiti"}, std::pair{"Pacific/Noumea", "noumea"}}) {
    CAPTURE(zone);
    REQUIRE(set(commands, "practice.time_zone", zone)["ok"] == true);
    const app::Json patient = commands.exec({{"cmd", "patient.create"}, {"id", std::string("p-") + tag}, {"name", "Teva Tehei"}});
    REQUIRE_MESSAGE(patient["ok"] == true, patient.dump());
    const app::Json made = commands.exec({{"cmd", "invoice.create"}, {"id", std::string("i-") + tag},
                                          {"patient_id", patient["result"]["patient_id"]},
                                          {"lines", {{{"label", "Séance"}, {"unit_price", 4500}}}}});
    REQUIRE_MESSAGE(made["ok"] == true, made.dump());
    const app::Json invoice = commands.query({{"cmd", "invoice.get"}, {"invoice_id", made["result"]["invoice_id"]}});
    CHECK(invoice["result"]["lines"][0]["service_date"] == core::format_iso(zone::local_date(unix_now(), zone)));
  }
}

TEST_CASE("the interface dates and times in the practice's zone, not the device's") {
  ui::set_time_zone("Indian/Reunion");
  CHECK(ui::date_time("2026-12-11T22:30:00Z") == "12/12/2026 02:30");
  CHECK(ui::local_day("2026-12-11T22:30:00Z") == "2026-12-12");
  CHECK(ui::today() == zone::local_date(unix_now(), "Indian/Reunion"));
  ui::set_time_zone("Nowhere/Atall");  // read as the default
  CHECK(ui::time_zone() == "Europe/Paris");
  CHECK(ui::date_time("2026-07-01T12:00:00Z") == "01/07/2026 14:00");
}

TEST_CASE("the FEC's chart of accounts: three digits first, known entries, defaults elsewhere") {
  CHECK(app::valid_account_number("706000"));
  CHECK(app::valid_account_number("512BNP"));
  CHECK(app::valid_account_number("411"));
  CHECK_FALSE(app::valid_account_number("70"));
  CHECK_FALSE(app::valid_account_number("7A6000"));
  CHECK_FALSE(app::valid_account_number("512bnp"));
  CHECK_FALSE(app::valid_account_number("706 000"));
  CHECK(app::chart_error("").empty());
  CHECK(app::chart_error(R"({"revenue": "706100", "methods": {"cash": "531000"}})").empty());
  CHECK(app::chart_error("not json") == "must be a JSON object");
  CHECK(app::chart_error(R"({"bank": "512000"})").find("unknown entry") != std::string::npos);
  CHECK(app::chart_error(R"({"methods": {"cash": 531000}})").find("cash") != std::string::npos);

  store::Database db = store::Database::open(":memory:");
  store::migrate(db, store::clinic_migrations());
  app::CommandLayer commands(db);
  REQUIRE(set(commands, "accounting.accounts", R"({"revenue": "706100", "methods": {"cash": "531000"}})")["ok"] == true);
  const app::ChartOfAccounts chart = app::chart_of_accounts(db);
  CHECK(chart.revenue == "706100");
  CHECK(chart.customers == "411000");  // not set: its default
  CHECK(chart.method_account("cash") == "531000");
  CHECK(chart.method_account("cheque") == "511200");
  CHECK(chart.method_account("custom-type") == "512000");
  CHECK(set(commands, "accounting.accounts", R"({"revenue": "ABC"})")["error"]["code"] == "invalid_argument");
  CHECK(app::account_label("511200") == "Chèques à encaisser");
  CHECK(app::account_label("531000") == "Caisse");
  CHECK(app::account_label("658000") == "Compte 658000");
}
