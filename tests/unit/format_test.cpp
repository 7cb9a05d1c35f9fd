// The interface's amounts follow the practice's currency: shown, prefilled and read back in
// it (ui/format.h), with the largest amount said in it too.
#include "ui/format.h"

#include <doctest/doctest.h>

#include "core/money.h"
#include "ui/i18n.h"

using namespace quittance;

namespace {
// Sets the practice's currency for one test and puts the euro back after it.
struct PracticeCurrency {
  explicit PracticeCurrency(const char* code) { ui::set_currency(*core::currency_from_code(code)); }
  ~PracticeCurrency() { ui::set_currency(core::euro()); }
};
}  // namespace

TEST_CASE("a Polynesian practice counts in XPF: no cents shown, typed or prefilled") {
  PracticeCurrency xpf("XPF");
  CHECK(ui::money(5000) == "5\u202F000\u00A0XPF");
  CHECK(ui::parse_money("5 000") == 5000);
  CHECK(ui::parse_money("5000 XPF") == 5000);
  CHECK_FALSE(ui::parse_money("5 000,50").has_value());  // refused, not read as 500 050 or 50 €
  CHECK(ui::input_amount(5000) == "5000");
  CHECK(ui::parse_money(ui::input_amount(123456)) == 123456);  // a prefilled field reads back the same
  CHECK(ui::money(core::kMaxAmount) == "99\u202F999\u202F999\u00A0XPF");
  // A document keeps its own currency's figures whatever the practice's.
  CHECK(ui::money(4500, "EUR") == "45,00\u00A0€");
  CHECK(ui::money(4500, "???") == "4\u202F500\u00A0XPF");
}

TEST_CASE("a Swiss practice counts in CHF, and the euro is the default") {
  CHECK(ui::money(4500) == "45,00\u00A0€");
  CHECK(ui::input_amount(4500) == "45,00");
  PracticeCurrency chf("CHF");
  CHECK(ui::money(123456) == "1\u202F234,56\u00A0CHF");
  CHECK(ui::parse_money("1 234,56") == 123456);
  CHECK(ui::parse_money("12,5 CHF") == 1250);
  CHECK(ui::input_amount(-5) == "-0,05");
}
