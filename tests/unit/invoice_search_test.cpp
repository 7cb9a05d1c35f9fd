// invoice.list's search takes one of two ways to its page (collect and sort the matches, or
// walk the date index and filter, for broad searches): both must give the same rows in the
// same order as the list without a search, page after page.
#include <doctest/doctest.h>

#include <cctype>
#include <set>

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

TEST_CASE("each sortable column pages through the invoices in its order, both ways, ties by a stable key") {
  Clinic c;
  std::vector<std::string> patients;
  for (const char* n : {"Zoé Lefèvre", "anaïs Bréhat", "Noël Œuvrard", "Bruno Petit"}) patients.push_back(c.patient(n));
  for (int i = 0; i < 90; ++i) {
    char date[16];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", 1 + i / 28, 1 + i % 28);
    const std::string id = c.invoice(patients[(i * 7) % 4], 1000 + (i * 37) % 11 * 500, "Séance", date);  // equal totals
    if (i % 3 == 0) {
      c.exec({{"cmd", "payment.create"}, {"patient_id", patients[(i * 7) % 4]}, {"payment_type_id", "cash"},
              {"amount", 700}, {"allocations", {{{"invoice_id", id}, {"amount", 700}}}}});
    }
  }
  // Every invoice once, as the test's own full sort expects each order.
  const Json all = c.query({{"cmd", "invoice.list"}, {"limit", 500}})["items"];
  REQUIRE(all.size() == 90);
  auto key = [](const std::string& sort, const Json& inv) -> std::string {
    char amount[32];
    if (sort == "total" || sort == "due") {
      const std::int64_t v = sort == "total" ? inv["total"].get<std::int64_t>() : inv["due"].get<std::int64_t>();
      std::snprintf(amount, sizeof amount, "%012lld", static_cast<long long>(v));
      return amount;
    }
    if (sort == "number") return inv["number"];
    std::string name = inv["patient_name"];
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return name;
  };
  for (const std::string sort : {"number", "total", "due", "patient"}) {
    for (const std::string order : {"asc", "desc"}) {
      CAPTURE(sort);
      CAPTURE(order);
      std::vector<Json> paged;
      for (int offset = 0; offset < 90; offset += 25) {
        const Json page =
            c.query({{"cmd", "invoice.list"}, {"sort", sort}, {"order", order}, {"limit", 25}, {"offset", offset}});
        CHECK(page["total"] == 90);
        for (const Json& inv : page["items"]) paged.push_back(inv);
      }
      REQUIRE(paged.size() == 90);
      std::set<std::string> seen;
      for (std::size_t i = 0; i < paged.size(); ++i) {
        seen.insert(paged[i]["invoice_id"].get<std::string>());
        if (i == 0) continue;
        const std::string a = key(sort, paged[i - 1]), b = key(sort, paged[i]);
        CHECK((order == "asc" ? a <= b : a >= b));
      }
      CHECK(seen.size() == 90);  // no row twice, none lost at a page's edge
    }
  }
  CHECK(c.commands().query({{"cmd", "invoice.list"}, {"sort", "colour"}})["error"]["field"] == "sort");
  CHECK(c.commands().query({{"cmd", "invoice.list"}, {"order", "up"}})["error"]["field"] == "order");
}
