// Users, roles and PINs: who may do what, a practice that always keeps an owner, and a PIN that
// is never written anywhere, not even in the journal.
#include <doctest/doctest.h>

#include "app/pin.h"
#include "billing_clinic.h"

using namespace quittance;
using app::Json;
using quittance::testing::Clinic;

namespace {

Json set_pin(Clinic& c, const std::string& user, const std::string& pin) {
  const std::string salt = app::new_pin_salt();
  return c.try_exec(
      {{"cmd", "user.set_pin"}, {"user_id", user}, {"pin_salt", salt}, {"pin_hash", app::hash_pin(salt, pin)}});
}

bool pin_valid(Clinic& c, const std::string& user, const std::string& pin) {
  return c.query({{"cmd", "user.check_pin"}, {"user_id", user}, {"pin", pin}})["valid"];
}

}  // namespace

TEST_CASE("PINs: 4 to 8 digits, salted, different hashes for the same PIN, checked right") {
  CHECK(app::valid_pin("0420"));
  CHECK(app::valid_pin("12345678"));
  CHECK_FALSE(app::valid_pin("123"));
  CHECK_FALSE(app::valid_pin("123456789"));
  CHECK_FALSE(app::valid_pin("12a4"));
  const std::string a = app::new_pin_salt(), b = app::new_pin_salt();
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(app::hash_pin(a, "0420") == app::hash_pin(a, "0420"));
  CHECK(app::hash_pin(a, "0420") != app::hash_pin(b, "0420"));
  CHECK(app::hash_pin(a, "0420") != app::hash_pin(a, "0421"));
}

TEST_CASE("sign-in: a user's PIN is checked by a query, and neither PIN nor the check is journaled") {
  Clinic c;
  const std::string reception =
      c.exec({{"cmd", "user.create"}, {"name", "Accueil — Léa"}, {"role", "billing"}})["user_id"];
  CHECK(pin_valid(c, reception, "anything"));  // no PIN yet: the sign-in only picks the name
  REQUIRE(set_pin(c, reception, "2468")["ok"] == true);
  CHECK(pin_valid(c, reception, "2468"));
  CHECK_FALSE(pin_valid(c, reception, "2469"));
  const Json users = c.query({{"cmd", "user.list"}});
  bool seen = false;
  for (const Json& u : users)
    if (u["user_id"] == reception) seen = u["has_pin"] == true;
  CHECK(seen);
  // The journal holds the hash's command, never the digits.
  const Json journal = c.query({{"cmd", "journal.list"}, {"limit", 500}})["items"];
  for (const Json& e : journal) CHECK(e.dump().find("2468") == std::string::npos);
  // Clearing it.
  REQUIRE(c.try_exec({{"cmd", "user.set_pin"}, {"user_id", reception}, {"pin_salt", ""}, {"pin_hash", ""}})["ok"] ==
          true);
  CHECK(pin_valid(c, reception, "0000"));
  CHECK(c.refusal({{"cmd", "user.set_pin"}, {"user_id", reception}, {"pin_salt", "xyz"}, {"pin_hash", "abc"}}) ==
        "invalid_argument");
}

TEST_CASE("roles: a user sets only their own PIN, the owner anyone's; settings and users are the owner's") {
  Clinic c;
  const std::string reception = c.exec({{"cmd", "user.create"}, {"name", "Léa"}, {"role", "billing"}})["user_id"];
  const std::string doctor =
      c.exec({{"cmd", "user.create"}, {"name", "Dr Martin"}, {"role", "practitioner"}})["user_id"];
  REQUIRE(c.commands().set_actor(reception));
  CHECK(set_pin(c, reception, "1111")["ok"] == true);
  CHECK(set_pin(c, doctor, "2222")["error"]["code"] == "forbidden");
  CHECK(c.refusal({{"cmd", "user.create"}, {"name", "X"}, {"role", "owner"}}) == "forbidden");
  CHECK(c.refusal({{"cmd", "user.update"}, {"user_id", reception}, {"role", "owner"}}) == "forbidden");
  // What the role allows still works, and the journal names who did it.
  const std::string p = c.patient("Chloé Bernard");
  const Json last = c.query({{"cmd", "journal.list"}, {"limit", 500}})["items"].back();
  CHECK(last["actor"] == reception);
  REQUIRE(c.commands().set_actor("owner"));
  CHECK(set_pin(c, doctor, "2222")["ok"] == true);
  CHECK(!p.empty());
}

TEST_CASE("users: renamed, their role changed, archived; the practice always keeps an active owner") {
  Clinic c;
  const std::string lea = c.exec({{"cmd", "user.create"}, {"name", "Léa"}, {"role", "billing"}})["user_id"];
  c.exec({{"cmd", "user.update"}, {"user_id", lea}, {"name", "Léa Dupré"}, {"role", "owner"}});
  REQUIRE(c.commands().set_actor(lea));  // another owner archives the built-in one
  c.exec({{"cmd", "user.update"}, {"user_id", "owner"}, {"archived", true}});
  CHECK(c.refusal({{"cmd", "user.update"}, {"user_id", lea}, {"role", "billing"}}) == "last_owner");
  CHECK(c.refusal({{"cmd", "user.update"}, {"user_id", lea}, {"archived", true}}) == "invalid_argument");  // herself, besides the last owner
  CHECK(c.refusal({{"cmd", "user.update"}, {"user_id", "nobody"}, {"name", "X"}}) == "not_found");
  // An archived user cannot sign in.
  CHECK(c.query({{"cmd", "user.check_pin"}, {"user_id", "owner"}, {"pin", "0000"}})["valid"] == false);
}

TEST_CASE("nobody archives themselves, and a session starts as an active owner even when the built-in one left") {
  Clinic c;
  CHECK(c.refusal({{"cmd", "user.update"}, {"user_id", "owner"}, {"archived", true}}) == "invalid_argument");
  const std::string lea = c.exec({{"cmd", "user.create"}, {"name", "Léa"}, {"role", "owner"}})["user_id"];
  REQUIRE(c.commands().set_actor(lea));
  c.exec({{"cmd", "user.update"}, {"user_id", "owner"}, {"archived", true}});
  REQUIRE(c.commands().act_as_an_owner());
  CHECK(c.commands().actor() == lea);
  CHECK(c.query({{"cmd", "app.info"}})["role"] == "owner");
}
