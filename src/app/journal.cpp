// Journal storage and hash chain. See journal.h.
#include "app/journal.h"

#include <limits>

#include "core/sha256.h"

namespace quittance::app {

namespace {
const std::string kGenesis(64, '0');  // prev_hash of the first entry

JournalEntry read_entry(store::Statement& st) {
  JournalEntry e;
  e.seq = st.column_int64(0);
  e.command_id = st.column_text(1);
  e.name = st.column_text(2);
  e.actor = st.column_text(3);
  e.body = st.column_text(4);
  e.result = st.column_text(5);
  e.at = st.column_text(6);
  e.prev_hash = st.column_text(7);
  e.hash = st.column_text(8);
  return e;
}
constexpr const char* kColumns = "seq, command_id, name, actor, body, result, at, prev_hash, hash";
}  // namespace

std::string entry_hash(const JournalEntry& e) {
  // Fields joined by a separator that cannot occur in them unescaped (JSON strings escape \x1f).
  const char sep = '\x1f';
  std::string material = e.prev_hash + sep + std::to_string(e.seq) + sep + e.command_id + sep + e.name + sep + e.actor +
                         sep + e.body + sep + e.result + sep + e.at;
  return core::sha256_hex(material);
}

std::optional<JournalEntry> find_journal_entry(store::Database& db, const std::string& command_id) {
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM journal WHERE command_id = ?1");
  st.bind(1, command_id);
  if (!st.step()) return std::nullopt;
  return read_entry(st);
}

std::int64_t append_journal(store::Database& db, JournalEntry e) {
  e.prev_hash = kGenesis;
  auto last = db.prepare("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1");
  if (last.step()) {
    e.seq = last.column_int64(0) + 1;
    e.prev_hash = last.column_text(1);
  } else {
    e.seq = 1;
  }
  e.hash = entry_hash(e);
  auto st = db.prepare(
      "INSERT INTO journal(seq, command_id, name, actor, body, result, at, prev_hash, hash, origin, series, day, "
      "server_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  st.bind(1, e.seq).bind(2, e.command_id).bind(3, e.name).bind(4, e.actor).bind(5, e.body).bind(6, e.result);
  st.bind(7, e.at).bind(8, e.prev_hash).bind(9, e.hash).bind(10, e.origin).bind(11, e.series).bind(12, e.day);
  if (e.server_seq > 0) st.bind(13, e.server_seq); else st.bind_null(13);
  st.step();
  return e.seq;
}

ChainCheck verify_journal(store::Database& db) {
  JournalChainCheck chain;
  while (chain.step(db, 100000)) {
  }
  return chain.result();
}

bool JournalChainCheck::step(store::Database& db, std::int64_t entries) {
  if (done_) return false;
  auto st = db.prepare(std::string("SELECT ") + kColumns + " FROM journal WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
  // From the first row whatever its number (a journal starting elsewhere than 1 is broken at 1),
  // then after the last entry verified.
  st.bind(1, check_.entries == 0 ? std::numeric_limits<std::int64_t>::min() : check_.entries + 1).bind(2, entries);
  std::int64_t read = 0;
  while (st.step()) {
    ++read;
    JournalEntry e = read_entry(st);
    const std::int64_t expected_seq = check_.entries + 1;
    if (e.seq != expected_seq || e.prev_hash != prev_ || entry_hash(e) != e.hash) {
      check_.ok = false;
      check_.broken_at = expected_seq;
      done_ = true;
      return false;
    }
    prev_ = std::move(e.hash);
    ++check_.entries;
  }
  done_ = read < entries;
  return !done_;
}

}  // namespace quittance::app
