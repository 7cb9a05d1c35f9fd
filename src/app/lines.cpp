// Document lines. See lines.h.
#include "app/lines.h"

#include "app/args.h"
#include "app/command_error.h"
#include "core/money.h"

namespace quittance::app {

namespace {

const char* discount_kind_name(core::DiscountKind k) {
  switch (k) {
    case core::DiscountKind::None: return "none";
    case core::DiscountKind::Percent: return "percent";
    case core::DiscountKind::Amount: return "amount";
  }
  return "none";
}

core::DiscountKind discount_kind_from(const std::string& s) {
  if (s == "percent") return core::DiscountKind::Percent;
  if (s == "amount") return core::DiscountKind::Amount;
  return core::DiscountKind::None;
}

Line read_line(Context& ctx, const Json& j, std::size_t index) {
  const std::string at = "lines[" + std::to_string(index) + "]";
  auto bad = [&](const std::string& field, const std::string& why) {
    refuse("invalid_argument", at + "." + field + " " + why, at + "." + field);
  };
  if (!j.is_object()) refuse("invalid_argument", at + " must be an object", at);
  Line line;
  std::string rate_id = "exempt";
  std::optional<std::int64_t> service_price;
  try {
    if (has(j, "service_id")) {
      line.service_id = require_string(j, "service_id", 64);
      auto st = ctx.db.prepare("SELECT label, unit_price, tax_rate_id, archived FROM services WHERE id = ?1");
      st.bind(1, *line.service_id);
      if (!st.step()) refuse("not_found", at + ": no service \"" + *line.service_id + "\"", at + ".service_id");
      if (st.column_int64(3)) refuse("archived", at + ": the service is archived", at + ".service_id");
      line.label = st.column_text(0);
      service_price = st.column_int64(1);
      rate_id = st.column_text(2);
    }
    if (has(j, "label")) line.label = require_text(j, "label", 300);
    if (line.label.empty()) bad("label", "is missing (or give a service_id)");
    line.service_date = core::format_iso(has(j, "service_date") ? require_date(j, "service_date") : ctx.clock.today());
    if (has(j, "quantity")) {
      const Json& q = j["quantity"];
      std::optional<std::int64_t> milli;
      if (q.is_number_integer() && q.get<std::int64_t>() > 0 && q.get<std::int64_t>() < 1000000) {
        milli = q.get<std::int64_t>() * 1000;
      } else if (q.is_string()) {
        milli = core::parse_quantity(q.get<std::string>());
      }
      if (!milli) bad("quantity", "must be a positive number with at most 3 decimals");
      line.input.quantity_milli = *milli;
    }
    auto price = optional_amount(j, "unit_price", true);
    if (!price) price = service_price;
    if (!price) bad("unit_price", "is missing (or give a service_id)");
    line.input.unit_price = *price;
    if (has(j, "discount_percent") && has(j, "discount_amount")) bad("discount_amount", "cannot go with discount_percent");
    if (has(j, "discount_percent")) {
      auto bp = j["discount_percent"].is_string() ? core::parse_percent(j["discount_percent"].get<std::string>())
                                                  : std::nullopt;
      if (!bp) bad("discount_percent", "must be a percentage like \"10\" or \"12,5\" (0 to 100)");
      line.input.discount_kind = core::DiscountKind::Percent;
      line.input.discount_value = *bp;
    } else if (has(j, "discount_amount")) {
      line.input.discount_kind = core::DiscountKind::Amount;
      line.input.discount_value = require_amount(j, "discount_amount", true);
    }
    if (has(j, "tax_rate_id")) rate_id = require_string(j, "tax_rate_id", 64);
  } catch (CommandError& e) {
    if (e.field.rfind("lines[", 0) != 0) e.field = at + "." + e.field;  // name the line
    throw;
  }
  auto rate = ctx.db.prepare("SELECT name, rate_bp FROM tax_rates WHERE id = ?1");
  rate.bind(1, rate_id);
  if (!rate.step()) refuse("not_found", at + ": no tax rate \"" + rate_id + "\"", at + ".tax_rate_id");
  line.tax_name = rate.column_text(0);
  line.input.tax_rate_bp = rate.column_int64(1);
  core::LineResult r = core::compute_line(line.input);
  if (!r.ok()) {
    refuse(r.error == core::LineError::Overflow ? "amount_too_large" : "invalid_argument",
           at + ": " + core::to_string(r.error), at);
  }
  line.amounts = r.amounts;
  return line;
}

}  // namespace

std::vector<Line> read_lines(Context& ctx, const Json& lines) {
  if (!lines.is_array() || lines.empty()) refuse("invalid_argument", "\"lines\" must be a non-empty array", "lines");
  if (lines.size() > 200) refuse("invalid_argument", "at most 200 lines", "lines");
  std::vector<Line> out;
  for (std::size_t i = 0; i < lines.size(); ++i) out.push_back(read_line(ctx, lines[i], i));
  const auto totals = core::sum_lines([&] {
    std::vector<core::LineAmounts> a;
    for (const Line& l : out) a.push_back(l.amounts);
    return a;
  }());
  // The same ceiling as every other amount (core::kMaxAmount), checked on the sum.
  if (!totals || totals->total > core::kMaxAmount || totals->net > core::kMaxAmount) {
    refuse("amount_too_large", "the document's total is more than the largest amount", "lines");
  }
  return out;
}

core::DocumentTotals totals_of(const std::vector<Line>& lines) {
  std::vector<core::LineAmounts> amounts;
  for (const Line& l : lines) amounts.push_back(l.amounts);
  return core::sum_lines(amounts).value_or(core::DocumentTotals{});
}

void store_lines(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id,
                 const std::vector<Line>& lines) {
  auto del = db.prepare(std::string("DELETE FROM ") + table + " WHERE " + owner_column + " = ?1");
  del.bind(1, owner_id);
  del.step();
  auto st = db.prepare(std::string("INSERT INTO ") + table + "(" + owner_column +
                       ", position, service_id, label, service_date, quantity_milli, unit_price, discount_kind, "
                       "discount_value, tax_name, tax_rate_bp, gross, discount, net, tax, total) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  std::int64_t position = 0;
  for (const Line& l : lines) {
    st.reset();
    st.bind(1, owner_id).bind(2, ++position);
    if (l.service_id) st.bind(3, *l.service_id); else st.bind_null(3);
    st.bind(4, l.label).bind(5, l.service_date).bind(6, l.input.quantity_milli).bind(7, l.input.unit_price);
    st.bind(8, discount_kind_name(l.input.discount_kind)).bind(9, l.input.discount_value);
    st.bind(10, l.tax_name).bind(11, l.input.tax_rate_bp);
    st.bind(12, l.amounts.gross).bind(13, l.amounts.discount).bind(14, l.amounts.net).bind(15, l.amounts.tax);
    st.bind(16, l.amounts.total);
    st.step();
  }
}

std::vector<Line> load_lines(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id) {
  std::vector<Line> out;
  auto st = db.prepare(std::string("SELECT service_id, label, service_date, quantity_milli, unit_price, discount_kind, "
                                   "discount_value, tax_name, tax_rate_bp, gross, discount, net, tax, total FROM ") +
                       table + " WHERE " + owner_column + " = ?1 ORDER BY position");
  st.bind(1, owner_id);
  while (st.step()) {
    Line l;
    if (!st.column_is_null(0)) l.service_id = st.column_text(0);
    l.label = st.column_text(1);
    l.service_date = st.column_text(2);
    l.input = {st.column_int64(3), st.column_int64(4), discount_kind_from(st.column_text(5)), st.column_int64(6),
               st.column_int64(8)};
    l.tax_name = st.column_text(7);
    l.amounts = {st.column_int64(9), st.column_int64(10), st.column_int64(11), st.column_int64(12), st.column_int64(13)};
    out.push_back(std::move(l));
  }
  return out;
}

Json lines_json(store::Database& db, const char* table, const char* owner_column, const std::string& owner_id) {
  Json out = Json::array();
  for (const Line& l : load_lines(db, table, owner_column, owner_id)) {
    Json j = {{"label", l.label}, {"service_date", l.service_date}, {"quantity_milli", l.input.quantity_milli},
              {"unit_price", l.input.unit_price}, {"discount_kind", discount_kind_name(l.input.discount_kind)},
              {"discount_value", l.input.discount_value}, {"tax_name", l.tax_name},
              {"tax_rate_bp", l.input.tax_rate_bp}, {"gross", l.amounts.gross}, {"discount", l.amounts.discount},
              {"net", l.amounts.net}, {"tax", l.amounts.tax}, {"total", l.amounts.total}};
    j["service_id"] = l.service_id ? Json(*l.service_id) : Json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace quittance::app
