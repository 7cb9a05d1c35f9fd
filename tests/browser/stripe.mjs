// The local Stripe double (tests/stripe_double/) for the browser tests, and a quittance-server
// wired to it: a clinic created on the command line, a pairing code for the browser, and the
// double's webhooks pointed at the server.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBinary, startServer } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const apiKey = 'sk_test_browser_double';
const webhookSecret = 'whsec_browser_double';
const connectSecret = 'whsec_browser_connect';

async function freePort() {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

// `connect`: the double also sends its connected accounts' events to the server's Connect endpoint.
async function startDouble(webhookPort, connect) {
  const server = `http://127.0.0.1:${webhookPort}`;
  const args = [path.join(root, 'tests/stripe_double/stripe_double.py'), '--port', '0',
    '--api-key', apiKey, '--webhook-url', `${server}/api/stripe/webhook`, '--webhook-secret', webhookSecret];
  if (connect) args.push('--connect-webhook-url', `${server}/api/stripe/connect-webhook`, '--connect-webhook-secret', connectSecret);
  const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/"port":\s*(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the Stripe double exited with ${code}`)));
    setTimeout(() => reject(new Error('the Stripe double did not start in 10 s')), 10000);
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    // A call to Stripe's API as the patient's browser (Stripe.js) or the dashboard makes it;
    // `account`: in that connected account.
    async stripe(method, apiPath, params = {}, account = '') {
      const headers = { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded' };
      if (account) headers['Stripe-Account'] = account;
      const res = await fetch(base + apiPath, {
        method,
        headers,
        body: method === 'GET' ? undefined : new URLSearchParams(params).toString(),
      });
      return res.json();
    },
    async control(controlPath, body) {
      const res = await fetch(base + controlPath, body === undefined ? {} : {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${controlPath}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

// The patient opens a card request's link (`href`) on their phone (a new page of `context`),
// agrees to keep the card and types `number` in the Stripe.js stand-in's frame; resolves once
// the page says the card is saved.
export async function patientSavesCard(context, href, number, until) {
  const phone = await context.newPage();
  try {
    await phone.goto(href);
    await phone.getByLabel(/J'accepte que/).check();
    await phone.getByRole('button', { name: 'Enregistrer ma carte' }).click();
    const frame = phone.frameLocator('iframe[title="Formulaire de paiement sécurisé"]');
    await frame.getByLabel('Numéro de carte').fill(number);
    await frame.getByLabel("Date d'expiration (MM/AA)").fill('12/34');
    await frame.getByLabel('Code de sécurité (CVC)').fill('123');
    const confirm = phone.getByRole('button', { name: "Confirmer l'enregistrement" });
    await until('the confirm button enabled', () => confirm.isEnabled());
    await confirm.click();
    await phone.getByRole('heading', { name: 'Votre carte est enregistrée' }).waitFor({ timeout: 30000 });
  } finally {
    await phone.close();
  }
}

// { url, pairUrl, double, stop() }: the app's address with a pairing code (#pair=...). The
// server's port is chosen before it starts (the double sends webhooks there), so another
// process — the double itself — may take it first: then everything starts again on another.
// `platform`: the server in platform mode (Stripe Connect: the clinic activates its own account).
export async function startServerWithStripe({ platform = false } = {}) {
  for (let attempt = 1; ; ++attempt) {
    const port = await freePort();
    const double = await startDouble(port, platform);
    const modeEnv = platform ? {
      STRIPE_MODE: 'platform', STRIPE_CONNECT_WEBHOOK_SECRET: connectSecret,
      QUITTANCE_PUBLIC_URL: `http://127.0.0.1:${port}`, STRIPE_DASHBOARD_URL: `${double.base}/_double/connect/dashboard`,
    } : {};
    const data = mkdtempSync(path.join(tmpdir(), 'quittance-server-'));
    execFileSync(serverBinary, ['create-clinic', '--name', 'Cabinet de kinésithérapie Dupré', '--data', data]);
    const { code } = JSON.parse(execFileSync(serverBinary, ['pairing-code', '--data', data]).toString());
    let server;
    try {
      server = await startServer({
        port, data, env: {
          STRIPE_SECRET_KEY: apiKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: double.base,
          // The payment page's Stripe.js: the double's stand-in, and the key it accepts.
          STRIPE_PUBLISHABLE_KEY: 'pk_test_double', STRIPE_JS_URL: `${double.base}/v3/`,
          ...modeEnv,
        },
      });
    } catch (e) {
      await double.stop();
      rmSync(data, { recursive: true, force: true });
      if (attempt >= 5) throw e;
      continue;
    }
    return {
      url: server.url,
      pairUrl: `${server.url}#pair=${code}`,
      double,
      async stop() {
        await server.stop();
        await double.stop();
      },
    };
  }
}
