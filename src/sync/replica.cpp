// The device's replica of the operation log. See replica.h and docs/sync.md.
#include "sync/replica.h"

#include <algorithm>
#include <map>

#include "app/command_id.h"
#include "store/changes.h"

namespace quittance::sync {

namespace {

constexpr const char* kOpColumns = "j.command_id, j.name, j.actor, j.body, j.at, j.day, j.origin, j.series";

app::Op read_op(store::Statement& st) {
  app::Op op;
  op.id = st.column_text(0);
  op.name = st.column_text(1);
  op.actor = st.column_text(2);
  op.body = st.column_text(3);
  op.at = st.column_text(4);
  op.day = st.column_text(5);
  op.origin = st.column_text(6);
  op.series = st.column_text(7);
  return op;
}

bool text_field(const Json& j, const char* name, std::string* out, std::string* error) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().size() > 1'000'000) {
    *error = name;
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

}  // namespace

Json op_to_json(const app::Op& op) {
  Json j = {{"id", op.id},         {"name", op.name}, {"actor", op.actor},   {"body", op.body},
            {"at", op.at},         {"day", op.day},   {"origin", op.origin}, {"series", op.series}};
  if (op.server_seq > 0) j["seq"] = op.server_seq;
  if (!op.refused_code.empty()) j["refused"] = {{"code", op.refused_code}, {"message", op.refused_message}};
  return j;
}

bool op_from_json(const Json& j, app::Op* op, std::string* error) {
  if (!j.is_object()) {
    *error = "op";
    return false;
  }
  if (!text_field(j, "id", &op->id, error) || !text_field(j, "name", &op->name, error) ||
      !text_field(j, "actor", &op->actor, error) || !text_field(j, "body", &op->body, error) ||
      !text_field(j, "at", &op->at, error) || !text_field(j, "day", &op->day, error) ||
      !text_field(j, "origin", &op->origin, error) || !text_field(j, "series", &op->series, error)) {
    return false;
  }
  if (!app::valid_command_id(op->id)) {  // as commands take it
    *error = "id";
    return false;
  }
  if (op->name.empty() || op->name.size() > 64 || op->actor.empty() || op->actor.size() > 64) {
    *error = op->name.empty() || op->name.size() > 64 ? "name" : "actor";
    return false;
  }
  op->server_seq = 0;
  if (j.contains("seq")) {
    if (!j["seq"].is_number_integer() || j["seq"].get<std::int64_t>() < 1) {
      *error = "seq";
      return false;
    }
    op->server_seq = j["seq"].get<std::int64_t>();
  }
  // The server's refusal of an operation already in its log (repaired on upgrade).
  op->refused_code.clear();
  op->refused_message.clear();
  if (j.contains("refused")) {
    const Json& r = j["refused"];
    if (!r.is_object() || !r.value("code", Json()).is_string() || !r.value("message", Json()).is_string() ||
        r["code"].get_ref<const std::string&>().empty() || r["code"].get_ref<const std::string&>().size() > 64 ||
        r["message"].get_ref<const std::string&>().size() > 1000) {
      *error = "refused";
      return false;
    }
    op->refused_code = r["code"].get<std::string>();
    op->refused_message = r["message"].get<std::string>();
  }
  return true;
}

Replica::Replica(store::Database& db, app::CommandLayer& commands) : db_(db), commands_(commands) {}

std::int64_t Replica::cursor() {
  auto st = db_.prepare("SELECT value FROM sync_state WHERE key = 'cursor'");
  return st.step() ? std::stoll(st.column_text(0)) : 0;
}

void set_sync_state(store::Database& db, const std::string& key, const std::string& value) {
  auto st = db.prepare(
      "INSERT INTO sync_state(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value);
  st.step();
}

void Replica::set_cursor(std::int64_t seq) { set_sync_state(db_, "cursor", std::to_string(seq)); }

bool Replica::has_books() {
  auto st = db_.prepare(
      "SELECT EXISTS(SELECT 1 FROM patients) OR EXISTS(SELECT 1 FROM invoices) OR EXISTS(SELECT 1 FROM payments)");
  st.step();
  return st.column_int64(0) != 0;
}

bool Replica::has_unrecorded_books() {
  auto st = db_.prepare(
      "SELECT EXISTS(SELECT 1 FROM journal WHERE origin = '' AND server_seq IS NULL AND name <> 'settings.set')");
  st.step();
  return st.column_int64(0) != 0 && has_books();
}

std::string Replica::clinic() {
  auto st = db_.prepare("SELECT value FROM sync_state WHERE key = 'clinic'");
  return st.step() ? st.column_text(0) : std::string();
}

void Replica::join(const std::string& clinic_id, const std::string& origin) {
  db_.transaction([&] {
    if (clinic() != clinic_id) {
      set_cursor(0);
      db_.exec("DELETE FROM sync_parked");  // facts of another clinic's log wait for nothing here
      // Numbers of another clinic's log: this one numbers its own from 1.
      db_.exec("UPDATE journal SET server_seq = NULL WHERE server_seq IS NOT NULL");
    }
    set_sync_state(db_, "clinic", clinic_id);
    // The pending operations and the commands run inside them (from the first one's first
    // entry); none when nothing is pending.
    auto mine = db_.prepare(
        "UPDATE journal SET origin = ?1 WHERE server_seq IS NULL AND origin <> '' "
        "AND seq >= (SELECT MIN(first_seq) FROM sync_pending)");
    mine.bind(1, origin);
    mine.step();
  });
}

std::vector<app::Op> Replica::outbox(std::size_t limit) {
  auto st = db_.prepare(std::string("SELECT ") + kOpColumns +
                        " FROM sync_pending p JOIN journal j ON j.command_id = p.command_id WHERE p.push = 1 "
                        "ORDER BY j.seq LIMIT ?1");
  st.bind(1, static_cast<std::int64_t>(limit));
  std::vector<app::Op> out;
  while (st.step()) out.push_back(read_op(st));
  return out;
}

std::int64_t Replica::pending_count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM sync_pending WHERE push = 1");
  st.step();
  return st.column_int64(0);
}

void Replica::accepted(const std::vector<std::pair<std::string, std::int64_t>>& seqs, std::int64_t base) {
  // A parked fact may wait for one of these: they stay pending and come back with the next
  // pull, to be applied in the log's order with the fact retried between them, as on every
  // other replica (pushed again meanwhile, they are found in the log: idempotent).
  if (parked_count() > 0) return;
  db_.transaction([&] {
    bool follows = base == cursor();
    for (std::size_t i = 0; i < seqs.size(); ++i) follows = follows && seqs[i].second == base + 1 + static_cast<std::int64_t>(i);
    if (follows && !seqs.empty()) set_cursor(seqs.back().second);
    auto seq = db_.prepare("UPDATE journal SET server_seq = ?2 WHERE command_id = ?1 AND server_seq IS NULL");
    auto done = db_.prepare("DELETE FROM sync_pending WHERE command_id = ?1");
    for (const auto& [id, server_seq] : seqs) {
      seq.reset();
      seq.bind(1, id).bind(2, server_seq);
      seq.step();
      done.reset();
      done.bind(1, id);
      done.step();
    }
    // This device's own settings before the first operation still to send are never undone
    // again: nothing before them can be rebased any more.
    db_.exec(
        "DELETE FROM sync_pending WHERE push = 0 AND command_id IN (SELECT j.command_id FROM journal j "
        "WHERE j.seq < COALESCE((SELECT MIN(k.seq) FROM journal k JOIN sync_pending q ON q.command_id = k.command_id "
        "WHERE q.push = 1), 9223372036854775807))");
  });
}

std::vector<app::Op> Replica::undo_pending() {
  std::vector<app::Op> pending;
  std::vector<std::string> changesets;
  std::int64_t first_pending = 0;
  {
    auto st = db_.prepare(std::string("SELECT ") + kOpColumns +
                          ", p.changeset, p.first_seq FROM sync_pending p JOIN journal j ON j.command_id = p.command_id "
                          "ORDER BY j.seq");
    while (st.step()) {
      pending.push_back(read_op(st));
      changesets.push_back(st.column_blob(8));
      if (first_pending == 0) first_pending = st.column_int64(9);
    }
  }
  for (auto it = changesets.rbegin(); it != changesets.rend(); ++it) store::undo_changeset(db_, *it);
  if (first_pending > 0) {
    // Their entries, and those of the commands they ran inside them (demo.load), go.
    auto drop = db_.prepare("DELETE FROM journal WHERE seq >= ?1 AND server_seq IS NULL");
    drop.bind(1, first_pending);
    drop.step();
    db_.exec("DELETE FROM sync_pending");
  }
  return pending;
}

namespace {

using Kind = app::OpOutcome::Kind;

// The device's storage failed under an operation: the caller's transaction rolls the whole
// batch back, to be tried again.
void throw_if_storage(const app::OpOutcome& outcome) {
  if (outcome.kind == Kind::StorageError) throw store::StoreError(1, outcome.message);
}

}  // namespace

void Replica::redo(const app::Op& op) { throw_if_storage(commands_.apply(op)); }

std::int64_t Replica::refused_by_server(const std::vector<Refusal>& refusals) {
  std::int64_t found = 0;
  db_.transaction([&] {
    std::map<std::string, const Refusal*> refused;
    auto pending = db_.prepare("SELECT 1 FROM sync_pending WHERE command_id = ?1 AND push = 1");
    for (const Refusal& r : refusals) {
      pending.reset();
      pending.bind(1, r.id);
      if (pending.step()) refused.emplace(r.id, &r);
    }
    found = static_cast<std::int64_t>(refused.size());
    if (refused.empty()) return;
    auto result = db_.prepare("UPDATE journal SET result = ?2 WHERE command_id = ?1");
    auto off = db_.prepare("DELETE FROM sync_pending WHERE command_id = ?1");
    for (app::Op& op : undo_pending()) {
      auto it = refused.find(op.id);
      if (it == refused.end()) {
        redo(op);
        continue;
      }
      // Journaled as refused, like an operation every replica refuses, then kept off the
      // outbox: the server will never take it, and the practitioner is shown why.
      const Refusal& r = *it->second;
      op.refused_code = r.code;
      op.refused_message = r.message;
      redo(op);
      const Json refusal = {{"refused", {{"code", r.code}, {"message", r.message}, {"by_server", true}}}};
      result.reset();
      result.bind(1, op.id).bind(2, refusal.dump(-1, ' ', false, Json::error_handler_t::replace));
      result.step();
      off.reset();
      off.bind(1, op.id);
      off.step();
    }
  });
  return found;
}

std::int64_t Replica::refused_by_server_count() {
  auto st = db_.prepare(
      "SELECT COUNT(*) FROM journal WHERE server_seq IS NULL AND json_extract(result, '$.refused.by_server') = 1");
  st.step();
  return st.column_int64(0);
}

std::string Replica::last_refusal() {
  auto st = db_.prepare(
      "SELECT name, json_extract(result, '$.refused.message') FROM journal WHERE server_seq IS NULL "
      "AND json_extract(result, '$.refused.by_server') = 1 ORDER BY seq DESC LIMIT 1");
  return st.step() ? st.column_text(0) + ": " + st.column_text(1) : std::string();
}

std::int64_t Replica::parked_count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM sync_parked");
  st.step();
  return st.column_int64(0);
}

