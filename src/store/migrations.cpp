// Clinic schema migrations. Append new migrations; never edit one that has shipped.
#include "store/migrations.h"

#include <sqlite3.h>

#include <string>

namespace quittance::store {

const std::vector<Migration>& clinic_migrations() {
  static const std::vector<Migration> migrations = {
      {1, R"sql(
        -- Practice and interface settings: one row per key, values as text.
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        ) STRICT;
      )sql"},
      {2, R"sql(
        -- Users of this clinic and their roles (src/core/roles.h). "owner" exists from the start.
        CREATE TABLE users (
          id       TEXT PRIMARY KEY NOT NULL,
          name     TEXT NOT NULL,
          role     TEXT NOT NULL CHECK (role IN ('owner', 'billing', 'practitioner', 'read_only')),
          archived INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        INSERT INTO users(id, name, role) VALUES ('owner', 'Titulaire', 'owner');

        CREATE TABLE patients (
          id         TEXT PRIMARY KEY NOT NULL,
          name       TEXT NOT NULL,
          email      TEXT NOT NULL DEFAULT '',
          phone      TEXT NOT NULL DEFAULT '',
          address    TEXT NOT NULL DEFAULT '',
          reminders  INTEGER NOT NULL DEFAULT 1,  -- « Recevoir des rappels pour impayés »
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX patients_by_name ON patients(name COLLATE NOCASE);
        -- Search by any word of the name, accents ignored ("lef" finds « Marc Lefèvre »).
        CREATE VIRTUAL TABLE patients_fts USING fts5(
          name, content = 'patients', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN
          INSERT INTO patients_fts(rowid, name) VALUES (new.rowid, new.name);
        END;
        CREATE TRIGGER patients_fts_update AFTER UPDATE OF name ON patients BEGIN
          INSERT INTO patients_fts(patients_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
          INSERT INTO patients_fts(rowid, name) VALUES (new.rowid, new.name);
        END;

        -- « Facturé à »: a person or organisation billed for a patient (parent, employer, insurer).
        CREATE TABLE contacts (
          id         TEXT PRIMARY KEY NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id),
          name       TEXT NOT NULL,
          relation   TEXT NOT NULL DEFAULT '',
          email      TEXT NOT NULL DEFAULT '',
          address    TEXT NOT NULL DEFAULT ''
        ) STRICT;
        CREATE INDEX contacts_by_patient ON contacts(patient_id);

        CREATE TABLE tax_rates (
          id       TEXT PRIMARY KEY NOT NULL,
          name     TEXT NOT NULL,
          rate_bp  INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
          archived INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        INSERT INTO tax_rates(id, name, rate_bp) VALUES ('exempt', 'Exonéré de TVA', 0);

        -- The catalogue of acts.
        CREATE TABLE services (
          id          TEXT PRIMARY KEY NOT NULL,
          code        TEXT NOT NULL,
          label       TEXT NOT NULL,
          unit_price  INTEGER NOT NULL CHECK (unit_price >= 0),
          tax_rate_id TEXT NOT NULL REFERENCES tax_rates(id),
          archived    INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        -- Built-in and clinic-defined payment types; archived, never deleted once used.
        CREATE TABLE payment_types (
          id       TEXT PRIMARY KEY NOT NULL,
          label    TEXT NOT NULL,
          builtin  INTEGER NOT NULL DEFAULT 0,
          archived INTEGER NOT NULL DEFAULT 0,
          position INTEGER NOT NULL
        ) STRICT;
        INSERT INTO payment_types(id, label, builtin, position) VALUES
          ('cash', 'Espèces', 1, 1), ('cheque', 'Chèque', 1, 2), ('transfer', 'Virement', 1, 3),
          ('card_terminal', 'Carte bancaire (TPE)', 1, 4), ('card_online', 'Carte en ligne (Stripe)', 1, 5),
          ('account', 'Payer depuis le compte', 1, 6), ('credit_note', 'Appliquer un avoir', 1, 7);

        -- The last number given per document kind, year and device series (core/numbering.h).
        CREATE TABLE series_counters (
          kind        TEXT NOT NULL,
          year        INTEGER NOT NULL,
          series      TEXT NOT NULL,
          last_number INTEGER NOT NULL,
          last_date   TEXT NOT NULL,  -- the last number's date: numbers follow the calendar
          PRIMARY KEY (kind, year, series)
        ) STRICT;

        CREATE TABLE invoices (
          id         TEXT PRIMARY KEY NOT NULL,
          patient_id TEXT NOT NULL REFERENCES patients(id),
          contact_id TEXT REFERENCES contacts(id),  -- null: billed to the patient
          state      TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'cancelled')),
          number     TEXT UNIQUE,                   -- given at issue
          issued_on  TEXT,                          -- ISO date, given at issue
          currency   TEXT NOT NULL,
          net        INTEGER NOT NULL,
          tax        INTEGER NOT NULL,
          total      INTEGER NOT NULL,
          settled    INTEGER NOT NULL DEFAULT 0,    -- sum of active allocations, kept in step
          status     TEXT NOT NULL,                 -- core::derive_status, kept in step for filters
          notes      TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX invoices_by_status ON invoices(status, issued_on, id);
        CREATE INDEX invoices_by_patient ON invoices(patient_id, issued_on, id);
        CREATE INDEX invoices_by_date ON invoices(issued_on, id);
        CREATE INDEX invoices_open ON invoices(issued_on, patient_id) WHERE state = 'issued' AND settled < total;

        CREATE TABLE invoice_lines (
          invoice_id     TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
          position       INTEGER NOT NULL,
          service_id     TEXT REFERENCES services(id),
          label          TEXT NOT NULL,
          service_date   TEXT NOT NULL,
          quantity_milli INTEGER NOT NULL,
          unit_price     INTEGER NOT NULL,
          discount_kind  TEXT NOT NULL,
          discount_value INTEGER NOT NULL,
          tax_name       TEXT NOT NULL,     -- copied from the rate: editing a rate never changes a document
          tax_rate_bp    INTEGER NOT NULL,
          gross INTEGER NOT NULL, discount INTEGER NOT NULL, net INTEGER NOT NULL, tax INTEGER NOT NULL,
          total INTEGER NOT NULL,
          PRIMARY KEY (invoice_id, position)
        ) STRICT;

        -- Credit notes (avoirs): issued and numbered at creation.
        CREATE TABLE credit_notes (
          id            TEXT PRIMARY KEY NOT NULL,
          patient_id    TEXT NOT NULL REFERENCES patients(id),
          invoice_id    TEXT REFERENCES invoices(id),  -- the invoice it corrects, if any
          cancels       INTEGER NOT NULL DEFAULT 0,    -- 1: issued to cancel invoice_id
          number        TEXT NOT NULL UNIQUE,
          issued_on     TEXT NOT NULL,
          currency      TEXT NOT NULL,
          net INTEGER NOT NULL, tax INTEGER NOT NULL, total INTEGER NOT NULL,
          used          INTEGER NOT NULL DEFAULT 0,    -- applied to invoices + refunded, kept in step
          note          TEXT NOT NULL DEFAULT '',
          internal_note TEXT NOT NULL DEFAULT '',
          created_at    TEXT NOT NULL
        ) STRICT;
        CREATE INDEX credit_notes_by_patient ON credit_notes(patient_id, issued_on);

        CREATE TABLE credit_note_lines (
          credit_note_id TEXT NOT NULL REFERENCES credit_notes(id),
          position       INTEGER NOT NULL,
          service_id     TEXT REFERENCES services(id),
          label          TEXT NOT NULL,
          service_date   TEXT NOT NULL,
          quantity_milli INTEGER NOT NULL,
          unit_price     INTEGER NOT NULL,
          discount_kind  TEXT NOT NULL,
          discount_value INTEGER NOT NULL,
          tax_name       TEXT NOT NULL,
          tax_rate_bp    INTEGER NOT NULL,
          gross INTEGER NOT NULL, discount INTEGER NOT NULL, net INTEGER NOT NULL, tax INTEGER NOT NULL,
          total INTEGER NOT NULL,
          PRIMARY KEY (credit_note_id, position)
        ) STRICT;

        -- Money received. What is not allocated to invoices nor refunded is account credit
        -- (an acompte when it was taken before any invoice).
        CREATE TABLE payments (
          id              TEXT PRIMARY KEY NOT NULL,
          patient_id      TEXT NOT NULL REFERENCES patients(id),
          paid_on         TEXT NOT NULL,
          payment_type_id TEXT NOT NULL REFERENCES payment_types(id),
          currency        TEXT NOT NULL,
          amount          INTEGER NOT NULL CHECK (amount > 0),
          used            INTEGER NOT NULL DEFAULT 0,  -- allocated + refunded, kept in step
          reference       TEXT NOT NULL DEFAULT '',
          note            TEXT NOT NULL DEFAULT '',
          deleted         INTEGER NOT NULL DEFAULT 0,  -- deletion is recorded, never erased
          created_at      TEXT NOT NULL
        ) STRICT;
        CREATE INDEX payments_by_patient ON payments(patient_id, paid_on);
        CREATE INDEX payments_by_date ON payments(paid_on);

        -- Money (a payment, a credit note) put against an invoice. Reversed, never deleted.
        CREATE TABLE allocations (
          id          INTEGER PRIMARY KEY,
          invoice_id  TEXT NOT NULL REFERENCES invoices(id),
          source_kind TEXT NOT NULL CHECK (source_kind IN ('payment', 'credit_note')),
          source_id   TEXT NOT NULL,
          amount      INTEGER NOT NULL CHECK (amount > 0),
          reversed    INTEGER NOT NULL DEFAULT 0,
          command_id  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX allocations_by_invoice ON allocations(invoice_id);
        CREATE INDEX allocations_by_source ON allocations(source_kind, source_id);

        -- Money given back, and what it was drawn from.
        CREATE TABLE refunds (
          id              TEXT PRIMARY KEY NOT NULL,
          patient_id      TEXT NOT NULL REFERENCES patients(id),
          refunded_on     TEXT NOT NULL,
          amount          INTEGER NOT NULL CHECK (amount > 0),
          payment_type_id TEXT NOT NULL REFERENCES payment_types(id),
          route           TEXT NOT NULL CHECK (route IN ('manual', 'processor')),
          reason          TEXT NOT NULL,
          details         TEXT NOT NULL DEFAULT '',
          created_at      TEXT NOT NULL
        ) STRICT;
        CREATE INDEX refunds_by_patient ON refunds(patient_id);
        CREATE TABLE refund_parts (
          refund_id   TEXT NOT NULL REFERENCES refunds(id),
          source_kind TEXT NOT NULL CHECK (source_kind IN ('payment', 'credit_note')),
          source_id   TEXT NOT NULL,
          amount      INTEGER NOT NULL CHECK (amount > 0)
        ) STRICT;
        CREATE INDEX refund_parts_by_source ON refund_parts(source_kind, source_id);

        -- The operation journal: every command that changed data, in order, idempotent by its id,
        -- and hash-chained (each entry holds the previous entry's hash) so tampering shows.
        CREATE TABLE journal (
          seq        INTEGER PRIMARY KEY,
          command_id TEXT NOT NULL UNIQUE,
          name       TEXT NOT NULL,
          actor      TEXT NOT NULL,
          body       TEXT NOT NULL,  -- the command, canonical JSON (sorted keys)
          result     TEXT NOT NULL,  -- its answer's result, canonical JSON
          at         TEXT NOT NULL,  -- UTC, ISO 8601
          prev_hash  TEXT NOT NULL,
          hash       TEXT NOT NULL
        ) STRICT;
      )sql"},
      {3, R"sql(
        -- Card payments through the backend (Stripe). A payment or refund that went through
        -- Stripe keeps Stripe's id, so that the same fact arriving again (the API's answer, then
        -- the event pull) is recognised; a payment keeps the fee Stripe took, for the accounts.
        ALTER TABLE payments ADD COLUMN fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0);
        ALTER TABLE payments ADD COLUMN processor_ref TEXT NOT NULL DEFAULT '';
        ALTER TABLE refunds ADD COLUMN processor_ref TEXT NOT NULL DEFAULT '';
        CREATE INDEX payments_by_processor_ref ON payments(processor_ref) WHERE processor_ref != '';
        CREATE INDEX refunds_by_processor_ref ON refunds(processor_ref) WHERE processor_ref != '';

        -- Cards saved with Stripe for « Débiter la carte »: what a person needs to recognise
        -- one. The card itself stays with Stripe; the server keeps its id.
        CREATE TABLE patient_cards (
          patient_id TEXT NOT NULL REFERENCES patients(id),
          brand      TEXT NOT NULL,
          last4      TEXT NOT NULL,
          exp_month  INTEGER NOT NULL,
          exp_year   INTEGER NOT NULL,
          saved_at   TEXT NOT NULL,
          PRIMARY KEY (patient_id, brand, last4, exp_month, exp_year)
        ) STRICT;

        -- Card payments that did not (or not yet) succeed: declines and bank debits under way,
        -- shown on the patient's file.
        CREATE TABLE card_attempts (
          id           TEXT PRIMARY KEY NOT NULL,  -- the command that recorded it
          patient_id   TEXT NOT NULL REFERENCES patients(id),
          invoice_id   TEXT NOT NULL,
          amount       INTEGER NOT NULL,
          status       TEXT NOT NULL CHECK (status IN ('processing', 'failed')),
          decline_code TEXT NOT NULL DEFAULT '',
          at           TEXT NOT NULL
        ) STRICT;
        CREATE INDEX card_attempts_by_patient ON card_attempts(patient_id, at);
      )sql"},
      {4, R"sql(
        -- A user's PIN for the sign-in on a shared device (app/pin.h): only a salted, iterated
        -- hash, computed by the device before the command, so the PIN itself is never written,
        -- not even in the journal. '' : no PIN.
        ALTER TABLE users ADD COLUMN pin_salt TEXT NOT NULL DEFAULT '';
        ALTER TABLE users ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';
      )sql"},
      {5, R"sql(
        -- The invoices table sorted by amount or by what is left to pay, page by page without
        -- sorting 100,000 rows (invoice.list's "sort").
        CREATE INDEX invoices_by_total ON invoices(total);
        CREATE INDEX invoices_by_due ON invoices(total - settled);
      )sql"},
      {6, R"sql(
        -- Sync (docs/sync.md). Each journal entry says where it was made: the device, its number
        -- series and its calendar day, so that every device replays it exactly; and where it
        -- stands in the server's order (NULL: not yet accepted there).
        ALTER TABLE journal ADD COLUMN origin TEXT NOT NULL DEFAULT '';
        ALTER TABLE journal ADD COLUMN series TEXT NOT NULL DEFAULT '';
        ALTER TABLE journal ADD COLUMN day TEXT NOT NULL DEFAULT '';
        ALTER TABLE journal ADD COLUMN server_seq INTEGER;
        CREATE UNIQUE INDEX journal_by_server_seq ON journal(server_seq) WHERE server_seq IS NOT NULL;
        -- Operations made here that the server has not accepted yet, with what each changed, so
        -- they can be undone and made again after earlier operations of other devices.
        -- `push` 0: a setting of this device only (its series), never sent. `first_seq`: the
        -- first journal entry its transaction wrote (commands run inside it, as demo.load's,
        -- come before its own entry).
        CREATE TABLE sync_pending (
          command_id TEXT PRIMARY KEY NOT NULL,
          push       INTEGER NOT NULL,
          first_seq  INTEGER NOT NULL,
          changeset  BLOB NOT NULL
        ) STRICT;
        CREATE TABLE sync_state (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
        -- Patients are never deleted, but a patient created here is undone when sync rebases:
        -- the search index must follow.
        CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
          INSERT INTO patients_fts(patients_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
        END;
        -- What sync resolved by itself and a person should look at.
        CREATE TABLE review_flags (
          command_id TEXT NOT NULL,
          kind       TEXT NOT NULL,
          invoice_id TEXT NOT NULL,
          amount     INTEGER NOT NULL,
          PRIMARY KEY (command_id, invoice_id)
        ) STRICT;
      )sql"},
      {7, R"sql(
        -- Billing emails and reminders (docs/emails.md). The instant of issue, in UTC: a
        -- reminder "48 hours after issue" counts from it.
        ALTER TABLE invoices ADD COLUMN issued_at TEXT;
        -- Templates. System ones (system_key != '') have fixed settings and editable content;
        -- the clinic's own are deleted for good. An active template concerns the invoices issued
        -- since it was last activated (active_since), never the years of history before.
        CREATE TABLE message_templates (
          id           TEXT PRIMARY KEY NOT NULL,
          system_key   TEXT NOT NULL DEFAULT '',
          name         TEXT NOT NULL,
          subject      TEXT NOT NULL,
          body         TEXT NOT NULL,
          attach_pdf   INTEGER NOT NULL DEFAULT 1,
          delay_amount INTEGER NOT NULL CHECK (delay_amount >= 0),
          delay_unit   TEXT NOT NULL CHECK (delay_unit IN ('hours', 'days', 'months')),
          active       INTEGER NOT NULL DEFAULT 0,
          active_since TEXT
        ) STRICT;
        INSERT INTO message_templates(id, system_key, name, subject, body, attach_pdf, delay_amount, delay_unit) VALUES
          ('system-invoice', 'invoice', 'Envoi de la facture', 'Votre facture {{numero_facture}} – {{cabinet}}',
           'Bonjour {{facture_a}},' || char(10) || char(10) ||
           'Veuillez trouver ci-joint la facture {{numero_facture}} du {{date_facture}}, d''un montant de {{total}}.' ||
           char(10) || 'Reste à régler : {{reste_du}}.' || char(10) || char(10) || 'Cordialement,' || char(10) || '{{cabinet}}',
           1, 0, 'hours'),
          ('system-reminder-7d', 'reminder_7d', 'Relance à 7 jours', 'Rappel : facture {{numero_facture}} en attente de règlement',
           'Bonjour {{facture_a}},' || char(10) || char(10) ||
           'Sauf erreur de notre part, la facture {{numero_facture}} du {{date_facture}} n''est pas encore réglée. ' ||
           'Reste à régler : {{reste_du}}.' || char(10) ||
           'Si vous avez déjà effectué le paiement, merci de ne pas tenir compte de ce message.' || char(10) || char(10) ||
           'Cordialement,' || char(10) || '{{cabinet}}',
           1, 7, 'days'),
          ('system-reminder-1m', 'reminder_1m', 'Relance à 1 mois', 'Deuxième rappel : facture {{numero_facture}}',
           'Bonjour {{facture_a}},' || char(10) || char(10) ||
           'La facture {{numero_facture}} du {{date_facture}} reste impayée à ce jour. Reste à régler : {{reste_du}}.' ||
           char(10) || 'Merci de procéder à son règlement ou de nous contacter.' || char(10) || char(10) ||
           'Cordialement,' || char(10) || '{{cabinet}}',
           1, 1, 'months');
        -- Communications: what the server planned, sent or failed to send, as its events tell
        -- (server_event.apply); a cancellation asked here waits in `cancel_requested` until the
        -- server confirms it, and a retry in `retry_requested`.
        CREATE TABLE messages (
          id               TEXT PRIMARY KEY NOT NULL,  -- "<template>:<invoice>", the server's
          invoice_id       TEXT NOT NULL,
          patient_id       TEXT NOT NULL,
          template_id      TEXT NOT NULL,
          template_name    TEXT NOT NULL,
          recipient        TEXT NOT NULL DEFAULT '',
          due_at           TEXT NOT NULL,
          state            TEXT NOT NULL CHECK (state IN ('scheduled', 'sent', 'failed', 'cancelled')),
          sent_at          TEXT,
          error            TEXT NOT NULL DEFAULT '',
          attempts         INTEGER NOT NULL DEFAULT 0,
          cancel_requested INTEGER NOT NULL DEFAULT 0,
          retry_requested  TEXT  -- the instant a person asked to try again
        ) STRICT;
        CREATE INDEX messages_by_patient ON messages(patient_id, due_at);
        CREATE INDEX messages_by_due ON messages(due_at);
      )sql"},
      {8, R"sql(
        -- Payment requests (docs/payment_requests.md): a link /pay/<token> the patient pays on
        -- a phone, for invoices, a deposit, or to save a card. Made by a command like any other,
        -- so offline too; the token is drawn by the device and written in the command, so that
        -- every device replays the same one. 'expired' is not stored: a request not paid by
        -- expires_at is expired.
        CREATE TABLE payment_requests (
          id             TEXT PRIMARY KEY NOT NULL,          -- the command's id
          token          TEXT NOT NULL UNIQUE,
          patient_id     TEXT NOT NULL REFERENCES patients(id),
          kind           TEXT NOT NULL CHECK (kind IN ('invoices', 'deposit', 'card')),
          amount         INTEGER NOT NULL CHECK (amount >= 0),  -- asked at creation (0: a card)
          currency       TEXT NOT NULL,
          save_card      INTEGER NOT NULL DEFAULT 0,          -- the page offers to save the card
          note           TEXT NOT NULL DEFAULT '',            -- shown to the patient
          send_email     INTEGER NOT NULL DEFAULT 0,          -- the server emails the link
          recipient      TEXT NOT NULL DEFAULT '',
          created_at     TEXT NOT NULL,
          expires_at     TEXT NOT NULL,                       -- UTC instant
          state          TEXT NOT NULL DEFAULT 'sent'
                         CHECK (state IN ('sent', 'opened', 'paid', 'failed', 'cancelled')),
          opened_at      TEXT,
          paid_at        TEXT,
          payment_id     TEXT,                                -- what paid it (payments.id)
          decline_code   TEXT NOT NULL DEFAULT '',            -- the last declined attempt's
          appointment_id TEXT
        ) STRICT;
        CREATE INDEX payment_requests_by_patient ON payment_requests(patient_id, created_at);
        CREATE TABLE payment_request_invoices (
          request_id TEXT NOT NULL REFERENCES payment_requests(id),
          invoice_id TEXT NOT NULL REFERENCES invoices(id),
          position   INTEGER NOT NULL,                        -- paid in this order
          PRIMARY KEY (request_id, invoice_id)
        ) STRICT;
        CREATE INDEX payment_request_invoices_by_invoice ON payment_request_invoices(invoice_id);
        -- Appointment categories with their payment policy (seed 004): none (the default), a
        -- deposit (an amount, or a percentage of the price in basis points), or the whole price;
        -- an appointment waiting for its payment expires after expiry_hours.
        CREATE TABLE appointment_categories (
          id            TEXT PRIMARY KEY NOT NULL,
          name          TEXT NOT NULL,
          duration_min  INTEGER NOT NULL DEFAULT 30 CHECK (duration_min BETWEEN 5 AND 600),
          service_id    TEXT REFERENCES services(id),
          label         TEXT NOT NULL DEFAULT '',   -- the invoice line's, when no service
          price         INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),
          policy        TEXT NOT NULL DEFAULT 'none'
                        CHECK (policy IN ('none', 'deposit_amount', 'deposit_percent', 'full')),
          deposit_value INTEGER NOT NULL DEFAULT 0 CHECK (deposit_value >= 0),
          expiry_hours  INTEGER NOT NULL DEFAULT 24 CHECK (expiry_hours BETWEEN 1 AND 720),
          archived      INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        -- A minimal appointment: who, when, what; confirmed at once without a policy, else when
        -- its payment request is paid ('pending' past the request's expiry reads as expired).
        CREATE TABLE appointments (
          id           TEXT PRIMARY KEY NOT NULL,
          patient_id   TEXT NOT NULL REFERENCES patients(id),
          category_id  TEXT NOT NULL REFERENCES appointment_categories(id),
          starts_at    TEXT NOT NULL,                 -- local time, 2026-12-12T14:30
          duration_min INTEGER NOT NULL,
          status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled')),
          invoice_id   TEXT,
          request_id   TEXT,
          created_at   TEXT NOT NULL,
          confirmed_at TEXT
        ) STRICT;
        CREATE INDEX appointments_by_start ON appointments(starts_at);
        CREATE INDEX appointments_by_patient ON appointments(patient_id, starts_at);
        -- « Demande de paiement »: the email of a request sent by email ({{lien_paiement}}).
        INSERT INTO message_templates(id, system_key, name, subject, body, attach_pdf, delay_amount, delay_unit, active)
          VALUES ('system-payment-request', 'payment_request', 'Demande de paiement',
           'Demande de paiement – {{cabinet}}',
           'Bonjour {{facture_a}},' || char(10) || char(10) ||
           '{{cabinet}} vous envoie un lien de paiement en ligne (carte, Google Pay ou Apple Pay) ; ' ||
           'montant : {{montant_demande}}. Page sécurisée :' || char(10) || '{{lien_paiement}}' || char(10) || char(10) ||
           'Le lien est valable jusqu''au {{date_limite}}.' || char(10) || char(10) ||
           'Cordialement,' || char(10) || '{{cabinet}}',
           0, 0, 'hours', 1);
      )sql"},
      {9, R"sql(
        -- A broad search (« D », the first letter of a name) finds its page by walking the
        -- invoices in date order and keeping those of the patients found: with the patient in
        -- the index, that walk reads no table row (invoice.list).
        DROP INDEX invoices_by_date;
        CREATE INDEX invoices_by_date ON invoices(issued_on, id, patient_id);
        DROP INDEX invoices_by_status;
        CREATE INDEX invoices_by_status ON invoices(status, issued_on, id, patient_id);
      )sql"},
      {10, R"sql(
        -- A fact the server wrote into the log (server_event.apply) that these books cannot
        -- record yet (its patient or payment comes later in the log): parked, not refused, and
        -- tried again after each later operation, in the log's order (sync/replica.cpp).
        CREATE TABLE sync_parked (
          command_id TEXT PRIMARY KEY NOT NULL,
          server_seq INTEGER NOT NULL,
          op         TEXT NOT NULL,   -- the operation as pulled (JSON)
          code       TEXT NOT NULL    -- why it waits (not_found)
        ) STRICT;
      )sql"},
      {11, R"sql(
        -- Bookings pay as seed 004 says (app/appointments.h): the appointment's invoice is
        -- made when its payment comes, issued then (invoice_at 'payment') or left a draft the
        -- practice issues after the session ('session', a deposit only); a paid deposit or
        -- booking is refundable on cancellation until refund_until_hours before the start
        -- (NULL: the practice's terms keep it). Appointments booked before keep their invoices.
        ALTER TABLE appointment_categories ADD COLUMN invoice_at TEXT NOT NULL DEFAULT 'payment'
          CHECK (invoice_at IN ('payment', 'session'));
        ALTER TABLE appointment_categories ADD COLUMN refund_until_hours INTEGER
          CHECK (refund_until_hours IS NULL OR refund_until_hours BETWEEN 0 AND 720);
        -- What a cancellation did with the money: kept, or to refund (the card refund is the
        -- practice's next step, through Stripe).
        ALTER TABLE appointments ADD COLUMN settlement TEXT NOT NULL DEFAULT ''
          CHECK (settlement IN ('', 'refund', 'keep'));
        -- What the booking agreed, kept at booking: the invoice made at payment follows it,
        -- whatever the category says by then. price: the line's total, tax included (what a
        -- full payment asks; NULL for a booking of an earlier version); invoice_line: the line,
        -- resolved (label, unit price, tax rate, day: no service, which may be archived since);
        -- policy and invoice_at: the category's then.
        ALTER TABLE appointments ADD COLUMN price INTEGER CHECK (price IS NULL OR price >= 0);
        ALTER TABLE appointments ADD COLUMN invoice_line TEXT NOT NULL DEFAULT '';
        ALTER TABLE appointments ADD COLUMN policy TEXT NOT NULL DEFAULT '';
        ALTER TABLE appointments ADD COLUMN invoice_at TEXT NOT NULL DEFAULT 'payment';
        CREATE INDEX appointments_by_invoice ON appointments(invoice_id);
        CREATE INDEX appointments_by_request ON appointments(request_id);
      )sql"},
      {12, R"sql(
        -- The patient record (docs/commands.md, « Patients »): civilité (« Mme », « M. » or
        -- none), prénom, nom, date de naissance (YYYY-MM-DD or ''), notes for the desk. `name`
        -- stays the name shown, sorted and searched: « Prénom Nom » once either is given.
        ALTER TABLE patients ADD COLUMN title TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
        ALTER TABLE patients ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        -- An archived record is out of the patient list and search; its books stay. A record
        -- merged into another (patient.merge) is archived and names the one kept.
        ALTER TABLE patients ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
        ALTER TABLE patients ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';
      )sql"},
      {13, R"sql(
        -- An issued document keeps what it prints of the practice, its addressee and its patient
        -- as they were at issue (app/frozen_documents.h): JSON, '' for a draft. Documents issued
        -- before this version are frozen here with what they print today, a setting never set
        -- as null (its default, then).
        ALTER TABLE invoices ADD COLUMN frozen TEXT NOT NULL DEFAULT '';
        ALTER TABLE credit_notes ADD COLUMN frozen TEXT NOT NULL DEFAULT '';
        CREATE TEMP VIEW frozen_practice AS SELECT json_object(
              'name', (SELECT value FROM settings WHERE key = 'practice.name'),
              'address', (SELECT value FROM settings WHERE key = 'practice.address'),
              'siret', (SELECT value FROM settings WHERE key = 'practice.siret'),
              'rpps', (SELECT value FROM settings WHERE key = 'practice.rpps'),
              'adeli', (SELECT value FROM settings WHERE key = 'practice.adeli'),
              'ei_mention', (SELECT value FROM settings WHERE key = 'practice.ei_mention'),
              'vat_mention', (SELECT value FROM settings WHERE key = 'practice.vat_mention'),
              'cgv_url', (SELECT value FROM settings WHERE key = 'practice.cgv_url'),
              'cancellation_terms', (SELECT value FROM settings WHERE key = 'practice.cancellation_terms')) AS practice;
        UPDATE invoices SET frozen = json_object(
            'practice', json((SELECT practice FROM frozen_practice)),
            'bill_to', json(CASE WHEN contact_id IS NULL OR contact_id = ''
              THEN (SELECT json_object('name', ltrim(title || ' ' || name), 'address', address) FROM patients p
                    WHERE p.id = invoices.patient_id)
              ELSE (SELECT json_object('name', name, 'address', address) FROM contacts c WHERE c.id = invoices.contact_id)
              END),
            'patient_name', (SELECT name FROM patients p WHERE p.id = invoices.patient_id))
          WHERE state != 'draft';
        UPDATE credit_notes SET frozen = json_object(
            'practice', json((SELECT practice FROM frozen_practice)),
            'bill_to', json(CASE WHEN COALESCE((SELECT contact_id FROM invoices i WHERE i.id = credit_notes.invoice_id), '') = ''
              THEN (SELECT json_object('name', ltrim(title || ' ' || name), 'address', address) FROM patients p
                    WHERE p.id = credit_notes.patient_id)
              ELSE (SELECT json_object('name', c.name, 'address', c.address) FROM contacts c
                    JOIN invoices i ON i.contact_id = c.id WHERE i.id = credit_notes.invoice_id)
              END),
            'patient_name', (SELECT name FROM patients p WHERE p.id = credit_notes.patient_id));
        DROP VIEW frozen_practice;
      )sql"},
      {14, R"sql(
        -- A patient's attestation or statement asked for by email (patient.email_document, and
        -- the year's attestations for all, attestation.email_all): the server sends each once,
        -- with its PDF, through its outbox (server/mail/document_mail.h).
        CREATE TABLE document_emails (
          id          TEXT PRIMARY KEY NOT NULL,
          patient_id  TEXT NOT NULL REFERENCES patients(id),
          kind        TEXT NOT NULL CHECK (kind IN ('attestation', 'statement')),
          period_from TEXT NOT NULL,  -- ISO dates: the attestation's year, the statement's period
          period_to   TEXT NOT NULL,
          recipient   TEXT NOT NULL,
          created_at  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX document_emails_by_created ON document_emails(created_at);
        CREATE INDEX document_emails_by_patient ON document_emails(patient_id, kind, period_from);
        -- Their emails: sent with each document asked for, never per invoice (no on/off, no delay).
        INSERT INTO message_templates(id, system_key, name, subject, body, attach_pdf, delay_amount, delay_unit, active)
          VALUES ('system-attestation', 'attestation', 'Attestation de paiement',
           'Attestation de paiement – {{cabinet}}',
           'Bonjour {{patient}},' || char(10) || char(10) ||
           'Veuillez trouver ci-joint votre attestation de paiement, à transmettre à votre mutuelle.' ||
           char(10) || char(10) || 'Cordialement,' || char(10) || '{{cabinet}}',
           1, 0, 'hours', 1),
           ('system-statement', 'statement', 'Relevé de compte',
           'Relevé de compte – {{cabinet}}',
           'Bonjour {{patient}},' || char(10) || char(10) ||
           'Veuillez trouver ci-joint le relevé de votre compte : factures, paiements, avoirs et remboursements, ' ||
           'avec le solde.' || char(10) || char(10) || 'Cordialement,' || char(10) || '{{cabinet}}',
           1, 0, 'hours', 1);
      )sql"},
      {15, R"sql(
        -- How many invoices each status holds, kept in step by triggers: the invoice list's
        -- total for a status (or for all) is read here instead of counting ~100,000 index
        -- entries at every page. Derived: sync's undo leaves it to the triggers (store/changes.cpp).
        CREATE TABLE invoice_counts (
          status TEXT PRIMARY KEY NOT NULL,
          n      INTEGER NOT NULL
        ) STRICT;
        INSERT INTO invoice_counts(status, n) SELECT status, COUNT(*) FROM invoices GROUP BY status;
        CREATE TRIGGER invoice_counts_insert AFTER INSERT ON invoices BEGIN
          INSERT INTO invoice_counts(status, n) VALUES (NEW.status, 1) ON CONFLICT(status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER invoice_counts_delete AFTER DELETE ON invoices BEGIN
          UPDATE invoice_counts SET n = n - 1 WHERE status = OLD.status;
        END;
        CREATE TRIGGER invoice_counts_update AFTER UPDATE OF status ON invoices WHEN OLD.status IS NOT NEW.status BEGIN
          UPDATE invoice_counts SET n = n - 1 WHERE status = OLD.status;
          INSERT INTO invoice_counts(status, n) VALUES (NEW.status, 1) ON CONFLICT(status) DO UPDATE SET n = n + 1;
        END;
      )sql"},
      {16, R"sql(
        -- The search index brought up to date once per transaction (store/search_index.h): the
        -- triggers note each patient written, with the name the index holds for it (NULL for
        -- one it does not hold yet); the first note of a row in a transaction is the one kept.
        DROP TRIGGER patients_fts_insert;
        DROP TRIGGER patients_fts_update;
        DROP TRIGGER patients_fts_delete;
        CREATE TABLE patients_fts_stale (
          patient_rowid INTEGER PRIMARY KEY,
          indexed_name  TEXT
        ) STRICT;
        CREATE TRIGGER patients_fts_stale_insert AFTER INSERT ON patients BEGIN
          INSERT INTO patients_fts_stale(patient_rowid, indexed_name) SELECT new.rowid, NULL
            WHERE NOT EXISTS (SELECT 1 FROM patients_fts_stale WHERE patient_rowid = new.rowid);
        END;
        CREATE TRIGGER patients_fts_stale_update AFTER UPDATE OF name ON patients BEGIN
          INSERT INTO patients_fts_stale(patient_rowid, indexed_name) SELECT old.rowid, old.name
            WHERE NOT EXISTS (SELECT 1 FROM patients_fts_stale WHERE patient_rowid = old.rowid);
        END;
        CREATE TRIGGER patients_fts_stale_delete AFTER DELETE ON patients BEGIN
          INSERT INTO patients_fts_stale(patient_rowid, indexed_name) SELECT old.rowid, old.name
            WHERE NOT EXISTS (SELECT 1 FROM patients_fts_stale WHERE patient_rowid = old.rowid);
        END;
      )sql"},
  };
  return migrations;
}

int schema_version(Database& db) {
  Statement st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.column_int64(0));
}

void migrate(Database& db, const std::vector<Migration>& migrations) {
  int current = schema_version(db);
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    throw StoreError(SQLITE_ERROR, "the database has schema version " + std::to_string(current) +
                                       ", newer than this Quittance knows (" + std::to_string(newest) +
                                       "): update Quittance");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    db.transaction([&] {
      db.exec(m.sql);
      db.exec("PRAGMA user_version = " + std::to_string(m.version));
    });
    current = m.version;
  }
}

}  // namespace quittance::store
