// A helper program (the Stripe double, the SMTP sink) as a child process of a test: started
// with its stdout on a pipe, it announces itself by one line (its port); stopped with SIGTERM.
#pragma once
#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace quittance::testing {

struct Child {
  pid_t pid = -1;
  std::string first_line;  // what it printed first, "" if it ended before
};

// Starts `args` (args[0] a full path) and reads its first stdout line.
inline Child spawn_reading_first_line(std::vector<std::string> args) {
  Child child;
  int out[2];
  REQUIRE(::pipe(out) == 0);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  REQUIRE(posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  FILE* from_child = ::fdopen(out[0], "r");
  char line[512] = {0};
  if (std::fgets(line, sizeof line, from_child) != nullptr) child.first_line = line;
  std::fclose(from_child);
  return child;
}

inline void stop_child(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace quittance::testing
