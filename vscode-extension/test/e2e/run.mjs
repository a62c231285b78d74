// End-to-end test in real VS Code (code-server + Debian's Chromium driven by playwright-core):
// the packaged .vsix talks to the Python server, which talks to the fake DeepSeek server.
// Checks ghost text + Tab, a DeepSeek code action from the lightbulb, and a streamed @deepseek
// chat reply (plus cancelling it with Stop). Exits non-zero with a reason when a check fails.
//
// Environment: CODE_SERVER, DEEPSEEK_LSP (server executable), PYTHON (imports deepseek_lsp),
// VSIX, HARNESS_VSIX, ARTIFACTS (dir for logs/screenshots), SCREENSHOT (ghost-text PNG copy).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  fakeRequests, fakeScript, freePort, installExtension, startCodeServer, startFake, waitFor,
} from './procs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '../..');
const repo = path.resolve(extDir, '..');
const env = (name, fallback) => process.env[name] || fallback;
const CODE_SERVER = env('CODE_SERVER', path.join(repo, '.cache/code-server/node_modules/.bin/code-server'));
const PYTHON = env('PYTHON', path.join(repo, '.venv/bin/python'));
const DEEPSEEK_LSP = env('DEEPSEEK_LSP', path.join(repo, '.venv/bin/deepseek-lsp'));
const VSIX = env('VSIX', path.join(extDir, 'deepseek-code-assistant.vsix'));
const HARNESS_VSIX = env('HARNESS_VSIX', path.join(extDir, 'deepseek-chat-harness.vsix'));
const ARTIFACTS = env('ARTIFACTS', path.join(repo, '.test-artifacts/vscode-e2e'));
const SCREENSHOT = env('SCREENSHOT', '');
const HARNESS_ID = 'deepseek-e2e.deepseek-chat-harness';

// What the fake answers; distinctive so the assertions cannot match anything else.
const FIM_TEXT = 'return "ghost-" + str(seed)';
const DOC_MARK = 'Docstring written by the e2e fake.';
const CHAT_CHUNKS = ['The function ', 'builds a ', 'greeting ', 'string ', '(streamed ', 'e2e reply).'];
const E2E_MODEL = 'e2e-model-from-settings';
const SECRET_KEY = 'sk-from-secret-storage';
const SLOW_CHUNKS = Array.from({ length: 60 }, (_, i) => `slow${i} `);

