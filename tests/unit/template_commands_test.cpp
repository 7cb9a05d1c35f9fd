// Billing email templates and Communications in the command layer (seed 001): what is saved,
// refused and listed; the server's events about an email; a cancellation or retry asked here.
#include <doctest/doctest.h>

#include "app/commands.h"
#include "store/migrations.h"

using namespace quittance;
using app::Json;

namespace {
struct Fixture {
  store::Database db = store::Database::open(":memory:");
  std::string now = "2026-11-21T09:00:00Z";
  app::Clock clock{[this] { return now; }, [] { return core::Date{2026, 11, 21}; }};
  app::CommandLayer commands{db, clock};
  Fixture() { store::migrate(db, store::clinic_migrations()); }
  Json exec(Json cmd) {
    Json answer = commands.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    return answer["result"];
  }
  Json refused(Json cmd) {
    Json answer = commands.exec(cmd);
    REQUIRE_MESSAGE(answer["ok"] == false, answer.dump());
    return answer["error"];
  }
  Json find(const std::string& id) {
    const Json answer = commands.query({{"cmd", "template.list"}});
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
    for (const Json& t : answer["result"]["items"]) {
      if (t["template_id"] == id) return t;
    }
    return nullptr;
  }
  Json message(const char* event_id, const Json& data) {
    return exec({{"cmd", "server_event.apply"}, {"id", event_id}, {"event", {{"kind", "message.update"}, {"data", data}}}});
  }
};

Json update(const char* state, std::int64_t attempts, const char* error = "") {
  return {{"message_id", "tpl:inv-1"}, {"invoice_id", "inv-1"}, {"patient_id", "pat-1"}, {"template_id", "tpl"},
          {"template_name", "Relance"}, {"recipient", "zoe@example.fr"}, {"due_at", "2026-11-28T09:00:00Z"},
          {"state", state}, {"attempts", attempts}, {"error", error}};
}
}  // namespace

TEST_CASE_FIXTURE(Fixture, "system templates come inactive; their content is editable, their settings are not") {
  Json reminder = find("system-reminder-7d");
  REQUIRE(reminder.is_object());
  CHECK(reminder["system"] == true);
  CHECK(reminder["active"] == false);
  CHECK(reminder["delay_amount"] == 7);
  CHECK(reminder["delay_unit"] == "days");
  exec({{"cmd", "template.save"}, {"id", "e1"}, {"template_id", "system-reminder-7d"}, {"subject", "Rappel {{numero_facture}}"},
        {"body", "Reste {{reste_du}}"}, {"active", true}});
  reminder = find("system-reminder-7d");
  CHECK(reminder["subject"] == "Rappel {{numero_facture}}");
  CHECK(reminder["active"] == true);
  CHECK(reminder["active_since"] == "2026-11-21T09:00:00Z");
  Json error = refused({{"cmd", "template.save"}, {"id", "e2"}, {"template_id", "system-reminder-7d"}, {"subject", "x"},
                        {"body", "y"}, {"delay_amount", 1}});
  CHECK(error["code"] == "system_template_fixed");
  CHECK(error["field"] == "delay_amount");
  CHECK(refused({{"cmd", "template.delete"}, {"id", "e3"}, {"template_id", "system-invoice"}})["code"] == "system_template_fixed");
}

TEST_CASE_FIXTURE(Fixture, "a template with an unknown field is refused at save, naming the field") {
  Json error = refused({{"cmd", "template.save"}, {"id", "t1"}, {"name", "Relance"}, {"subject", "Facture {{numero_facture}}"},
                        {"body", "Bonjour {{prenom}}"}, {"delay_amount", 3}, {"delay_unit", "days"}});
  CHECK(error["code"] == "template_unknown_field");
  CHECK(error["field"] == "body");
  CHECK(error["message"].get<std::string>().find("{{prenom}}") != std::string::npos);
  CHECK(refused({{"cmd", "template.save"}, {"id", "t2"}, {"name", "R"}, {"subject", "Facture {{numero"}, {"body", "b"},
                 {"delay_amount", 3}, {"delay_unit", "days"}})["code"] == "template_unclosed_field");
  CHECK(refused({{"cmd", "template.save"}, {"id", "t3"}, {"name", "R"}, {"subject", "s"}, {"body", "b"},
                 {"delay_amount", 3}, {"delay_unit", "weeks"}})["field"] == "delay_unit");
  CHECK(refused({{"cmd", "template.save"}, {"id", "t4"}, {"name", "R"}, {"subject", "s"}, {"body", "b"},
                 {"delay_amount", 37}, {"delay_unit", "months"}})["code"] == "template_delay_out_of_range");
  CHECK(find("t1").is_null());
}

