// The platform's hooks. See platform_hooks.h.
#include "ui/platform_hooks.h"

namespace quittance::ui {

Platform& platform() {
  static Platform hooks;
  return hooks;
}

}  // namespace quittance::ui
