// Repair of operation logs written before operations were checked. See sync/log_repair.h.
#include "server/sync/log_repair.h"

#include <string>
#include <vector>

#include "app/bounded_json.h"
#include "app/op_check.h"
#include "core/date.h"
#include "sync/replica.h"

namespace quittance::server {

namespace {

// Raised when the checks of op_check.cpp change in a way an existing log must meet again.
constexpr std::int64_t kChecksVersion = 1;

// A field of the original row kept if it already had the form op_from_json wants, else a
// placeholder: the replacement must itself pass op_from_json.
std::string kept(const nlohmann::json& j, const char* name, const std::string& fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return fallback;
  const std::string& s = it->get_ref<const std::string&>();
  return s.empty() || s.size() > 64 ? fallback : s;
}

}  // namespace

std::int64_t repair_op_logs(Sql& db, const std::string& now) {
  std::int64_t repaired = 0;
  db.transaction([&] {
    {
      auto done = db.prepare("SELECT 1 FROM op_log_checks WHERE version >= ?1");
      done.bind(1, kChecksVersion);
      if (done.step()) return;
    }
    struct Bad {
      std::string clinic_id, op_id, replacement, original, code, message;
      std::int64_t seq;
    };
    std::vector<Bad> bad;
    auto rows = db.prepare("SELECT clinic_id, seq, op_id, op FROM sync_ops ORDER BY clinic_id, seq");
    while (rows.step()) {
      const std::string text = rows.column_text(3);
      const nlohmann::json j = app::parse_bounded_json_or_discarded(text);
      app::Op op;
      std::string field;
      app::OpRefusal refusal;
      if (!sync::op_from_json(j, &op, &field)) {
        refusal = {"malformed_operation", "\"" + field + "\" is malformed"};
      } else if (!op.refused_code.empty()) {
        continue;  // repaired already
      } else {
        refusal = app::check_op_shape(op);
        if (refusal.ok()) continue;
      }
      app::Op replacement;
      replacement.id = rows.column_text(2);  // the log's own record of the id: the same place
      replacement.name = kept(j, "name", "invalid");
      replacement.actor = kept(j, "actor", "unknown");
      replacement.body = "{}";
      const std::string day = kept(j, "day", "");
      replacement.day = core::parse_iso_date(day) ? day : "1970-01-01";
      replacement.at = replacement.day + "T00:00:00Z";
      replacement.origin = kept(j, "origin", "unknown");
      replacement.series = kept(j, "series", "");
      replacement.refused_code = refusal.code;
      replacement.refused_message = "refused by the server: " + refusal.message;
      bad.push_back({rows.column_text(0), replacement.id, sync::op_to_json(replacement).dump(), text, refusal.code,
                     refusal.message, rows.column_int64(1)});
    }
    auto keep = db.prepare(
        "INSERT INTO op_log_repairs(clinic_id, seq, op_id, original, code, message, repaired_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(clinic_id, seq) DO UPDATE SET op_id = excluded.op_id, "
        "original = excluded.original, code = excluded.code, message = excluded.message, "
        "repaired_at = excluded.repaired_at");
    auto replace = db.prepare("UPDATE sync_ops SET op = ?3 WHERE clinic_id = ?1 AND seq = ?2");
    for (const Bad& b : bad) {
      keep.reset();
      keep.bind(1, b.clinic_id).bind(2, b.seq).bind(3, b.op_id).bind(4, b.original).bind(5, b.code);
      keep.bind(6, b.message).bind(7, now);
      keep.step();
      replace.reset();
      replace.bind(1, b.clinic_id).bind(2, b.seq).bind(3, b.replacement);
      replace.step();
      ++repaired;
    }
    auto mark = db.prepare("INSERT INTO op_log_checks(version, checked_at, repaired) VALUES (?1, ?2, ?3)");
    mark.bind(1, kChecksVersion).bind(2, now).bind(3, repaired);
    mark.step();
  });
  return repaired;
}

}  // namespace quittance::server
