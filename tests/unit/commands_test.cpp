// The command layer's envelope: the contract shared by the UI, window.quittance and
// quittance-cli — answers, errors, idempotency by command id, roles, the journal.
#include <doctest/doctest.h>

#include "app/command_id.h"
#include "app/commands.h"
#include "store/migrations.h"

using namespace quittance;
using app::Json;

namespace {
struct Fixture {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  int commits = 0;
  Fixture() {
    store::migrate(db, store::clinic_migrations());
    commands.on_commit([this] { ++commits; });
  }
  std::string error_code(const Json& answer) {
    REQUIRE_MESSAGE(answer["ok"] == false, answer.dump());
    return answer["error"]["code"].get<std::string>();
  }
  Json set(const char* id, const char* key, const Json& value) {
    return commands.exec({{"cmd", "settings.set"}, {"id", id}, {"key", key}, {"value", value}});
  }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "settings round-trip through exec and query, with defaults") {
  Json answer = set("c1", "practice.name", "Cabinet Ébène");
  CHECK(answer == Json{{"ok", true}, {"result", {{"key", "practice.name"}, {"value", "Cabinet Ébène"}}}});
  CHECK(commits == 1);
  CHECK(commands.query({{"cmd", "settings.get"}, {"key", "practice.name"}})["result"] == "Cabinet Ébène");
  CHECK(commands.query({{"cmd", "settings.get"}, {"key", "practice.vat_mention"}})["result"] ==
        "Exonération de TVA – article 261-4-1° du CGI");
  Json list = commands.query({{"cmd", "settings.list"}})["result"];
  CHECK(list["practice.name"] == "Cabinet Ébène");
  CHECK(list["practice.currency"] == "EUR");
  CHECK(list["billing.pass_fees"] == "0");
}

TEST_CASE_FIXTURE(Fixture, "the practice's email is one plain address, or nothing") {
  CHECK(set("e1", "practice.email", "accueil@cabinet-ebene.fr")["ok"] == true);
  CHECK(set("e2", "practice.email", " accueil@ebene.fr ")["result"]["value"] == "accueil@ebene.fr");
  CHECK(set("e3", "practice.email", "")["ok"] == true);
  int n = 0;
  for (const std::string bad : {"accueil", "a@b", "Cabinet <a@b.fr>", "a@b.fr, c@d.fr", "a@b.fr\r\nBcc: x@y.fr",
                                "a@@b.fr", "x@.fr", "a@b..fr", "zoé@osteo.fr", "a@ostéo.fr"}) {
    CAPTURE(bad);
    CHECK(error_code(set(("bad" + std::to_string(++n)).c_str(), "practice.email", bad)) == "invalid_argument");
  }
}

TEST_CASE_FIXTURE(Fixture, "a command id replayed with the same content answers again and changes nothing") {
  Json first = set("c1", "ui.language", "en");
  Json again = set("c1", "ui.language", "en");
  CHECK(again["ok"] == true);
  CHECK(again["replayed"] == true);
  CHECK(again["result"] == first["result"]);
  CHECK(commits == 1);
  CHECK(error_code(set("c1", "ui.language", "fr")) == "command_id_reused");
  CHECK(commands.query({{"cmd", "settings.get"}, {"key", "ui.language"}})["result"] == "en");
}

TEST_CASE_FIXTURE(Fixture, "query refuses a command that writes; writes need an id") {
  CHECK(error_code(commands.query({{"cmd", "settings.set"}, {"id", "x"}, {"key", "ui.language"}, {"value", "en"}})) ==
        "not_a_query");
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", "en"}})) ==
        "invalid_command");
  CHECK(error_code(set("bad id with spaces", "ui.language", "en")) == "invalid_command");
  CHECK(commits == 0);
}

TEST_CASE_FIXTURE(Fixture, "bad input gets a clear error and changes nothing") {
  CHECK(error_code(commands.exec(Json::array())) == "invalid_command");
  CHECK(error_code(commands.exec({{"command", "settings.list"}})) == "invalid_command");
  CHECK(error_code(commands.exec({{"cmd", 42}})) == "invalid_command");
  CHECK(error_code(commands.exec({{"cmd", "drop.everything"}})) == "unknown_command");
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"id", "a"}, {"key", "ui.language"}})) == "invalid_argument");
  CHECK(error_code(set("b", "ui.language", 3)) == "invalid_argument");
  CHECK(error_code(set("c", "ui.language", "de")) == "invalid_argument");
  CHECK(error_code(set("d", "practice.siret", "123")) == "invalid_argument");
  CHECK(error_code(set("e", "device.series", "a1")) == "invalid_argument");
  CHECK(error_code(set("f", "practice.currency", "ZZZ")) == "invalid_argument");
  CHECK(error_code(set("g", "no.such_key", "x")) == "unknown_setting");
  CHECK(error_code(set("h", "practice.name", std::string(201, 'x'))) == "invalid_argument");
  CHECK(commits == 0);
  CHECK(commands.query({{"cmd", "audit.verify"}})["result"]["entries"] == 0);
}

