// Command-line parsing of quittance-server. See options.h.
#include "server/options.h"

#include <optional>
#include <utility>

namespace quittance::server {

namespace {
// A TCP port: decimal digits only (no sign, no spaces), 0 to 65535.
std::optional<int> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return std::nullopt;
  return value;
}
}  // namespace

ParsedOptions parse_options(const std::vector<std::string>& args) {
  ParsedOptions parsed;
  auto fail = [&parsed](std::string message) {
    parsed.error = std::move(message);
    return parsed;
  };
  bool have_data = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (std::size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (flag == "--help" || flag == "-h") {
      if (value) return fail("--help takes no value");
      parsed.help = true;
      continue;
    }
    if (flag != "--port" && flag != "--host" && flag != "--data" && flag != "--web") {
      return fail("unknown option: " + args[i]);
    }
    if (!value) {
      if (i + 1 >= args.size()) return fail(flag + " needs a value");
      value = args[++i];
    }
    if (value->empty()) return fail(flag + " needs a non-empty value");
    if (flag == "--port") {
      std::optional<int> port = parse_port(*value);
      if (!port) return fail("--port needs a number from 0 to 65535, not '" + *value + "'");
      parsed.options.port = *port;
    } else if (flag == "--host") {
      parsed.options.host = *value;
    } else if (flag == "--data") {
      parsed.options.data_dir = *value;
      have_data = true;
    } else {
      parsed.options.web_dir = *value;
    }
  }
  // --help alone is a valid command line: the caller prints the usage and stops there.
  if (!have_data && !parsed.help) parsed.error = "--data DIR is required";
  return parsed;
}

std::string usage() {
  return "usage: quittance-server --data DIR [--port N] [--host ADDR] [--web DIR]\n"
         "  --data DIR   folder of the server's data (created if missing; holds server.db)\n"
         "  --port N     TCP port, 0 for any free port (default 8080)\n"
         "  --host ADDR  address to listen on (default 127.0.0.1)\n"
         "  --web DIR    the web app's folder to serve (default build/web)\n"
         "  --help       this text\n";
}

}  // namespace quittance::server
