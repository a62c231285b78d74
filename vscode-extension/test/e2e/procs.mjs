// Process helpers for the real-VS-Code e2e run: the fake DeepSeek server, code-server (in its own
// process group, stopped by that group) and condition waits (no fixed sleeps).
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import fs from 'node:fs';

/** Poll `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(what, check, { timeoutMs = 30000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Start `python -m deepseek_lsp.testing.fake --port 0`; resolves with { url, stop }. */
export function startFake(python, logFile) {
  const child = spawn(python, ['-m', 'deepseek_lsp.testing.fake', '--port', '0'], {
    stdio: ['ignore', 'pipe', fs.openSync(logFile, 'a')],
    detached: true,
  });
  const stop = () => killGroup(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('the fake DeepSeek server did not print its address within 20 s'));
    }, 20000);
    child.once('exit', (code) => reject(new Error(`the fake DeepSeek server exited (${code}); see ${logFile}`)));
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (!match) {
        stop();
        reject(new Error(`unexpected first line from the fake: ${line}`));
        return;
      }
      lines.on('line', (more) => fs.appendFileSync(logFile, `${more}\n`));
      resolve({ url: match[1], stop });
    });
  });
}

export async function fakeScript(url, replies) {
  const response = await fetch(`${url}/_fake/script`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(replies),
  });
  if (!response.ok) throw new Error(`POST /_fake/script: ${response.status} ${await response.text()}`);
}

export async function fakeRequests(url) {
  const response = await fetch(`${url}/_fake/requests`);
  if (!response.ok) throw new Error(`GET /_fake/requests: ${response.status}`);
  const data = await response.json();
  return Array.isArray(data) ? data : data.requests;
}

export function installExtension(codeServer, vsix, dirs, env) {
  execFileSync(
    codeServer,
    ['--install-extension', vsix, '--force', '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext],
    { stdio: ['ignore', 'pipe', 'pipe'], env, timeout: 120000 },
  );
}

/** Start code-server in its own process group; resolves once it answers HTTP. */
export async function startCodeServer(codeServer, { port, dirs, folder, proposedApi, env, logFile }) {
  fs.writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, '--config', dirs.config,
    '--enable-proposed-api', proposedApi, folder,
  ];
  const log = fs.openSync(logFile, 'a');
  const child = spawn(codeServer, args, { stdio: ['ignore', log, log], detached: true, env });
  let exited = null;
  child.once('exit', (code) => { exited = code; });
  await waitFor('code-server to answer HTTP', async () => {
    if (exited !== null) throw new Error(`code-server exited with ${exited}; see ${logFile}`);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return response.ok;
  }, { timeoutMs: 60000, intervalMs: 200 });
  return { stop: () => killGroup(child) };
}

/** Stop a detached child and everything in its process group; resolves once it has exited. */
export function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name) => {
    try { process.kill(-child.pid, name); } catch { /* already gone */ }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  return exited.then(() => {
    clearTimeout(timer);
    signal('SIGKILL'); // stragglers left in the group (language servers, watchers)
  });
}
