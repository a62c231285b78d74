// The status bar item: shows ready / working / error / disabled and opens the quick menu.
import * as vscode from 'vscode';
import { budgetLine, promptCacheHitRate, suggestionHitRate, type Usage, usd } from './usage';

export type State = 'starting' | 'ready' | 'error' | 'disabled';

const ICONS: Record<State | 'working', string> = {
  starting: '$(loading~spin)',
  ready: '$(sparkle)',
  working: '$(sync~spin)',
  error: '$(error)',
  disabled: '$(circle-slash)',
};

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private state: State = 'starting';
  private detail = '';
  private busy = 0;
  private usage: Usage | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('deepseek.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'DeepSeek';
    this.item.command = 'deepseek.showMenu';
    this.render();
    this.item.show();
  }

  get current(): State {
    return this.state;
  }

  set(state: State, detail = ''): void {
    this.state = state;
    this.detail = detail;
    this.render();
  }

  /** Show today's spend (from `deepseek/usage`) beside the name. */
  setUsage(usage: Usage | undefined): void {
    this.usage = usage;
    this.render();
  }

  /** Show "working" while `work` runs (nested calls are counted). */
  async track<T>(work: () => Thenable<T>): Promise<T> {
    this.busy += 1;
    this.render();
    try {
      return await work();
    } finally {
      this.busy -= 1;
      this.render();
    }
  }

  private render(): void {
    const working = this.busy > 0 && this.state === 'ready';
    const shown = working ? 'working' : this.state;
    const spend = this.usage?.costUsdToday !== undefined ? ` ${usd(this.usage.costUsdToday)}` : '';
    this.item.text = `${ICONS[shown]} DeepSeek${spend}`;
    const words: Record<State | 'working', string> = {
      starting: 'starting the server',
      ready: 'ready',
      working: 'working',
      error: 'error',
      disabled: 'inline completion disabled',
    };
    const money = this.usage
      ? `\nToday ${usd(this.usage.costUsdToday)}, this month ${usd(this.usage.costUsdMonth)} (UTC). ${budgetLine(this.usage)}`
      : '';
    this.item.tooltip = `DeepSeek: ${words[shown]}${this.detail ? ` — ${this.detail}` : ''}${money}\nClick for the DeepSeek menu.`;
    const capped = this.usage?.budget?.state === 'capped';
    this.item.backgroundColor =
      this.state === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : capped
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: `DeepSeek ${words[shown]}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}

interface MenuEntry extends vscode.QuickPickItem {
  command: string;
  args?: unknown[];
}

/** The quick menu opened from the status bar item. */
export async function showMenu(completionEnabled: boolean, hasKey: boolean, usage?: Usage): Promise<void> {
  const money: MenuEntry[] = usage
    ? [
        {
          label: `$(credit-card) Today ${usd(usage.costUsdToday)} · this month ${usd(usage.costUsdMonth)}`,
          description: budgetLine(usage) || 'no spend cap set',
          command: 'deepseek.showUsage',
        },
        {
          label: `$(database) Cache: ${suggestionHitRate(usage)} of suggestions, ${promptCacheHitRate(usage)} of prompt tokens`,
          description: 'served without a request / from DeepSeek\'s prefix cache',
          command: 'deepseek.showUsage',
        },
      ]
    : [];
  const entries: MenuEntry[] = [
    ...money,
    {
      label: completionEnabled ? '$(circle-slash) Disable inline completion' : '$(sparkle) Enable inline completion',
      command: 'deepseek.toggleCompletion',
    },
    { label: '$(key) Set API key', description: hasKey ? 'a key is stored' : 'no key stored', command: 'deepseek.setApiKey' },
    { label: '$(trash) Clear API key', command: 'deepseek.clearApiKey' },
    { label: '$(graph) Show usage', command: 'deepseek.showUsage' },
    { label: '$(debug-restart) Restart server', command: 'deepseek.restartServer' },
    { label: '$(output) Show output', command: 'deepseek.showOutput' },
    { label: '$(gear) Open settings', command: 'workbench.action.openSettings', args: ['deepseek'] },
  ];
  const picked = await vscode.window.showQuickPick(entries, { title: 'DeepSeek', placeHolder: 'Choose an action' });
  if (picked) {
    await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
  }
}
