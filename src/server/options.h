// quittance-server's command line. Parsing never exits nor prints: errors come back as values,
// so main() decides what to print and the tests can check every case.
//   quittance-server --data DIR [--port N] [--host ADDR] [--web DIR]   serve
//   quittance-server create-clinic --name NAME --data DIR              create a clinic, exit
//   quittance-server pairing-code --data DIR [--clinic ID]             a code to pair a browser
#pragma once
#include <string>
#include <vector>

namespace quittance::server {

enum class Command { serve, create_clinic, pairing_code, import_books };

struct Options {
  Command command = Command::serve;
  std::string host = "127.0.0.1";
  int port = 8080;                    // 0: let the system pick a free port
  std::string data_dir;               // required; holds server.db
  std::string web_dir = "build/web";  // the static web app to serve
  std::string clinic_name;            // create-clinic: the name, checked by check_display_name
  std::string clinic_id;              // pairing-code, import-books: the clinic; "" for the only one
  std::string books_file;             // import-books: the clinic database to bring in
};

struct ParsedOptions {
  Options options;
  bool help = false;  // --help was given: print usage(), exit 0
  std::string error;  // empty when the command line is valid
  bool ok() const { return error.empty(); }
};

// `args` excludes the program name. Accepts "--flag VALUE" and "--flag=VALUE". A first argument
// "create-clinic" selects that command, which takes --name and --data only.
ParsedOptions parse_options(const std::vector<std::string>& args);

std::string usage();

}  // namespace quittance::server