TEST_CASE_FIXTURE(Fixture, "roles are enforced by the command layer") {
  REQUIRE(commands.exec({{"cmd", "user.create"}, {"id", "u-reader"}, {"name", "Stagiaire"}, {"role", "read_only"}})["ok"] ==
          true);
  REQUIRE(commands.exec({{"cmd", "user.create"}, {"id", "u-prac"}, {"name", "Dr Martin"}, {"role", "practitioner"}})["ok"] ==
          true);
  CHECK_FALSE(commands.set_actor("nobody"));
  REQUIRE(commands.set_actor("u-reader"));
  CHECK(error_code(set("r1", "practice.name", "x")) == "forbidden");
  CHECK(set("r2", "ui.language", "en")["ok"] == true);  // everyone's own preference
  CHECK(error_code(commands.exec({{"cmd", "patient.create"}, {"id", "p1"}, {"name", "Léa"}})) == "forbidden");
  CHECK(commands.query({{"cmd", "settings.list"}})["ok"] == true);
  REQUIRE(commands.set_actor("u-prac"));
  CHECK(commands.exec({{"cmd", "patient.create"}, {"id", "p1"}, {"name", "Léa"}})["ok"] == true);
  CHECK(error_code(commands.exec({{"cmd", "payment.create"}, {"id", "pay1"}, {"patient_id", "p1"},
                                  {"payment_type_id", "cash"}, {"amount", 1000}})) == "forbidden");
  CHECK(error_code(commands.exec({{"cmd", "user.create"}, {"id", "u2"}, {"name", "X"}, {"role", "owner"}})) ==
        "forbidden");
}

TEST_CASE_FIXTURE(Fixture, "every write is journaled with its actor, and the chain verifies") {
  set("c1", "practice.name", "A");
  set("c2", "practice.name", "B");
  Json journal = commands.query({{"cmd", "journal.list"}})["result"]["items"];
  REQUIRE(journal.size() == 2);
  CHECK(journal[0]["command_id"] == "c1");
  CHECK(journal[0]["actor"] == "owner");
  CHECK(journal[1]["command"]["value"] == "B");
  CHECK(commands.query({{"cmd", "audit.verify"}})["result"] == Json{{"intact", true}, {"entries", 2}});
  db.exec("UPDATE journal SET body = replace(body, '\"B\"', '\"C\"') WHERE seq = 2");
  Json check = commands.query({{"cmd", "audit.verify"}})["result"];
  CHECK(check["intact"] == false);
  CHECK(check["broken_at"] == 2);
}

TEST_CASE_FIXTURE(Fixture, "text forms: malformed JSON is an error answer, never an exception") {
  CHECK(Json::parse(commands.exec_text("{\"cmd\":"))["error"]["code"] == "malformed_json");
  CHECK(Json::parse(commands.query_text(""))["error"]["code"] == "malformed_json");
  CHECK(Json::parse(commands.exec_text("\"\\udc00\""))["ok"] == false);  // lone surrogate
  CHECK(Json::parse(commands.exec_text("{\"cmd\":\"app.info\"}"))["result"]["schema"] == store::clinic_migrations().back().version);
}

TEST_CASE_FIXTURE(Fixture, "app.info gives the journal's newest entry, for the backup reminder") {
  CHECK(commands.query({{"cmd", "app.info"}})["result"]["journal_head"] == Json{{"seq", 0}, {"at", ""}});
  CHECK(commands.exec({{"cmd", "patient.create"}, {"id", "head-1"}, {"name", "Ada"}})["ok"] == true);
  CHECK(commands.exec({{"cmd", "patient.create"}, {"id", "head-2"}, {"name", "Bea"}})["ok"] == true);
  const Json head = commands.query({{"cmd", "app.info"}})["result"]["journal_head"];
  CHECK(head["seq"] == 2);
  CHECK(head["at"].get<std::string>().size() == 20);  // "2026-12-06T11:30:00Z"
}

TEST_CASE_FIXTURE(Fixture, "database.check runs SQLite's integrity check and reports what it finds") {
  CHECK(commands.query({{"cmd", "database.check"}})["result"]["integrity"] == "ok");
  db.exec("CREATE TABLE damaged(x INTEGER CHECK (x > 0))");
  db.exec("PRAGMA ignore_check_constraints = ON");
  db.exec("INSERT INTO damaged VALUES (0)");
  db.exec("PRAGMA ignore_check_constraints = OFF");
  const std::string report = commands.query({{"cmd", "database.check"}})["result"]["integrity"];
  CHECK(report.find("CHECK constraint failed") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "text that is not UTF-8 in the database is answered, replaced, not thrown") {
  db.exec("INSERT INTO settings(key, value) VALUES ('practice.name', CAST(X'C328' AS TEXT))");
  std::string answer = commands.query_text("{\"cmd\":\"settings.get\",\"key\":\"practice.name\"}");
  CHECK(Json::parse(answer)["ok"] == true);
}

TEST_CASE("command ids are random UUIDs v4") {
  std::string a = app::new_command_id(), b = app::new_command_id();
  CHECK(a != b);
  REQUIRE(a.size() == 36);
  CHECK(a[14] == '4');
  CHECK((a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b'));
}
