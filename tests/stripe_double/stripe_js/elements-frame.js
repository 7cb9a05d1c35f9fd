// The card frame of the Stripe.js stand-in (v3.js mounts it). It holds the card fields, checks
// them, and turns a card number into one of Stripe's test tokens, so the number never reaches
// the page, as with Stripe's own frames. It talks only to the page that embedded it: that
// page's origin comes in the frame's URL (#origin=...&channel=...), every message out is
// addressed to that origin, and a message in is taken only from it (and from the parent window).
(function () {
  'use strict';

  const params = new URLSearchParams(location.hash.slice(1));
  const PARENT_ORIGIN = params.get('origin');
  const CHANNEL = params.get('channel');
  // Not embedded, or not told by whom: talk to no one (never to '*').
  if (window.parent === window || !CHANNEL || !isOrigin(PARENT_ORIGIN)) return;

  function isOrigin(text) {
    try {
      return typeof text === 'string' && new URL(text).origin === text;
    } catch {
      return false;
    }
  }

  // The card numbers of Stripe's test cards, and the token each stands for.
  const TOKENS = {
    '4242424242424242': 'pm_card_visa',
    '5555555555554444': 'pm_card_mastercard',
    '4000000000009995': 'pm_card_chargeDeclinedInsufficientFunds',
    '4000000000000002': 'pm_card_chargeDeclined',
    '4000002760003184': 'pm_card_authenticationRequired',
  };

  const form = document.getElementById('card');
  const fields = {
    number: document.getElementById('number'),
    expiry: document.getElementById('expiry'),
    cvc: document.getElementById('cvc'),
  };
  const digits = (input) => input.value.replace(/\D/g, '');

  // ---- checks: null, or the error Stripe.js would give ({code, message}, in French) ----

  function numberError() {
    const number = digits(fields.number);
    if (number.length < 16) return { code: 'incomplete_number', message: 'Le numéro de carte est incomplet.' };
    if (!TOKENS[number]) return { code: 'incorrect_number', message: 'Le numéro de carte est incorrect.' };
    return null;
  }

  function expiryError() {
    const value = digits(fields.expiry);
    if (value.length < 4) return { code: 'incomplete_expiry', message: "La date d'expiration de la carte est incomplète." };
    const month = Number(value.slice(0, 2));
    const year = 2000 + Number(value.slice(2, 4));
    if (month < 1 || month > 12) return { code: 'invalid_expiry_month', message: "Le mois d'expiration de la carte n'est pas valide." };
    // A card is valid until the end of its month.
    const now = new Date();
    if (year < now.getFullYear()) {
      return { code: 'invalid_expiry_year_past', message: "L'année d'expiration de la carte est déjà passée." };
    }
    if (year === now.getFullYear() && month < now.getMonth() + 1) {
      return { code: 'invalid_expiry_month_past', message: "La date d'expiration de la carte est déjà passée." };
    }
    return null;
  }

  function cvcError() {
    if (digits(fields.cvc).length !== 3) return { code: 'incomplete_cvc', message: 'Le code de sécurité de la carte est incomplet.' };
    return null;
  }

  const CHECKS = { number: numberError, expiry: expiryError, cvc: cvcError };

  // Shown under its field, and tied to it for screen readers (aria-invalid, aria-describedby).
  function show(name, error) {
    const input = fields[name];
    document.getElementById(name + '-error').textContent = error ? error.message : '';
    if (error) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  const shown = (name) => fields[name].getAttribute('aria-invalid') === 'true';

  // Every field checked and its error shown; the first error (in reading order), or null.
  function checkAll() {
    let first = null;
    for (const name of Object.keys(fields)) {
      const error = CHECKS[name]();
      show(name, error);
      if (error && !first) first = { name, error };
    }
    return first;
  }

  // ---- typing: digits grouped as printed on the card, the caret kept after the same digit ----

  function reformat(input, format, maxDigits) {
    const caret = input.selectionStart === null ? input.value.length : input.selectionStart;
    const before = input.value.slice(0, caret).replace(/\D/g, '').length;
    const formatted = format(digits(input).slice(0, maxDigits));
    if (formatted === input.value) return;
    input.value = formatted;
    let position = 0;
    for (let seen = 0; position < formatted.length && seen < before; position++) {
      if (/\d/.test(formatted[position])) seen++;
    }
    input.setSelectionRange(position, position);
  }

  const FORMATS = {
    number: [(d) => d.replace(/(\d{4})(?=\d)/g, '$1 '), 16],
    expiry: [(d) => (d.length > 2 ? d.slice(0, 2) + '/' + d.slice(2) : d), 4],
    cvc: [(d) => d, 3],
  };

  // What Stripe's change event says: complete once every field is filled in a valid form.
  function changed() {
    const empty = Object.values(fields).every((input) => input.value === '');
    const complete = digits(fields.number).length === 16 && !expiryError() && !cvcError();
    send({ type: 'change', empty, complete });
  }

  for (const [name, input] of Object.entries(fields)) {
    input.addEventListener('input', () => {
      reformat(input, ...FORMATS[name]);
      if (shown(name)) show(name, CHECKS[name]());  // an error goes as soon as it is fixed
      changed();
    });
    // Told on leaving the field, not while the patient is still typing.
    input.addEventListener('blur', () => {
      if (input.value !== '') show(name, CHECKS[name]());
    });
  }

  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') send({ type: 'escape' });
  });
  form.addEventListener('focusin', (event) => {
    if (!form.contains(event.relatedTarget)) send({ type: 'focus' });
  });
  form.addEventListener('focusout', (event) => {
    if (!form.contains(event.relatedTarget)) send({ type: 'blur' });
  });

  // ---- the page: messages both ways ----

  function send(message) {
    window.parent.postMessage(Object.assign({ channel: CHANNEL }, message), PARENT_ORIGIN);
  }

  function reply(id, result) {
    send({ type: 'reply', id, result });
  }

  const APPEARANCE = {
    colorPrimary: '--color-primary', colorBackground: '--color-background', colorText: '--color-text',
    colorDanger: '--color-danger', fontFamily: '--font-family', borderRadius: '--border-radius',
  };

  function applyAppearance(variables) {
    for (const [name, property] of Object.entries(APPEARANCE)) {
      const value = variables && variables[name];
      if (typeof value === 'string' && value.length < 200) document.documentElement.style.setProperty(property, value);
    }
  }

  function validationError(found) {
    return { type: 'validation_error', code: found.error.code, message: found.error.message };
  }

  window.addEventListener('message', (event) => {
    if (event.origin !== PARENT_ORIGIN || event.source !== window.parent) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || data.channel !== CHANNEL) return;
    if (data.type === 'collect' || data.type === 'validate') {
      const found = checkAll();
      if (found) {
        fields[found.name].focus();
        return reply(data.id, { error: validationError(found) });
      }
      reply(data.id, data.type === 'collect' ? { token: TOKENS[digits(fields.number)] } : {});
    } else if (data.type === 'appearance') {
      applyAppearance(data.variables);
    } else if (data.type === 'focus') {
      fields.number.focus();
    } else if (data.type === 'clear') {
      for (const name of Object.keys(fields)) {
        fields[name].value = '';
        show(name, null);
      }
      changed();
    }
  });

  send({ type: 'ready' });
  // The page sizes the iframe to the form, so nothing scrolls inside it.
  new ResizeObserver(() => send({ type: 'resize', height: form.getBoundingClientRect().height }))
    .observe(form);
})();
