// WebGL2 renderer for Dear ImGui. See webgl2_renderer.h.
#include "platform/web/webgl2_renderer.h"

#include <GLES3/gl3.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "imgui_shaders.h"

namespace quittance::web {

namespace {

// All renderer state, in one place (ImGui backend style).
struct Renderer {
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE context = 0;
  GLuint program = 0;
  GLint projection_location = -1;
  GLint texture_location = -1;
  GLuint vao = 0, vbo = 0, ibo = 0;
  GLuint font_texture = 0;
  // What the canvas shows: the fingerprint of the draw data last drawn, unless `stale` (nothing
  // drawn yet, or the font texture changed under the same draw data).
  std::uint64_t shown = 0;
  bool stale = true;
};
Renderer g_renderer;

// A 64-bit fingerprint of bytes, eight at a time: one pass over a frame's vertices, where a
// frame drawn again costs the GPU the whole canvas.
std::uint64_t mix(std::uint64_t h, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  auto step = [&h](std::uint64_t word) {
    h = (h ^ word) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  };
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    step(word);
  }
  std::uint64_t tail = size;  // the length too, so that trailing zero bytes count
  if (size > i) std::memcpy(&tail, bytes + i, size - i);  // an empty buffer's data may be null
  step(tail ^ (static_cast<std::uint64_t>(size) << 56));
  return h;
}

// Everything of the draw data that reaches the canvas: its size and scale, each list's vertices,
// indices and commands (clip rectangles, textures, ranges).
std::uint64_t fingerprint(const ImDrawData* dd) {
  std::uint64_t h = 0x84222325CBF29CE4ull;
  const float frame[6] = {dd->DisplayPos.x, dd->DisplayPos.y, dd->DisplaySize.x, dd->DisplaySize.y,
                          dd->FramebufferScale.x, dd->FramebufferScale.y};
  h = mix(h, frame, sizeof frame);
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* list = dd->CmdLists[n];
    h = mix(h, list->VtxBuffer.Data, static_cast<std::size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
    h = mix(h, list->IdxBuffer.Data, static_cast<std::size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      const std::uint64_t fields[5] = {static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(cmd.TextureId)),
                                       cmd.VtxOffset, cmd.IdxOffset, cmd.ElemCount,
                                       static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(cmd.UserCallback))};
      h = mix(h, &cmd.ClipRect, sizeof cmd.ClipRect);
      h = mix(h, fields, sizeof fields);
    }
  }
  return h;
}

GLuint compile(GLenum type, const char* source) {
  GLuint shader = glCreateShader(type);
  glShaderSource(shader, 1, &source, nullptr);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[1024];
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "quittance: shader compile error: %s\n", log);
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}

bool create_program() {
  GLuint vs = compile(GL_VERTEX_SHADER, shaders::kImguiVertex);
  GLuint fs = compile(GL_FRAGMENT_SHADER, shaders::kImguiFragment);
  if (!vs || !fs) return false;
  Renderer& r = g_renderer;
  r.program = glCreateProgram();
  glAttachShader(r.program, vs);
  glAttachShader(r.program, fs);
  glLinkProgram(r.program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = 0;
  glGetProgramiv(r.program, GL_LINK_STATUS, &ok);
  if (!ok) return false;
  r.projection_location = glGetUniformLocation(r.program, "u_projection");
  r.texture_location = glGetUniformLocation(r.program, "u_texture");
  return true;
}

void create_buffers() {
  Renderer& r = g_renderer;
  glGenVertexArrays(1, &r.vao);
  glGenBuffers(1, &r.vbo);
  glGenBuffers(1, &r.ibo);
  glBindVertexArray(r.vao);
  glBindBuffer(GL_ARRAY_BUFFER, r.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, r.ibo);  // recorded in the VAO
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  const GLsizei stride = sizeof(ImDrawVert);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void*)IM_OFFSETOF(ImDrawVert, pos));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, (void*)IM_OFFSETOF(ImDrawVert, uv));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, (void*)IM_OFFSETOF(ImDrawVert, col));
  glBindVertexArray(0);
}

}  // namespace

bool renderer_init(const char* canvas_selector, const char** error_message) {
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;  // ImGui anti-aliases its own shapes
  attrs.premultipliedAlpha = EM_FALSE;
  Renderer& r = g_renderer;
  r.context = emscripten_webgl_create_context(canvas_selector, &attrs);
  if (r.context <= 0) {
    *error_message = "WebGL2 is not available in this browser";
    return false;
  }
  emscripten_webgl_make_context_current(r.context);
  if (!create_program()) {
    *error_message = "the WebGL2 shaders did not compile";
    return false;
  }
  create_buffers();
  renderer_reload_fonts();
  ImGui::GetIO().BackendRendererName = "quittance_webgl2";
  return true;
}

