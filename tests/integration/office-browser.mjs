// office-browser.mjs: headless Chromium, driven over its DevTools protocol,
// signs in to the office's console and walks its main pages at 390 px and
// 1280 px: each page is screenshot, checked with axe-core (no serious or
// critical violation), checked for content wider than the window, and its
// served HTML validated with `tidy -errors`. Run by test-office.c:
//   node --experimental-websocket office-browser.mjs URL SHOTS AXE NAME PASSWORD PAGE...
// Exit status 0 when every page passes, 1 with the reasons on stderr.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, shots, axePath, user, password, ...pages] = process.argv.slice(2);
const axeSource = readFileSync(axePath, 'utf8');
const widths = [390, 1280];
const problems = [];

const profile = mkdtempSync(join(tmpdir(), 'anjian-chromium-'));
const chromium = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
  '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--lang=zh-CN', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });

const endpoint = await new Promise((resolve, reject) => {
  let text = '';
  const timer = setTimeout(() => reject(new Error('Chromium did not start')), 20000);
  chromium.stderr.on('data', (chunk) => {
    text += chunk;
    const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) { clearTimeout(timer); resolve(m[1]); }
  });
});
const port = new URL(endpoint).port;
const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const page = targets.find((t) => t.type === 'page');
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((resolve) => ws.addEventListener('open', resolve));

let nextId = 1;
const waiting = new Map();
const listeners = [];
ws.addEventListener('message', (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id && waiting.has(msg.id)) {
    const { resolve, reject } = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
  } else if (msg.method) {
    for (const l of listeners.splice(0)) if (l.method === msg.method) l.resolve(msg.params); else listeners.push(l);
  }
});
const send = (method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  waiting.set(id, { resolve, reject });
  ws.send(JSON.stringify({ id, method, params }));
});
const once = (method) => new Promise((resolve) => listeners.push({ method, resolve }));
const evaluate = async (expression, awaitPromise = false) => {
  const r = await send('Runtime.evaluate', { expression, awaitPromise, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`${expression.slice(0, 60)}: ${r.exceptionDetails.text}`);
  return r.result.value;
};
const go = async (url) => {
  const loaded = once('Page.loadEventFired');
  await send('Page.navigate', { url });
  await loaded;
};

await send('Page.enable');
await send('Runtime.enable');
await send('Network.enable');
await send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' } });

// Sign in through the form, as a person would (the form carries its CSRF token).
await send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
await go(`${base}/office/sign-in`);
await evaluate(`document.getElementById('name').value = ${JSON.stringify(user)};
                document.getElementById('password').value = ${JSON.stringify(password)}; true`);
const signedIn = once('Page.loadEventFired');
await evaluate(`document.querySelector('main form').submit(); true`);
await signedIn;
if (!(await evaluate('location.pathname')).startsWith('/office/') ||
    (await evaluate('location.pathname')) === '/office/sign-in') {
  problems.push('sign-in did not reach the overview');
}

const { cookies } = await send('Network.getCookies', { urls: [base + '/office/'] });
const cookieHeader = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const timings = [];
const minor = [];
let axeRules = 0;

for (const path of pages) {
  const name = path.replace(/^\/office\/?/, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'overview';
  // The HTML as served, validated.
  const answer = await fetch(base + path, { headers: { cookie: cookieHeader, 'accept-language': 'zh-CN' } });
  const html = await answer.text();
  if (answer.status !== 200) problems.push(`${path}: HTTP ${answer.status}`);
  const tidy = spawnSync('tidy', ['-errors', '-q'], { input: html });
  if (tidy.status === null || tidy.status >= 2) problems.push(`${path}: tidy finds errors: ${tidy.stderr}`);

  for (const width of widths) {
    const start = Date.now();
    await send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: width < 600 });
    await go(base + path);
    timings.push(Date.now() - start);
    const overflow = await evaluate('document.documentElement.scrollWidth - window.innerWidth');
    if (overflow > 1) problems.push(`${path} at ${width} px: ${overflow} px wider than the window`);
    const height = await evaluate('Math.min(document.documentElement.scrollHeight, 4000)');
    const shot = await send('Page.captureScreenshot', {
      format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 },
    });
    writeFileSync(join(shots, `${name}-${width}.png`), Buffer.from(shot.data, 'base64'));
    if (width === 1280) {
      await evaluate(axeSource + '; true');
      const found = await evaluate(`axe.run(document, { resultTypes: ['violations'] })
        .then((r) => ({ rules: r.passes.length + r.violations.length,
                        all: r.violations.map((v) => v.id + ' (' + v.impact + '): ' +
                                              v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')),
                        serious: r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').length }))`, true);
      axeRules += found.rules;
      for (const v of found.all) {
        if (/\((serious|critical)\)/.test(v)) problems.push(`${path}: axe ${v}`);
        else minor.push(`${path}: axe ${v}`);
      }
    }
  }
}

ws.close();
chromium.kill();
await new Promise((resolve) => chromium.on('exit', resolve));
try { rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }); } catch { /* Chromium's helpers may still write there */ }
console.log(`pages ${pages.length}, widths ${widths.join(' ')}, median load ${timings.sort((a, b) => a - b)[timings.length >> 1]} ms, ` +
            `axe rules applied ${axeRules}, minor or moderate findings ${minor.length}`);
for (const m of minor) console.log(m);
if (axeRules === 0) problems.push('axe-core applied no rule');
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
