// A backup file as « Restaurer une sauvegarde » receives it (src/app/backup_check.h): any bytes
// are an SQLite file Quittance accepts, or a problem said; never a crash.
#include "app/backup_check.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  quittance::app::check_backup(data, size);
  return 0;
}
