// The « livre-journal des recettes » (app/receipts_journal.h, pdf/receipts_journal_pdf.h): on
// the demo clinic, its totals reconcile to the cent with the dashboard's takings (by method too)
// and with the accountant's payments and refunds CSV; its PDF carries each page's total over.
#include "pdf/receipts_journal_pdf.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "billing_clinic.h"
#include "pdf_text.h"
#include "core/money.h"

using quittance::testing::Clinic;
using quittance::testing::Json;
using quittance::testing::pdf_text;

namespace {

// The sum of a CSV column of amounts ("1234,56", "-10,00"), rows whose `skip_column` says
// "oui" (a deleted payment) left out.
std::int64_t csv_sum(const std::string& csv, std::size_t amount_column, int skip_column = -1) {
  std::int64_t sum = 0;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      else if (ch == ';' && !quoted) { cells.push_back(cell); cell.clear(); }
      else cell += ch;
    }
    cells.push_back(cell);
    REQUIRE(cells.size() > amount_column);
    if (skip_column >= 0 && cells[static_cast<std::size_t>(skip_column)] == "oui") continue;
    std::string digits;
    for (char ch : cells[amount_column]) if (ch != ',') digits += ch;
    sum += std::stoll(digits);
  }
  return sum;
}


}  // namespace

TEST_CASE("livre-journal: on the demo clinic, the dashboard's takings and the CSVs to the cent, month by month") {
  Clinic c({2026, 11, 21});
  REQUIRE(c.commands().exec({{"cmd", "demo.load"}, {"id", "demo"}})["ok"] == true);
  for (const char* month : {"2026-01", "2026-06", "2026-10", "2026-11"}) {
    CAPTURE(month);
    const std::string from = std::string(month) + "-01";
    const std::string to = std::string(month) == "2026-11" ? "2026-11-21" : std::string(month) + "-28";
    const Json journal = c.query({{"cmd", "receipts.journal"}, {"from", from}, {"to", to}});
    const Json dashboard = c.query({{"cmd", "dashboard.summary"}, {"as_of", to}});
    REQUIRE(journal["entries"].size() > 0);
    CHECK(journal["total"] == dashboard["takings_total"]);
    std::map<std::string, std::int64_t> by_method, by_type;
    for (const Json& m : journal["methods"]) by_method[m["payment_type_id"]] = m["total"];
    for (const Json& t : dashboard["takings_by_type"]) by_type[t["payment_type_id"]] = t["amount"];
    CHECK(by_method == by_type);
    // The days' and months' totals are the entries' own.
    std::int64_t days = 0, entries = 0;
    for (const Json& d : journal["days"]) days += d["total"].get<std::int64_t>();
    for (const Json& e : journal["entries"]) entries += e["amount"].get<std::int64_t>();
    CHECK(days == entries);
    CHECK(entries == journal["total"]);
    // The accountant's CSVs of the same period: payments (not deleted) less refunds.
    auto csv = [&](const char* kind) {
      return c.query({{"cmd", "export.csv"}, {"kind", kind}, {"from", from}, {"to", to}})["csv"].get<std::string>();
    };
    CHECK(csv_sum(csv("payments"), 3, 6) - csv_sum(csv("refunds"), 2) == journal["total"]);
    CHECK(csv_sum(csv("receipts"), 6) == journal["total"]);
  }
  // A whole year at once: the months' totals add up to it.
  const Json year = c.query({{"cmd", "receipts.journal"}, {"from", "2026-01-01"}, {"to", "2026-12-31"}});
  std::int64_t months = 0;
  for (const Json& m : year["months"]) months += m["total"].get<std::int64_t>();
  CHECK(months == year["total"]);
  CHECK(year["months"].size() >= 11);
}

TEST_CASE("livre-journal: the PDF's pages carry their total over, with the days', months' and methods' totals") {
  Clinic c({2026, 11, 21});
  REQUIRE(c.commands().exec({{"cmd", "demo.load"}, {"id", "demo"}})["ok"] == true);
  c.exec({{"cmd", "settings.set"}, {"key", "practice.siret"}, {"value", "81234567600017"}});
  const Json journal = c.query({{"cmd", "receipts.journal"}, {"from", "2026-10-01"}, {"to", "2026-11-21"}});
  const quittance::pdf::PdfResult pdf = quittance::pdf::receipts_journal_pdf(journal);
  REQUIRE_MESSAGE(pdf.ok(), pdf.error);
  {  // kept to be looked at, as the browser tests keep theirs
    const auto results = std::filesystem::path(QUITTANCE_SOURCE_DIR) / "test-results";
    std::filesystem::create_directories(results);
    std::ofstream out(results / "livre-journal.pdf", std::ios::binary);
    out.write(reinterpret_cast<const char*>(pdf.bytes.data()), static_cast<std::streamsize>(pdf.bytes.size()));
  }
  const std::string text = pdf_text(pdf.bytes);
  CAPTURE(text.substr(0, 3000));
  for (const char* expected : {"LIVRE-JOURNAL DES RECETTES", "Du 01/10/2026 au 21/11/2026", "édité le 21/11/2026",
                               "SIRET : 81234567600017", "Patient (payeur)", "Mode de paiement", "À reporter",
                               "Report", "Total du 01/10/2026", "Total octobre 2026", "Totaux par mode de paiement",
                               "Total des recettes de la période", "Page 2 / "}) {
    CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing: ", expected);
  }
  // The period's total as the book prints it.
  std::string total = quittance::core::format_fr(quittance::core::Money{journal["total"].get<std::int64_t>(), quittance::core::euro()});
  for (const std::string& nbsp : {std::string("\u00A0"), std::string("\u202F")}) {
    for (std::size_t at; (at = total.find(nbsp)) != std::string::npos;) total.replace(at, nbsp.size(), " ");
  }
  CHECK(text.find(total) != std::string::npos);
}
