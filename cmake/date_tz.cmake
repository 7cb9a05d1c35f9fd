# Howard Hinnant's date/tz as the target quittance_date_tz, reading the system's zoneinfo
# (USE_OS_TZDB, as Debian builds it).
# Natively: Debian's libhowardhinnant-date-dev (headers and libdate-tz). For wasm: the same
# version's tz.cpp from Debian's source package (scripts/setup), compiled here; the app embeds
# the zoneinfo files of the offered zones (src/zone/CMakeLists.txt).
if(EMSCRIPTEN)
  set(_date ${QUITTANCE_THIRD_PARTY}/date)
  if(NOT EXISTS ${_date}/src/tz.cpp)
    message(FATAL_ERROR "third_party/date is missing: run scripts/setup")
  endif()
  add_library(quittance_date_tz STATIC ${_date}/src/tz.cpp)
  target_include_directories(quittance_date_tz SYSTEM PUBLIC ${_date}/include)
  target_compile_definitions(quittance_date_tz PUBLIC USE_OS_TZDB=1 ONLY_C_LOCALE=1 HAS_STRING_VIEW=1)
  target_compile_options(quittance_date_tz PRIVATE -w)
else()
  find_package(date CONFIG REQUIRED)
  add_library(quittance_date_tz INTERFACE)
  target_link_libraries(quittance_date_tz INTERFACE date::date-tz)
endif()
