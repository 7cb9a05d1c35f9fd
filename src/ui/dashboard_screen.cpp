// « Tableau de bord » screen. See dashboard_screen.h.
// [SECTION] Figures: the four amounts in cards
// [SECTION] Aged receivables: one proportional bar per age
// [SECTION] Takings of the month by payment type
// [SECTION] The empty clinic's explanation
// [SECTION] « À vérifier »: what sync resolved by itself
// [SECTION] The screen
#include "ui/dashboard_screen.h"

#include <imgui.h>

#include <algorithm>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr float kCardHeight = 104.0f;  // CSS pixels
constexpr float kCardGap = 16.0f;
constexpr float kContentMaxWidth = 860.0f;  // the chart and table stay readable on a wide screen
constexpr float kBarHeight = 26.0f;
constexpr float kBarGap = 10.0f;

ImU32 rgb(int r, int g, int b) { return IM_COL32(r, g, b, 255); }

// The ages of amounts due, youngest first as dashboard.summary lists them, warmer as they age.
struct BucketStyle {
  const char* bucket;  // dashboard.summary's "bucket"
  const char* key;     // its caption in the catalogue
  ImU32 colour;
};
const BucketStyle kBuckets[] = {
    {"0-30", "dashboard.aged.0_30", rgb(74, 134, 199)},
    {"31-60", "dashboard.aged.31_60", rgb(230, 162, 45)},
    {"61-90", "dashboard.aged.61_90", rgb(221, 108, 42)},
    {"90+", "dashboard.aged.over_90", rgb(190, 48, 48)},
};
const ImU32 kTrack = rgb(234, 238, 243);

std::int64_t amount(const app::Json& summary, const char* field) { return summary.value(field, std::int64_t{0}); }

void muted(const std::string& text) { ui::muted(text.c_str()); }

// "38 %" (a narrow no-break space in French), the share of `part` in `whole`, rounded; a
// share that rounds to 0 or 100 without being it says so (« < 1 % », « > 99 % »); "" for none.
std::string percent(std::int64_t part, std::int64_t whole) {
  if (part <= 0 || whole <= 0) return "";
  const std::int64_t p = (part * 100 + whole / 2) / whole;
  const std::string sign = language() == "en" ? "%" : "\u202F%";
  if (p == 0) return "< 1" + sign;
  if (p == 100 && part < whole) return "> 99" + sign;
  return std::to_string(p) + sign;
}

// A payment type's name in the interface's language: the built-in ones have catalogue entries,
// the clinic's own types keep the name they were given.
std::string payment_type_name(const app::Json& row) {
  const std::string key = "payment_type." + row.value("payment_type_id", std::string());
  const char* text = tr(key);
  return key == text ? row.value("label", std::string()) : std::string(text);
}

// Draws `text` so that it ends at screen x `right`, on the line at screen y `y`.
void text_ending_at(const std::string& text, float right, float y) {
  ImGui::SetCursorScreenPos(ImVec2(right - ImGui::CalcTextSize(text.c_str()).x, y));
  label(text.c_str());
}

// [SECTION] Figures ------------------------------------------------------------------------

struct Figure {
  const char* id;       // the card's ImGui id
  const char* caption;  // catalogue key
  std::int64_t value;   // minor units
  std::string note;     // a line saying what the figure covers
  ImU32 accent;         // the card's left edge
  bool alarming;        // drawn in the warning colour when not zero
};

void draw_card(const Figure& f, float width) {
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(1, 1, 1, 1));
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, 6.0f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(18, 12));
  ImGui::BeginChild(
      f.id, ImVec2(width, kCardHeight), true,
      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_AlwaysUseWindowPadding);
  const ImVec2 pos = ImGui::GetWindowPos();
  ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + 5, pos.y + kCardHeight), f.accent, 6.0f,
                                            ImDrawFlags_RoundCornersLeft);
  ImGui::PushTextWrapPos(0.0f);
  heading_label(tr(f.caption), 2);  // in the body's size: a card's name, its figure below
  const bool warn = f.alarming && f.value != 0;
  if (warn) ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
  figure(money(f.value).c_str());
  if (warn) ImGui::PopStyleColor();
  muted(f.note);
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();
}

