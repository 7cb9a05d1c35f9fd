// The application shell: left navigation, the current screen, the status bar.
// The screens read the data through the command layer; the shell's own state (which section is
// open, a field being edited) lives in UiState, not in function-local statics.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "platform/storage.h"
#include "sync/backend.h"
#include "ui/backend_settings.h"
#include "ui/catalog_settings.h"
#include "ui/communications_view.h"
#include "ui/dashboard_screen.h"
#include "ui/exports_settings.h"
#include "ui/invoice_page.h"
#include "ui/invoices_screen.h"
#include "ui/online_payments_settings.h"
#include "ui/patients_screen.h"
#include "ui/pay_dialog.h"
#include "ui/payments_screen.h"
#include "ui/practice_settings.h"
#include "ui/safety_notice.h"
#include "ui/sign_in.h"
#include "ui/templates_settings.h"
#include "ui/users_settings.h"

namespace quittance::ui {

enum class Section { Dashboard, Patients, Invoices, Payments, Communications, Settings };
const char* section_id(Section s);  // "dashboard", "patients", ... (stable, for automation)

// What the platform knows and the screens show. Filled by the platform glue every frame.
struct AppStatus {
  enum class Phase { Loading, Ready, Failed } phase = Phase::Loading;
  std::string failure_key;     // catalogue key of the failure's explanation
  std::string failure_detail;  // the browser's or SQLite's own words
  platform::SaveState save = platform::SaveState::Saved;
  std::string save_error;
  bool online = true;
  bool update_ready = false;  // a new version waits for the next start (the service worker)
  int storage_persisted = -1;  // navigator.storage.persist(): 1 granted, 0 refused, -1 not known
  bool lost_paired = false;    // error.storage_lost on a device linked to a server: its copy is offered
};

// The Paramètres screen's edit buffers.
struct SettingsState {
  CatalogSettingsState catalog;               // payment types, tax rates, services
  PracticeSettingsState practice;             // « Cabinet »: identity, mentions, series, fees
  BackendSettingsState backend;               // « Serveur »: pairing this device
  UsersSettingsState users;                   // « Utilisateurs »
  ExportsState exports;                       // « Exports et sauvegarde »
  TemplatesSettingsState templates;           // « Modèles d'e-mails »
  AppointmentSettingsState appointments;      // « Rendez-vous »: categories and payment policies
  OnlinePaymentsState online;                 // « Paiements en ligne »: the clinic's Stripe account
  std::string tab;                            // the tab shown (tab_row.h), "" for the first
};
// Tabs other screens open: « Paiements en ligne » (back from Stripe), « Exports et sauvegarde »
// (a restore started over).
inline constexpr const char* kOnlinePaymentsTab = "#tab-online-payments";
inline constexpr const char* kExportsTab = "#tab-exports";

struct UiState {
  Section section = Section::Dashboard;
  SessionState session;  // who is working (sign_in.h)
  DashboardState dashboard;
  SettingsState settings;
  PatientsState patients;
  InvoicesState invoices;
  PaymentsState payments;
  CommunicationsState communications;
  PayDialogState pay;  // the « Payer » dialog, opened from any invoice table
  InvoicePageState invoice_page;  // an invoice opened from a table: shown over its section
  bool confirm_start_empty = false;  // the loss screen's « Repartir sans données », clicked once
  SafetyNoticeState safety;          // above the screen: what could still lose work
  std::string page_shown;            // the page the screen showed last frame: another starts at its top
};

// Draws one frame of the whole interface. `commands` is null unless status.phase is Ready;
// `backend` is null unless the platform has one (the browser app does, once ready).
// `data_version` increases at every committed change, so screens know when to reload.
void draw_app(app::CommandLayer* commands, sync::Backend* backend, std::uint64_t data_version, const AppStatus& status,
              UiState& state);

}  // namespace quittance::ui
