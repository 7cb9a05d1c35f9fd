// Sync converges (docs/sync.md): three simulated devices of one clinic run random commands,
// with random partitions, pulled batches duplicated, reordered and cut short, pushes repeated
// and their answers lost, while the server writes card payments and refunds it learnt into
// the log (server facts), some about a patient still waiting in a device's outbox; after a
// full sync every device holds the same books (a canonical dump of every business table) and
// the same balances, every fact recorded once, and the server's log holds every operation
// once. Deterministic per seed; many seeds run.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <random>

#include "app/commands.h"
#include "server/store/server_db.h"
#include "server/store/sqlite_sql.h"
#include "server/sync/op_log.h"
#include "server/sync/server_events.h"
#include "store/migrations.h"
#include "sync/replica.h"

using namespace quittance;
using Json = nlohmann::json;

namespace {

constexpr const char* kClinic = "clinic-1";

struct Device {
  std::string id;
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands;
  sync::Replica replica{db, commands};
  bool partitioned = false;
  int counter = 0;

  Device(std::string device_id, const std::string& series)
      : id(std::move(device_id)), commands(db, app::fixed_clock({2026, 11, 21})) {
    store::migrate(db, store::clinic_migrations());
    Json set = commands.exec({{"cmd", "settings.set"}, {"id", id + "-series"}, {"key", "device.series"}, {"value", series}});
    REQUIRE(set["ok"] == true);
    commands.set_origin(id, series);
  }
  std::string next_id(const char* what) { return id + "-" + what + "-" + std::to_string(++counter); }
  Json exec(Json cmd) { return commands.exec(cmd); }
  std::vector<std::string> ids(const std::string& sql) {
    std::vector<std::string> out;
    auto st = db.prepare(sql);
    while (st.step()) out.push_back(st.column_text(0));
    return out;
  }
};

// Every business table, rows in a fixed order: equal dumps, equal books.
std::string canonical_dump(store::Database& db) {
  static const char* tables[] = {"settings", "users", "patients", "contacts", "tax_rates", "services", "payment_types",
                                 "series_counters", "invoices", "invoice_lines", "credit_notes", "credit_note_lines",
                                 "payments", "allocations", "refunds", "refund_parts", "review_flags"};
  std::string out;
  for (const char* table : tables) {
    out += std::string("== ") + table + "\n";
    // A device's own settings (its number series) are its own, by design.
    const std::string where = std::string(table) == "settings" ? " WHERE key NOT LIKE 'device.%'" : "";
    auto st = db.prepare(std::string("SELECT * FROM ") + table + where);
    std::vector<std::string> rows;
    while (st.step()) {
      std::string row;
      for (int c = 0; c < st.column_count(); ++c) row += (c ? "|" : "") + st.column_text(c);
      rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    for (const std::string& row : rows) out += row + "\n";
  }
  return out;
}

class World {
 public:
  explicit World(unsigned seed) : rng_(seed) {
    server::migrate_server(server_);
    server_.exec("INSERT INTO clinics(id, name, created_at) VALUES ('clinic-1', 'Cabinet', '2026-11-21T09:00:00Z')");
    const char* series[] = {"A", "B", "C"};
    for (int i = 0; i < 3; ++i) devices_.push_back(std::make_unique<Device>("dev" + std::to_string(i), series[i]));
  }

  int chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  std::size_t pick(std::size_t n) { return rng_() % n; }

  // One pull-and-push exchange of a device with the server, through a faulty network.
  void sync(Device& d, bool faults) {
    if (d.partitioned) return;
    for (int round = 0; round < 50; ++round) {
      const int limit = faults ? 1 + static_cast<int>(pick(15)) : 500;
      server::PullPage page = server::pull_ops(server_, kClinic, d.replica.cursor(), limit);
      std::vector<app::Op> ops;
      for (const Json& j : page.ops) {
        app::Op op;
        std::string error;
        REQUIRE(sync::op_from_json(j, &op, &error));
        ops.push_back(op);
      }
      if (faults && !ops.empty()) {
        if (chance(30)) ops.push_back(ops[pick(ops.size())]);                // duplicated
        if (chance(30)) std::shuffle(ops.begin(), ops.end(), rng_);          // reordered
        if (chance(20)) ops.erase(ops.begin() + static_cast<long>(pick(ops.size())));  // lost: a gap
      }
      const sync::PullOutcome outcome = d.replica.apply_pulled(ops);
      rebased += outcome.rebased;
      parked += outcome.parked;
      gaps += outcome.gap ? 1 : 0;
      if (d.replica.cursor() >= page.head) break;
    }
    const std::vector<app::Op> outbox = d.replica.outbox(faults ? 1 + pick(8) : 500);
    if (outbox.empty()) return;
    std::vector<Json> batch;
    for (const app::Op& op : outbox) batch.push_back(sync::op_to_json(op));
    const int sends = faults && chance(20) ? 2 : 1;  // a retry of a push that went through
    server::PushOutcome pushed;
    for (int i = 0; i < sends; ++i) {
      pushed = server::push_ops(server_, kClinic, d.id, d.replica.cursor(), batch, "2026-11-21T09:00:00Z");
    }
    if (pushed.stale) return;  // pull first: the next exchange rebases
    if (faults && chance(15)) return;  // the answer was lost: the pull will bring them back
    d.replica.accepted(pushed.accepted, d.replica.cursor());
  }

  void random_command(Device& d) {
    const auto patients = d.ids("SELECT id FROM patients ORDER BY id");
    const auto due = d.ids("SELECT id FROM invoices WHERE state = 'issued' AND settled < total ORDER BY id");
    const auto payments = d.ids("SELECT id FROM payments WHERE deleted = 0 AND processor_ref = '' ORDER BY id");
    const int what = static_cast<int>(pick(100));
    if (patients.empty() || what < 15) {
      d.exec({{"cmd", "patient.create"}, {"id", d.next_id("p")}, {"name", "Patient " + d.next_id("n")}});
    } else if (what < 40) {
      const std::string inv = d.next_id("inv");
      d.exec({{"cmd", "invoice.create"}, {"id", inv}, {"patient_id", patients[pick(patients.size())]},
              {"lines", {{{"label", "Séance"}, {"unit_price", 1000 * (1 + static_cast<int>(pick(9)))}}}}});
      d.exec({{"cmd", "invoice.issue"}, {"id", inv + "-issue"}, {"invoice_id", inv}});
    } else if (what < 65 && !due.empty()) {
      // Pays an invoice as this device sees it: two devices doing so offline overpay it.
      const std::string inv = due[pick(due.size())];
      auto st = d.db.prepare("SELECT patient_id, total - settled FROM invoices WHERE id = ?1");
      st.bind(1, inv);
      REQUIRE(st.step());
      const std::int64_t owed = st.column_int64(1);
      const std::int64_t paid = chance(50) ? owed : std::max<std::int64_t>(1, owed / 2);
      d.exec({{"cmd", "payment.create"}, {"id", d.next_id("pay")}, {"patient_id", st.column_text(0)},
              {"payment_type_id", chance(50) ? "cash" : "cheque"}, {"amount", paid + (chance(20) ? 500 : 0)},
              {"allocations", {{{"invoice_id", inv}, {"amount", paid}}}}});
    } else if (what < 72 && !payments.empty()) {
      d.exec({{"cmd", "payment.delete"}, {"id", d.next_id("del")}, {"payment_id", payments[pick(payments.size())]},
              {"reason", "Chèque refusé"}});
    } else if (what < 78 && !due.empty()) {
      d.exec({{"cmd", "invoice.cancel"}, {"id", d.next_id("cancel")}, {"invoice_id", due[pick(due.size())]},
              {"reason", "Erreur"}});
    } else if (what < 88) {
      d.exec({{"cmd", "settings.set"}, {"id", d.next_id("set")}, {"key", "practice.name"}, {"value", "Cabinet " + d.id}});
    } else if (what < 96 || patients.size() < 2) {
      d.exec({{"cmd", "patient.update"}, {"id", d.next_id("upd")}, {"patient_id", patients[pick(patients.size())]},
              {"email", d.id + "@example.fr"}});
    } else {
      // Two records merged on one device while others still bill the duplicate: in the log's
      // order, what reached it before moves, what came after stays, and a merge another device
      // made first may refuse this one — the same on every replica.
      const std::string kept = patients[pick(patients.size())], duplicate = patients[pick(patients.size())];
      d.exec({{"cmd", "patient.merge"}, {"id", d.next_id("merge")}, {"patient_id", kept}, {"duplicate_id", duplicate}});
    }
  }

  // Stripe tells the server of a card payment of a patient some device knows (perhaps only in
  // its outbox yet), or of a refund of an earlier one: the server writes it into the log.
  void server_fact(Device& d) {
    const auto patients = d.ids("SELECT id FROM patients ORDER BY id");
    if (patients.empty()) return;
    const std::int64_t now = 1795000000 + static_cast<std::int64_t>(++facts);
    if (!intents_.empty() && chance(25)) {
      const std::string intent = intents_[pick(intents_.size())];
      server::emit_event(server_, kClinic, "refund:re_" + std::to_string(facts), "refund.succeeded",
                         {{"refund_id", "re_" + std::to_string(facts)}, {"payment_intent_id", intent},
                          {"amount", 100}, {"refunded_on", "2026-11-22"}, {"reason", "Geste commercial"}},
                         now);
      return;
    }
    const std::string patient = patients[pick(patients.size())];
    const auto due = d.ids("SELECT id FROM invoices WHERE patient_id = '" + patient + "' AND state = 'issued' ORDER BY id");
    const std::string intent = "pi_" + std::to_string(facts);
    intents_.push_back(intent);
    server::emit_event(server_, kClinic, "payment_succeeded:" + intent, "payment.succeeded",
                       {{"payment_intent_id", intent}, {"invoice_id", due.empty() ? "" : due[pick(due.size())]},
                        {"patient_id", patient}, {"amount", 1500}, {"fee", 48}, {"currency", "EUR"},
                        {"paid_on", "2026-11-21"}},
                       now);
  }

  void run(int steps) {
    for (int i = 0; i < steps; ++i) {
      Device& d = *devices_[pick(devices_.size())];
      if (chance(10)) d.partitioned = !d.partitioned;
      if (chance(60)) random_command(d);
      if (chance(8)) server_fact(d);
      if (chance(40)) sync(d, true);
    }
    for (auto& d : devices_) d->partitioned = false;
    // Healed: exchanges until nothing moves (each device twice, so all see the last pushes).
    for (int round = 0; round < 10; ++round) {
      for (auto& d : devices_) sync(*d, false);
    }
  }

  server::SqliteSql server_{store::Database::open(":memory:")};
  std::vector<std::unique_ptr<Device>> devices_;
  std::int64_t rebased = 0, gaps = 0, parked = 0;  // how often the hard paths ran
  std::int64_t facts = 0;
  std::vector<std::string> intents_;  // the card payments the server learnt
  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("three devices converge to the same books whatever the network did (many seeds)") {
  std::int64_t rebased = 0, gaps = 0, flagged = 0, parked = 0, facts = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    World w(seed);
    w.run(120);
    const std::int64_t head = server::log_head(w.server_, kClinic);
    CHECK(head > 0);
    const std::string first = canonical_dump(w.devices_[0]->db);
    for (auto& d : w.devices_) {
      CAPTURE(d->id);
      CHECK(d->replica.pending_count() == 0);
      CHECK(d->replica.parked_count() == 0);
      CHECK(d->replica.cursor() == head);
      CHECK(canonical_dump(d->db) == first);
      // The invoices' counts by status, kept by triggers through every undo and redo, are the
      // invoices' own (no status whose count is off, none left behind at a non-zero count).
      auto counts = d->db.prepare(
          "SELECT COUNT(*) FROM (SELECT status, COUNT(*) AS n FROM invoices GROUP BY status) i "
          "FULL JOIN (SELECT status, n FROM invoice_counts WHERE n <> 0) c USING (status) WHERE i.n IS NOT c.n");
      counts.step();
      CHECK(counts.column_int64(0) == 0);
    }
    // Every operation once in the log, however often it was sent.
    auto st = w.server_.prepare("SELECT COUNT(*), COUNT(DISTINCT op_id) FROM sync_ops");
    st.step();
    CHECK(st.column_int64(0) == st.column_int64(1));
    CHECK(st.column_int64(0) == head);
    // The books hold: each patient's balance is what was invoiced, credited, paid and refunded.
    app::CommandLayer& c = w.devices_[0]->commands;
    for (const std::string& p : w.devices_[0]->ids("SELECT id FROM patients")) {
      const Json b = c.query({{"cmd", "patient.balance"}, {"patient_id", p}})["result"];
      CHECK(b["balance"].get<std::int64_t>() == b["invoiced"].get<std::int64_t>() - b["credited"].get<std::int64_t>() -
                                                      b["paid"].get<std::int64_t>() + b["refunded"].get<std::int64_t>());
    }
    // Every payment the server learnt is in the books once (its patient reached the log).
    const auto card_payments = w.devices_[0]->ids("SELECT processor_ref FROM payments WHERE payment_type_id = 'card_online'");
    CHECK(card_payments.size() == w.intents_.size());
    auto facts_in_log = w.server_.prepare("SELECT COUNT(*) FROM sync_ops WHERE device_id = 'server'");
    facts_in_log.step();
    CHECK(facts_in_log.column_int64(0) == w.facts);
    rebased += w.rebased;
    gaps += w.gaps;
    parked += w.parked;
    facts += w.facts;
    auto flags = w.devices_[0]->db.prepare("SELECT COUNT(*) FROM review_flags");
    flags.step();
    flagged += flags.column_int64(0);
    if (first != canonical_dump(w.devices_[1]->db)) break;  // one failing seed says enough
  }
  // The runs did meet what sync is for: operations undone and made again after others, gaps
  // in pulled batches, and invoices paid twice offline whose surplus stayed as credit.
  CHECK(rebased > 0);
  CHECK(gaps > 0);
  CHECK(flagged > 0);
  // And facts of the server about a patient not yet in the log, parked then recorded.
  CHECK(facts > 0);
  CHECK(parked > 0);
  MESSAGE("server facts: ", facts, ", parked on a device: ", parked);
}
