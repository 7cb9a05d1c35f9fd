// The command layer: every change to the clinic's data, and every read the outside world may
// make, is a JSON command run here. The ImGui screens, window.quittance.exec/query in the page
// and quittance-cli all go through it, so they cannot disagree. docs/commands.md lists them.
//
// A command is an object {"cmd": "<name>", "id": "<uuid>", ...arguments}; "id" is required
// for commands that write, which are idempotent by it: the same id with the same content
// answers the first answer again ("replayed": true), with other content it is refused.
// The answer is always an object:
//   {"ok": true,  "result": <value>}
//   {"ok": false, "error": {"code": "<stable_code>", "message": "<for a developer>", "field": "<argument>"}}
// A command that writes runs in one SQLite transaction with its journal entry (hash-chained):
// refused, it changes nothing. Nothing a caller sends can throw out of this layer.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/clock.h"
#include "store/database.h"

namespace quittance::app {

using Json = nlohmann::json;

Json ok(Json result);
Json error(std::string_view code, std::string_view message, std::string_view field = "");

// An operation as sync carries it: a journal entry and where it was made (docs/sync.md).
// The operations the server writes itself (server_event.apply, the facts it learnt from Stripe
// or SMTP) come from the origin "server", acting as the built-in owner: the one user every
// clinic's books hold and every version of Quittance knows, so that devices of the previous
// version apply them too (an actor they did not know would be refused there, and the money
// lost from their books). A device cannot write one: the server's door refuses them.
constexpr const char* kServerOrigin = "server";
constexpr const char* kServerFactActor = "owner";

struct Op {
  std::string id, name, actor, body, at, day;  // day: the origin's calendar date (ISO)
  std::string origin, series;                  // the device, its number series
  std::int64_t server_seq = 0;                 // 0 while the server has not accepted it
  // Set by the server on an operation it refused after the fact (a log repaired on upgrade):
  // every replica journals it as refused with this code and message, without reading it.
  std::string refused_code, refused_message;
};

// What applying an operation did (CommandLayer::apply): typed for the replica, which acts on
// it; apply_op() gives the same as the JSON answer of the edges.
struct OpOutcome {
  enum class Kind {
    Applied,       // recorded here (or found already recorded: `replayed`)
    Refused,       // journaled as refused, its refusal as its result: alike on every replica
    Unknown,       // from a newer Quittance: neither applied nor journaled
    Conflict,      // its id is here with other content: neither applied nor journaled again
    StorageError,  // this device's storage failed (full disk, I/O): nothing kept, try again
  };
  Kind kind = Kind::Applied;
  bool replayed = false;
  Json result;                        // Applied
  std::string code, message, field;  // the others
  bool applied() const { return kind == Kind::Applied; }
  Json to_json() const;               // {"ok": true, "result"} or {"ok": false, "error"}
};

class CommandLayer {
 public:
  // Without a clock, the machine's, dated in the practice's time zone (practice_clock).
  explicit CommandLayer(store::Database& db, Clock clock = {});

  // Runs any command, read-only or not.
  Json exec(const Json& command);
  // Runs only read-only commands: a query never changes data.
  Json query(const Json& command);
  // Text forms for the page and the CLI: malformed JSON becomes an error answer.
  std::string exec_text(std::string_view text);
  std::string query_text(std::string_view text);

  // The user commands run as; roles apply to them. "owner" until changed. False if unknown.
  bool set_actor(const std::string& user_id);
  const std::string& actor() const { return actor_; }
  // Runs as an active owner: the built-in "owner" if it is still active, else the first other
  // one (the practice always keeps one: user.update refuses to lose the last). The starting
  // point of a session before anyone signs in. False only for a database without users.
  bool act_as_an_owner();

  // Sync: this device's id and number series. From then on every writing command records what
  // it changed (sync_pending) until the server accepts it, and the journal says where it was made.
  // A non-empty series numbers this layer's documents (demo.load's inner layer takes its
  // operation's series this way).
  void set_origin(std::string device_id, std::string series);
  void set_series(std::string series) { series_ = std::move(series); }
  const std::string& origin() const { return origin_; }
  // Runs an operation as its origin ran it (its actor, instant, day and series), for sync: one
  // from another device (`op.server_seq` set), or one of this device's made again after earlier
  // ones (recorded as pending again). Refused, it is still journaled, its refusal as its result,
  // so that every device agrees it was refused. One already in the journal is not run again.
  // One this version does not know answers `unknown_operation` and changes nothing. The commit
  // listener is not called: the caller makes the whole batch durable once.
  OpOutcome apply(const Op& op);
  Json apply_op(const Op& op) { return apply(op).to_json(); }
  // apply() without its own savepoint, for a batch of other devices' operations inside the
  // caller's savepoint (sync/replica.cpp): a savepoint per operation copies every page the batch
  // already touched and flushes the search indexes each time. Anything but an operation applied
  // or already here is returned unjournaled, and the caller must roll its savepoint back (the
  // operation may have written half of itself) and apply the batch again one by one.
  OpOutcome apply_in_batch(const Op& op);

  // Called after every command that committed a change, so the platform can make it durable.
  void on_commit(std::function<void()> listener) { commit_listener_ = std::move(listener); }

 private:
  Json run(const Json& command, bool read_only_only);
  OpOutcome apply(const Op& op, bool own_savepoint);
  OpOutcome journal_refusal(const Op& op, std::string code, std::string message, std::string field = "");
  store::Database& db_;
  Clock clock_;
  std::string actor_ = "owner";
  std::string origin_, series_;  // origin_ "" until sync is set up
  std::function<void()> commit_listener_;
};

}  // namespace quittance::app
