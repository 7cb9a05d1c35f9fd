# Writes WEB_DIR/sw.js from TEMPLATE with @QUITTANCE_BUILD@ = a hash of the files it caches: a
# new build is a new service worker, which the browser then installs (sw.js.in says how).
# cmake -DWEB_DIR=... -DTEMPLATE=... -P stamp_sw.cmake
set(_all "")
foreach(_file index.html skip_link.js boot.js app.js app.wasm app.data app.css favicon.svg manifest.webmanifest)
  if(EXISTS "${WEB_DIR}/${_file}")
    file(SHA256 "${WEB_DIR}/${_file}" _hash)
    string(APPEND _all "${_hash}")
  endif()
endforeach()
string(SHA256 _build "${_all}")
string(SUBSTRING "${_build}" 0 16 QUITTANCE_BUILD)
configure_file("${TEMPLATE}" "${WEB_DIR}/sw.js" @ONLY)
