// The device's replica (sync/replica.h) on the cases a network and other versions produce: a
// rebase that keeps the patient search index right, an operation this Quittance does not know
// (kept as refused, never lost, never applied twice), and malformed operations refused.
#include <doctest/doctest.h>

#include "app/commands.h"
#include "store/migrations.h"
#include "sync/replica.h"

using namespace quittance;
using Json = nlohmann::json;

namespace {

struct Device {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  sync::Replica replica{db, commands};
  Device() {
    store::migrate(db, store::clinic_migrations());
    commands.set_origin("dev-a", "A");
  }
  std::int64_t found(const char* search) {
    return commands.query({{"cmd", "patient.list"}, {"search", search}})["result"]["total"];
  }
};

app::Op remote(std::int64_t seq, const std::string& id, const std::string& name, const Json& body) {
  Json cmd = body;
  cmd["cmd"] = name;
  cmd["id"] = id;
  return app::Op{id, name, "owner", cmd.dump(), "2026-11-21T08:00:00Z", "2026-11-21", "dev-b", "B", seq};
}

}  // namespace

TEST_CASE("an operation of another device ordered first: this device's pending ones are undone and made again") {
  Device d;
  REQUIRE(d.commands.exec({{"cmd", "patient.create"}, {"id", "p-zoe"}, {"name", "Zoé Lefèvre"}})["ok"] == true);
  REQUIRE(d.replica.pending_count() == 1);
  const sync::PullOutcome out =
      d.replica.apply_pulled({remote(1, "p-zach", "patient.create", {{"name", "Zacharie Martin"}})});
  CHECK(out.applied == 1);
  CHECK(out.rebased == 1);
  CHECK(d.replica.cursor() == 1);
  CHECK(d.replica.pending_count() == 1);  // still to push, now after the server's
  // The search index followed the undo and the redo: each name found once.
  CHECK(d.found("zo") == 1);
  CHECK(d.found("za") == 1);
  CHECK(d.found("le") == 1);
  // The journal: the server's operation, then this device's.
  const Json journal = d.commands.query({{"cmd", "journal.list"}})["result"]["items"];
  REQUIRE(journal.size() == 2);
  CHECK(journal[0]["command_id"] == "p-zach");
  CHECK(journal[1]["command_id"] == "p-zoe");
  CHECK(d.commands.query({{"cmd", "audit.verify"}})["result"]["intact"] == true);
}

TEST_CASE("an operation this Quittance does not know stops sync before it; a gap stops the batch") {
  Device d;
  const sync::PullOutcome gap = d.replica.apply_pulled({remote(1, "p-first", "patient.create", {{"name", "Marc"}}),
                                                        remote(3, "p-late", "patient.create", {{"name", "Léa"}})});
  CHECK(gap.gap);  // seq 2 is missing: seq 3 waits for it
  CHECK(gap.applied == 1);
  CHECK(d.replica.cursor() == 1);
  CHECK(d.found("lé") == 0);
  // Seq 2 comes from a newer Quittance: nothing from it on is applied, nothing is journaled for
  // it, and the same batch asked again stops at the same place (until this device is updated).
  for (int attempt = 0; attempt < 2; ++attempt) {
    const sync::PullOutcome out = d.replica.apply_pulled({remote(3, "p-late", "patient.create", {{"name", "Léa"}}),
                                                          remote(2, "op-new", "invoice.teleport", Json::object())});
    CHECK(out.blocked == "unknown_operation");
    CHECK(d.replica.cursor() == 1);
    CHECK(d.found("lé") == 0);
  }
  CHECK(d.commands.query({{"cmd", "journal.list"}})["result"]["items"].size() == 1);
}

TEST_CASE("an operation by a user the books do not know, or whose role may not do it, is refused everywhere") {
  Device d;
  app::Op forged = remote(1, "u-pin", "user.set_pin", {{"user_id", "owner"}, {"pin_salt", ""}, {"pin_hash", ""}});
  forged.actor = "nobody";
  const sync::PullOutcome out = d.replica.apply_pulled({forged});
  CHECK(out.refused == 1);
  CHECK(d.replica.cursor() == 1);
  const Json journal = d.commands.query({{"cmd", "journal.list"}})["result"]["items"];
  REQUIRE(journal.size() == 1);
  CHECK(journal[0]["result"]["refused"]["code"] == "forbidden");
}

TEST_CASE("malformed operations are refused with the field at fault") {
  app::Op op;
  std::string error;
  CHECK_FALSE(sync::op_from_json(Json::array(), &op, &error));
  CHECK_FALSE(sync::op_from_json({{"id", "x"}}, &op, &error));
  CHECK(error == "name");
  Json good = sync::op_to_json(remote(4, "p-1", "patient.create", {{"name", "A"}}));
  CHECK(sync::op_from_json(good, &op, &error));
  CHECK(op.server_seq == 4);
  good["seq"] = -1;
  CHECK_FALSE(sync::op_from_json(good, &op, &error));
  CHECK(error == "seq");
  good["seq"] = 4;
  good["id"] = std::string(65, 'x');
  CHECK_FALSE(sync::op_from_json(good, &op, &error));
  CHECK(error == "id");
}

TEST_CASE("an operation already in the journal (made here before sync) is not run again") {
  store::Database db = store::Database::open(":memory:");
  store::migrate(db, store::clinic_migrations());
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  REQUIRE(commands.exec({{"cmd", "patient.create"}, {"id", "p-old"}, {"name", "Ancien"}})["ok"] == true);
  commands.set_origin("dev-a", "A");
  sync::Replica replica{db, commands};
  const sync::PullOutcome out = replica.apply_pulled({remote(1, "p-old", "patient.create", {{"name", "Ancien"}})});
  CHECK(out.applied == 1);  // acknowledged as applied, without a second patient
  CHECK(replica.cursor() == 1);
  CHECK(commands.query({{"cmd", "patient.list"}})["result"]["total"] == 1);
  const Json journal = commands.query({{"cmd", "journal.list"}})["result"]["items"];
  REQUIRE(journal.size() == 1);
  CHECK(journal[0]["server_seq"] == 1);
}

