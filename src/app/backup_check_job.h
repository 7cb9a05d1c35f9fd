// A backup's full check (app/backup_check.h) run a slice at a time, so that an interface can
// show how far it has gone between frames and stop it: a 450 MB practice takes seconds to
// check, and the page would otherwise freeze with nothing said. Holds the bytes meanwhile.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/journal.h"
#include "store/backup.h"

namespace quittance::app {

class BackupCheckJob {
 public:
  explicit BackupCheckJob(std::vector<std::uint8_t> bytes);
  // Works for about `budget_ms` (one table's check at least); true while work remains.
  // Out of memory ends the job with done() and failed() set. The caller steps it (the restore
  // screen does while it is drawn: leaving the screen pauses the check, the file kept).
  bool step(double budget_ms);
  bool done() const { return stage_ == Stage::Done; }
  bool failed() const { return failed_; }
  double progress() const;  // 0 to 1, for a progress bar
  // Once done: the same verdict as check_backup on the same bytes (table by table for the
  // store's part: see store::table_integrity), and the bytes, given up to whoever restores them
  // (a WAL-mode file's header then says rollback mode: store::open_backup_in_place).
  const store::BackupCheck& result() const { return check_; }
  std::vector<std::uint8_t> take_bytes() { return done() ? std::move(bytes_) : std::vector<std::uint8_t>(); }

 private:
  enum class Stage { Open, Tables, Journal, Done };
  void finish(store::BackupCheck check);
  std::vector<std::uint8_t> bytes_;
  std::unique_ptr<store::Database> copy_;  // reads bytes_ where they are (closed before they go)
  Stage stage_ = Stage::Open;
  std::vector<std::string> tables_;
  std::size_t next_table_ = 0;
  std::int64_t journal_entries_ = 0;  // to verify, for the progress
  JournalChainCheck chain_;
  store::BackupCheck check_;
  bool failed_ = false;
};

}  // namespace quittance::app
