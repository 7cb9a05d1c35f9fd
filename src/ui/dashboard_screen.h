// « Tableau de bord »: the practice at a glance, from dashboard.summary — what patients owe and
// how much of it is over 30 days old, what came in and what was invoiced this month, the
// amounts due by age as a bar chart, and the month's takings by payment type. A clinic with no
// invoice and no payment yet gets an explanation of what will appear and how to start. Above
// it all, « À vérifier »: what sync resolved by itself (a payment made twice on two devices).
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct DashboardState {
  std::uint64_t loaded_version = UINT64_MAX;  // data version the summary was read at
  std::string loaded_day;                     // the day it was read (ages and the month move at midnight)
  app::Json summary;                          // dashboard.summary's result; null when it was refused
  bool empty_clinic = false;                  // no invoice (not even a draft) and no payment yet
  app::Json reviews = app::Json::array();     // review.list's items: what sync resolved, to look at
  std::string review_error;                   // catalogue key of a refused « Vu »
};

void draw_dashboard_screen(app::CommandLayer& commands, std::uint64_t data_version, DashboardState& state);

}  // namespace quittance::ui
