// quittance-cli: runs the app's JSON commands against a clinic database file.
//   quittance-cli --db FILE [--user ID]   < commands.jsonl   > answers.jsonl
// One command per input line, one JSON answer per output line, in order: the same commands
// and answers as window.quittance.exec in the browser. Blank lines are skipped.
// Commands run as --user (default "owner"), whose role applies (docs/commands.md).
// Exit status: 0 once stdin is exhausted, 2 for bad usage, an unknown user or a database that
// cannot be opened.
#include <iostream>
#include <string>

#include "app/books_upgrade.h"
#include "app/commands.h"
#include "store/migrations.h"

using quittance::app::Json;

namespace {
int usage() {
  std::cerr << "usage: quittance-cli --db FILE [--user ID]  (JSON commands on stdin, one per line)\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::string db_path, user = "owner";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--db" && i + 1 < argc) {
      db_path = argv[++i];
    } else if (arg == "--user" && i + 1 < argc) {
      user = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else {
      return usage();
    }
  }
  if (db_path.empty()) return usage();

  try {
    auto db = quittance::store::Database::open(db_path);
    const int schema = quittance::store::schema_version(db);
    quittance::store::migrate(db, quittance::store::clinic_migrations());
    quittance::app::CommandLayer commands(db);
    if (!commands.set_actor(user)) {
      std::cout << quittance::app::error("forbidden", "no user \"" + user + "\"").dump() << '\n';
      return 2;
    }
    if (const auto upgrade = quittance::app::books_upgrade(db, schema)) quittance::app::journal_books_upgrade(commands, *upgrade);
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::cout << commands.exec_text(line) << '\n' << std::flush;
    }
  } catch (const quittance::store::StoreError& e) {
    std::cout << quittance::app::error("storage_error", e.what()).dump() << '\n';
    return 2;
  }
  return 0;
}
