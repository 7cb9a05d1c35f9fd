// Billing email templates (seed 001): a subject and a body written by the practice, with
// dynamic fields such as {{numero_facture}} filled for each invoice when the server sends it.
// Pure: the field list, the check made when a template is saved, and the filling.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace quittance::core {

struct TemplateField {
  const char* key;    // written {{key}} in a template
  const char* label;  // i18n key of its name in the picker
};

// Every field a template may use, in the picker's order.
const std::vector<TemplateField>& template_fields();

struct TemplateCheck {
  bool ok = true;
  std::string field;  // the unknown field's name, or the unclosed "{{…" text
  bool unclosed = false;
};

// Refuses a field outside template_fields() (naming it) and an unclosed "{{".
TemplateCheck check_template(std::string_view text);

// The text with each {{key}} replaced by values[key] ("" when absent). For HTML, the text
// written by the practice and every value are escaped (a patient's name is patient-provided
// text), and line breaks become <br>.
std::string fill_template(std::string_view text, const std::map<std::string, std::string>& values);
std::string fill_template_html(std::string_view text, const std::map<std::string, std::string>& values);

std::string html_escape(std::string_view text);

}  // namespace quittance::core
