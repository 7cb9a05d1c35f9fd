// Command dispatch: validation of the envelope, roles, idempotency, one transaction per
// command with its journal entry. See commands.h; the commands themselves are in *_commands.cpp.
#include "app/commands.h"

#include <map>
#include <optional>

#include "app/bounded_json.h"
#include "app/command_id.h"
#include "app/command_error.h"
#include "app/journal.h"
#include "app/op_check.h"
#include "app/registry.h"
#include "app/settings_keys.h"
#include "core/date.h"
#include "store/changes.h"
#include "store/search_index.h"

namespace quittance::app {

Json ok(Json result) { return Json{{"ok", true}, {"result", std::move(result)}}; }

Json error(std::string_view code, std::string_view message, std::string_view field) {
  Json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  return Json{{"ok", false}, {"error", std::move(e)}};
}

void Context::require(core::Permission permission) const {
  if (!core::allowed(role, permission)) {
    refuse("forbidden", std::string("the role \"") + core::to_string(role) + "\" may not do this");
  }
}

namespace {

const std::map<std::string, CommandSpec, std::less<>>& commands() {
  static const auto table = [] {
    Registry r;
    add_settings_commands(r);
    add_catalog_commands(r);
    add_patient_commands(r);
    add_patient_merge_commands(r);
    add_invoice_commands(r);
    add_payment_commands(r);
    add_report_commands(r);
    add_review_commands(r);
    add_template_commands(r);
    add_message_commands(r);
    add_payment_request_commands(r);
    add_appointment_commands(r);
    add_attestation_commands(r);
    add_receipts_journal_commands(r);
    add_statement_commands(r);
    add_server_event_commands(r);
    add_export_commands(r);
    add_fec_export_commands(r);
    add_document_email_commands(r);
    add_books_upgrade_commands(r);
    add_demo_commands(r);
    std::map<std::string, CommandSpec, std::less<>> byName;
    for (const CommandSpec& spec : r) byName.emplace(spec.name, spec);
    return byName;
  }();
  return table;
}

// Text read back from the database may hold bytes that are not UTF-8: replace, never throw.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// The role of a user who may have been archived since (an operation replayed later).
std::optional<core::Role> role_of_any(store::Database& db, const std::string& user_id) {
  auto st = db.prepare("SELECT role FROM users WHERE id = ?1");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return core::role_from_string(st.column_text(0));
}

std::optional<core::Role> role_of(store::Database& db, const std::string& user_id) {
  auto st = db.prepare("SELECT role FROM users WHERE id = ?1 AND archived = 0");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return core::role_from_string(st.column_text(0));
}

// An operation made here, not yet accepted by the server, and what it changed (to undo it).
// A setting of this device only (its series) is made again after a rebase but never sent.
void record_pending(store::Database& db, const std::string& command_id, const std::string& name, const Json& command,
                    std::int64_t first_seq, const std::string& changeset) {
  const bool device_only = name == "settings.set" && command.is_object() &&
                           command.value("key", std::string()).rfind("device.", 0) == 0;
  auto st = db.prepare("INSERT INTO sync_pending(command_id, push, first_seq, changeset) VALUES (?1, ?2, ?3, ?4)");
  st.bind(1, command_id).bind(2, std::int64_t{device_only ? 0 : 1}).bind(3, first_seq).bind_blob(4, changeset);
  st.step();
}

// The seq the next journal entry will take: the first of a transaction's entries.
std::int64_t next_journal_seq(store::Database& db) {
  auto st = db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM journal");
  st.step();
  return st.column_int64(0);
}

}  // namespace

const CommandSpec* find_command(std::string_view name) {
  auto it = commands().find(name);
  return it == commands().end() ? nullptr : &it->second;
}

CommandLayer::CommandLayer(store::Database& db, Clock clock)
    : db_(db), clock_(clock.now ? std::move(clock) : practice_clock(db)) {
  db_.set_before_commit(&store::reindex_stale_patients);
}

bool CommandLayer::set_actor(const std::string& user_id) {
  try {
    if (!role_of(db_, user_id)) return false;
  } catch (const store::StoreError&) {
    return false;
  }
  actor_ = user_id;
  return true;
}

bool CommandLayer::act_as_an_owner() {
  if (set_actor("owner")) return true;
  try {
    auto st = db_.prepare("SELECT id FROM users WHERE role = 'owner' AND archived = 0 ORDER BY name, id LIMIT 1");
    return st.step() && set_actor(st.column_text(0));
  } catch (const store::StoreError&) {
    return false;
  }
}

Json CommandLayer::exec(const Json& command) { return run(command, false); }
Json CommandLayer::query(const Json& command) { return run(command, true); }

Json CommandLayer::run(const Json& command, bool read_only_only) {
  if (!command.is_object()) return error("invalid_command", "a command must be a JSON object");
  auto name_it = command.find("cmd");
  if (name_it == command.end() || !name_it->is_string()) {
    return error("invalid_command", "a command needs a \"cmd\" string");
  }
  const std::string& name = name_it->get_ref<const std::string&>();
  auto it = commands().find(name);
  if (it == commands().end()) return error("unknown_command", "unknown command \"" + name + "\"");
  const CommandSpec& spec = it->second;
  if (read_only_only && spec.writes) return error("not_a_query", "\"" + name + "\" changes data: use exec, not query");

  std::string command_id;
  if (spec.writes) {
    auto id_it = command.find("id");
    if (id_it == command.end() || !id_it->is_string() || !valid_command_id(id_it->get<std::string>())) {
      return error("invalid_command", "a command that writes needs an \"id\" (a UUID), unique to it", "id");
    }
    command_id = id_it->get<std::string>();
  }

  const std::int64_t changes_before = db_.total_changes();
  Json answer;
  try {
    auto role = role_of(db_, actor_);
    if (!role) return error("forbidden", "the current user \"" + actor_ + "\" does not exist or is archived");
    const std::string series =
        !spec.writes ? std::string() : !series_.empty() ? series_ : setting_or_default(db_, "device.series");
    // One reading of the clock for the whole command: what it records (issued_at, active_since…)
    // and its journal entry's instant must agree, since other devices replay it at that instant.
    const std::string now = clock_.now();
    const core::Date today = clock_.today();
    const Clock frozen{[now] { return now; }, [today] { return today; }};
    Context ctx{db_, command, command_id, actor_, *role, frozen, series};
    ctx.require(spec.permission);
    if (!spec.writes) return ok(spec.run(ctx));

    const std::string body = dump(command);
    if (auto previous = find_journal_entry(db_, command_id)) {
      if (previous->body != body) {
        return error("command_id_reused", "the id \"" + command_id + "\" was used by another command", "id");
      }
      Json result = parse_bounded_json_or_discarded(previous->result);
      if (result.is_object() && result.contains("refused")) {  // sync kept it as refused
        Json refusal = {{"ok", false}, {"error", result["refused"]}, {"replayed", true}};
        return refusal;
      }
      Json replay = ok(std::move(result));
      replay["replayed"] = true;
      return replay;
    }
    db_.transaction([&] {
      std::optional<store::ChangeRecorder> recorder;
      const std::int64_t first_seq = origin_.empty() ? 0 : next_journal_seq(db_);
      if (!origin_.empty()) recorder.emplace(db_);
      Json result = spec.run(ctx);
      JournalEntry entry;
      entry.command_id = command_id;
      entry.name = name;
      entry.actor = actor_;
      entry.body = body;
      entry.result = dump(result);
      entry.at = now;
      if (recorder) {
        entry.origin = origin_;
        entry.series = series;
        entry.day = core::format_iso(today);
        record_pending(db_, command_id, name, command, first_seq, recorder->changeset());
      }
      append_journal(db_, std::move(entry));
      answer = ok(std::move(result));
    });
  } catch (const CommandError& e) {
    return error(e.code, e.message, e.field);
  } catch (const store::StoreError& e) {
    return error(e.disk_full() ? "disk_full" : "storage_error", e.what());
  } catch (const Json::exception&) {
    // A handler read a field as a type it is not (a server event's data, mostly): the
    // caller's input, not our fault.
    return error("invalid_argument", "a field of the command has the wrong type");
  } catch (const std::exception& e) {
    return error("internal_error", e.what());
  }
  if (commit_listener_ && db_.total_changes() != changes_before) commit_listener_();
  return answer;
}

namespace {
Json parse_or_error(std::string_view text, Json& parsed) {
  parsed = parse_bounded_json_or_discarded(text);
  if (parsed.is_discarded()) {
    return error("malformed_json", "the command is not valid JSON (or nests deeper than " +
                                       std::to_string(kMaxJsonDepth) + " levels)");
  }
  return nullptr;
}
}  // namespace

std::string CommandLayer::exec_text(std::string_view text) {
  Json parsed;
  Json err = parse_or_error(text, parsed);
  return dump(err.is_null() ? exec(parsed) : err);
}

std::string CommandLayer::query_text(std::string_view text) {
  Json parsed;
  Json err = parse_or_error(text, parsed);
  return dump(err.is_null() ? query(parsed) : err);
}

void CommandLayer::set_origin(std::string device_id, std::string series) {
  origin_ = std::move(device_id);
  series_ = std::move(series);
}

namespace {

OpOutcome outcome_of(OpOutcome::Kind kind, std::string code, std::string message, std::string field = "") {
  OpOutcome o;
  o.kind = kind;
  o.code = std::move(code);
  o.message = std::move(message);
  o.field = std::move(field);
  return o;
}

OpOutcome storage_failure(const store::StoreError& e) {
  return outcome_of(OpOutcome::Kind::StorageError, e.disk_full() ? "disk_full" : "storage_error", e.what());
}

}  // namespace

Json OpOutcome::to_json() const {
  if (kind != Kind::Applied) return error(code, message, field);
  Json answer = ok(result);
  if (replayed) answer["replayed"] = true;
  return answer;
}

OpOutcome CommandLayer::apply(const Op& op) { return apply(op, true); }

OpOutcome CommandLayer::apply_in_batch(const Op& op) {
  if (op.server_seq == 0) return apply(op, true);  // this device's own: recorded, to be undone alone
  return apply(op, false);
}

OpOutcome CommandLayer::apply(const Op& op, bool own_savepoint) {
  // Without a savepoint of its own, a refusal is only reported: the caller rolls back.
  const auto refuse_op = [&](std::string code, std::string message, std::string field = "") {
    if (!own_savepoint) return outcome_of(OpOutcome::Kind::Refused, std::move(code), std::move(message), std::move(field));
    return journal_refusal(op, std::move(code), std::move(message), std::move(field));
  };
  try {
    if (auto previous = find_journal_entry(db_, op.id)) {
      // Already here (made inside another operation, or applied before): never run twice.
      if (previous->body != op.body &&
          parse_bounded_json_or_discarded(previous->body) != parse_bounded_json_or_discarded(op.body)) {
        return outcome_of(OpOutcome::Kind::Conflict, "command_id_reused",
                          "the operation \"" + op.id + "\" is here with other content", "id");
      }
      if (op.server_seq > 0) {
        auto st = db_.prepare("UPDATE journal SET server_seq = ?2 WHERE command_id = ?1 AND server_seq IS NULL");
        st.bind(1, op.id).bind(2, op.server_seq);
        st.step();
      }
      OpOutcome replay;
      replay.replayed = true;
      replay.result = parse_bounded_json_or_discarded(previous->result);
      return replay;
    }
  } catch (const store::StoreError& e) {
    return storage_failure(e);
  }
  // The server refused it when its log was repaired (an operation an older server let in):
  // refused here too, without reading it, like on every replica.
  if (!op.refused_code.empty()) return refuse_op(op.refused_code, op.refused_message);
  Json command;
  const OpRefusal shape = check_op_shape(op, &command);
  if (shape.code == "unknown_operation") {
    // From a newer Quittance: not applied, not journaled. Sync stops before it until this
    // device is updated, so that no device applies what another cannot. (The server lets in
    // only names it knows, so a device meets one only when the server is newer than itself.)
    return outcome_of(OpOutcome::Kind::Unknown, "unknown_operation",
                      "this Quittance cannot apply \"" + op.name + "\": update it");
  }
  // Anything else this version cannot read is refused the same way on every replica, and
  // the log moves on: a damaged operation never stops a clinic's sync.
  if (!shape.ok()) return refuse_op(shape.code, shape.message);
  const CommandSpec& spec = *find_command(op.name);
  const core::Date day = *core::parse_iso_date(op.day);
  const Clock clock{[at = op.at] { return at; }, [day] { return day; }};
  const bool mine = op.server_seq == 0;  // made here, made again after other devices' operations
  OpOutcome applied;
  try {
    // The role is the actor's, archived since or not; someone the books do not know, or whose
    // role may not do this, is refused (a forged operation changes nothing anywhere).
    const std::optional<core::Role> role = role_of_any(db_, op.actor);
    if (!role) return refuse_op("forbidden", "unknown user \"" + op.actor + "\"");
    Context ctx{db_, command, op.id, op.actor, *role, clock, op.series};
    ctx.replaying = true;
    ctx.require(spec.permission);
    const auto run_op = [&] {
      std::optional<store::ChangeRecorder> recorder;
      const std::int64_t first_seq = mine ? next_journal_seq(db_) : 0;
      if (mine) recorder.emplace(db_);
      Json result = spec.run(ctx);
      JournalEntry entry{0, op.id, op.name, op.actor, dump(command), dump(result), op.at, "", "",
                         op.origin, op.series, op.day, op.server_seq};
      if (recorder) record_pending(db_, op.id, op.name, command, first_seq, recorder->changeset());
      append_journal(db_, std::move(entry));
      applied.result = std::move(result);
    };
    if (own_savepoint) {
      db_.transaction(run_op);
    } else {
      run_op();
    }
  } catch (const CommandError& e) {
    return refuse_op(e.code, e.message, e.field);
  } catch (const store::StoreError& e) {
    // A broken constraint is this operation's fault: refused, the same on every device. A full
    // disk or an I/O error is the device's: the caller rolls the batch back and retries.
    if (e.constraint()) return refuse_op("refused_by_storage", e.what());
    return storage_failure(e);
  } catch (const Json::exception&) {
    return refuse_op("invalid_argument", "a field of the command has the wrong type");
  } catch (const std::exception& e) {
    return refuse_op("internal_error", e.what());
  }
  return applied;
}

OpOutcome CommandLayer::journal_refusal(const Op& op, std::string code, std::string message, std::string field) {
  OpOutcome refused = outcome_of(OpOutcome::Kind::Refused, std::move(code), std::move(message), std::move(field));
  try {
    db_.transaction([&] {
      const Json error_json = refused.to_json()["error"];
      JournalEntry entry{0, op.id, op.name, op.actor, op.body, dump(Json{{"refused", error_json}}), op.at, "", "",
                         op.origin, op.series, op.day, op.server_seq};
      if (op.server_seq == 0) {
        record_pending(db_, op.id, op.name, parse_bounded_json_or_discarded(op.body), next_journal_seq(db_), "");
      }
      append_journal(db_, std::move(entry));
    });
  } catch (const store::StoreError& e) {
    return storage_failure(e);
  }
  return refused;
}

}  // namespace quittance::app
