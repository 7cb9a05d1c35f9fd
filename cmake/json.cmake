# nlohmann/json as the interface target quittance_json.
# Natively: Debian's package config. For wasm: a private include folder holding only the
# nlohmann headers, because putting /usr/include on emcc's path would mix glibc headers in.
if(EMSCRIPTEN)
  set(_json_inc ${CMAKE_BINARY_DIR}/json-include)
  file(COPY /usr/include/nlohmann DESTINATION ${_json_inc})
  add_library(quittance_json INTERFACE)
  target_include_directories(quittance_json SYSTEM INTERFACE ${_json_inc})
else()
  find_package(nlohmann_json 3 REQUIRED)
  add_library(quittance_json INTERFACE)
  target_link_libraries(quittance_json INTERFACE nlohmann_json::nlohmann_json)
endif()
