// A pushed operation, as a device sends it (JSON text), through what the server and every
// replica do with it: the depth-bounded parse, op_from_json, the door's checks, and applying it
// to a clinic's books. Whatever it holds, applying either succeeds or is a refusal, the
// process survives, and the books' integrity check still passes.
#include <cstdlib>
#include <memory>
#include <string_view>

#include "app/bounded_json.h"
#include "app/op_check.h"
#include "fuzz_target.h"
#include "store/migrations.h"
#include "sync/replica.h"

namespace {

using namespace quittance;

struct Books {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  Books() { store::migrate(db, store::clinic_migrations()); }
};

std::unique_ptr<Books> g_books;
int g_runs = 0;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Fresh books now and then, so that state from earlier inputs is explored but not forever.
  ++g_runs;
  if (!g_books || g_runs % 500 == 0) g_books = std::make_unique<Books>();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = app::parse_bounded_json(text);
  if (!j) return 0;
  app::Op op;
  std::string field;
  if (!sync::op_from_json(*j, &op, &field)) return 0;
  nlohmann::json body;
  const app::OpRefusal shape = app::check_op_shape(op, &body);
  if (shape.ok()) app::check_op_role(op, body, core::Role::Billing);
  if (op.server_seq == 0) op.server_seq = g_runs;  // from another device, in the server's order
  const nlohmann::json answer = g_books->commands.apply_op(op);
  if (!answer.is_object() || !answer.contains("ok")) std::abort();
  // The whole file's check costs more than the apply: every 100 inputs, and before new books.
  if ((g_runs % 100 == 0 || g_runs % 500 == 499) && g_books->db.quick_check() != "ok") std::abort();
  return 0;
}
