// Owns the language client: starts the server over stdio, hands it the settings and the API key,
// pushes changes, and reports its state to the status bar.
import * as vscode from 'vscode';
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  MessageType,
  ProgressType,
  type ServerOptions,
  ShowMessageNotification,
  State as ClientState,
  TransportKind,
} from 'vscode-languageclient/node';
import type { ChatBackend, ChatDelta, ChatParams, ChatReply } from './chat';
import { explainStartFailure, resolveServer, ServerNotFound } from './server';
import { SECRET_KEY, SECTION, serverSettings } from './settings';
import type { StatusItem } from './status';
import type { Usage } from './usage';

/** How often the status bar's spend follows other windows' spend while idle. */
const USAGE_POLL_MS = 60_000;
/** After a request, wait this long before asking for usage (a burst asks once). */
const USAGE_AFTER_REQUEST_MS = 1_500;

const SET_KEY = 'Set API Key';
const SHOW_OUTPUT = 'Show Output';
const RESTART = 'Restart Server';

export class DeepSeekClient implements ChatBackend, vscode.Disposable {
  private client: LanguageClient | undefined;
  private apiKey: string | undefined;
  private starting: Promise<void> = Promise.resolve();
  private progressTokens = 0;
  private usageTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly usagePoll = setInterval(() => void this.refreshUsage(), USAGE_POLL_MS);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly status: StatusItem,
  ) {}

  get running(): LanguageClient | undefined {
    return this.client?.state === ClientState.Running ? this.client : undefined;
  }

  get hasKey(): boolean {
    return Boolean(this.apiKey);
  }

  /** Start (or restart) the server; restarts are serialized. */
  restart(): Promise<void> {
    this.starting = this.starting
      .then(() => this.doRestart())
      .catch((error: unknown) => this.fail(`restarting the server failed: ${String(error)}`));
    return this.starting;
  }

  private async doRestart(): Promise<void> {
    await this.stop();
    this.apiKey = await this.context.secrets.get(SECRET_KEY);
    this.status.set('starting');
    let server;
    try {
      server = await resolveServer();
    } catch (error) {
      const problem = error instanceof ServerNotFound ? error.message : String(error);
      this.fail(problem);
      return;
    }
    this.output.info(`Starting ${server.command} ${server.args.join(' ')} (found via ${server.origin})`);
    const client = this.create({ command: server.command, args: server.args, transport: TransportKind.stdio });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      const detail = error instanceof Error ? error.message : String(error);
      this.fail(`the server (${server.command}) failed to start (${detail}). Its own error is in the DeepSeek output.`);
      return;
    }
    this.status.set(this.completionEnabled() ? 'ready' : 'disabled');
    void this.refreshUsage();
  }

  /** Ask for usage soon (coalescing a burst of requests into one question). */
  private usageSoon(): void {
    if (this.usageTimer === undefined) {
      this.usageTimer = setTimeout(() => {
        this.usageTimer = undefined;
        void this.refreshUsage();
      }, USAGE_AFTER_REQUEST_MS);
    }
  }

  /** Today's spend on the status bar item; a server without money fields shows none. */
  private async refreshUsage(): Promise<void> {
    try {
      this.status.setUsage(this.running ? await this.usage() : undefined);
    } catch {
      // the status bar keeps what it showed; the usage dialog reports errors
    }
  }

  private fail(problem: string): void {
    this.output.error(problem);
    this.status.set('error', problem);
    void explainStartFailure(problem, this.output, () => this.restart());
  }

  private completionEnabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('completion.enabled', true);
  }

  private create(serverOptions: ServerOptions): LanguageClient {
    const options: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      outputChannel: this.output,
      initializationOptions: serverSettings(this.apiKey),
      initializationFailedHandler: (error) => {
        this.output.error(`initialize failed: ${String(error)}`);
        return false;
      },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          // A server that dies while starting is reported by doRestart's failure message.
          if (this.status.current !== 'starting') {
            this.status.set('error', 'the server stopped');
            void this.offerRestart('DeepSeek: the language server stopped unexpectedly.');
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        provideInlineCompletionItems: (document, position, context, token, next) =>
          this.tracked(async () => (await next(document, position, context, token)) ?? null),
        resolveCodeAction: (item, token, next) => this.tracked(async () => (await next(item, token)) ?? null),
        executeCommand: (command, args, next) => this.tracked(async () => next(command, args)),
        workspace: {
          // Answer `workspace/configuration` for our section with the settings plus the key.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, i) =>
              item.section === SECTION ? serverSettings(this.apiKey) : answers[i],
            );
          },
        },
      },
    };
    const client = new LanguageClient('deepseek', 'DeepSeek', serverOptions, options);
    client.onNotification(ShowMessageNotification.type, (params) => void this.showServerMessage(params));
    return client;
  }

  /** Server messages, with a button that fixes the problem when it is about the key. */
  private async showServerMessage(params: { type: MessageType; message: string }): Promise<void> {
    const aboutKey = /api key|\b401\b|unauthori[sz]ed|no key/i.test(params.message);
    const actions = aboutKey ? [SET_KEY] : [];
    let choice: string | undefined;
    if (params.type === MessageType.Error) {
      choice = await vscode.window.showErrorMessage(params.message, ...actions, SHOW_OUTPUT);
    } else if (params.type === MessageType.Warning) {
      choice = await vscode.window.showWarningMessage(params.message, ...actions);
    } else {
      choice = await vscode.window.showInformationMessage(params.message, ...actions);
    }
    if (choice === SET_KEY) {
      await vscode.commands.executeCommand('deepseek.setApiKey');
    } else if (choice === SHOW_OUTPUT) {
      this.output.show(true);
    }
  }

  private async offerRestart(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, RESTART, SHOW_OUTPUT);
    if (choice === RESTART) {
      await this.restart();
    } else if (choice === SHOW_OUTPUT) {
      this.output.show(true);
    }
  }

  /** Push the current settings (and key) to the running server. */
  async pushSettings(): Promise<void> {
    this.apiKey = await this.context.secrets.get(SECRET_KEY);
    if (this.status.current !== 'error' && this.status.current !== 'starting') {
      this.status.set(this.completionEnabled() ? 'ready' : 'disabled');
    }
    const client = this.running;
    if (client) {
      const settings = serverSettings(this.apiKey);
      const shown = JSON.stringify({ ...settings, apiKey: settings.apiKey ? '(from secret storage)' : undefined });
      this.output.info(`Sending settings to the server: ${shown}`);
      await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: settings },
      });
    }
  }

  async chat(params: ChatParams, onDelta: (value: ChatDelta) => void, token: vscode.CancellationToken): Promise<ChatReply> {
    const client = this.running;
    if (!client) {
      throw new Error('the language server is not running (see DeepSeek: Show Output).');
    }
    const partialResultToken = `deepseek-chat-${++this.progressTokens}`;
    const subscription = client.onProgress(new ProgressType<ChatDelta>(), partialResultToken, onDelta);
    try {
      return await this.tracked(() =>
        client.sendRequest<ChatReply>('deepseek/chat', { ...params, partialResultToken }, token),
      );
    } finally {
      subscription.dispose();
    }
  }

  async usage(): Promise<Usage> {
    const client = this.running;
    if (!client) {
      throw new Error('the language server is not running.');
    }
    return client.sendRequest<Usage>('deepseek/usage');
  }

  /** Track work on the status bar, then refresh the spend it shows. */
  private async tracked<T>(work: () => Thenable<T>): Promise<T> {
    try {
      return await this.status.track(work);
    } finally {
      this.usageSoon();
    }
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(2000);
      } catch (error) {
        this.output.warn(`stopping the server: ${String(error)}`);
      }
    }
  }

  async dispose(): Promise<void> {
    clearInterval(this.usagePoll);
    clearTimeout(this.usageTimer);
    await this.stop();
  }
}
