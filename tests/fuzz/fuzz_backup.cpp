// A backup file as « Restaurer une sauvegarde » receives it (src/app/backup_check.h): any bytes
// are an SQLite file Quittance accepts, or a problem said; never a crash. A StoreError is what
// check_backup throws when SQLite runs out of memory reading it, and every caller catches it
// (« La restauration a échoué »): a crafted file can ask SQLite for a huge allocation, which
// the fuzzer's memory limit turns into SQLITE_NOMEM (found by this harness, kept in the corpus).
#include "app/backup_check.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    quittance::app::check_backup(data, size);
  } catch (const quittance::store::StoreError&) {
  }
  return 0;
}
