# Embeds the GLSL ES 3.00 sources of shaders/ into a C++ header at build time, as raw string
# literals, so the renderer needs no file access and the shaders stay readable files.
# Usage: cmake -DOUT=header -DVERT=file -DFRAG=file -P embed_shaders.cmake
file(READ ${VERT} vert)
file(READ ${FRAG} frag)
file(WRITE ${OUT}.tmp
"// Generated from shaders/ by embed_shaders.cmake: do not edit.\n#pragma once\n"
"namespace quittance::web::shaders {\n"
"inline constexpr const char* kImguiVertex = R\"glsl(${vert})glsl\";\n"
"inline constexpr const char* kImguiFragment = R\"glsl(${frag})glsl\";\n"
"}\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
