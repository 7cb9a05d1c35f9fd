// The local SMTP server (tests/smtp_sink/smtp_sink.py) as a child process of a test: started
// on a free port with a fresh directory for what it receives, stopped with SIGTERM and its
// directory removed at the end.
//
//   SmtpSink sink;                            // or SmtpSink sink("user", "password") to require AUTH
//   SmtpSender sender(config_for(sink.url()));
//   ... sender.send(message) ...
//   nlohmann::json got = sink.message(1);     // the first accepted message, parsed by Python
#pragma once
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.h"

namespace quittance::server::testing {

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open " << path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct SmtpSink {
  pid_t pid = -1;
  int port = -1;
  std::string host;
  std::filesystem::path dir;  // N.eml, N.json, N-K.bin

  // With a user, AUTH is required before MAIL. `host`: 127.0.0.2 makes a server the sender
  // does not count as loopback (see smtp_sink.py).
  explicit SmtpSink(const std::string& user = "", const std::string& password = "",
                    const std::string& listen_host = "127.0.0.1")
      : host(listen_host) {
    std::string dir_template = (std::filesystem::temp_directory_path() / "quittance-smtp-XXXXXX").string();
    REQUIRE(::mkdtemp(dir_template.data()) != nullptr);
    dir = dir_template;
    const std::string script = std::string(QUITTANCE_SOURCE_DIR) + "/tests/smtp_sink/smtp_sink.py";
    // /usr/bin/python3: Debian's python3-aiosmtpd belongs to it, not to another python3 on PATH.
    std::vector<std::string> args = {"/usr/bin/python3", script, "--dir", dir.string(), "--host", host};
    if (!user.empty()) args.insert(args.end(), {"--user", user, "--password", password});
    const quittance::testing::Child child = quittance::testing::spawn_reading_first_line(args);
    pid = child.pid;
    // The one line it prints once listening: the port.
    REQUIRE_MESSAGE(!child.first_line.empty(), "smtp_sink.py did not start: is python3-aiosmtpd installed? (scripts/setup)");
    port = std::atoi(child.first_line.c_str());
    REQUIRE(port > 0);
  }
  ~SmtpSink() {
    quittance::testing::stop_child(pid);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::string url() const { return "smtp://" + host + ":" + std::to_string(port); }

  // How many messages were accepted (the .json is written last, once a message is complete).
  int count() const {
    int n = 0;
    while (std::filesystem::exists(dir / (std::to_string(n + 1) + ".json"))) ++n;
    return n;
  }
  // Message `n` (from 1) as Python's email package read it; see smtp_sink.py for the fields.
  nlohmann::json message(int n) const {
    return nlohmann::json::parse(read_whole_file(dir / (std::to_string(n) + ".json")));
  }
  // Message `n`'s raw bytes, as received after DATA.
  std::string raw(int n) const { return read_whole_file(dir / (std::to_string(n) + ".eml")); }
};

}  // namespace quittance::server::testing