std::int64_t Replica::applied_through() {
  auto st = db_.prepare("SELECT MIN(server_seq) FROM sync_parked");
  st.step();
  const std::int64_t cursor_now = cursor();
  return st.column_is_null(0) ? cursor_now : std::min(cursor_now, st.column_int64(0) - 1);
}

void Replica::unjournal(const std::string& command_id) {
  auto drop = db_.prepare("DELETE FROM journal WHERE command_id = ?1");
  drop.bind(1, command_id);
  drop.step();
}

bool Replica::park_if_early(const app::Op& op, const app::OpOutcome& outcome) {
  // Only a server fact, and only for what a later operation may bring (its patient, its
  // payment): any other refusal is final, the same on every replica.
  if (outcome.kind != Kind::Refused || outcome.code != "not_found" || op.name != "server_event.apply" ||
      !op.refused_code.empty()) {
    return false;
  }
  unjournal(op.id);
  auto park = db_.prepare(
      "INSERT INTO sync_parked(command_id, server_seq, op, code) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(command_id) DO NOTHING");
  park.bind(1, op.id).bind(2, op.server_seq).bind(3, op_to_json(op).dump(-1, ' ', false, Json::error_handler_t::replace));
  park.bind(4, outcome.code);
  park.step();
  return true;
}