void renderer_reload_fonts() {
  Renderer& r = g_renderer;
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  if (r.font_texture) glDeleteTextures(1, &r.font_texture);
  glGenTextures(1, &r.font_texture);
  glBindTexture(GL_TEXTURE_2D, r.font_texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID((ImTextureID)(std::intptr_t)r.font_texture);
  io.Fonts->ClearTexData();  // the GPU has it; free the CPU copy
  r.stale = true;
}

bool renderer_render(const ImDrawData* dd) {
  Renderer& r = g_renderer;
  const int fb_width = (int)(dd->DisplaySize.x * dd->FramebufferScale.x);
  const int fb_height = (int)(dd->DisplaySize.y * dd->FramebufferScale.y);
  if (fb_width <= 0 || fb_height <= 0) return false;
  // A frame like the one shown is not drawn again: a canvas left untouched keeps its picture,
  // and the frames an event asks for after it (main.cpp) mostly draw the same.
  const std::uint64_t print = fingerprint(dd);
  if (!r.stale && print == r.shown) return false;
  r.shown = print;
  r.stale = false;

  glViewport(0, 0, fb_width, fb_height);
  glClearColor(0.95f, 0.96f, 0.97f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glEnable(GL_SCISSOR_TEST);

  // Orthographic projection from ImGui's CSS-pixel space to clip space.
  const float L = dd->DisplayPos.x, R = dd->DisplayPos.x + dd->DisplaySize.x;
  const float T = dd->DisplayPos.y, B = dd->DisplayPos.y + dd->DisplaySize.y;
  const float projection[4][4] = {
      {2.0f / (R - L), 0.0f, 0.0f, 0.0f},
      {0.0f, 2.0f / (T - B), 0.0f, 0.0f},
      {0.0f, 0.0f, -1.0f, 0.0f},
      {(R + L) / (L - R), (T + B) / (B - T), 0.0f, 1.0f},
  };
  glUseProgram(r.program);
  glUniform1i(r.texture_location, 0);
  glUniformMatrix4fv(r.projection_location, 1, GL_FALSE, &projection[0][0]);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(r.vao);
  glBindBuffer(GL_ARRAY_BUFFER, r.vbo);

  const ImVec2 clip_off = dd->DisplayPos;
  const ImVec2 clip_scale = dd->FramebufferScale;
  for (int n = 0; n < dd->CmdListsCount; ++n) {
    const ImDrawList* list = dd->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)list->VtxBuffer.Size * (int)sizeof(ImDrawVert), list->VtxBuffer.Data, GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)list->IdxBuffer.Size * (int)sizeof(ImDrawIdx), list->IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {
        cmd.UserCallback(list, &cmd);
        continue;
      }
      const float x0 = (cmd.ClipRect.x - clip_off.x) * clip_scale.x;
      const float y0 = (cmd.ClipRect.y - clip_off.y) * clip_scale.y;
      const float x1 = (cmd.ClipRect.z - clip_off.x) * clip_scale.x;
      const float y1 = (cmd.ClipRect.w - clip_off.y) * clip_scale.y;
      if (x1 <= x0 || y1 <= y0) continue;
      // WebGL's scissor origin is bottom-left.
      glScissor((int)x0, (int)(fb_height - y1), (int)(x1 - x0), (int)(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, (GLuint)(std::intptr_t)cmd.GetTexID());
      glDrawElements(GL_TRIANGLES, (GLsizei)cmd.ElemCount, sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT,
                     (void*)(std::intptr_t)(cmd.IdxOffset * sizeof(ImDrawIdx)));
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  return true;
}

void renderer_shutdown() {
  Renderer& r = g_renderer;
  if (r.font_texture) glDeleteTextures(1, &r.font_texture);
  if (r.vbo) glDeleteBuffers(1, &r.vbo);
  if (r.ibo) glDeleteBuffers(1, &r.ibo);
  if (r.vao) glDeleteVertexArrays(1, &r.vao);
  if (r.program) glDeleteProgram(r.program);
  if (r.context > 0) emscripten_webgl_destroy_context(r.context);
  r = Renderer{};
  ImGui::GetIO().Fonts->SetTexID(0);
}

}  // namespace quittance::web
