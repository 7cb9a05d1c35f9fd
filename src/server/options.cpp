// Command-line parsing of quittance-server. See options.h.
#include "server/options.h"

#include <optional>
#include <utility>

#include "server/devices/devices.h"

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
  bool have_name = false;
  std::size_t first = 0;
  if (!args.empty() && args[0] == "create-clinic") {
    parsed.options.command = Command::create_clinic;
    first = 1;
  } else if (!args.empty() && args[0] == "pairing-code") {
    parsed.options.command = Command::pairing_code;
    first = 1;
  } else if (!args.empty() && args[0] == "import-books") {
    parsed.options.command = Command::import_books;
    first = 1;
  }
  const bool serving = parsed.options.command == Command::serve;
  const bool pairing = parsed.options.command == Command::pairing_code;
  const bool importing = parsed.options.command == Command::import_books;
  bool have_books = false;
  if (serving && !args.empty() && !args[0].empty() && args[0][0] != '-') {
    return fail("unknown command: " + args[0] + " (the commands are create-clinic, pairing-code and import-books)");
  }
  for (std::size_t i = first; i < args.size(); ++i) {
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
    const bool known = serving     ? (flag == "--port" || flag == "--host" || flag == "--data" || flag == "--web")
                       : pairing   ? (flag == "--clinic" || flag == "--data")
                       : importing ? (flag == "--clinic" || flag == "--data" || flag == "--books")
                                   : (flag == "--name" || flag == "--data");
    if (!known) {
      return fail((serving     ? "unknown option: "
                   : pairing   ? "unknown option for pairing-code: "
                   : importing ? "unknown option for import-books: "
                               : "unknown option for create-clinic: ") +
                  args[i]);
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
    } else if (flag == "--clinic") {
      parsed.options.clinic_id = *value;
    } else if (flag == "--books") {
      parsed.options.books_file = *value;
      have_books = true;
    } else if (flag == "--name") {
      DisplayName name = check_display_name(*value);
      if (!name.error.empty()) return fail("--name: " + name.error);
      parsed.options.clinic_name = name.value;
      have_name = true;
    } else {
      parsed.options.web_dir = *value;
    }
  }
  // --help alone is a valid command line: the caller prints the usage and stops there.
  if (parsed.help) return parsed;
  if (parsed.options.command == Command::create_clinic && !have_name) {
    return fail("create-clinic: --name NAME is required");
  }
  if (importing && !have_books) return fail("import-books: --books FILE is required");
  if (!have_data) {
    return fail(serving ? "--data DIR is required"
                        : std::string(pairing ? "pairing-code" : importing ? "import-books" : "create-clinic") +
                              ": --data DIR is required");
  }
  return parsed;
}

std::string usage() {
  return "usage: quittance-server --data DIR [--port N] [--host ADDR] [--web DIR]\n"
         "       quittance-server create-clinic --name NAME --data DIR\n"
         "       quittance-server pairing-code --data DIR [--clinic ID]\n"
         "       quittance-server import-books --books FILE --data DIR [--clinic ID]\n"
         "  --data DIR   folder of the server's data (created if missing; holds server.db)\n"
         "  --port N     TCP port, 0 for any free port (default 8080)\n"
         "  --host ADDR  address to listen on (default 127.0.0.1)\n"
         "  --web DIR    the web app's folder to serve (default build/web)\n"
         "  --help       this text\n"
         "create-clinic creates a clinic and its first device, prints one JSON line\n"
         "{\"clinic_id\": ..., \"device_id\": ..., \"device_token\": ...} and exits. The token is\n"
         "shown only this once: the server keeps its hash.\n"
         "pairing-code prints {\"code\": ..., \"expires_at\": ...} on one line: a code that lets a\n"
         "browser join the clinic (the only one, or --clinic ID) in the next 10 minutes.\n"
         "import-books makes a clinic database (a practice's books, a backup) the books of a new\n"
         "clinic (the only one, or --clinic ID, whose log must be empty): its history becomes the\n"
         "clinic's operation log, and every device paired afterwards restores those books.\n"
         "Environment (serve): STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE,\n"
         "QUITTANCE_PUBLIC_URL, QUITTANCE_ALLOWED_ORIGIN (see docs/api.md).\n";
}

}  // namespace quittance::server
