// The static demo (issue 9): scripts/demo's folder served by a plain static server
// (python3 -m http.server: no special headers, no backend) opens in demo mode on the demo
// clinic, and card payments are simulated and labelled « démonstration ».
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { click, eventually, labels, launch, newProfile, query, resultsDir, waitForLabels } from './harness.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let http, context, page;

before(async () => {
  execFileSync('bash', [path.join(root, 'scripts/demo')], { stdio: 'ignore' });
  http = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '0', '-d', path.join(root, 'build/demo')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise((resolve, reject) => {
    const seen = (chunk) => {
      const m = /port (\d+)/.exec(String(chunk));
      if (m) resolve(Number(m[1]));
    };
    http.stdout.on('data', seen);
    http.stderr.on('data', seen);
    http.on('exit', (code) => reject(new Error(`http.server exited with ${code}`)));
  });
  context = await launch(newProfile());
  page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const ready = await page.evaluate(() => window.quittance.ready);
  assert.equal(ready.phase, 'ready');
});

after(async () => {
  await context?.close();
  http?.kill();
});

test('the demo folder opens on the demo clinic; card payments are simulated and emails not sent, both labelled « démonstration »', async () => {
  const patients = await eventually(async () => {
    const answer = await query(page, { cmd: 'patient.list', limit: 1 });
    return answer.ok && answer.result.total > 0 && answer.result.total;
  }, { timeout: 20000, what: 'the demo clinic loaded' });
  assert.ok(patients >= 10, `${patients} patients`);
  const invoices = (await query(page, { cmd: 'invoice.list', limit: 1 })).result.total;
  assert.ok(invoices > 50, `${invoices} invoices`);
  await click(page, 'Tableau de bord');
  await page.screenshot({ path: path.join(resultsDir, 'static-demo.png') });
  await click(page, 'Paramètres');
  await click(page, 'Serveur');
  const shown = await labels(page);
  assert.ok(shown.some((l) => l.includes('démonstration')), shown.join(' | '));
  // No server sends emails: the screens that would follow them say so.
  await click(page, 'Modèles d’e-mails');
  await waitForLabels(page, ['Démonstration : les modèles s’enregistrent, mais aucun e-mail ne part.']);
  await click(page, 'Communications');
  await waitForLabels(page, ['Démonstration : aucun e-mail n’est envoyé. Dans Quittance installé, le serveur du ' +
    'cabinet envoie les factures et les relances, et leur suivi s’affiche ici.']);
  await page.screenshot({ path: path.join(resultsDir, 'static-demo-communications.png') });
});
