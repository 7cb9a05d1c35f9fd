// Appointments and categories as the books keep them. See appointments.h.
#include "app/appointments.h"

#include "app/lines.h"

namespace quittance::app::appointments {

namespace {

constexpr const char* kAppointmentColumns =
    "SELECT id, patient_id, category_id, starts_at, status, COALESCE(invoice_id, ''), COALESCE(request_id, ''), "
    "settlement, price, invoice_line, policy, invoice_at FROM appointments ";

std::optional<Appointment> read_one(store::Statement& st) {
  if (!st.step()) return std::nullopt;
  Appointment a{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                st.column_text(5), st.column_text(6), st.column_text(7), std::nullopt, Json(), st.column_text(10),
                st.column_text(11)};
  if (!st.column_is_null(8)) a.price = st.column_int64(8);
  a.invoice_line = Json::parse(st.column_text(9), nullptr, false);
  if (!a.invoice_line.is_object()) a.invoice_line = Json();
  return a;
}

std::optional<Appointment> find_where(store::Database& db, const char* where, const std::string& value) {
  auto st = db.prepare(std::string(kAppointmentColumns) + where);
  st.bind(1, value);
  return read_one(st);
}

}  // namespace

std::optional<Category> find_category(store::Database& db, const std::string& id) {
  auto st = db.prepare(
      "SELECT id, name, COALESCE(service_id, ''), label, policy, duration_min, price, deposit_value, expiry_hours, "
      "archived, invoice_at, refund_until_hours FROM appointment_categories WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Category c{st.column_text(0),  st.column_text(1),  st.column_text(2),        st.column_text(3),
             st.column_text(4),  st.column_int64(5), st.column_int64(6),       st.column_int64(7),
             st.column_int64(8), st.column_int64(9) != 0, st.column_text(10), std::nullopt};
  if (!st.column_is_null(11)) c.refund_until_hours = st.column_int64(11);
  return c;
}

std::optional<Appointment> find(store::Database& db, const std::string& id) {
  return find_where(db, "WHERE id = ?1", id);
}

std::optional<Appointment> find_by_request(store::Database& db, const std::string& request_id) {
  return find_where(db, "WHERE request_id = ?1", request_id);
}

std::optional<Appointment> find_by_invoice(store::Database& db, const std::string& invoice_id) {
  return find_where(db, "WHERE invoice_id = ?1", invoice_id);
}

Json invoice_line(const Category& c, const std::string& starts_at) {
  Json line = {{"unit_price", c.price}, {"service_date", starts_at.substr(0, 10)}};
  if (!c.service_id.empty()) line["service_id"] = c.service_id;
  line["label"] = c.label.empty() ? c.name : c.label;
  return line;
}

ResolvedLine resolve_line(Context& ctx, const Category& c, const std::string& starts_at) {
  Json line = invoice_line(c, starts_at);
  std::string rate = "exempt";
  if (!c.service_id.empty()) {
    auto st = ctx.db.prepare("SELECT tax_rate_id FROM services WHERE id = ?1");
    st.bind(1, c.service_id);
    if (st.step()) rate = st.column_text(0);
  }
  const std::vector<Line> checked = read_lines(ctx, Json::array({line}));  // refuses what an invoice would
  line.erase("service_id");
  line["tax_rate_id"] = rate;
  return {line, totals_of(checked).total};
}

Json run_inner(Context& ctx, Json (*handler)(Context&), const Json& cmd, const std::string& id) {
  Context sub{ctx.db, cmd, id, ctx.actor, ctx.role, ctx.clock, ctx.series, ctx.replaying};
  return handler(sub);
}

}  // namespace quittance::app::appointments
