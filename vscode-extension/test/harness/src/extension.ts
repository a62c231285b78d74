// Test-only harness: registers a default chat participant and a stand-in language model through
// proposed APIs so that VS Code (without Copilot) shows a usable chat view for the e2e run.
import * as vscode from 'vscode';

interface StandInProvider {
  provideLanguageModelResponse(
    messages: unknown[],
    options: unknown,
    extensionId: string,
    progress: vscode.Progress<{ index: number; part: unknown }>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(text: unknown, token: vscode.CancellationToken): Thenable<number>;
}

interface ProposedLm {
  registerChatModelProvider(id: string, provider: StandInProvider, metadata: Record<string, unknown>): vscode.Disposable;
}

// Newer than the @types/vscode (1.91) this repo pins for the shipped extension.
const TextPart = (vscode as unknown as { LanguageModelTextPart: new (value: string) => unknown })
  .LanguageModelTextPart;

export function activate(context: vscode.ExtensionContext): void {
  const lm = vscode.lm as unknown as ProposedLm;
  context.subscriptions.push(
    lm.registerChatModelProvider(
      'e2e-stand-in',
      {
        provideLanguageModelResponse: async (_messages, _options, _ext, progress) => {
          progress.report({ index: 0, part: new TextPart('stand-in model') });
        },
        provideTokenCount: async (text) => String(text).length,
      },
      {
        vendor: 'deepseek-e2e',
        name: 'E2E stand-in',
        family: 'e2e',
        version: '1',
        maxInputTokens: 100000,
        maxOutputTokens: 1000,
        isDefault: true,
        isUserSelectable: true,
      },
    ),
    vscode.chat.createChatParticipant('deepseek-e2e.default', (_request, _context, stream) => {
      stream.markdown('harness default participant: address @deepseek');
      return {};
    }),
    vscode.commands.registerCommand('deepseekHarness.chat', (query: string) =>
      vscode.commands.executeCommand('workbench.action.chat.open', { query }),
    ),
  );
  console.log('[deepseek-e2e-harness] activated');
}

export function deactivate(): void {}
