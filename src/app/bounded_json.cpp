// Bounded JSON parsing. See bounded_json.h.
#include "app/bounded_json.h"

namespace quittance::app {

namespace {

using Json = nlohmann::json;

// nlohmann's own DOM builder behind a depth count: refusing an array or object past the bound
// stops the parse there, before anything below it is built.
class DepthBoundedSax {
 public:
  DepthBoundedSax(Json& result, std::size_t max_depth) : dom_(result, false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const Json::string_t& s) { return dom_.number_float(v, s); }
  bool string(Json::string_t& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool key(Json::string_t& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return enter() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return enter() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    failed_ = true;
    return false;
  }
  bool failed() const { return failed_ || dom_.is_errored(); }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      failed_ = true;
      return false;
    }
    return true;
  }
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<Json> parse_bounded_json(std::string_view text, std::size_t max_depth) {
  Json result;
  DepthBoundedSax sax(result, max_depth);
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::detail::input_format_t::json, true);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
  if (!parsed || sax.failed()) return std::nullopt;
  return result;
}

Json parse_bounded_json_or_discarded(std::string_view text, std::size_t max_depth) {
  std::optional<Json> j = parse_bounded_json(text, max_depth);
  return j ? std::move(*j) : Json(Json::value_t::discarded);
}

}  // namespace quittance::app
