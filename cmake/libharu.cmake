# libharu 2.3.0 (PDF documents), from Debian's source package (fetched by scripts/setup),
# compiled from the same sources natively and in wasm. Without zlib and libpng: an invoice has
# no image, and its streams stay uncompressed (a few kilobytes). Its configure-made header is
# written here instead.
file(GLOB QUITTANCE_HPDF_SOURCES ${QUITTANCE_THIRD_PARTY}/libharu/src/*.c)
if(NOT QUITTANCE_HPDF_SOURCES)
  message(FATAL_ERROR "third_party/libharu is missing: run scripts/setup")
endif()
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/libharu/include/hpdf_config.h CONTENT [[
/* Written by cmake/libharu.cmake for Quittance's build of libharu. */
#define LIBHPDF_HAVE_NOZLIB
#define LIBHPDF_HAVE_NOPNGLIB
#define HPDF_NOPNGLIB
#define LIBHPDF_STDC_HEADERS 1
]])
add_library(quittance_hpdf STATIC ${QUITTANCE_HPDF_SOURCES})
target_include_directories(quittance_hpdf SYSTEM PUBLIC ${CMAKE_BINARY_DIR}/libharu/include
                                                        ${QUITTANCE_THIRD_PARTY}/libharu/include)
# Third-party code: optimised even in Debug trees, and without our warnings.
target_compile_options(quittance_hpdf PRIVATE -w -O2)
if(NOT EMSCRIPTEN)
  target_link_libraries(quittance_hpdf PUBLIC m)
endif()
