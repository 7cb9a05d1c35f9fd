# The pure core's unit tests: built natively (tests/CMakeLists.txt) and to wasm, run under node
# (tests/wasm/), so the browser's arithmetic is proven to be the native one.
set(QUITTANCE_CORE_TESTS
  ${CMAKE_CURRENT_LIST_DIR}/unit/money_test.cpp ${CMAKE_CURRENT_LIST_DIR}/unit/sha256_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/unit/date_test.cpp ${CMAKE_CURRENT_LIST_DIR}/unit/fees_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/unit/aging_test.cpp ${CMAKE_CURRENT_LIST_DIR}/unit/invoice_math_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/unit/core_rules_test.cpp ${CMAKE_CURRENT_LIST_DIR}/unit/message_template_test.cpp)
