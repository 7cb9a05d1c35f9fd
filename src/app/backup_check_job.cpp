// A backup's check in slices. See backup_check_job.h.
#include "app/backup_check_job.h"

#include <algorithm>
#include <chrono>
#include <exception>

namespace quittance::app {

namespace {
constexpr std::int64_t kEntriesPerSlice = 5000;  // ~20 ms of SHA-256 in the page
// The tables' checks are most of the work (integrity_check reads every index against its
// table); the journal's hash chain the rest.
constexpr double kTablesShare = 0.75;
}  // namespace

BackupCheckJob::BackupCheckJob(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

void BackupCheckJob::finish(store::BackupCheck check) {
  check_ = std::move(check);
  copy_.reset();
  stage_ = Stage::Done;
}

bool BackupCheckJob::step(double budget_ms) {
  const auto start = std::chrono::steady_clock::now();
  const auto spent = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  try {
    do {
      switch (stage_) {
        case Stage::Open: {
          copy_ = std::make_unique<store::Database>(store::open_backup_in_place(bytes_.data(), bytes_.size()));
          store::BackupCheck schema = store::check_backup_schema(*copy_);
          if (!schema.ok()) {
            finish(std::move(schema));
            break;
          }
          check_ = std::move(schema);
          tables_ = store::backup_tables(*copy_);
          stage_ = Stage::Tables;
          break;
        }
        case Stage::Tables: {
          if (next_table_ < tables_.size()) {
            const std::string found = store::table_integrity(*copy_, tables_[next_table_++]);
            if (found != "ok") {
              check_.status = store::BackupStatus::Corrupt;
              check_.message = "integrity_check: " + found;
              finish(std::move(check_));
            }
            break;
          }
          store::count_backup_contents(*copy_, check_);
          journal_entries_ = copy_->scalar("SELECT COUNT(*) FROM journal");
          stage_ = Stage::Journal;
          break;
        }
        case Stage::Journal: {
          if (chain_.step(*copy_, kEntriesPerSlice)) break;
          const ChainCheck& chain = chain_.result();
          if (!chain.ok) {
            check_.status = store::BackupStatus::JournalBroken;
            check_.message = "the journal's hash chain breaks at entry " + std::to_string(chain.broken_at);
          }
          finish(std::move(check_));
          break;
        }
        case Stage::Done:
          break;
      }
    } while (stage_ != Stage::Done && spent() < budget_ms);
  } catch (const store::StoreError& e) {
    try {
      finish(store::refusal_for(e));
    } catch (const store::StoreError&) {  // out of memory: on this device, or a file asking too much
      failed_ = true;
      finish(store::BackupCheck{});
    }
  } catch (const std::exception&) {  // std::bad_alloc: this device's memory, never the app's end
    failed_ = true;
    finish(store::BackupCheck{});
  }
  return stage_ != Stage::Done;
}

double BackupCheckJob::progress() const {
  switch (stage_) {
    case Stage::Open:
      return 0;
    case Stage::Tables:
      return tables_.empty() ? kTablesShare : kTablesShare * static_cast<double>(next_table_) / tables_.size();
    case Stage::Journal:
      return kTablesShare + (1 - kTablesShare) * std::min(1.0, static_cast<double>(chain_.result().entries) /
                                                                  std::max<std::int64_t>(1, journal_entries_));
    case Stage::Done:
      return 1;
  }
  return 1;
}

}  // namespace quittance::app
