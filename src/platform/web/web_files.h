// Files between the app and the user in the browser: downloads (a Blob behind a link the page
// clicks) and the file picker (a hidden <input type=file>). The JavaScript half is in
// library_quittance.js.
#pragma once

namespace quittance::web {

// Fills ui::platform()'s download and pick_file hooks.
void install_file_hooks();

}  // namespace quittance::web
