// The patient payment page, /pay/TOKEN (docs/payment_requests.md): shows the request the page's
// API describes (GET /api/pay/TOKEN) and pays it with Stripe.js's Payment Element, loaded only
// once the patient asks to pay. Plain DOM, no framework, nothing inline (the page's CSP allows
// no inline script or style): every text goes in with textContent, never as HTML.
'use strict';
(function () {
  // ---- Formatting (French) --------------------------------------------------------------------

  // "1 234,56 €", "5 000 XPF" from integer minor units: narrow no-break spaces between
  // thousands, a no-break space before the symbol, the currency's own decimals (core/money.cpp
  // knows the same currencies). Integer arithmetic only (exact below 2^53).
  const symbols = { EUR: '€', GBP: '£', USD: '$' };
  const zeroDecimal = new Set(['XPF']);
  function money(minor, currency) {
    if (!Number.isSafeInteger(minor)) return '—';
    const code = String(currency || 'EUR').toUpperCase();
    const scale = zeroDecimal.has(code) ? 1 : 100;
    const negative = minor < 0;
    const abs = negative ? -minor : minor;
    const fraction = abs % scale;
    const whole = String((abs - fraction) / scale).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202F');
    const decimals = scale === 1 ? '' : ',' + String(fraction).padStart(2, '0');
    return (negative ? '-' : '') + whole + decimals + '\u00A0' + (symbols[code] || code);
  }

  const two = (n) => String(n).padStart(2, '0');

  // "2026-12-01" → "01/12/2026" (the day as written, no time zone involved).
  function dateFr(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso || ''));
    return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
  }

  // "2026-12-12T14:30" (the practice's wall clock) → "le 12/12/2026 à 14:30".
  function appointmentFr(startsAt) {
    const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(String(startsAt || ''));
    return m ? `le ${m[3]}/${m[2]}/${m[1]} à ${m[4]}:${m[5]}` : '';
  }

  // An instant ("2026-12-11T10:00:00Z") in the patient's own time: "11/12/2026 à 11:00".
  function instantFr(iso) {
    const d = new Date(String(iso || ''));
    if (Number.isNaN(d.getTime())) return '';
    return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} à ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  // "1.5" → "1,5".
  const quantityFr = (q) => String(q === undefined || q === null ? '' : q).replace('.', ',');

  // ---- DOM helpers ----------------------------------------------------------------------------

  // h('p', {class: 'x'}, 'text', child…): attributes are set as attributes (no style, no
  // handlers: listeners are added with addEventListener), children as text or nodes.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.className = value;
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false || child === '') continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  // Only web links for the practice's terms; only this site's own paths for the PDFs.
  function webUrl(url) {
    try {
      const u = new URL(String(url || ''));
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }
  function ownUrl(url) {
    try {
      const u = new URL(String(url || ''), location.href);
      return u.origin === location.origin ? u.pathname + u.search : null;
    } catch (e) {
      return null;
    }
  }
  const emailOk = (email) => typeof email === 'string' && /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/.test(email);

  // ---- The link -------------------------------------------------------------------------------

  // /pay/TOKEN, TOKEN being 43 characters of base64url; the page may sit under a path prefix.
  const linkMatch = /\/pay\/([A-Za-z0-9_-]{43})$/.exec(location.pathname);
  const token = linkMatch ? linkMatch[1] : null;
  const apiUrl = linkMatch ? location.pathname.slice(0, linkMatch.index) + '/api/pay/' + token : null;

  // Back from a payment method that left the page (3-D Secure, a bank's page): Stripe adds
  // ?payment_intent=…&payment_intent_client_secret=…&redirect_status=… to return_url. Read, then
  // taken off the address (the secret has no business in the history).
  const params = new URLSearchParams(location.search);
  const redirectStatus = params.get('redirect_status');
  if (location.search) history.replaceState(null, '', location.pathname);

  const header = document.getElementById('practice');
  const main = document.getElementById('main');
  const footer = document.getElementById('footer');

  let data = null;          // the last GET's answer
  let rendered = false;     // a first view is on screen: later views take the focus
  let generation = 0;       // bumped by each view: a poll or a payment of an older view stops

  // ---- The page's API -------------------------------------------------------------------------

  // Resolves with {status, body} (body null when not JSON); rejects on a network failure.
  async function call(method, url, json) {
    const init = { method, cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    const res = await fetch(url, init);
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    return { status: res.status, body };
  }
  const errorCode = (answer) => (answer.body && answer.body.error && answer.body.error.code) || '';

  // ---- Views ----------------------------------------------------------------------------------

  function practiceOf(d) {
    return (d && d.practice) || {};
  }

  // The header: the practice's name and address, or a neutral title when it is not known.
  function renderHeader(practice, withAddress) {
    header.replaceChildren(h('p', { class: 'practice-name' }, practice.name || 'Paiement en ligne'));
    if (withAddress && practice.address) header.append(h('p', { class: 'practice-address' }, practice.address));
  }

  // The footer: how to reach the practice, when the view has nothing of it already.
  function renderFooter(practice) {
    footer.replaceChildren();
    if (emailOk(practice.email)) {
      footer.append(h('p', null, 'Une question sur cette demande ? Écrivez au cabinet : ',
        h('a', { href: 'mailto:' + practice.email }, practice.email)));
    }
    footer.hidden = !footer.firstChild;
  }

  // Puts a view in <main>: its h1 and content. Once a first view was shown, the focus goes to
  // the new h1, so that a screen reader says what changed and the page starts at its top.
  function show(title, nodes, { practice = {}, address = false, withFooter = true, pageTitle, loading = false } = {}) {
    generation += 1;
    renderHeader(practice, address);
    if (withFooter) renderFooter(practice); else { footer.replaceChildren(); footer.hidden = true; }
    const h1 = h('h1', { id: 'title', tabindex: '-1' }, title);
    main.replaceChildren(h1, ...nodes);
    document.title = (pageTitle || title) + (practice.name ? ' — ' + practice.name : '');
    if (rendered) h1.focus();
    if (!loading) rendered = true;
    return generation;
  }

  function showLoading() {
    show('Demande de paiement', [h('p', { class: 'status', role: 'status' }, 'Chargement de la demande de paiement…')],
      { withFooter: false, loading: true });
  }

  function showInvalid() {
    show('Lien de paiement non valide', [
      h('p', { class: 'message' },
        "Ce lien de paiement n'est pas valide. Vérifiez qu'il est complet, ou contactez votre cabinet."),
    ], { withFooter: false });
  }

  function showLoadError(title, text) {
    const retry = h('button', { type: 'button', class: 'button primary' }, 'Réessayer');
    retry.addEventListener('click', () => load());
    show(title, [h('p', { class: 'message' }, text), retry], { withFooter: false, pageTitle: 'Demande de paiement' });
  }

  function contactLine(practice, before) {
    if (!emailOk(practice.email)) return null;
    return h('p', null, before, h('a', { href: 'mailto:' + practice.email }, practice.email));
  }

  function showExpired(d) {
    const practice = practiceOf(d);
    show('Lien de paiement expiré', [
      h('p', { class: 'message' }, 'Ce lien de paiement a expiré.'),
      h('p', null, `Contactez ${practice.name || 'votre cabinet'} pour en recevoir un nouveau.`),
      contactLine(practice, 'Par e-mail : '),
    ], { practice, withFooter: false });
  }

  function showCancelled(d) {
    const practice = practiceOf(d);
    show('Demande de paiement annulée', [
      h('p', { class: 'message' }, 'Cette demande de paiement a été annulée par le cabinet.'),
      contactLine(practice, 'Pour toute question, écrivez au cabinet : '),
    ], { practice, withFooter: false });
  }

  function showProcessing(d) {
    const practice = practiceOf(d);
    show('Paiement en cours de traitement', [
      h('p', { class: 'message' },
        'Votre paiement est en cours de traitement par votre banque. Vous recevrez une confirmation du cabinet.'),
      d.total > 0 ? h('p', { class: 'paid-amount' }, 'Montant : ', h('strong', null, money(d.total, d.currency))) : null,
    ], { practice, address: true });
  }

  // A deposit asked at booking, or the whole visit paid at booking (both kind "deposit": money
  // asked ahead, the invoice made when it comes).
  const isDeposit = (d) => d.kind === 'deposit' && !(d.appointment && d.appointment.payment === 'full');

  function showPaid(d) {
    const practice = practiceOf(d);
    const card = d.kind === 'card';
    const nodes = [];
    if (card) {
      nodes.push(h('p', { class: 'message' },
        `${practice.name || 'Le cabinet'} pourra l'utiliser pour régler vos prochaines séances. ` +
        'Vous pouvez retirer cet accord à tout moment en le demandant au cabinet.'));
    } else if (d.total > 0) {
      nodes.push(h('p', { class: 'paid-amount' }, isDeposit(d) ? 'Acompte réglé : ' : 'Montant réglé : ',
        h('strong', null, money(d.total, d.currency))));
    } else {
      // Settled another way (at the desk): the books have nothing left to ask, so no amount.
      nodes.push(h('p', { class: 'message' },
        d.invoices && d.invoices.length > 1 ? 'Ces factures sont réglées.' : 'Cette facture est réglée.'));
    }
    const links = (Array.isArray(d.invoices) ? d.invoices : [])
      .map((inv) => ({ inv, href: ownUrl(inv.pdf) }))
      .filter((x) => x.href && x.inv.number);
    if (links.length) {
      nodes.push(h('h2', null, links.length > 1 ? 'Vos factures' : 'Votre facture'),
        h('ul', { class: 'downloads' }, links.map(({ inv, href }) => h('li', null,
          h('a', { href, download: `${inv.number}.pdf`, class: 'download' }, 'Télécharger la facture ', number(inv.number), ' (PDF)')))));
    }
    nodes.push(h('p', { class: 'fine' }, 'Vous pouvez fermer cette page.'));
    show(card ? 'Votre carte est enregistrée' : 'Merci, votre paiement a été reçu', nodes, { practice, address: true });
    main.prepend(h('div', { class: 'done-mark', 'aria-hidden': 'true' }, '\u2713'));
  }

  // An invoice number, kept on one line ("F-2026-A-" then "000042" reads as two things).
  const number = (text) => h('span', { class: 'nowrap' }, text || '');

  // One row of a <dl> of amounts.
  function amountRow(label, value, cls) {
    return h('div', { class: 'row' + (cls ? ' ' + cls : '') }, h('dt', null, label), h('dd', null, value));
  }

  function invoiceBlock(inv, currency) {
    const lines = Array.isArray(inv.lines) ? inv.lines : [];
    const issued = dateFr(inv.issued_on);
    return h('article', { class: 'invoice' },
      h('h3', null, 'Facture ', number(inv.number)),
      issued ? h('p', { class: 'meta' }, `du ${issued}`) : null,
      lines.length ? h('ul', { class: 'lines' }, lines.map((line) => {
        const details = [];
        const day = dateFr(line.service_date);
        if (day) details.push(`le ${day}`);
        if (line.quantity !== undefined && line.quantity !== null && line.quantity !== '') {
          details.push(`quantité : ${quantityFr(line.quantity)}`);
        }
        return h('li', { class: 'line' },
          h('span', { class: 'line-label' }, line.label || ''),
          h('span', { class: 'line-amount' }, money(line.total, currency)),
          details.length ? h('span', { class: 'line-meta' }, details.join(' · ')) : null);
      })) : null,
      h('dl', { class: 'amounts' },
        amountRow('Total de la facture', money(inv.total, currency)),
        amountRow('Reste dû', money(inv.due, currency), 'strong')));
  }

  function showPayable(d) {
    const practice = practiceOf(d);
    const kind = d.kind;
    const currency = d.currency;
    const nodes = [];

    if (d.patient_name) nodes.push(h('p', { class: 'lead' }, `Pour ${d.patient_name}`));
    if (d.note) nodes.push(h('p', { class: 'note' }, h('span', { class: 'note-label' }, 'Message du cabinet : '), d.note));
    const when = d.appointment && appointmentFr(d.appointment.starts_at);
    const appointment = when ? h('p', { class: 'appointment' }, h('span', { class: 'label' }, 'Rendez-vous : '),
      (d.appointment.category ? `${d.appointment.category}, ` : '') + when) : null;
    if (appointment && kind !== 'deposit') nodes.push(appointment);

    // What is asked.
    const totals = h('dl', { class: 'amounts summary' });
    if (kind === 'invoices') {
      const invoices = Array.isArray(d.invoices) ? d.invoices : [];
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'invoices-title' },
        h('h2', { id: 'invoices-title' }, invoices.length > 1 ? 'Factures à régler' : 'Facture à régler'),
        invoices.map((inv) => invoiceBlock(inv, currency))));
    } else if (kind === 'deposit') {
      const deposit = isDeposit(d);
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'deposit-title' },
        h('h2', { id: 'deposit-title' }, deposit ? 'Acompte' : 'Règlement du rendez-vous'),
        appointment,
        h('dl', { class: 'amounts' }, amountRow(deposit ? "Montant de l'acompte" : 'Montant du rendez-vous',
          money(d.amount, currency), 'strong')),
        deposit ? null : h('p', { class: 'fine' }, 'Votre facture sera disponible ici dès le paiement confirmé.')));
    } else if (kind === 'card') {
      nodes.push(h('div', { class: 'block' },
        h('p', null, `${practice.name || 'Le cabinet'} vous demande d'enregistrer une carte bancaire pour régler vos ` +
          'prochaines séances, sans avoir à la saisir à chaque fois.'),
        h('p', null, h('strong', null, "Aucun montant n'est débité aujourd'hui."))));
    }
    const feeRow = amountRow('Frais de paiement en ligne', money(d.fee, currency));
    const baseRow = amountRow(isDeposit(d) ? 'Acompte' : 'Montant dû', money(d.amount, currency));
    const totalValue = h('dd', null, money(d.total, currency));
    if (kind !== 'card') {
      if (d.fee > 0) totals.append(baseRow, feeRow);
      totals.append(h('div', { class: 'row total' }, h('dt', null, 'Total à payer'), totalValue));
      nodes.push(totals);
    }

    // The practice's terms.
    const cgv = webUrl(practice.cgv_url);
    const terms = practice.cancellation_terms;
    if (cgv || terms) {
      nodes.push(h('section', { class: 'terms', 'aria-labelledby': 'terms-title' },
        h('h2', { id: 'terms-title' }, 'Conditions'),
        terms ? h('p', { class: 'terms-text' }, h('span', { class: 'label' }, "Conditions d'annulation : "), terms) : null,
        cgv ? h('p', null, h('a', { href: cgv, target: '_blank', rel: 'noopener' }, 'Conditions générales de vente'),
          h('span', { class: 'visually-hidden' }, ' (nouvel onglet)')) : null));
    }

    nodes.push(paymentForm(d, totals, totalValue));

    const expiry = instantFr(d.expires_at);
    if (expiry) nodes.push(h('p', { class: 'fine' }, `Ce lien est valable jusqu'au ${expiry}.`));

    const title = kind === 'card' ? 'Enregistrement de votre carte' : 'Demande de paiement';
    return show(title, nodes, { practice, address: true });
  }

  // ---- Paying ---------------------------------------------------------------------------------

  let stripeLoading = null;  // the Stripe.js script's promise, once asked for

  // Loads Stripe.js from the URL the server gives (its origin is in the page's CSP).
  function loadStripe(url) {
    if (typeof window.Stripe === 'function') return Promise.resolve(window.Stripe);
    if (stripeLoading) return stripeLoading;
    stripeLoading = new Promise((resolve, reject) => {
      const src = webUrl(url);
      if (!src) return reject(new Error('no Stripe.js URL'));
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      const timer = setTimeout(() => failed(new Error('Stripe.js timed out')), 30000);
      function failed(error) {
        clearTimeout(timer);
        script.remove();
        stripeLoading = null;  // the next try loads it again
        reject(error);
      }
      script.addEventListener('load', () => {
        clearTimeout(timer);
        if (typeof window.Stripe === 'function') resolve(window.Stripe);
        else failed(new Error('Stripe.js did not define Stripe'));
      });
      script.addEventListener('error', () => failed(new Error('Stripe.js did not load')));
      document.head.appendChild(script);
    });
    return stripeLoading;
  }

  const kNetwork = 'Connexion impossible. Vérifiez votre connexion Internet, puis réessayez.';

  // The form of a payable request: the consent to keep the card, « Payer … », then the Payment
  // Element and « Confirmer le paiement ».
  function paymentForm(d, totals, totalValue) {
    const practice = practiceOf(d);
    const setup = d.kind === 'card';
    const saveCard = d.save_card === 'offered' || d.save_card === 'required' ? d.save_card : 'none';
    const form = h('form', { class: 'pay-form', novalidate: true, 'aria-labelledby': 'pay-title' });
    form.append(h('h2', { id: 'pay-title', class: 'visually-hidden' }, setup ? 'Enregistrer la carte' : 'Payer'));

    let consent = null;
    if (saveCard !== 'none') {
      consent = h('input', { type: 'checkbox', id: 'consent', name: 'save_card',
        required: saveCard === 'required', 'aria-required': saveCard === 'required' ? 'true' : null,
        'aria-describedby': saveCard === 'required' ? 'consent-hint' : null });
      const label = h('label', { for: 'consent' },
        `J'accepte que ${practice.name || 'le cabinet'} enregistre ma carte auprès de Stripe pour débiter les prochaines ` +
        "séances. Je peux retirer cet accord à tout moment en le demandant au cabinet.");
      form.append(h('div', { class: 'consent' + (saveCard === 'required' ? ' required' : '') }, consent, label));
      if (saveCard === 'required') {
        form.append(h('p', { id: 'consent-hint', class: 'hint' }, 'Obligatoire : votre accord est nécessaire pour enregistrer la carte.'));
      }
      consent.addEventListener('change', () => {
        if (consent.checked) {
          consent.removeAttribute('aria-invalid');
          if (errorBox.dataset.kind === 'consent') setError('');
        }
      });
    }

    const payLabel = () => (setup ? 'Enregistrer ma carte' : `Payer ${money(d.total, d.currency)}`);
    const payButton = h('button', { type: 'submit', class: 'button primary pay' }, payLabel());
    form.append(payButton);

    // Filled once the server has made the intent.
    const stepTitle = h('h2', { id: 'card-step-title', tabindex: '-1' }, setup ? 'Votre carte' : 'Vos informations de paiement');
    const elementBox = h('div', { id: 'payment-element', class: 'payment-element' });
    const confirmButton = h('button', { type: 'button', class: 'button primary', disabled: true },
      setup ? "Confirmer l'enregistrement" : 'Confirmer le paiement');
    const confirmHint = h('p', { class: 'hint', id: 'confirm-hint' }, setup
      ? "Le bouton s'active une fois votre carte saisie."
      : "Le bouton s'active une fois vos informations de paiement saisies.");
    confirmButton.setAttribute('aria-describedby', 'confirm-hint');
    const cardStep = h('div', { class: 'card-step', hidden: true }, stepTitle, elementBox, confirmButton, confirmHint);
    form.append(cardStep);

    // What goes on, and what went wrong: live regions present from the start, so that a change
    // is read out.
    const statusBox = h('p', { class: 'status', role: 'status' });
    const errorBox = h('div', { class: 'error', role: 'alert' });
    form.append(statusBox, errorBox);
    form.append(h('p', { class: 'secure' }, h('strong', null, 'Paiement sécurisé par Stripe'),
      ' : vos coordonnées bancaires sont transmises directement à Stripe, le cabinet ne les reçoit pas.'));

    function setError(text, kind) {
      errorBox.replaceChildren();
      delete errorBox.dataset.kind;
      if (text) {
        errorBox.append(h('p', null, h('strong', null, 'Erreur : '), text));
        if (kind) errorBox.dataset.kind = kind;
      }
    }
    const setStatus = (text) => { statusBox.textContent = text || ''; };

    let busy = false;
    function setBusy(button, on, text) {
      busy = on;
      if (on) button.setAttribute('aria-disabled', 'true'); else button.removeAttribute('aria-disabled');
      button.classList.toggle('busy', on);
      setStatus(text);
    }

    let stripe = null;
    let elements = null;
    let mode = setup ? 'setup' : 'payment';
    let complete = false;
    let myGeneration = 0;

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy || stripe) return;
      myGeneration = generation;
      setError('');
      if (saveCard === 'required' && !consent.checked) {
        consent.setAttribute('aria-invalid', 'true');
        setError("Cochez la case pour accepter l'enregistrement de votre carte.", 'consent');
        consent.focus();
        return;
      }
      setBusy(payButton, true, setup ? 'Préparation…' : 'Préparation du paiement…');
      let answer;
      try {
        answer = await call('POST', apiUrl + '/intent', { save_card: saveCard !== 'none' && consent.checked });
      } catch (e) {
        setBusy(payButton, false, '');
        return setError(kNetwork);
      }
      if (myGeneration !== generation) return;
      const body = answer.body || {};
      if (answer.status !== 200 || !body.ok || !body.client_secret) {
        setBusy(payButton, false, '');
        return intentFailed(answer);
      }
      mode = body.mode === 'setup' ? 'setup' : 'payment';
      // The server's amount is the one charged: shown if it is not the one the page had.
      if (Number.isSafeInteger(body.total) && body.total !== d.total) {
        d.amount = body.amount; d.fee = body.fee; d.total = body.total;
        totalValue.textContent = money(d.total, d.currency);
        for (const row of totals.querySelectorAll('.row:not(.total)')) row.remove();
        if (d.fee > 0) totals.prepend(amountRow('Montant dû', money(d.amount, d.currency)), amountRow('Frais de paiement en ligne', money(d.fee, d.currency)));
      }
      let StripeJs;
      try {
        StripeJs = await loadStripe(d.stripe && d.stripe.js_url);
        if (myGeneration !== generation) return;
        // The practice's own Stripe account (Connect), where its intent was made.
        const options = { locale: 'fr' };
        if (d.stripe.account) options.stripeAccount = d.stripe.account;
        stripe = StripeJs(d.stripe.publishable_key, options);
        elements = stripe.elements({ clientSecret: body.client_secret, locale: 'fr' });
        const element = elements.create('payment');
        cardStep.hidden = false;
        element.mount('#payment-element');
        element.on('change', (e) => {
          complete = !!(e && e.complete);
          confirmButton.disabled = !complete;
          if (complete) confirmHint.textContent = '';
        });
      } catch (e) {
        stripe = null;
        elements = null;
        cardStep.hidden = true;
        elementBox.replaceChildren();
        setBusy(payButton, false, '');
        return setError('Le formulaire de paiement n\'a pas pu être chargé. Vérifiez votre connexion Internet, puis réessayez.');
      }
      setBusy(payButton, false, '');
      payButton.hidden = true;
      if (consent) consent.disabled = true;  // the choice went with the intent
      stepTitle.focus();
    });

    function intentFailed(answer) {
      const code = errorCode(answer);
      if (answer.status === 404) return showInvalid();
      if (answer.status === 409 || code === 'already_paid' || code === 'payment_processing') return load();
      if (code === 'link_expired') return showExpired(d);
      if (code === 'link_cancelled') return showCancelled(d);
      if (answer.status === 410) return load();
      if (answer.status === 503 || code === 'payments_unavailable') {
        return setError("Le paiement en ligne n'est pas disponible pour le moment.");
      }
      if (answer.status === 502 || code === 'stripe_unreachable') {
        return setError('Le service de paiement ne répond pas, réessayez dans un instant.');
      }
      if (answer.status === 429) return setError('Trop de tentatives en peu de temps. Réessayez dans une minute.');
      return setError('Une erreur est survenue. Réessayez dans un instant.');
    }

    confirmButton.addEventListener('click', async () => {
      if (busy || !stripe || !complete) return;
      myGeneration = generation;
      setError('');
      setBusy(confirmButton, true, setup ? 'Enregistrement en cours…' : 'Paiement en cours…');
      let result;
      try {
        const options = { elements, redirect: 'if_required', confirmParams: { return_url: location.href } };
        result = await (mode === 'setup' ? stripe.confirmSetup(options) : stripe.confirmPayment(options));
      } catch (e) {
        result = { error: { message: kNetwork } };
      }
      if (myGeneration !== generation) return;
      setBusy(confirmButton, false, '');
      if (result && result.error) {
        // Declined, or a card number mistyped: said beside the form, which stays usable for
        // another card.
        return setError(result.error.message || "Le paiement n'a pas abouti. Réessayez ou utilisez une autre carte.");
      }
      const intent = result && (result.paymentIntent || result.setupIntent);
      const status = intent && intent.status;
      if (status && !['succeeded', 'processing', 'requires_capture'].includes(status)) {
        return setError("Le paiement n'a pas abouti. Réessayez ou utilisez une autre carte.");
      }
      waitForConfirmation(form, setup);
    });

    return form;
  }

  // After Stripe said yes: the books learn it from Stripe's webhook, so the page asks the
  // server every second, for a minute, until the request is paid.
  function waitForConfirmation(form, setup) {
    const mine = generation;
    const text = h('p', { class: 'pending-text', role: 'status', tabindex: '-1' },
      setup ? 'Enregistrement de votre carte en cours de confirmation…' : 'Paiement en cours de confirmation…');
    const box = h('div', { class: 'pending' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
    form.replaceWith(box);
    text.focus();
    const deadline = Date.now() + 60000;
    async function poll() {
      if (mine !== generation) return;
      if (Date.now() > deadline) {
        const refresh = h('button', { type: 'button', class: 'button' }, 'Actualiser');
        refresh.addEventListener('click', () => load());
        box.replaceChildren(h('p', { role: 'status' }, 'La confirmation prend plus de temps que prévu. ' +
          'Vous recevrez une confirmation du cabinet ; vous pouvez aussi actualiser cette page dans quelques minutes.'), refresh);
        return;
      }
      try {
        const answer = await call('GET', apiUrl);
        if (mine !== generation) return;
        if (answer.status === 200 && answer.body && answer.body.ok) {
          const state = answer.body.state;
          if (state === 'paid' || state === 'expired' || state === 'cancelled') return showState(answer.body);
          if (state === 'processing') {
            showState(answer.body);  // said, and still watched
            setTimeout(pollProcessing, 1000, generation, deadline);
            return;
          }
        }
      } catch (e) {
        // a network hiccup: asked again at the next tick
      }
      setTimeout(poll, 1000);
    }
    setTimeout(poll, 1000);
  }

  // The bank is still processing: the view says so; a paid answer within the minute replaces it.
  async function pollProcessing(mine, deadline) {
    if (mine !== generation || Date.now() > deadline) return;
    try {
      const answer = await call('GET', apiUrl);
      if (mine !== generation) return;
      if (answer.status === 200 && answer.body && answer.body.ok && answer.body.state !== 'processing') {
        return showState(answer.body);
      }
    } catch (e) {
      // asked again
    }
    setTimeout(pollProcessing, 1000, mine, deadline);
  }

  // ---- Start ----------------------------------------------------------------------------------

  function showState(d) {
    data = d;
    switch (d.state) {
      case 'payable': return showPayable(d);
      case 'paid': return showPaid(d);
      case 'processing': return showProcessing(d);
      case 'expired': return showExpired(d);
      case 'cancelled': return showCancelled(d);
      default: return showLoadError('Affichage impossible', 'Cette demande de paiement ne peut pas être affichée. Réessayez dans un instant.');
    }
  }

  async function load() {
    if (!token) return showInvalid();
    showLoading();
    let answer;
    try {
      answer = await call('GET', apiUrl);
    } catch (e) {
      return showLoadError('Connexion impossible',
        "La demande de paiement n'a pas pu être chargée. Vérifiez votre connexion Internet, puis réessayez.");
    }
    if (answer.status === 404) return showInvalid();
    if (answer.status === 429) return showLoadError('Trop de tentatives', 'Trop de tentatives en peu de temps. Réessayez dans une minute.');
    if (answer.status !== 200 || !answer.body || !answer.body.ok) {
      return showLoadError('Service indisponible',
        "La demande de paiement n'a pas pu être chargée : le service est momentanément indisponible. Réessayez dans un instant.");
    }
    showState(answer.body);
    // Back from a bank's page: Stripe said how it went.
    if (answer.body.state === 'payable' && redirectStatus && !load.redirectSeen) {
      load.redirectSeen = true;
      const form = main.querySelector('form.pay-form');
      if (form && (redirectStatus === 'succeeded' || redirectStatus === 'processing')) {
        waitForConfirmation(form, answer.body.kind === 'card');
      } else if (form) {
        const box = form.querySelector('.error');
        box.replaceChildren(h('p', null, h('strong', null, 'Erreur : '),
          "Le paiement n'a pas abouti. Vous pouvez réessayer, avec la même carte ou une autre."));
      }
    }
  }

  load();
})();
