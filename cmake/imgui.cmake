# Dear ImGui 1.86 (Debian's source package, fetched by scripts/setup), core files only: the
# platform layer and the WebGL2 renderer are our own (src/platform/web/).
# IMGUI_ENABLE_TEST_ENGINE turns on ImGui's item hooks, which feed window.quittance.ui().
set(_imgui ${QUITTANCE_THIRD_PARTY}/imgui)
add_library(quittance_imgui STATIC
  ${_imgui}/imgui.cpp ${_imgui}/imgui_draw.cpp ${_imgui}/imgui_tables.cpp
  ${_imgui}/imgui_widgets.cpp ${_imgui}/misc/cpp/imgui_stdlib.cpp)
target_include_directories(quittance_imgui SYSTEM PUBLIC ${_imgui} ${_imgui}/misc/cpp)
target_compile_definitions(quittance_imgui PUBLIC
  IMGUI_ENABLE_TEST_ENGINE IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS)
target_compile_options(quittance_imgui PRIVATE -w)
