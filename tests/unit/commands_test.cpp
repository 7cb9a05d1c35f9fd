// The command layer: the contract shared by the UI, window.quittance and quittance-cli.
#include <doctest/doctest.h>

#include "app/commands.h"
#include "store/migrations.h"

using namespace quittance;
using app::Json;

namespace {
struct Fixture {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db};
  int commits = 0;
  Fixture() {
    store::migrate(db, store::clinic_migrations());
    commands.on_commit([this] { ++commits; });
  }
  std::string error_code(const Json& answer) {
    REQUIRE(answer["ok"] == false);
    return answer["error"]["code"].get<std::string>();
  }
};
}  // namespace

TEST_CASE_FIXTURE(Fixture, "settings round-trip through exec and query") {
  Json set = commands.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", "Cabinet Ébène"}});
  CHECK(set["ok"] == true);
  CHECK(commits == 1);
  Json got = commands.query({{"cmd", "settings.get"}, {"key", "practice.name"}});
  CHECK(got == Json{{"ok", true}, {"result", "Cabinet Ébène"}});
  Json missing = commands.query({{"cmd", "settings.get"}, {"key", "practice.siret"}});
  CHECK(missing["result"].is_null());
  Json list = commands.query({{"cmd", "settings.list"}});
  CHECK(list["result"] == Json{{"practice.name", "Cabinet Ébène"}});
}

TEST_CASE_FIXTURE(Fixture, "the commit listener fires only when data changed") {
  commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", "en"}});
  commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", "en"}});
  commands.query({{"cmd", "settings.list"}});
  CHECK(commits == 1);
}

TEST_CASE_FIXTURE(Fixture, "query refuses a command that writes") {
  Json answer = commands.query({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", "en"}});
  CHECK(error_code(answer) == "not_a_query");
  CHECK(commits == 0);
}

TEST_CASE_FIXTURE(Fixture, "bad input gets a clear error and changes nothing") {
  CHECK(error_code(commands.exec(Json::array())) == "invalid_command");
  CHECK(error_code(commands.exec({{"command", "settings.list"}})) == "invalid_command");
  CHECK(error_code(commands.exec({{"cmd", 42}})) == "invalid_command");
  CHECK(error_code(commands.exec({{"cmd", "drop.everything"}})) == "unknown_command");
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}})) == "invalid_argument");
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", 3}})) == "invalid_argument");
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", "ui.language"}, {"value", "de"}})) == "invalid_argument");
  for (const char* key : {"", "nodot", "Upper.case", "a..b", "a.", ".a", "a.b c", "1a.b"}) {
    CAPTURE(key);
    CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", key}, {"value", "x"}})) == "invalid_argument");
  }
  CHECK(error_code(commands.exec({{"cmd", "settings.set"}, {"key", "practice.name"}, {"value", std::string(4001, 'x')}})) ==
        "invalid_argument");
  CHECK(commits == 0);
  CHECK(commands.query({{"cmd", "settings.list"}})["result"].empty());
}

TEST_CASE_FIXTURE(Fixture, "text forms: malformed JSON is an error answer, never an exception") {
  CHECK(Json::parse(commands.exec_text("{\"cmd\":")) ["error"]["code"] == "malformed_json");
  CHECK(Json::parse(commands.query_text("")) ["error"]["code"] == "malformed_json");
  CHECK(Json::parse(commands.exec_text("\"\\udc00\"")) ["ok"] == false);  // lone surrogate
  CHECK(Json::parse(commands.exec_text("{\"cmd\":\"app.info\"}"))["result"]["schema"] == 1);
}

TEST_CASE_FIXTURE(Fixture, "text that is not UTF-8 in the database is answered, replaced, not thrown") {
  db.exec("INSERT INTO settings(key, value) VALUES ('practice.name', CAST(X'C328' AS TEXT))");
  std::string answer = commands.query_text("{\"cmd\":\"settings.get\",\"key\":\"practice.name\"}");
  CHECK(Json::parse(answer)["ok"] == true);
}
