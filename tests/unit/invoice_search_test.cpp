// invoice.list's search takes one of two ways to its page (collect and sort the matches, or
// walk the date index and filter, for broad searches): both must give the same rows in the
// same order as the list without a search, page after page.
#include <doctest/doctest.h>

#include "billing_clinic.h"

using namespace quittance;
using app::Json;
using quittance::testing::Clinic;

namespace {

std::vector<std::string> ids(const Json& items) {
  std::vector<std::string> out;
  for (const Json& i : items) out.push_back(i["invoice_id"]);
  return out;
}

}  // namespace

TEST_CASE("a broad search and a narrow one page through the same rows as the plain lists") {
  Clinic c;
  const std::string zoe = c.patient("Zoé Lefèvre"), noel = c.patient("Noël Œuvrard"), anais = c.patient("Anaïs Bréhat");
  int day = 1;
  for (int i = 0; i < 150; ++i) {
    const std::string& p = i % 3 == 0 ? zoe : i % 3 == 1 ? noel : anais;
    char date[16];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", 1 + (day / 28) % 10, 1 + day % 28);
    ++day;
    c.invoice(p, 1000 + i, "Séance", date);
  }
  for (int offset : {0, 40, 100, 140}) {
    CAPTURE(offset);
    const Json plain = c.query({{"cmd", "invoice.list"}, {"limit", 40}, {"offset", offset}});
    const Json broad = c.query({{"cmd", "invoice.list"}, {"search", "F-2026"}, {"limit", 40}, {"offset", offset}});
    CHECK(broad["total"] == 150);
    CHECK(ids(broad["items"]) == ids(plain["items"]));
    const Json by_patient =
        c.query({{"cmd", "invoice.list"}, {"patient_id", noel}, {"limit", 40}, {"offset", offset / 4}});
    const Json by_name = c.query({{"cmd", "invoice.list"}, {"search", "noël"}, {"limit", 40}, {"offset", offset / 4}});
    CHECK(by_name["total"] == 50);
    CHECK(ids(by_name["items"]) == ids(by_patient["items"]));
    // With a status too: the walk then goes along the status index.
    const Json due = c.query({{"cmd", "invoice.list"}, {"status", "due"}, {"limit", 40}, {"offset", offset}});
    const Json due_searched =
        c.query({{"cmd", "invoice.list"}, {"status", "due"}, {"search", "F"}, {"limit", 40}, {"offset", offset}});
    CHECK(ids(due_searched["items"]) == ids(due["items"]));
    // Counted up to a cap, as the screen does while a search is typed: same rows, a total that
    // says "at least", and the exact one when the matches are fewer than the cap.
    const Json capped =
        c.query({{"cmd", "invoice.list"}, {"search", "F-2026"}, {"count_up_to", 30}, {"limit", 40}, {"offset", offset}});
    CHECK(capped["total"] == 30);
    CHECK(capped["total_exact"] == false);
    CHECK(ids(capped["items"]) == ids(plain["items"]));
    const Json narrow =
        c.query({{"cmd", "invoice.list"}, {"search", "noël"}, {"count_up_to", 60}, {"limit", 40}, {"offset", offset / 4}});
    CHECK(narrow["total"] == 50);
    CHECK(narrow["total_exact"] == true);
    CHECK(ids(narrow["items"]) == ids(by_patient["items"]));
  }
  CHECK(c.commands().query({{"cmd", "invoice.list"}, {"count_up_to", 0}})["error"]["field"] == "count_up_to");
  CHECK(c.query({{"cmd", "invoice.list"}, {"search", "F-2025"}})["total"] == 0);
}
