// A by-hand check of the Stripe.js stand-in (stripe_js/) in Chromium, in a few seconds: a
// throwaway page on another origin (Python's http.server), under a CSP as strict as the payment
// page's (scripts and frames from itself and the double only, nothing inline), loads /v3/ from
// the double, mounts the payment Element on a 390 px wide phone screen, types test cards in its
// frame and confirms them. Not part of ctest; run it after changing stripe_js/, from the
// repository root:
//
//     node tests/stripe_double/stripe_js_check.mjs
//
// It prints one line per check and exits 1 at the first failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECRET_KEY = 'sk_test_js_check';
const PUBLISHABLE_KEY = 'pk_test_double';
const FRAME = 'iframe[title="Formulaire de paiement sécurisé"]';
const started = Date.now();

// A child process and the port it prints on its first lines (`pattern` finds it).
function startChild(args, pattern, stderr = 'inherit') {
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', stderr] });
  const port = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(pattern);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

// The page: a form with a pay button, as web/pay.html has, and its script in a file of its own.
function writePage(dir, double) {
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' ${double}; frame-src ${double}; connect-src 'self' ${double}; style-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Check</title>
<script src="${double}/v3/"></script><script src="page.js"></script>
</head><body><main><form id="pay"><div id="payment"></div><button>Payer</button></form></main></body></html>`);
  writeFileSync(path.join(dir, 'page.js'), `
const log = window.checkLog = { changes: [], ready: 0, focus: 0 };
let stripe = Stripe('${PUBLISHABLE_KEY}', { locale: 'fr' });
// A connected account's intent (a direct charge) is paid with Stripe.js in that account.
window.useAccount = (stripeAccount) => {
  stripe = Stripe('${PUBLISHABLE_KEY}', stripeAccount ? { locale: 'fr', stripeAccount } : { locale: 'fr' });
};
let elements = null;
window.mountCard = (clientSecret) => {
  if (elements) elements.getElement('payment').destroy();
  log.changes = [];
  elements = stripe.elements({ clientSecret, locale: 'fr', appearance: { variables: { colorPrimary: '#005a9c' } } });
  const element = elements.create('payment');
  element.on('change', (e) => log.changes.push(e));
  element.on('ready', () => log.ready++);
  element.on('focus', () => log.focus++);
  element.mount('#payment');
};
window.pay = (mode) => (mode === 'setup' ? stripe.confirmSetup : stripe.confirmPayment)(
  { elements, redirect: 'if_required', confirmParams: { return_url: location.href } });
window.submitCard = () => elements.submit();
window.retrieve = (secret) => stripe.retrievePaymentIntent(secret);
`);
}

const checks = [];
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    console.log(`FAIL ${name}`);
    throw error;
  }
  checks.push(name);
}

const dir = mkdtempSync(path.join(tmpdir(), 'stripe-js-check-'));
const double = startChild([path.join(here, 'stripe_double.py'), '--port', '0', '--api-key', SECRET_KEY],
  /"port":\s*(\d+)/);
const doublePort = await double.port;
const DOUBLE = `http://127.0.0.1:${doublePort}`;
writePage(dir, DOUBLE);
const site = startChild(['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir],
  /port (\d+)/, 'ignore');  // quiet: it logs every request on stderr
const PAGE = `http://127.0.0.1:${await site.port}/`;

async function api(method, apiPath, params = {}, account = null) {
  const form = new URLSearchParams(params).toString();
  const headers = { Authorization: `Bearer ${SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' };
  if (account) headers['Stripe-Account'] = account;
  const res = await fetch(DOUBLE + apiPath + (method === 'GET' ? `?${form}` : ''), {
    method, headers, body: method === 'GET' ? undefined : form,
  });
  return res.json();
}
const stats = async () => (await fetch(`${DOUBLE}/_double/stats`)).json();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(PAGE);
  const frame = page.frameLocator(FRAME);
  const nextYear = String((new Date().getFullYear() + 1) % 100).padStart(2, '0');

  // A new intent's secret, the Element mounted with it and ready.
  async function mount(clientSecret) {
    const before = await page.evaluate(() => window.checkLog.ready);
    await page.evaluate((s) => window.mountCard(s), clientSecret);
    await page.waitForFunction((n) => window.checkLog.ready > n, before);
  }
  // `keys`: typed key by key (slower), to see the digits grouped as they come.
  async function typeCard(number, expiry = `12/${nextYear}`, cvc = '123', { keys = false } = {}) {
    const input = frame.getByLabel('Numéro de carte');
    await (keys ? input.pressSequentially(number.replace(/ /g, '')) : input.fill(number));
    await frame.getByLabel("Date d'expiration (MM/AA)").fill(expiry);
    await frame.getByLabel('Code de sécurité (CVC)').fill(cvc);
  }
  const newIntent = (extra = {}) => api('POST', '/v1/payment_intents',
    { amount: '6000', currency: 'eur', 'automatic_payment_methods[enabled]': 'true', ...extra });

  let pi = await newIntent({ description: 'Séance' });
  await check('mounts an iframe of the double, titled, under the page CSP', async () => {
    await mount(pi.client_secret);
    const src = await page.locator(FRAME).getAttribute('src');
    assert.ok(src.startsWith(`${DOUBLE}/v3/elements-frame.html#`), src);
    assert.equal(new URLSearchParams(src.split('#')[1]).get('origin'), new URL(PAGE).origin);
  });

  await check('fields: labelled, French, autocomplete, numeric keyboard, 16 px, fit a phone', async () => {
    for (const [label, autocomplete] of [['Numéro de carte', 'cc-number'], ["Date d'expiration (MM/AA)", 'cc-exp'],
      ['Code de sécurité (CVC)', 'cc-csc']]) {
      const input = frame.getByLabel(label);
      assert.equal(await input.getAttribute('autocomplete'), autocomplete);
      assert.equal(await input.getAttribute('inputmode'), 'numeric');
      const fontSize = await input.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(fontSize >= 16, `${label}: ${fontSize}px`);
    }
    assert.equal(await frame.locator('html').getAttribute('lang'), 'fr');
    const fits = await frame.locator('html').evaluate((e) => e.scrollWidth <= e.clientWidth);
    assert.ok(fits, 'the frame scrolls sideways');
    const box = await page.locator(FRAME).boundingBox();
    assert.ok(box.width <= 390, `iframe ${box.width} px wide`);
  });

  await check('the iframe is as high as the form inside it', async () => {
    const inner = await frame.locator('form').evaluate((f) => Math.ceil(f.getBoundingClientRect().height));
    await page.waitForFunction(([sel, h]) => document.querySelector(sel).getBoundingClientRect().height === h,
      [FRAME, inner]);
  });

  await check('typing groups the digits; change events say empty, then complete', async () => {
    await typeCard('4242 4242 4242 4242', undefined, undefined, { keys: true });
    assert.equal(await frame.getByLabel('Numéro de carte').inputValue(), '4242 4242 4242 4242');
    const changes = await page.evaluate(() => window.checkLog.changes);
    assert.deepEqual([changes[0].empty, changes[0].complete], [false, false]);
    assert.deepEqual(changes.at(-1), { elementType: 'payment', empty: false, complete: true, collapsed: false,
      value: { type: 'card' } });
    assert.ok((await page.evaluate(() => window.checkLog.focus)) >= 1);
  });

  await check('confirmPayment with 4242…: {paymentIntent} succeeded, and the API says so', async () => {
    assert.deepEqual(await page.evaluate(() => window.submitCard()), {});
    const result = await page.evaluate(() => window.pay('payment'));
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    assert.equal(result.paymentIntent.id, pi.id);
    assert.equal(result.paymentIntent.status, 'succeeded');
    const confirm = (await stats()).requests.at(-1);
    assert.deepEqual([confirm.path, confirm.publishable], [`/v1/payment_intents/${pi.id}/confirm`, true]);
    assert.equal((await api('GET', `/v1/payment_intents/${pi.id}`)).status, 'succeeded');
    const again = await page.evaluate((s) => window.retrieve(s), pi.client_secret);
    assert.equal(again.paymentIntent.status, 'succeeded');
  });

  await check('a declined card: {error} card_error in French, nothing charged', async () => {
    for (const [number, declineCode, message] of [['4000 0000 0000 9995', 'insufficient_funds', 'Les fonds sont insuffisants.'],
      ['4000 0000 0000 0002', 'generic_decline', 'Votre carte a été refusée.']]) {
      pi = await newIntent();
      await mount(pi.client_secret);
      await typeCard(number);
      const { error } = await page.evaluate(() => window.pay('payment'));
      assert.deepEqual([error.type, error.code, error.decline_code, error.message],
        ['card_error', 'card_declined', declineCode, message]);
      assert.equal(error.payment_intent.status, 'requires_payment_method');
    }
    assert.equal((await stats()).charges, 1);
  });

  await check('on session, the authentication card ends in authentication_required', async () => {
    pi = await newIntent();
    await mount(pi.client_secret);
    await typeCard('4000 0027 6000 3184');
    const { error } = await page.evaluate(() => window.pay('payment'));
    assert.deepEqual([error.type, error.code], ['card_error', 'authentication_required']);
    assert.match(error.message, /banque/);
  });

  await check('an unknown number, a past expiry, a short CVC: validation_error, no request', async () => {
    pi = await newIntent();
    await mount(pi.client_secret);
    const requests = (await stats()).requests.length;
    const cases = [
      ['4000 0000 0000 0000', `12/${nextYear}`, '123', 'incorrect_number', 'Le numéro de carte est incorrect.', 'number'],
      ['4242 4242 4242 4242', '01/20', '123', 'invalid_expiry_year_past', "L'année d'expiration de la carte est déjà passée.", 'expiry'],
      ['4242 4242 4242 4242', `12/${nextYear}`, '12', 'incomplete_cvc', 'Le code de sécurité de la carte est incomplet.', 'cvc'],
    ];
    for (const [number, expiry, cvc, code, message, field] of cases) {
      await typeCard(number, expiry, cvc);
      const { error } = await page.evaluate(() => window.pay('payment'));
      assert.deepEqual(error, { type: 'validation_error', code, message });
      // Shown under its field too, and tied to it.
      assert.equal(await frame.locator(`#${field}`).getAttribute('aria-invalid'), 'true');
      assert.equal(await frame.locator(`#${field}-error`).textContent(), message);
      const { error: submitted } = await page.evaluate(() => window.submitCard());
      assert.equal(submitted.code, code);
    }
    assert.equal((await stats()).requests.length, requests);
  });

  await check('confirmSetup saves the card on the customer; setup_future_usage keeps it too', async () => {
    const customer = await api('POST', '/v1/customers', { name: 'Éloïse Dupré' });
    const si = await api('POST', '/v1/setup_intents', { customer: customer.id, usage: 'off_session',
      'automatic_payment_methods[enabled]': 'true' });
    await mount(si.client_secret);
    await typeCard('5555 5555 5555 4444');
    const { setupIntent, error } = await page.evaluate(() => window.pay('setup'));
    assert.equal(error, undefined, JSON.stringify(error));
    assert.equal(setupIntent.status, 'succeeded');
    pi = await newIntent({ customer: customer.id, setup_future_usage: 'off_session' });
    await mount(pi.client_secret);
    await typeCard('4242 4242 4242 4242');
    const { paymentIntent } = await page.evaluate(() => window.pay('payment'));
    assert.equal(paymentIntent.status, 'succeeded');
    const cards = await api('GET', `/v1/customers/${customer.id}/payment_methods`, { type: 'card' });
    assert.deepEqual(cards.data.map((c) => c.card.last4).sort(), ['4242', '4444']);
  });

  await check('the page ignores messages not from its frame; the frame, not from its page', async () => {
    // A forged change event posted by the page to itself: right channel, wrong origin and source.
    const [before, after] = await page.evaluate(() => {
      const before = window.checkLog.changes.length;
      const channel = new URLSearchParams(document.querySelector('iframe').src.split('#')[1]).get('channel');
      window.postMessage({ channel, type: 'change', empty: true, complete: false }, '*');
      return new Promise((r) => setTimeout(() => r([before, window.checkLog.changes.length]), 100));
    });
    assert.equal(after, before);
    // A frame told another page embeds it: this page's messages must not reach it.
    await page.evaluate((url) => {
      const other = document.createElement('iframe');
      other.id = 'other';
      other.src = `${url}#origin=${encodeURIComponent('http://evil.example')}&channel=c1`;
      document.body.append(other);
      return new Promise((r) => other.addEventListener('load', r));
    }, `${DOUBLE}/v3/elements-frame.html`);
    const other = page.frameLocator('#other');
    await other.getByLabel('Numéro de carte').fill('4242');
    await page.evaluate((origin) => document.getElementById('other').contentWindow.postMessage(
      { channel: 'c1', type: 'clear' }, origin), DOUBLE);
    await page.waitForTimeout(100);
    assert.equal(await other.getByLabel('Numéro de carte').inputValue(), '4242');
  });

  await check('Stripe(pk, {stripeAccount}) pays a connected account\'s intent there, not on the platform', async () => {
    const account = await api('POST', '/v1/accounts', { country: 'FR', 'business_profile[name]': 'Cabinet Dupré' });
    await fetch(`${DOUBLE}/_double/connect/accounts/${account.id}/update`,
      { method: 'POST', body: JSON.stringify({ charges_enabled: true }) });
    pi = await api('POST', '/v1/payment_intents', { amount: '4500', currency: 'eur',
      'automatic_payment_methods[enabled]': 'true' }, account.id);
    const platformCharges = (await stats()).by_scope.platform.charges;
    await page.evaluate((a) => window.useAccount(a), account.id);
    await mount(pi.client_secret);
    await typeCard('4242 4242 4242 4242');
    const { paymentIntent, error } = await page.evaluate(() => window.pay('payment'));
    assert.equal(error, undefined, JSON.stringify(error));
    assert.deepEqual([paymentIntent.id, paymentIntent.status], [pi.id, 'succeeded']);
    const after = await stats();
    const confirm = after.requests.at(-1);
    assert.deepEqual([confirm.path, confirm.publishable, confirm.stripe_account],
      [`/v1/payment_intents/${pi.id}/confirm`, true, account.id]);
    assert.deepEqual([after.by_scope[account.id].charges, after.by_scope.platform.charges], [1, platformCharges]);
    await page.evaluate(() => window.useAccount(null));
    assert.equal((await page.evaluate((s) => window.retrieve(s), pi.client_secret)).error.code, 'resource_missing');
    const bad = await page.evaluate(() => { try { Stripe('pk_test_double', { stripeAccount: 'cus_1' }); return null; } catch (e) { return e.name; } });
    assert.equal(bad, 'IntegrationError');
  });

  await check('no CSP violation or script error', async () => {
    // Expected: Chromium reports the declines' 402 answers (as with Stripe), the decoy frame
    // above addressing http://evil.example, and the 404 of another account's intent.
    const errors = consoleErrors.filter((e) => !e.includes('evil.example') && !e.includes('status of 402') &&
      !e.includes('status of 404'));
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  double.child.kill('SIGTERM');
  site.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${checks.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
