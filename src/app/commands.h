// The command layer: every change to the clinic's data, and every read the outside world may
// make, is a JSON command run here. The ImGui screens, window.quittance.exec/query in the page
// and quittance-cli all go through it, so they cannot disagree.
//
// A command is an object {"cmd": "<name>", ...arguments}. The answer is always an object:
//   {"ok": true,  "result": <value>}
//   {"ok": false, "error": {"code": "<stable_code>", "message": "<for a developer>"}}
// Nothing a caller sends can throw out of this layer or abort the program.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace quittance::app {

using Json = nlohmann::json;

Json ok(Json result);
Json error(std::string_view code, std::string_view message);

class CommandLayer {
 public:
  explicit CommandLayer(store::Database& db) : db_(db) {}

  // Runs any command, read-only or not.
  Json exec(const Json& command);
  // Runs only read-only commands: a query never changes data.
  Json query(const Json& command);
  // Text forms for the page and the CLI: malformed JSON becomes an error answer.
  std::string exec_text(std::string_view text);
  std::string query_text(std::string_view text);

  // Called after every command that committed a change, so the platform can make it durable.
  void on_commit(std::function<void()> listener) { commit_listener_ = std::move(listener); }

 private:
  Json run(const Json& command, bool read_only_only);
  store::Database& db_;
  std::function<void()> commit_listener_;
};

}  // namespace quittance::app
