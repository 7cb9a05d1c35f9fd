// Existing books as a clinic's log and snapshot. See sync/books_import.h.
#include "app/bounded_json.h"
#include "server/sync/books_import.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "app/commands.h"
#include "app/settings_keys.h"
#include "core/schedule.h"
#include "server/pay/links.h"
#include "server/sync/op_log.h"
#include "store/migrations.h"
#include "sync/replica.h"
#include "zone/local_time.h"

namespace quittance::server {

namespace {
constexpr std::size_t kChunk = 5000;  // operations appended per push_ops call
}

ImportedBooks import_books(Sql& server, const std::string& clinic_id, const std::string& books_file,
                           const std::string& snapshot_dir, const std::string& now) {
  if (!std::filesystem::is_regular_file(books_file)) throw std::runtime_error("no such file: " + books_file);
  std::filesystem::create_directories(snapshot_dir);
  // Worked on under another name, renamed last: a failed import leaves no snapshot behind.
  const std::filesystem::path copy = std::filesystem::path(snapshot_dir) / (clinic_id + ".db");
  const std::filesystem::path work = std::filesystem::path(snapshot_dir) / (clinic_id + ".importing");
  std::filesystem::copy_file(books_file, work, std::filesystem::copy_options::overwrite_existing);
  ImportedBooks result;
  try {
    store::Database books = store::Database::open(work.string());
    if (books.quick_check() != "ok") throw std::runtime_error(books_file + " is not a readable clinic database");
    store::migrate(books, store::clinic_migrations());

    // Entries made before sync recorded where they came from are the import's, numbered in the
    // series the books used then (the device setting as it changed along the journal), on the
    // day of their instant in the practice's time zone. Settings of the device itself are not sent.
    const std::string time_zone = app::setting_or_default(books, "practice.time_zone");
    std::vector<nlohmann::json> ops;
    std::string series = "A";
    {
      auto st = books.prepare("SELECT command_id, name, actor, body, at, day, origin, series FROM journal ORDER BY seq");
      while (st.step()) {
        app::Op op;
        op.id = st.column_text(0);
        op.name = st.column_text(1);
        op.actor = st.column_text(2);
        op.body = st.column_text(3);
        if (op.name == "settings.set") {
          const nlohmann::json body = app::parse_bounded_json_or_discarded(op.body);
          const std::string key = body.is_object() ? body.value("key", "") : "";
          if (key.rfind("device.", 0) == 0) {
            if (key == "device.series" && body.value("value", nlohmann::json()).is_string()) series = body["value"];
            continue;
          }
        }
        op.at = st.column_text(4);
        if (op.day = st.column_text(5); op.day.empty()) {
          const std::optional<std::int64_t> at = core::parse_utc_instant(op.at);
          op.day = at ? core::format_iso(zone::local_date(*at, time_zone)) : op.at.substr(0, 10);
        }
        op.origin = st.column_text(6).empty() ? "import" : st.column_text(6);
        op.series = st.column_text(7).empty() ? series : st.column_text(7);
        ops.push_back(sync::op_to_json(op));
      }
    }
    // One server transaction: devices see the whole log or none of it, and a failure leaves
    // nothing (while it runs, their pushes wait, then are told to pull).
    server.transaction([&] {
      if (log_head(server, clinic_id) != 0) {
        throw std::runtime_error("the clinic already has operations: books are imported into a new clinic only");
      }
      books.transaction([&] {
        // Numbers of a log the books were synced with before: this clinic's are given below.
        books.exec("UPDATE journal SET server_seq = NULL WHERE server_seq IS NOT NULL");
        auto set_seq = books.prepare("UPDATE journal SET server_seq = ?2 WHERE command_id = ?1");
        for (std::size_t from = 0; from < ops.size(); from += kChunk) {
          const std::vector<nlohmann::json> chunk(ops.begin() + from,
                                                  ops.begin() + std::min(ops.size(), from + kChunk));
          const PushOutcome out = push_ops(server, clinic_id, "import", static_cast<std::int64_t>(from), chunk, now);
          if (out.stale) throw std::runtime_error("the clinic's log changed during the import");
          index_pay_links(server, clinic_id, chunk, now);  // the books' payment links work at once
          for (const auto& [id, seq] : out.accepted) {
            set_seq.reset();
            set_seq.bind(1, id).bind(2, seq);
            set_seq.step();
          }
        }
        result.operations = static_cast<std::int64_t>(ops.size());
        // The copy now stands at the log's head, in this clinic, with nothing left to send.
        books.exec("DELETE FROM sync_pending");
        sync::set_sync_state(books, "cursor", std::to_string(result.operations));
        sync::set_sync_state(books, "clinic", clinic_id);
      });
    });
  } catch (...) {
    std::filesystem::remove(work);
    throw;
  }
  std::filesystem::rename(work, copy);
  return result;
}

}  // namespace quittance::server
