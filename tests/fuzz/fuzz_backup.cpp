// A backup file as « Restaurer une sauvegarde » receives it (src/app/backup_check.h): any bytes
// are an SQLite file Quittance accepts, or a problem said; never a crash. A StoreError is what
// check_backup throws when SQLite runs out of memory reading it, and every caller catches it
// (« La restauration a échoué »): a crafted file can ask SQLite for a huge allocation, which
// the fuzzer's memory limit turns into SQLITE_NOMEM (found by this harness, kept in the corpus).
// The interface checks the same bytes a slice at a time, reading them in place
// (app/backup_check_job.h): it must reach the same verdict's kind, never crash, always end.
#include <cstdlib>
#include <vector>

#include "app/backup_check.h"
#include "app/backup_check_job.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  quittance::store::BackupCheck whole;
  bool out_of_memory = false;
  try {
    whole = quittance::app::check_backup(data, size);
  } catch (const quittance::store::StoreError&) {
    out_of_memory = true;
  }
  quittance::app::BackupCheckJob job(std::vector<std::uint8_t>(data, data + size));
  for (int steps = 0; job.step(0); ++steps) {
    if (steps > 100000) std::abort();  // a check that never ends
  }
  // Table by table, integrity_check skips the free list: a file may pass here and not whole.
  if (!out_of_memory && !job.failed() && whole.ok() && !job.result().ok()) std::abort();
  return 0;
}
