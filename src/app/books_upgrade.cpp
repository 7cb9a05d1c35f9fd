// The journal's record of a schema upgrade. See books_upgrade.h.
#include "app/books_upgrade.h"

#include "app/args.h"
#include "app/command_id.h"
#include "app/command_error.h"
#include "app/registry.h"
#include "store/migrations.h"

namespace quittance::app {

namespace {

constexpr int kFreezingSchema = 13;  // store/migrations.cpp: issued documents frozen
constexpr std::int64_t kMaxSchema = 1000000;
constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;

// Checks the record and answers it as read; nothing is written but the journal entry.
Json books_upgraded(Context& ctx) {
  const std::int64_t from = require_int(ctx.cmd, "from", 1, kMaxSchema - 1);
  const std::int64_t to = require_int(ctx.cmd, "to", from + 1, kMaxSchema);
  Json out = {{"from", from}, {"to", to}};
  if (has(ctx.cmd, "frozen")) {
    const Json& frozen = ctx.cmd["frozen"];
    if (!frozen.is_object()) refuse("invalid_argument", "\"frozen\" must be {invoices, credit_notes}", "frozen");
    out["frozen"] = {{"invoices", require_int(frozen, "invoices", 0, kMaxCount)},
                     {"credit_notes", require_int(frozen, "credit_notes", 0, kMaxCount)}};
  }
  return out;
}

}  // namespace

std::optional<BooksUpgrade> books_upgrade(store::Database& db, int from) {
  const int to = store::schema_version(db);
  if (from <= 0 || from >= to) return std::nullopt;
  BooksUpgrade upgrade{from, to, std::nullopt, std::nullopt};
  if (from < kFreezingSchema && to >= kFreezingSchema) {
    // Migration 13 froze every issued invoice and every credit note (never a draft).
    upgrade.frozen_invoices = db.scalar("SELECT COUNT(*) FROM invoices WHERE state != 'draft'");
    upgrade.frozen_credit_notes = db.scalar("SELECT COUNT(*) FROM credit_notes");
  }
  return upgrade;
}

Json journal_books_upgrade(CommandLayer& commands, const BooksUpgrade& upgrade) {
  Json cmd = {{"cmd", "books.upgraded"}, {"id", new_command_id()}, {"from", upgrade.from}, {"to", upgrade.to}};
  if (upgrade.frozen_invoices) {
    cmd["frozen"] = {{"invoices", *upgrade.frozen_invoices}, {"credit_notes", upgrade.frozen_credit_notes.value_or(0)}};
  }
  return commands.exec(cmd);
}

void add_books_upgrade_commands(Registry& r) {
  r.push_back({"books.upgraded", true, core::Permission::View, books_upgraded});
}

}  // namespace quittance::app