const results = [];
const cleanups = [];
let page;

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`PASS ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
    console.log(`FAIL ${name}: ${error?.message ?? error}`);
    if (page) {
      await page.screenshot({ path: path.join(ARTIFACTS, `fail-${name.replace(/\W+/g, '-').replace(/^-+/, '')}.png`) }).catch(() => {});
    }
    throw error;
  }
}

function prepare() {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  const dirs = {
    user: path.join(ARTIFACTS, 'user'),
    ext: path.join(ARTIFACTS, 'ext'),
    config: path.join(ARTIFACTS, 'config.yaml'),
    folder: path.join(ARTIFACTS, 'workspace'),
  };
  for (const dir of [dirs.user, dirs.ext, dirs.folder, path.join(dirs.user, 'User')]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(
    path.join(dirs.folder, 'greet.py'),
    'def greet(name: str) -> str:\n    return "Hello, " + name\n\n\ndef seeded(seed: int) -> str:\n',
  );
  const settings = {
    'deepseek.serverPath': DEEPSEEK_LSP,
    'deepseek.completion.debounceMs': 50,
    'deepseek.trace.server': 'verbose',
    'editor.inlineSuggest.enabled': true,
    'editor.quickSuggestions': { other: false, comments: false, strings: false },
    'editor.suggestOnTriggerCharacters': false,
    'editor.lightbulb.enabled': 'on',
    'editor.codeActionWidget.includeNearbyQuickFixes': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'files.autoSave': 'off',
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
  };
  fs.writeFileSync(path.join(dirs.user, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  return dirs;
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor({ timeout: 15000 });
  await page.locator('.monaco-editor .view-lines').first().click();
}

async function save(file, expectContains) {
  await page.keyboard.press('Control+S');
  return waitFor(`${path.basename(file)} to be saved containing ${JSON.stringify(expectContains)}`, () => {
    const text = fs.readFileSync(file, 'utf8');
    return text.includes(expectContains) ? text : false;
  }, { timeoutMs: 10000 });
}

/** Change a setting the way a user does, in the Settings editor (`remote`: the Remote tab). */
async function setSetting(key, describedAs, value, { remote = false } = {}) {
  await page.keyboard.press('Control+,');
  await page.locator('.settings-editor').waitFor({ timeout: 15000 });
  await page.keyboard.type(key);
  if (remote) {
    // Machine-scoped settings live on the server side of code-server's window.
    await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).click();
  }
  const field = page.locator('.settings-editor .setting-item-contents', { hasText: describedAs }).locator('input.input');
  await field.waitFor({ timeout: 15000 });
  await field.fill(value);
  await field.press('Tab');
  await page.locator('.tab', { hasText: 'Settings' }).locator('.codicon-close').click();
}

async function main() {
  const dirs = prepare();
  const logs = (name) => path.join(ARTIFACTS, name);
  const baseEnv = { ...process.env, npm_config_yes: 'true' };

  let fake;
  await step('fake DeepSeek server starts', async () => {
    fake = await startFake(PYTHON, logs('fake.log'));
    cleanups.push(fake.stop);
    cleanups.push(async () => fs.writeFileSync(logs('fake-requests.json'), JSON.stringify(await fakeRequests(fake.url), null, 2)));
  });

  await step('extensions install into code-server', async () => {
    installExtension(CODE_SERVER, VSIX, dirs, baseEnv);
    installExtension(CODE_SERVER, HARNESS_VSIX, dirs, baseEnv);
  });

  const port = await freePort();
  await step('code-server starts', async () => {
    const server = await startCodeServer(CODE_SERVER, {
      port, dirs, folder: dirs.folder, proposedApi: HARNESS_ID, logFile: logs('code-server.log'),
      env: {
        ...baseEnv,
        DEEPSEEK_BASE_URL: fake.url,
        DEEPSEEK_API_KEY: 'sk-e2e-test',
        DEEPSEEK_LSP_STATE_DIR: path.join(ARTIFACTS, 'state'), // never the user's own spend file
      },
    });
    cleanups.push(server.stop);
  });

  const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  cleanups.push(() => fs.writeFileSync(logs('page-console.log'), consoleLines.join('\n')));

  await step('workbench loads and the server reports ready', async () => {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.folder)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('div.statusbar-item[aria-label="DeepSeek ready"]').waitFor({ timeout: 60000 });
  });

  const file = path.join(dirs.folder, 'greet.py');
  await step('ghost text appears and Tab accepts it', async () => {
    // One reply per keystroke: the first space goes upstream at once (the file was quiet), and
    // the next ones may ask again before its answer shows; whichever answer VS Code shows is ours.
    await fakeScript(fake.url, Array.from({ length: 6 }, () => ({ endpoint: 'fim', text: FIM_TEXT })));
    await openFile('greet.py');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('    ');
    const ghost = page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text');
    await waitFor('ghost text from the fake', async () => (await ghost.allInnerTexts()).join('').includes('ghost-'), { timeoutMs: 20000 });
    await page.screenshot({ path: logs('ghost-text.png') });
    if (SCREENSHOT) {
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, clip: { x: 348, y: 35, width: 932, height: 230 } });
    }
    await page.keyboard.press('Tab');
    await save(file, FIM_TEXT);
  });

  await step('settings changes and the stored API key reach the running server', async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill('>DeepSeek: Set API Key');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set API Key' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget input[type="password"]').waitFor({ timeout: 15000 });
    await page.keyboard.type(SECRET_KEY);
    await page.keyboard.press('Enter');
    await page.locator('.notification-toast', { hasText: 'API key saved' }).waitFor({ timeout: 15000 });
    await setSetting('deepseek.completion.model', 'fill-in-the-middle completion', E2E_MODEL);
    await openFile('greet.py');
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('# key check');
    let attempt = 0;
    await waitFor('a FIM request with the stored key and the new model', async () => {
      await page.keyboard.type(` ${attempt++}`); // a new prefix each time: no cache hit
      const fims = (await fakeRequests(fake.url)).filter((r) => r.endpoint === 'fim');
      return fims.some((r) => r.headers.authorization === `Bearer ${SECRET_KEY}` && r.body?.model === E2E_MODEL);
    }, { timeoutMs: 20000, intervalMs: 1000 });
    await page.keyboard.press('Escape');
  });

  await step('lightbulb offers DeepSeek actions and one edits the file', async () => {
    await fakeScript(fake.url, [{ endpoint: 'chat', text: `"""${DOC_MARK}"""` }]);
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget');
    const items = menu.locator('.action-item, .monaco-list-row');
    await waitFor('DeepSeek actions in the lightbulb menu', async () =>
      (await items.allInnerTexts()).some((t) => t.includes('DeepSeek: ')), { timeoutMs: 20000 });
    const titles = (await items.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    fs.writeFileSync(logs('code-actions.json'), JSON.stringify(titles, null, 2));
    const docAction = titles.find((t) => /DeepSeek: .*doc/i.test(t));
    if (!docAction) throw new Error(`no DeepSeek docstring action among ${JSON.stringify(titles)}`);
    // The menu is a keyboard list (a pointer shield covers it for synthetic clicks): walk to the item.
    const focused = menu.locator('.monaco-list-row.focused');
    for (let i = 0; i < titles.length && !(await focused.innerText()).includes(docAction); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    const lines = page.locator('.monaco-editor .view-lines').first(); // spaces render as U+00A0
    await waitFor('the docstring edit in the editor', async () => (await lines.innerText()).replace(/\s/g, ' ').includes(DOC_MARK), { timeoutMs: 20000 });
    await page.keyboard.press('Escape');
    await save(file, DOC_MARK);
  });

  await step('@deepseek chat streams the reply', async () => {
    await fakeScript(fake.url, [{ endpoint: 'chat', chunks: CHAT_CHUNKS, chunk_delay: 0.25 }]);
    await page.keyboard.press('Control+Alt+I');
    const input = page.locator('.interactive-input-editor .monaco-editor textarea, .chat-input-container textarea').first();
    await input.waitFor({ timeout: 20000 });
    await input.focus();
    await page.keyboard.type('@deepseek /explain what does greet do?');
    await page.keyboard.press('Enter');
    const response = page.locator('.interactive-item-container.interactive-response').last();
    const full = CHAT_CHUNKS.join('');
    const seen = new Set();
    await waitFor('the full streamed reply in the chat view', async () => {
      const text = (await response.innerText().catch(() => '')).replace(/\s+/g, ' ');
      const shown = CHAT_CHUNKS.filter((c) => text.includes(c.trim())).length;
      seen.add(shown);
      return text.includes(full.replace(/\s+/g, ' ').trim());
    }, { timeoutMs: 30000, intervalMs: 50 });
    await page.screenshot({ path: logs('chat.png') });
    const partial = [...seen].filter((n) => n > 0 && n < CHAT_CHUNKS.length);
    if (partial.length === 0) throw new Error('the reply appeared all at once: it was not streamed');
    const chats = (await fakeRequests(fake.url)).filter((r) => r.endpoint === 'chat');
    const body = JSON.stringify(chats.at(-1)?.body ?? {});
    if (!body.includes('what does greet do?')) throw new Error('the chat prompt did not reach the API');
  });

  await step('Stop cancels the @deepseek request upstream', async () => {
    await fakeScript(fake.url, [{ endpoint: 'chat', chunks: SLOW_CHUNKS, chunk_delay: 0.5 }]);
    await page.keyboard.type('tell me a long story'); // @deepseek stays in the input (sticky)
    await page.keyboard.press('Enter');
    const response = page.locator('.interactive-item-container.interactive-response').last();
    await waitFor('the slow reply to start', async () => (await response.innerText()).includes('slow1'), { timeoutMs: 20000 });
    await page.locator('a.action-label.codicon-stop-circle').first().click();
    await waitFor('the upstream chat stream to be closed', async () => {
      const chats = (await fakeRequests(fake.url)).filter((r) => r.endpoint === 'chat');
      const last = chats.at(-1);
      return last && last.hung_up && last.chunks_sent < SLOW_CHUNKS.length;
    }, { timeoutMs: 15000 });
  });

  await step('the status bar menu shows usage from the server', async () => {
    const item = page.locator('div.statusbar-item[aria-label^="DeepSeek"]');
    await waitFor("today's spend on the status item", async () => /DeepSeek \$\d/.test(await item.innerText()), { timeoutMs: 15000 });
    await item.click();
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Today $' }).waitFor({ timeout: 15000 });
    await rows.filter({ hasText: 'of prompt tokens' }).waitFor({ timeout: 15000 });
    await rows.filter({ hasText: 'Show usage' }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15000 });
    const text = await dialog.innerText();
    const requests = Number(/Requests: (\d+)/.exec(text)?.[1] ?? 0);
    if (requests < 1) throw new Error(`usage shows no requests: ${text}`);
    if (!/Spend: today \$/.test(text)) throw new Error(`usage shows no spend: ${text}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 10000 });
  });

  await step('a server that cannot start is reported with buttons that fix it', async () => {
    await setSetting('deepseek.serverPath', 'Path to the', '/nonexistent/deepseek-lsp', { remote: true });
    const toast = page.locator('.notification-toast', { hasText: '/nonexistent/deepseek-lsp' });
    await toast.waitFor({ timeout: 20000 });
    const buttons = (await toast.locator('.monaco-button').allInnerTexts()).join(' | ');
    for (const label of ['Install…', 'Set Path…', 'Pick Python…', 'Show Output']) {
      if (!buttons.includes(label)) throw new Error(`no "${label}" button among: ${buttons}`);
    }
    await page.locator('div.statusbar-item[aria-label="DeepSeek error"]').waitFor({ timeout: 10000 });
    await page.screenshot({ path: logs('server-not-found.png') });
  });
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(String(error?.stack ?? error));
} finally {
  for (const cleanup of cleanups.reverse()) {
    await Promise.resolve().then(cleanup).catch(() => {});
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'results.json'), JSON.stringify(results, null, 2));
  const passed = results.filter((r) => r.ok).length;
  console.log(`vscode e2e: ${passed} of ${results.length} steps passed (artifacts in ${ARTIFACTS})`);
}
process.exit(failed ? 1 : 0);
