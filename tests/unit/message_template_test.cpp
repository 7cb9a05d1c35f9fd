// Billing email templates and their schedule (seed 001): the fields a template may use, the
// filling for text and HTML, and calendar-month delays.
#include <doctest/doctest.h>

#include "core/message_template.h"
#include "core/schedule.h"

using namespace quittance::core;

TEST_CASE("a template names only known fields, and an unknown or unclosed one is named back") {
  CHECK(check_template("Bonjour {{patient}}, la facture {{ numero_facture }} reste due : {{reste_du}}.").ok);
  CHECK(check_template("Sans champ").ok);
  const TemplateCheck unknown = check_template("Bonjour {{patient}}, {{montant_du}} à régler");
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.field == "montant_du");
  CHECK_FALSE(unknown.unclosed);
  const TemplateCheck open = check_template("Facture {{numero_facture");
  CHECK_FALSE(open.ok);
  CHECK(open.unclosed);
  CHECK(open.field == "{{numero_facture");
  for (const TemplateField& f : template_fields()) {
    CHECK(check_template(std::string("{{") + f.key + "}}").ok);
  }
}

TEST_CASE("fields are filled; in HTML, the practice's text and patient-provided values are escaped") {
  const std::map<std::string, std::string> values = {{"patient", "Zoé <script>alert(1)</script> & Cie"},
                                                     {"reste_du", "1 234,56 €"}};
  CHECK(fill_template("Bonjour {{patient}}, reste {{reste_du}}{{cabinet}}.", values) ==
        "Bonjour Zoé <script>alert(1)</script> & Cie, reste 1 234,56 €.");
  const std::string html = fill_template_html("Bonjour {{patient}},\n<b>reste</b> {{reste_du}}", values);
  CHECK(html == "Bonjour Zoé &lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie,<br>\n&lt;b&gt;reste&lt;/b&gt; 1 234,56 €");
}

TEST_CASE("UTC instants round trip and malformed ones are refused") {
  const auto t = parse_utc_instant("2026-01-31T10:15:00Z");
  REQUIRE(t);
  CHECK(format_utc_instant(*t) == "2026-01-31T10:15:00Z");
  CHECK(format_utc_instant(0) == "1970-01-01T00:00:00Z");
  CHECK_FALSE(parse_utc_instant("2026-01-31 10:15:00Z"));
  CHECK_FALSE(parse_utc_instant("2026-02-30T10:15:00Z"));
  CHECK_FALSE(parse_utc_instant("2026-01-31T24:00:00Z"));
  CHECK_FALSE(parse_utc_instant("2026-01-31T10:15:00"));
}

TEST_CASE("delays in hours, days and calendar months after issue") {
  const std::int64_t jan31 = *parse_utc_instant("2026-01-31T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 0, DelayUnit::hours)) == "2026-01-31T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 48, DelayUnit::hours)) == "2026-02-02T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 7, DelayUnit::days)) == "2026-02-07T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 1, DelayUnit::months)) == "2026-02-28T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(*parse_utc_instant("2028-01-31T10:15:00Z"), 1, DelayUnit::months)) ==
        "2028-02-29T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 2, DelayUnit::months)) == "2026-03-31T10:15:00Z");
  CHECK(format_utc_instant(schedule_at(jan31, 12, DelayUnit::months)) == "2027-01-31T10:15:00Z");
  CHECK(delay_unit_from_string("months") == DelayUnit::months);
  CHECK_FALSE(delay_unit_from_string("weeks"));
}