void draw_figures(const app::Json& s) {
  const std::string since = std::string(tr("dashboard.since")) + " " + date(s.value("month", std::string()) + "-01");
  const Figure figures[] = {
      {"##card-due", "dashboard.due", amount(s, "due_total"), tr("dashboard.due.note"), kBuckets[0].colour, false},
      {"##card-overdue", "dashboard.overdue", amount(s, "overdue_total"), tr("dashboard.overdue.note"),
       kBuckets[3].colour, true},
      {"##card-takings", "dashboard.takings", amount(s, "takings_total"), since, rgb(46, 139, 87), false},
      {"##card-invoiced", "dashboard.invoiced", amount(s, "invoiced_month"), since, rgb(110, 120, 140), false},
  };
  const float avail = ImGui::GetContentRegionAvail().x;
  // Four in a row when they fit at a readable width, else two rows of two.
  const int per_row = avail >= 4 * 200 + 3 * kCardGap ? 4 : 2;
  const float width = (avail - (per_row - 1) * kCardGap) / per_row;
  for (int i = 0; i < 4; ++i) {
    if (i % per_row != 0) ImGui::SameLine(0, kCardGap);
    draw_card(figures[i], width);
  }
}

// [SECTION] Aged receivables -----------------------------------------------------------------

void draw_aged(const app::Json& s) {
  heading(tr("dashboard.aged.heading"));
  const std::int64_t total = amount(s, "due_total");
  if (total == 0) {
    label(tr("dashboard.aged.none"));
    return;
  }
  std::int64_t due[4] = {0, 0, 0, 0};
  for (const auto& b : s.value("aged", app::Json::array())) {
    for (int i = 0; i < 4; ++i) {
      if (b.value("bucket", std::string()) == kBuckets[i].bucket) due[i] = b.value("due", std::int64_t{0});
    }
  }
  const std::int64_t largest = *std::max_element(std::begin(due), std::end(due));

  // Columns: the age, the bar on its track, the amount (right-aligned), its share.
  float caption_w = 0, amount_w = 0;
  for (int i = 0; i < 4; ++i) {
    caption_w = std::max(caption_w, ImGui::CalcTextSize(tr(kBuckets[i].key)).x);
    amount_w = std::max(amount_w, ImGui::CalcTextSize(money(due[i]).c_str()).x);
  }
  caption_w += 20;
  amount_w += 24;
  const float share_w = ImGui::CalcTextSize("> 99 %").x + 16;
  const float width = std::min(ImGui::GetContentRegionAvail().x, kContentMaxWidth);
  const float track_w = std::max(width - caption_w - amount_w - share_w, 80.0f);
  const float text_dy = (kBarHeight - ImGui::GetTextLineHeight()) / 2;

  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int i = 0; i < 4; ++i) {
    const ImVec2 row = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(row.x, row.y + text_dy));
    label(tr(kBuckets[i].key));
    const ImVec2 track(row.x + caption_w, row.y);
    draw->AddRectFilled(track, ImVec2(track.x + track_w, track.y + kBarHeight), kTrack, 4.0f);
    if (due[i] > 0) {
      // Proportional to the largest age, never thinner than a visible sliver.
      const float bar = std::max(track_w * static_cast<float>(due[i]) / static_cast<float>(largest), 4.0f);
      draw->AddRectFilled(track, ImVec2(track.x + bar, track.y + kBarHeight), kBuckets[i].colour, 4.0f);
    }
    const float amount_right = track.x + track_w + amount_w;
    if (due[i] == 0) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_ending_at(money(due[i]), amount_right, row.y + text_dy);
    if (due[i] == 0) ImGui::PopStyleColor();
    if (const std::string share = percent(due[i], total); !share.empty()) {
      ImGui::SetCursorScreenPos(ImVec2(amount_right + share_w - ImGui::CalcTextSize(share.c_str()).x, row.y + text_dy));
      muted(share);
    }
    // The row's place in the layout.
    ImGui::SetCursorScreenPos(row);
    ImGui::Dummy(ImVec2(width, kBarHeight + kBarGap - ImGui::GetStyle().ItemSpacing.y));
  }
  muted(tr("dashboard.aged.note"));
}