void Replica::retry_parked(PullOutcome& outcome) {
  std::vector<app::Op> parked;
  {
    auto st = db_.prepare("SELECT op FROM sync_parked ORDER BY server_seq");
    while (st.step()) {
      app::Op op;
      std::string field;
      if (op_from_json(Json::parse(st.column_text(0), nullptr, false), &op, &field)) parked.push_back(std::move(op));
    }
  }
  auto unpark = db_.prepare("DELETE FROM sync_parked WHERE command_id = ?1");
  for (const app::Op& op : parked) {
    const app::OpOutcome applied = commands_.apply(op);
    throw_if_storage(applied);
    if (applied.kind == Kind::Refused && applied.code == "not_found") {  // still early: out of the journal again, kept parked
      unjournal(op.id);
      continue;
    }
    unpark.reset();
    unpark.bind(1, op.id);
    unpark.step();
    if (applied.applied()) {
      ++outcome.unparked;
    } else {
      ++outcome.refused;
    }
  }
}

bool Replica::apply_all_or_nothing(const std::vector<app::Op>& ops, PullOutcome& outcome) {
  db_.exec("SAVEPOINT pulled_batch");
  for (const app::Op& op : ops) {
    const app::OpOutcome applied = commands_.apply_in_batch(op);
    throw_if_storage(applied);  // the caller's transaction rolls back, this savepoint with it
    if (!applied.applied()) {
      db_.exec("ROLLBACK TO pulled_batch");
      db_.exec("RELEASE pulled_batch");
      return false;
    }
  }
  db_.exec("RELEASE pulled_batch");
  outcome.applied += static_cast<std::int64_t>(ops.size());
  return true;
}