TEST_CASE_FIXTURE(Fixture, "a clinic's own template: created, edited, activated from a date, deleted") {
  exec({{"cmd", "template.save"}, {"id", "t1"}, {"name", "Relance à 48 h"}, {"subject", "Facture {{numero_facture}}"},
        {"body", "Bonjour {{facture_a}}"}, {"delay_amount", 48}, {"delay_unit", "hours"}, {"attach_pdf", false}});
  Json t = find("t1");
  CHECK(t["system"] == false);
  CHECK(t["attach_pdf"] == false);
  CHECK(t["active"] == false);
  CHECK(t["active_since"] == "");
  now = "2026-11-22T10:00:00Z";
  exec({{"cmd", "template.set_active"}, {"id", "t1-on"}, {"template_id", "t1"}, {"active", true}});
  CHECK(find("t1")["active_since"] == "2026-11-22T10:00:00Z");
  now = "2026-11-23T10:00:00Z";
  exec({{"cmd", "template.save"}, {"id", "t1-edit"}, {"template_id", "t1"}, {"name", "Relance à 2 jours"}, {"subject", "S"},
        {"body", "B"}, {"delay_amount", 2}, {"delay_unit", "days"}});
  t = find("t1");
  CHECK(t["name"] == "Relance à 2 jours");
  CHECK(t["active"] == true);
  CHECK(t["active_since"] == "2026-11-22T10:00:00Z");  // editing is not re-activating
  exec({{"cmd", "template.delete"}, {"id", "t1-del"}, {"template_id", "t1"}});
  CHECK(find("t1").is_null());
}

TEST_CASE_FIXTURE(Fixture, "the server's word on an email is recorded; cancel and retry wait for its answer") {
  message("srv-1", update("scheduled", 0));
  Json list = commands.query({{"cmd", "message.list"}, {"patient_id", "pat-1"}})["result"];
  REQUIRE(list["total"] == 1);
  CHECK(list["items"][0]["state"] == "scheduled");
  CHECK(refused({{"cmd", "message.retry"}, {"id", "r0"}, {"message_id", "tpl:inv-1"}})["code"] == "message_not_failed");
  exec({{"cmd", "message.cancel"}, {"id", "c1"}, {"message_id", "tpl:inv-1"}});
  CHECK(commands.query({{"cmd", "message.list"}})["result"]["items"][0]["cancel_requested"] == true);
  message("srv-2", update("cancelled", 0));
  Json m = commands.query({{"cmd", "message.list"}, {"state", "cancelled"}})["result"]["items"][0];
  CHECK(m["cancel_requested"] == false);
  CHECK(refused({{"cmd", "message.cancel"}, {"id", "c2"}, {"message_id", "tpl:inv-1"}})["code"] == "message_not_scheduled");

  message("srv-3", update("failed", 1, "Adresse e-mail invalide"));
  exec({{"cmd", "message.retry"}, {"id", "r1"}, {"message_id", "tpl:inv-1"}});
  m = commands.query({{"cmd", "message.list"}})["result"]["items"][0];
  CHECK(m["retry_requested"] == true);
  CHECK(m["error"] == "Adresse e-mail invalide");
  message("srv-4", update("sent", 2));
  m = commands.query({{"cmd", "message.list"}})["result"]["items"][0];
  CHECK(m["state"] == "sent");
  CHECK(m["retry_requested"] == false);
  CHECK(commands.query({{"cmd", "message.list"}, {"state", "sent"}})["result"]["total"] == 1);
  CHECK(commands.query({{"cmd", "message.list"}, {"state", "scheduled"}})["result"]["total"] == 0);
  // A state from a newer server is acknowledged and changes nothing: refusing it would stop the pull.
  Json newer = update("bounced", 3);
  CHECK(message("srv-5", newer)["applied"] == false);
  CHECK(commands.query({{"cmd", "message.list"}})["result"]["items"][0]["state"] == "sent");
}
