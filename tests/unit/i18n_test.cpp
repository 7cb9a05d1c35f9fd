// Interface catalogues: French and English complete and in step, and every key the screens ask
// for present in both (a missing key would show as its raw name on screen).
#include "ui/i18n.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

using quittance::ui::Catalog;
namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
Catalog catalog(const char* language) {
  Catalog c;
  std::string error;
  REQUIRE_MESSAGE(
      c.load(read(fs::path(QUITTANCE_SOURCE_DIR) / "assets/i18n" / (std::string(language) + ".json")), &error), error);
  return c;
}
}  // namespace

TEST_CASE("French and English catalogues have the same keys, none empty") {
  Catalog fr = catalog("fr"), en = catalog("en");
  for (const auto& [key, text] : fr.strings()) {
    CAPTURE(key);
    CHECK(en.has(key));
    CHECK_FALSE(text.empty());
  }
  for (const auto& [key, text] : en.strings()) {
    CAPTURE(key);
    CHECK(fr.has(key));
    CHECK_FALSE(text.empty());
  }
}

TEST_CASE("every catalogue key written in the interface code exists in both catalogues") {
  Catalog fr = catalog("fr"), en = catalog("en");
  // String literals shaped like catalogue keys (command names such as "settings.set" are not).
  const std::regex literal(
      "\"((?:nav|section|status|error|app(?!\\.info\")|language|patients|invoices|pay|editor|catalog|backend|dashboard(?!\\."
      "summary\")|exports|payment_edit|sign_in|users|role|templates|comms|invoice_page|credit_note(?!\\.(?:create|apply|list|document)\")|card(?!\\.list\")|refund(?!\\.create\")|payment_type(?!\\.(?:list|create|archive)\"))\\.[a-"
      "z0-9_.]*[a-z0-9_]|settings\\.(?:title|practice\\.[a-z_]+|language\\.[a-"
      "z_]+))\"");
  int found = 0;
  for (const char* folder : {"src/ui", "src/session", "src/platform/web"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(QUITTANCE_SOURCE_DIR) / folder)) {
      std::string text = read(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
        std::string key = (*it)[1];
        CAPTURE(key);
        CHECK(fr.has(key));
        CHECK(en.has(key));
        ++found;
      }
    }
  }
  CHECK(found > 15);  // the scan itself works
}

TEST_CASE("keys composed from section ids, statuses and payment types exist") {
  Catalog fr = catalog("fr");
  for (const char* id : {"dashboard", "patients", "invoices", "payments", "communications", "settings"}) {
    CAPTURE(id);
    CHECK(fr.has(std::string("nav.") + id));
    if (std::string(id) == "communications") CHECK(fr.has(std::string("section.") + id + ".empty"));  // not built yet
  }
  for (const char* status : {"draft", "due", "partly_paid", "paid", "cancelled"}) {
    CAPTURE(status);
    CHECK(fr.has(std::string("status.") + status));
  }
  for (const char* type : {"cash", "cheque", "transfer", "card_terminal"}) {
    CAPTURE(type);
    CHECK(fr.has(std::string("payment_type.") + type));
  }
  // The card messages' fallbacks (card_messages.cpp), and the server's card error codes.
  for (const char* key : {"card.decline.generic", "card.error.network", "card.error.other", "backend.pair.refused",
                          "card.brand.card"}) {
    CAPTURE(key);
    CHECK(fr.has(key));
  }
  // The refusals of a backup (store::to_string(BackupStatus)) and the counts' forms (exports_settings.cpp).
  for (const char* status : {"not_sqlite", "not_quittance", "newer_schema", "corrupt", "journal_broken"}) {
    CAPTURE(status);
    CHECK(fr.has(std::string("exports.restore.refused.") + status));
  }
  for (const char* noun : {"lines", "patients", "invoices"}) {
    for (const char* form : {"_none", "_one", "_many"}) {
      CAPTURE(noun);
      CAPTURE(form);
      CHECK(fr.has(std::string("exports.") + noun + form));
    }
  }
  for (const char* code : {"invoice_being_paid", "no_saved_card", "stripe_not_configured", "stripe_unreachable",
                           "stripe_error", "amount_mismatch", "refund_exceeds_payment", "payment_not_settled",
                           "stripe_refused", "refund_failed", "unknown_payment", "unauthorized", "forbidden"}) {
    CAPTURE(code);
    CHECK(fr.has(std::string("card.error.") + code));
  }
}

TEST_CASE("a malformed catalogue is refused; a missing key shows as itself") {
  Catalog c;
  std::string error;
  CHECK_FALSE(c.load("[1,2]", &error));
  CHECK_FALSE(c.load("{\"a\": 3}", &error));
  CHECK(error.find("\"a\"") != std::string::npos);
  CHECK_FALSE(c.load("{", &error));
  REQUIRE(c.load("{\"a\": \"b\"}", &error));
  CHECK(std::string(c.get("a")) == "b");
  CHECK(std::string(c.get("nav.missing")) == "nav.missing");
}

TEST_CASE("switching language changes tr(), and an unknown language is refused") {
  Catalog fr, en;
  REQUIRE(fr.load("{\"hello\": \"Bonjour\"}", nullptr));
  REQUIRE(en.load("{\"hello\": \"Hello\"}", nullptr));
  quittance::ui::set_catalog("fr", fr);
  quittance::ui::set_catalog("en", en);
  CHECK(quittance::ui::set_language("en"));
  CHECK(std::string(quittance::ui::tr("hello")) == "Hello");
  CHECK_FALSE(quittance::ui::set_language("de"));
  CHECK(quittance::ui::language() == "en");
  CHECK(quittance::ui::set_language("fr"));
  CHECK(std::string(quittance::ui::tr("hello")) == "Bonjour");
}