// [SECTION] Takings --------------------------------------------------------------------------

void draw_takings(const app::Json& s) {
  heading(tr("dashboard.takings.heading"));
  const app::Json rows = s.value("takings_by_type", app::Json::array());
  const std::string since = std::string(tr("dashboard.since")) + " " + date(s.value("month", std::string()) + "-01");
  if (rows.empty()) {
    label((std::string(tr("dashboard.takings.none")) + " " + since + ".").c_str());
    return;
  }
  const float width = std::min(ImGui::GetContentRegionAvail().x, 560.0f);
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_PadOuterX;
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(10, 5));
  const bool shown = ImGui::BeginTable("##takings", 2, flags, ImVec2(width, 0));
  ImGui::PopStyleVar();
  if (!shown) return;
  ImGui::TableSetupColumn(tr("dashboard.takings.type"), ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn(tr("dashboard.takings.amount"), ImGuiTableColumnFlags_WidthFixed, 170.0f);
  auto right_aligned = [](const char* text) {
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(text).x);
  };
  // The header of the amounts stands over them, on the right.
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  ImGui::TableSetColumnIndex(0);
  ImGui::TableHeader(tr("dashboard.takings.type"));
  ImGui::TableSetColumnIndex(1);
  right_aligned(tr("dashboard.takings.amount"));
  ImGui::TableHeader(tr("dashboard.takings.amount"));
  auto amount_cell = [&](std::int64_t minor) {
    const std::string text = money(minor);
    right_aligned(text.c_str());
    label(text.c_str());
  };
  for (const auto& r : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    label(payment_type_name(r).c_str());
    ImGui::TableNextColumn();
    amount_cell(r.value("amount", std::int64_t{0}));
  }
  ImGui::TableNextRow();
  ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
  ImGui::TableNextColumn();
  label(tr("dashboard.takings.total"));
  ImGui::TableNextColumn();
  amount_cell(amount(s, "takings_total"));
  ImGui::EndTable();
  muted(tr("dashboard.takings.note"));
}

// [SECTION] Empty clinic ----------------------------------------------------------------------

void draw_welcome() {
  // A white panel as tall as its text: the text is drawn first (channel 1), the panel under it
  // once its size is known (channel 0).
  constexpr float kPad = 24.0f;
  const float width = std::min(ImGui::GetContentRegionAvail().x, kContentMaxWidth);
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->ChannelsSplit(2);
  draw->ChannelsSetCurrent(1);
  ImGui::SetCursorScreenPos(ImVec2(corner.x + kPad, corner.y + kPad - ImGui::GetStyle().ItemSpacing.y));
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - 2 * kPad);
  heading(tr("dashboard.welcome.heading"));
  ImGui::Spacing();
  label(tr("dashboard.welcome.intro"));
  for (const char* key :
       {"dashboard.welcome.point_due", "dashboard.welcome.point_aged", "dashboard.welcome.point_month"}) {
    ImGui::Bullet();
    ImGui::SameLine();
    label(tr(key));
  }
  ImGui::Spacing();
  label(tr("dashboard.welcome.start"));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  const float bottom = ImGui::GetItemRectMax().y + kPad;
  draw->ChannelsSetCurrent(0);
  draw->AddRectFilled(corner, ImVec2(corner.x + width, bottom), IM_COL32_WHITE, 6.0f);
  draw->AddRect(corner, ImVec2(corner.x + width, bottom), ImGui::GetColorU32(ImGuiCol_Border), 6.0f);
  draw->ChannelsMerge();
  ImGui::SetCursorScreenPos(corner);
  ImGui::Dummy(ImVec2(width, bottom - corner.y));
}