TEST_CASE("a demo clinic loaded here survives a rebase: the commands run inside it are made again too") {
  Device d;
  REQUIRE(d.commands.exec({{"cmd", "demo.load"}, {"id", "demo-1"}})["ok"] == true);
  const std::int64_t patients = d.commands.query({{"cmd", "patient.list"}})["result"]["total"];
  const std::int64_t invoices = d.commands.query({{"cmd", "invoice.list"}})["result"]["total"];
  const std::size_t rates = d.commands.query({{"cmd", "tax_rate.list"}})["result"].size();
  REQUIRE(patients > 0);
  // (A patient from elsewhere would make the replayed demo.load refuse, as on every device: a
  // demo is only loaded into an empty clinic. A tax rate does not.)
  const sync::PullOutcome out =
      d.replica.apply_pulled({remote(1, "t-vat", "tax_rate.create", {{"name", "TVA 20 %"}, {"rate_bp", 2000}})});
  CHECK(out.rebased == 1);
  CHECK(d.commands.query({{"cmd", "patient.list"}})["result"]["total"] == patients);
  CHECK(d.commands.query({{"cmd", "invoice.list"}})["result"]["total"] == invoices);
  CHECK(d.commands.query({{"cmd", "tax_rate.list"}})["result"].size() == rates + 1);
  CHECK(d.commands.query({{"cmd", "audit.verify"}})["result"]["intact"] == true);
}

TEST_CASE("a pulled batch with a refusal inside: the others applied in order, the refusal journaled, search right") {
  Device d;
  const sync::PullOutcome out = d.replica.apply_pulled({
      remote(1, "p-ana", "patient.create", {{"name", "Ana Roux"}}),
      remote(2, "p-ana-renamed", "patient.update", {{"patient_id", "p-ana"}, {"name", "Anaïs Roux"}}),
      // Half of it is written before it fails: a payment for an invoice nobody made.
      remote(3, "pay-none", "payment.create",
             {{"patient_id", "p-ana"}, {"payment_type_id", "cash"}, {"amount", 1000},
              {"allocations", {{{"invoice_id", "inv-none"}, {"amount", 1000}}}}}),
      remote(4, "p-bob", "patient.create", {{"name", "Bob Marchand"}}),
  });
  CHECK(out.applied == 3);
  CHECK(out.refused == 1);
  CHECK(d.replica.cursor() == 4);
  CHECK(d.found("anaïs") == 1);
  CHECK(d.found("ana") == 1);  // the same patient, under her new name
  CHECK(d.found("bob") == 1);
  // Nothing of the refused payment stayed, and every replica journals the same refusal.
  CHECK(d.db.scalar("SELECT COUNT(*) FROM payments") == 0);
  const Json journal = d.commands.query({{"cmd", "journal.list"}})["result"]["items"];
  REQUIRE(journal.size() == 4);
  CHECK(journal[2]["command_id"] == "pay-none");
  CHECK(d.db.scalar("SELECT COUNT(*) FROM journal WHERE command_id = 'pay-none' AND result LIKE '%refused%'") == 1);
  CHECK(d.db.scalar("SELECT COUNT(*) FROM patients_fts_stale") == 0);
}

TEST_CASE("the search index follows renames and a rebase, brought up to date once per transaction") {
  Device d;
  for (const auto& [id, name] : {std::pair{"p-zoe", "Zoé Lefèvre"}, {"p-zach", "Zacharie Martin"}, {"p-lucie", "Lucie Bernard"}}) {
    REQUIRE(d.commands.exec({{"cmd", "patient.create"}, {"id", id}, {"name", name}})["ok"] == true);
  }
  REQUIRE(d.commands.exec({{"cmd", "patient.update"}, {"id", "ren-zoe"}, {"patient_id", "p-zoe"},
                           {"name", "Zoé Lefèvre-Martin"}})["ok"] == true);
  // All four undone and made again after the other device's operation, in one transaction.
  const sync::PullOutcome out = d.replica.apply_pulled(
      {remote(1, "p-other", "patient.create", {{"name", "Odile Petit"}})});
  CHECK(out.rebased == 4);
  CHECK(d.found("martin") == 2);
  CHECK(d.found("lefèvre") == 1);
  CHECK(d.found("odile") == 1);
  CHECK(d.found("lucie") == 1);
  REQUIRE(d.commands.exec({{"cmd", "patient.update"}, {"id", "ren-lucie"}, {"patient_id", "p-lucie"},
                           {"name", "Lucie Garnier"}})["ok"] == true);
  CHECK(d.found("bernard") == 0);
  CHECK(d.found("garnier") == 1);
  // The index says what a rebuild from the patients says.
  CHECK(d.db.scalar("SELECT COUNT(*) FROM patients_fts_stale") == 0);
  d.db.exec("INSERT INTO patients_fts(patients_fts) VALUES ('integrity-check')");
  const std::int64_t before = d.db.scalar("SELECT COUNT(*) FROM patients_fts WHERE patients_fts MATCH 'martin'");
  d.db.exec("INSERT INTO patients_fts(patients_fts) VALUES ('rebuild')");
  CHECK(d.db.scalar("SELECT COUNT(*) FROM patients_fts WHERE patients_fts MATCH 'martin'") == before);
}
