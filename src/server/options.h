// quittance-server's command line. Parsing never exits nor prints: errors come back as values,
// so main() decides what to print and the tests can check every case.
#pragma once
#include <string>
#include <vector>

namespace quittance::server {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;                    // 0: let the system pick a free port
  std::string data_dir;               // required; holds server.db
  std::string web_dir = "build/web";  // the static web app to serve
};

struct ParsedOptions {
  Options options;
  bool help = false;   // --help was given: print usage(), exit 0
  std::string error;   // empty when the command line is valid
  bool ok() const { return error.empty(); }
};

// `args` excludes the program name. Accepts "--flag VALUE" and "--flag=VALUE".
ParsedOptions parse_options(const std::vector<std::string>& args);

std::string usage();

}  // namespace quittance::server