// [SECTION] To review ---------------------------------------------------------------------------

// A payment recorded offline on an invoice another device had settled meanwhile: its surplus
// stays as the patient's credit (docs/sync.md). Said plainly, with what to do, until « Vu ».
void draw_reviews(app::CommandLayer& commands, DashboardState& state) {
  if (state.reviews.empty()) return;
  heading(tr("dashboard.review.heading"));
  ImGui::PushTextWrapPos(std::min(ImGui::GetContentRegionAvail().x, kContentMaxWidth));
  for (const app::Json& r : state.reviews) {
    const std::string cmd = r.value("command_id", std::string()), invoice = r.value("invoice_id", std::string());
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
    label((std::string(tr("dashboard.review.surplus")) + " " + r.value("invoice_number", std::string()) + " (" +
           r.value("patient_name", std::string()) + ") : " + money(r.value("amount", std::int64_t{0})) + " " +
           tr("dashboard.review.surplus_kept"))
              .c_str());
    ImGui::PopStyleColor();
    beside(button_width(tr_id("dashboard.review.seen", std::string("review-") + cmd + "-" + invoice).c_str()));
    if (ImGui::SmallButton(tr_id("dashboard.review.seen", std::string("review-") + cmd + "-" + invoice).c_str())) {
      const app::Json answer = commands.exec(
          {{"cmd", "review.dismiss"}, {"id", app::new_command_id()}, {"command_id", cmd}, {"invoice_id", invoice}});
      state.review_error = answer["ok"] == true ? "" : error_key(answer);
    }
  }
  muted(tr("dashboard.review.help"));
  ImGui::PopTextWrapPos();
  if (!state.review_error.empty()) error_text(state.review_error);
  ImGui::Spacing();
}

}  // namespace

// [SECTION] The screen --------------------------------------------------------------------------

void draw_dashboard_screen(app::CommandLayer& commands, std::uint64_t data_version, DashboardState& state) {
  const std::string today = today_iso();
  if (state.loaded_version != data_version || state.loaded_day != today) {
    app::Json answer = commands.query({{"cmd", "dashboard.summary"}});
    state.summary = answer["ok"] == true ? answer["result"] : app::Json();
    const app::Json& s = state.summary;
    state.empty_clinic = false;
    if (!s.is_null() && amount(s, "due_total") == 0 && amount(s, "invoiced_month") == 0 &&
        s.value("takings_by_type", app::Json::array()).empty()) {
      // Nothing to show: a new clinic, or one whose month is quiet (which keeps its figures).
      app::Json invoices = commands.query({{"cmd", "invoice.list"}, {"limit", 1}});
      state.empty_clinic = invoices["ok"] == true && invoices["result"]["total"] == 0;
    }
    app::Json reviews = commands.query({{"cmd", "review.list"}});
    state.reviews = reviews["ok"] == true ? reviews["result"]["items"] : app::Json::array();
    state.loaded_version = data_version;
    state.loaded_day = today;
  }

  title(tr("nav.dashboard"));
  const app::Json& s = state.summary;
  if (s.is_null()) {
    label(tr("dashboard.unavailable"));
    return;
  }
  if (state.empty_clinic) {
    ImGui::Spacing();
    draw_welcome();
    return;
  }
  muted(std::string(tr("dashboard.as_of")) + " " + date(s.value("as_of", std::string())));
  ImGui::Spacing();
  draw_reviews(commands, state);
  draw_figures(s);
  ImGui::Spacing();
  draw_aged(s);
  ImGui::Spacing();
  draw_takings(s);
}

}  // namespace quittance::ui
