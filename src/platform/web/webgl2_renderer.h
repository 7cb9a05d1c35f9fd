// Dear ImGui renderer for WebGL2, our own (GLSL ES 3.00 sources in shaders/, embedded at build).
//
// Implemented features:
//  [X] Font atlas as one RGBA texture; ImTextureID is a WebGL texture name.
//  [X] 32-bit indices are not needed: ImDrawIdx stays 16-bit, one draw call per ImDrawCmd.
//  [X] Scissor in framebuffer pixels, so clipping stays exact on HiDPI screens.
//  [X] A frame identical to the one shown (same fingerprint of its draw data) is not drawn.
//  [ ] WebGL context loss (webglcontextlost) is not handled yet: the page must be reloaded.
#pragma once

struct ImDrawData;

namespace quittance::web {

// Creates the WebGL2 context on `canvas_selector` ("#canvas"), compiles the shaders and uploads
// the font atlas of the current ImGui context. False (with a message) when WebGL2 is missing.
bool renderer_init(const char* canvas_selector, const char** error_message);
// Uploads the font atlas again (after the fonts were rebuilt, e.g. for a new pixel ratio).
void renderer_reload_fonts();
// Draws the frame, unless it is the one the canvas already shows; true when it drew.
bool renderer_render(const ImDrawData* draw_data);
void renderer_shutdown();

}  // namespace quittance::web
