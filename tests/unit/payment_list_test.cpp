// « Paiements »: payment.list across the practice, by date range and payment type, newest first,
// with the count and the sum received (deleted payments listed, marked, and not summed).
#include <doctest/doctest.h>

#include "billing_clinic.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {
std::string pay(Clinic& c, const std::string& patient, const char* type, std::int64_t amount, const char* on) {
  return c.exec({{"cmd", "payment.create"}, {"patient_id", patient}, {"payment_type_id", type}, {"amount", amount},
                 {"paid_on", on}})["payment_id"];
}
}  // namespace

TEST_CASE("the practice's payments: filtered by dates and type, counted and summed, deleted ones not summed") {
  Clinic c{{2026, 11, 30}};
  const std::string lea = c.patient("Léa Moreau"), paul = c.patient("Paul Girard");
  pay(c, lea, "cash", 2000, "2026-10-31");
  const std::string cheque = pay(c, paul, "cheque", 4500, "2026-11-03");
  pay(c, lea, "cash", 3000, "2026-11-10");
  pay(c, paul, "cash", 1500, "2026-11-20");
  c.exec({{"cmd", "payment.delete"}, {"payment_id", cheque}, {"reason", "Chèque refusé"}});

  const Json november = c.query({{"cmd", "payment.list"}, {"from", "2026-11-01"}, {"to", "2026-11-30"}});
  CHECK(november["total"] == 3);
  CHECK(november["received"] == 4500);  // 3000 + 1500: the refused cheque is listed, not counted
  REQUIRE(november["items"].size() == 3);
  CHECK(november["items"][0]["paid_on"] == "2026-11-20");
  CHECK(november["items"][0]["patient_name"] == "Paul Girard");
  CHECK(november["items"][2]["deleted"] == true);

  const Json cash = c.query({{"cmd", "payment.list"}, {"payment_type_id", "cash"}});
  CHECK(cash["total"] == 3);
  CHECK(cash["received"] == 6500);

  const Json page = c.query({{"cmd", "payment.list"}, {"limit", 1}, {"offset", 1}});
  CHECK(page["total"] == 4);
  REQUIRE(page["items"].size() == 1);
  CHECK(page["items"][0]["paid_on"] == "2026-11-10");

  CHECK(c.query({{"cmd", "payment.list"}, {"patient_id", lea}})["received"] == 5000);
  CHECK(c.commands().query({{"cmd", "payment.list"}, {"from", "31/11/2026"}})["error"]["field"] == "from");
}
