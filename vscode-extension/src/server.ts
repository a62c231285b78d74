// Finds the deepseek-lsp executable (setting, PATH, or `python -m deepseek_lsp`) and explains,
// with buttons that fix it, when none can be found or it fails to start.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SECTION } from './settings';

export interface ServerCommand {
  command: string;
  args: string[];
  /** How it was found, for the output channel. */
  origin: string;
}

export class ServerNotFound extends Error {}

const IS_WINDOWS = process.platform === 'win32';

function expandHome(p: string): string {
  return p.startsWith('~') ? path.join(os.homedir(), p.slice(1)) : p;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, IS_WINDOWS ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on PATH that is an executable file. */
export function findOnPath(name: string): string | undefined {
  const exts = IS_WINDOWS ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (dir && isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function pythonCandidates(): string[] {
  const own = vscode.workspace.getConfiguration(SECTION).get<string>('pythonPath', '');
  const fromPythonExt = vscode.workspace
    .getConfiguration('python')
    .get<string>('defaultInterpreterPath', '');
  const names = [own, fromPythonExt, IS_WINDOWS ? 'python' : 'python3', 'python'];
  return names.filter((n): n is string => Boolean(n)).map(expandHome);
}

function canImport(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(python, ['-c', 'import deepseek_lsp'], { timeout: 15000 }, (error) =>
      resolve(!error),
    );
  });
}

/** Resolve the command that starts the server over stdio, or throw ServerNotFound. */
export async function resolveServer(): Promise<ServerCommand> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const extra = config.get<string[]>('serverArgs', []);
  const configured = expandHome(config.get<string>('serverPath', '').trim());
  if (configured) {
    if (!isExecutable(configured)) {
      throw new ServerNotFound(`deepseek.serverPath points to "${configured}", which is not an executable file.`);
    }
    return { command: configured, args: ['--stdio', ...extra], origin: 'deepseek.serverPath' };
  }
  const onPath = findOnPath('deepseek-lsp');
  if (onPath) {
    return { command: onPath, args: ['--stdio', ...extra], origin: 'PATH' };
  }
  for (const python of pythonCandidates()) {
    if (await canImport(python)) {
      return {
        command: python,
        args: ['-m', 'deepseek_lsp', '--stdio', ...extra],
        origin: `python -m deepseek_lsp (${python})`,
      };
    }
  }
  throw new ServerNotFound(
    'The deepseek-lsp server was not found: it is not on PATH and no Python interpreter can import deepseek_lsp.',
  );
}

const INSTALL = 'Install…';
const SET_PATH = 'Set Path…';
const PICK_PYTHON = 'Pick Python…';
const SHOW_OUTPUT = 'Show Output';
const RETRY = 'Retry';

/** Tell the user the server could not start, and run the fix they choose. */
export async function explainStartFailure(
  problem: string,
  output: vscode.OutputChannel,
  restart: () => Promise<void>,
): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `DeepSeek: ${problem}`,
    INSTALL,
    SET_PATH,
    PICK_PYTHON,
    SHOW_OUTPUT,
  );
  if (choice === INSTALL) {
    const python = pythonCandidates()[0] ?? 'python3';
    const terminal = vscode.window.createTerminal('DeepSeek: install server');
    terminal.show();
    terminal.sendText(`"${python}" -m pip install --user deepseek-lsp`);
    const after = await vscode.window.showInformationMessage(
      'DeepSeek: when pip has finished, restart the server.',
      RETRY,
    );
    if (after === RETRY) {
      await restart();
    }
  } else if (choice === SET_PATH) {
    // Changing the setting restarts the server (see needsRestart).
    await pickFile('Use this deepseek-lsp', 'serverPath');
  } else if (choice === PICK_PYTHON) {
    await pickFile('Use this Python', 'pythonPath');
  } else if (choice === SHOW_OUTPUT) {
    output.show(true);
  }
}

async function pickFile(label: string, key: 'serverPath' | 'pythonPath'): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: label,
    canSelectFiles: true,
    canSelectFolders: false,
  });
  if (picked?.[0]) {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(key, picked[0].fsPath, vscode.ConfigurationTarget.Global);
  }
}
