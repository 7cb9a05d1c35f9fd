// A realistic clinic for the benchmark: French patients (some minors billed to a parent), a
// catalogue of acts (kinésithérapie, ostéopathie, psychologie, consultations, bilans), ten years
// of invoices of one to three lines and their payments — paid at the visit or in instalments,
// deposits later used by « Payer depuis le compte », credit notes, cancellations, and unpaid
// or partly paid invoices of every age so aged receivables fills all its buckets.
//
// Everything goes through the real command layer, so the database holds exactly what the
// product would have written (journal included), and a refused command is a bug — in the
// generator or in the product — that the report counts and quotes.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "app/commands.h"
#include "core/date.h"
#include "store/database.h"

namespace quittance::bench {

struct GeneratorOptions {
  int patients = 2000;
  int invoices = 100000;
  int payments = 150000;  // exactly this many payment.create, deposits included
  std::uint64_t seed = 42;
  core::Date start{2016, 1, 4};
  core::Date end{2026, 11, 20};  // the clinic's "today" when the generator is done
};

// The generator's calendar. The command layer takes its clock by value at construction, so it
// is given one whose functions read this object: the generator moves the date forward as its
// story goes, and cancellations (whose credit note is dated "today") land on the right day.
class SimulatedClock {
 public:
  explicit SimulatedClock(core::Date today) : today_(today) {}
  // Reads this object: it must outlive the CommandLayer built with it.
  app::Clock clock() const;
  void set_today(core::Date today) { today_ = today; }
  core::Date today() const { return today_; }

 private:
  core::Date today_;
};

struct GeneratorReport {
  std::int64_t commands = 0;               // writing commands sent
  std::int64_t refused = 0;                // of which refused: anything but 0 is a bug
  std::vector<std::string> refusals;       // the first few, as "command -> answer"
  std::map<std::string, std::int64_t> per_command;
  std::int64_t total_mismatches = 0;       // invoice totals differing from the core's arithmetic
  std::int64_t extra_deposits = 0;         // deposits added only to reach the payment count
  double seconds = 0;
};

// Fills `commands`' clinic (an empty, migrated database `db`, the one `commands` writes to),
// built with `clock.clock()`. Commands are batched in transactions of about 2,000 (each one
// nests as a savepoint, so a refusal still undoes only itself). Deterministic for a given seed.
// `progress`, if given, receives a line now and then.
GeneratorReport generate_clinic(app::CommandLayer& commands, store::Database& db, SimulatedClock& clock,
                                const GeneratorOptions& options,
                                const std::function<void(const std::string&)>& progress = {});

}  // namespace quittance::bench
