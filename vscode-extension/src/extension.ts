// Entry point: wires the language client, the chat participant, the status bar and the commands.
import * as vscode from 'vscode';
import { registerChatParticipant } from './chat';
import { DeepSeekClient } from './client';
import { initSettingKeys, needsRestart, SECRET_KEY, SECTION } from './settings';
import { showMenu, StatusItem } from './status';
import { type Usage, usageLines } from './usage';

let deepseek: DeepSeekClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  initSettingKeys(context.extension.packageJSON);
  const output = vscode.window.createOutputChannel('DeepSeek', { log: true });
  const status = new StatusItem();
  const client = new DeepSeekClient(context, output, status);
  deepseek = client;
  context.subscriptions.push(output, status);

  const command = (id: string, run: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };
  command('deepseek.setApiKey', () => setApiKey(context));
  command('deepseek.clearApiKey', async () => {
    await context.secrets.delete(SECRET_KEY);
    // An absent key never overrides a lower source on the server, so only a restart forgets it.
    await client.restart();
    void vscode.window.showInformationMessage('DeepSeek: API key cleared.');
  });
  command('deepseek.restartServer', () => client.restart());
  command('deepseek.showOutput', () => output.show(true));
  command('deepseek.showUsage', () => showUsage(client));
  command('deepseek.toggleCompletion', async () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    const enabled = config.get<boolean>('completion.enabled', true);
    await config.update('completion.enabled', !enabled, vscode.ConfigurationTarget.Global);
  });
  command('deepseek.showMenu', async () => {
    let usage: Usage | undefined;
    try {
      usage = await client.usage();
    } catch {
      usage = undefined; // the menu still opens while the server is down
    }
    await showMenu(vscode.workspace.getConfiguration(SECTION).get<boolean>('completion.enabled', true), client.hasKey, usage);
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (needsRestart(event)) {
        void client.restart();
      } else if (event.affectsConfiguration(SECTION)) {
        void client.pushSettings();
      }
    }),
    context.secrets.onDidChange((event) => {
      if (event.key === SECRET_KEY) {
        void client.pushSettings();
      }
    }),
  );
  context.subscriptions.push(registerChatParticipant(client, context.extensionUri));
  await client.restart();
}

export async function deactivate(): Promise<void> {
  await deepseek?.dispose();
  deepseek = undefined;
}

async function setApiKey(context: vscode.ExtensionContext): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'DeepSeek API key',
    prompt: 'Stored in VS Code\'s secret storage, never in a settings file.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'Enter a key, or press Escape to cancel.'),
  });
  if (key?.trim()) {
    await context.secrets.store(SECRET_KEY, key.trim());
    void vscode.window.showInformationMessage('DeepSeek: API key saved.');
  }
}

async function showUsage(client: DeepSeekClient): Promise<void> {
  try {
    const lines = usageLines(await client.usage());
    await vscode.window.showInformationMessage('DeepSeek usage since the server started', {
      modal: true,
      detail: lines.join('\n'),
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`DeepSeek: cannot read usage: ${error instanceof Error ? error.message : String(error)}`);
  }
}