PullOutcome Replica::apply_pulled(std::vector<app::Op> ops) {
  PullOutcome outcome;
  std::sort(ops.begin(), ops.end(), [](const app::Op& a, const app::Op& b) { return a.server_seq < b.server_seq; });
  db_.transaction([&] {
    std::int64_t at = cursor();
    // What follows the cursor without a gap; anything already here is skipped.
    std::vector<app::Op> fresh;
    auto known = db_.prepare("SELECT server_seq IS NOT NULL FROM journal WHERE command_id = ?1");
    for (app::Op& op : ops) {
      if (op.server_seq <= at) {
        ++outcome.duplicates;
        continue;
      }
      if (op.server_seq != at + 1) {
        outcome.gap = true;
        break;
      }
      at = op.server_seq;
      known.reset();
      known.bind(1, op.id);
      if (known.step() && known.column_int64(0) != 0) {
        ++outcome.duplicates;  // this device's own, accepted, coming back
        continue;
      }
      fresh.push_back(std::move(op));
    }
    if (!fresh.empty()) {
      // Undo this device's pending operations, newest first, to put the server's before them.
      const std::vector<app::Op> pending = undo_pending();
      bool parked = parked_count() > 0;
      // Usually every operation applies: all of them under one savepoint. Otherwise, and while
      // facts are parked, one by one, each refusal journaled where it happens.
      const bool all_applied = !parked && apply_all_or_nothing(fresh, outcome);
      for (std::size_t i = 0; !all_applied && i < fresh.size(); ++i) {
        const app::Op& op = fresh[i];
        const app::OpOutcome applied = commands_.apply(op);
        throw_if_storage(applied);
        if (applied.applied()) {
          ++outcome.applied;
          // What this operation brought may be what a parked fact waits for.
          if (parked) {
            retry_parked(outcome);
            parked = parked_count() > 0;
          }
        } else if (park_if_early(op, applied)) {
          ++outcome.parked;
          parked = true;
        } else if (applied.kind == Kind::Unknown) {
          // A newer Quittance made it: stop before it (this device needs an update), so that
          // no device applies what follows without it.
          outcome.blocked = applied.code;
          at = op.server_seq - 1;
          break;
        } else {
          ++outcome.refused;
        }
      }
      // This device's operations again, after them; one the server has just sent back (its
      // answer to a push was lost) is not made twice.
      for (const app::Op& op : pending) {
        const bool came_back =
            std::any_of(fresh.begin(), fresh.end(), [&](const app::Op& f) { return f.id == op.id; });
        if (came_back) continue;
        redo(op);
        ++outcome.rebased;
      }
    }
    set_cursor(at);
  });
  return outcome;
}

}  // namespace quittance::sync
