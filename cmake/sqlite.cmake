# The SQLite amalgamation (from the sqlite-autoconf tarball inside npm's sqlite3@6.0.1, fetched by
# scripts/setup), compiled with one set of options for the native and the wasm builds alike.
#
#   SQLITE_THREADSAFE=2          a connection is used by one thread at a time (the server guards its one with a mutex)
#   SQLITE_DEFAULT_FOREIGN_KEYS=1  foreign keys enforced on every connection
#   SQLITE_DQS=0                 "text" is an identifier, never a string literal
#   SQLITE_DEFAULT_MEMSTATUS=0   no global memory statistics (faster malloc)
#   SQLITE_OMIT_LOAD_EXTENSION   no dlopen: not available in wasm, not wanted on the server
#   SQLITE_OMIT_DEPRECATED, SQLITE_OMIT_SHARED_CACHE, SQLITE_LIKE_DOESNT_MATCH_BLOBS
#   SQLITE_OMIT_UTF16, _AUTHORIZATION, _PROGRESS_CALLBACK, _TRACE, _GET_TABLE, _COMPLETE,
#   _TCL_VARIABLE, _DECLTYPE, _COMPILEOPTION_DIAGS
#                                interfaces Quittance never calls: less code to download in the page
#                                (each one is #ifdef'd in the amalgamation; none changes the parser)
#   SQLITE_ENABLE_FTS5           full-text search of patients and invoices
#   SQLITE_ENABLE_SESSION, SQLITE_ENABLE_PREUPDATE_HOOK
#                                what a command changed, to undo it when sync rebases (store/changes.h)
set(QUITTANCE_SQLITE_OPTIONS
  SQLITE_THREADSAFE=2
  SQLITE_DEFAULT_FOREIGN_KEYS=1
  SQLITE_DQS=0
  SQLITE_DEFAULT_MEMSTATUS=0
  SQLITE_OMIT_LOAD_EXTENSION
  SQLITE_OMIT_DEPRECATED
  SQLITE_OMIT_SHARED_CACHE
  SQLITE_LIKE_DOESNT_MATCH_BLOBS
  SQLITE_OMIT_UTF16
  SQLITE_OMIT_AUTHORIZATION
  SQLITE_OMIT_PROGRESS_CALLBACK
  SQLITE_OMIT_TRACE
  SQLITE_OMIT_GET_TABLE
  SQLITE_OMIT_COMPLETE
  SQLITE_OMIT_TCL_VARIABLE
  SQLITE_OMIT_DECLTYPE
  SQLITE_OMIT_COMPILEOPTION_DIAGS
  SQLITE_ENABLE_FTS5
  SQLITE_ENABLE_SESSION
  SQLITE_ENABLE_PREUPDATE_HOOK)

add_library(quittance_sqlite STATIC ${QUITTANCE_THIRD_PARTY}/sqlite/sqlite3.c)
target_include_directories(quittance_sqlite SYSTEM PUBLIC ${QUITTANCE_THIRD_PARTY}/sqlite)
target_compile_definitions(quittance_sqlite PUBLIC ${QUITTANCE_SQLITE_OPTIONS})
# Third-party code: build it optimised even in Debug trees, and without our warnings; in the
# page, for speed rather than size and outside link-time optimisation (which would give it the
# link's -Oz).
target_compile_options(quittance_sqlite PRIVATE -w -O2)
if(EMSCRIPTEN)
  target_compile_options(quittance_sqlite PRIVATE -fno-lto)
endif()
if(NOT EMSCRIPTEN)
  find_package(Threads REQUIRED)
  target_link_libraries(quittance_sqlite PUBLIC Threads::Threads ${CMAKE_DL_LIBS} m)
endif()
