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

async function freePort() {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}

async function startDouble(webhookPort) {
  const child = spawn('/usr/bin/python3', [path.join(root, 'tests/stripe_double/stripe_double.py'), '--port', '0',
    '--api-key', apiKey, '--webhook-url', `http://127.0.0.1:${webhookPort}/api/stripe/webhook`,
    '--webhook-secret', webhookSecret], { stdio: ['ignore', 'pipe', 'inherit'] });
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
    // A call to Stripe's API as the patient's browser (Stripe.js) or the dashboard makes it.
    async stripe(method, apiPath, params = {}) {
      const res = await fetch(base + apiPath, {
        method,
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded' },
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

// { url, pairUrl, double, stop() }: the app's address with a pairing code (#pair=...). The
// server's port is chosen before it starts (the double sends webhooks there), so another
// process — the double itself — may take it first: then everything starts again on another.
export async function startServerWithStripe() {
  for (let attempt = 1; ; ++attempt) {
    const port = await freePort();
    const double = await startDouble(port);
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
