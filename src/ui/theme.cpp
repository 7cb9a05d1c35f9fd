// Colours, spacing and fonts. See theme.h.
#include "ui/theme.h"

#include <imgui.h>

#include <cstdio>

#include "ui/glyph_ranges.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {
constexpr float kBodySize = 16.0f;   // CSS pixels
constexpr float kTitleSize = 24.0f;
constexpr float kHeadingSize = 19.0f;
ImFont* g_title_font = nullptr;
ImFont* g_heading_font = nullptr;

bool g_high_contrast = false;
}  // namespace

void apply_theme(bool high_contrast) {
  g_high_contrast = high_contrast;
  const Palette& p = palette();
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.FramePadding = ImVec2(10, 6);
  s.ItemSpacing = ImVec2(10, 8);
  s.WindowPadding = ImVec2(16, 14);
  s.WindowBorderSize = 0;
  s.SelectableTextAlign = ImVec2(0.0f, 0.5f);  // navigation entries are taller than their text
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = colour(p.window);
  c[ImGuiCol_ChildBg] = colour(p.window);
  c[ImGuiCol_PopupBg] = colour(p.field);
  c[ImGuiCol_Text] = colour(p.text);
  c[ImGuiCol_TextDisabled] = colour(p.muted);
  c[ImGuiCol_FrameBg] = colour(p.field);
  c[ImGuiCol_FrameBgHovered] = colour(p.button_hovered);
  c[ImGuiCol_FrameBgActive] = colour(p.button_active);
  c[ImGuiCol_Border] = colour(p.border);
  // Light buttons keep the dark text readable (ImGui has one text colour for everything).
  c[ImGuiCol_Button] = colour(p.button);
  c[ImGuiCol_ButtonHovered] = colour(p.button_hovered);
  c[ImGuiCol_ButtonActive] = colour(p.button_active);
  c[ImGuiCol_Header] = colour(p.header);
  c[ImGuiCol_HeaderHovered] = colour(p.header_hovered);
  c[ImGuiCol_HeaderActive] = colour(p.header_active);
  c[ImGuiCol_TableHeaderBg] = colour(p.header);
  c[ImGuiCol_Tab] = colour(p.button);
  c[ImGuiCol_TabHovered] = colour(p.header_hovered);
  c[ImGuiCol_TabActive] = colour(p.header_active);
  c[ImGuiCol_CheckMark] = colour(p.check);
  c[ImGuiCol_Separator] = colour(p.border);
  c[ImGuiCol_NavHighlight] = colour(p.focus);
  s.FrameBorderSize = p.border_size;
}

bool high_contrast() { return g_high_contrast; }

const Palette& palette() { return g_high_contrast ? kHighContrastPalette : kStandardPalette; }

ImVec4 colour(Rgb c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f); }

bool load_fonts(const char* font_path, float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const ImWchar* ranges = kGlyphRanges;  // the font file holds these glyphs and no others
  ImFontConfig config;
  config.OversampleH = 2;
  config.OversampleV = 1;
  ImFont* body = nullptr;
  if (std::FILE* f = std::fopen(font_path, "rb")) {
    std::fclose(f);
    body = io.Fonts->AddFontFromFileTTF(font_path, kBodySize * pixel_ratio, &config, ranges);
    g_title_font = io.Fonts->AddFontFromFileTTF(font_path, kTitleSize * pixel_ratio, &config, ranges);
    g_heading_font = io.Fonts->AddFontFromFileTTF(font_path, kHeadingSize * pixel_ratio, &config, ranges);
  }
  if (!body) {
    ImFontConfig fallback;
    fallback.SizePixels = 13.0f * pixel_ratio;
    io.Fonts->AddFontDefault(&fallback);
    g_title_font = g_heading_font = nullptr;
  }
  // Glyphs are rasterised at device pixels and drawn at CSS pixels.
  io.FontGlobalScale = 1.0f / pixel_ratio;
  return body != nullptr;
}

namespace {
// A heading drawn in `font`, recorded as a heading of `level` for screen readers.
void text_in(ImFont* font, const char* text, int level) {
  if (font) ImGui::PushFont(font);
  heading_label(text, level);
  if (font) ImGui::PopFont();
}
}  // namespace

void title(const char* text) { text_in(g_title_font, text, 1); }

void heading(const char* text) {
  ImGui::Spacing();
  text_in(g_heading_font, text, 2);
}

void figure(const char* text) {
  if (g_title_font) ImGui::PushFont(g_title_font);
  label(text);
  if (g_title_font) ImGui::PopFont();
}

void muted(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  label(text);
  ImGui::PopStyleColor();
}

}  // namespace quittance::ui
