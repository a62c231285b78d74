// Builds the `deepseek` settings object the server receives (PROTOCOL.md "Configuration").
// Editor-only keys stay here; the API key comes from SecretStorage, never from settings files.
import * as vscode from 'vscode';

export const SECTION = 'deepseek';
export const SECRET_KEY = 'deepseek.apiKey';

/** Settings that configure how the extension starts the server; changing one restarts it. */
const RESTART_KEYS = ['serverPath', 'serverArgs', 'pythonPath'] as const;

/** Settings for the extension alone; the server never sees them. */
const EDITOR_ONLY_KEYS = [...RESTART_KEYS, 'trace.server'] as const;

export type ServerSettings = Record<string, unknown>;

let settingKeys: string[] = [];

/** Remember the setting keys this extension contributes (from its package.json). */
export function initSettingKeys(packageJSON: {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}): void {
  const properties = packageJSON.contributes?.configuration?.properties ?? {};
  const editorOnly = new Set<string>(EDITOR_ONLY_KEYS.map((key) => `${SECTION}.${key}`));
  settingKeys = Object.keys(properties)
    .filter((key) => key.startsWith(`${SECTION}.`) && !editorOnly.has(key))
    .map((key) => key.slice(SECTION.length + 1));
}

function isSet(inspected: ReturnType<vscode.WorkspaceConfiguration['inspect']>): boolean {
  if (!inspected) {
    return false;
  }
  const values = [
    inspected.globalValue,
    inspected.workspaceValue,
    inspected.workspaceFolderValue,
    inspected.globalLanguageValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceFolderLanguageValue,
  ];
  return values.some((value) => value !== undefined);
}

/**
 * The `deepseek` settings the user has set (nested, as PROTOCOL.md describes), plus the key.
 * Defaults are left out so they never hide the server's environment (DEEPSEEK_BASE_URL) or its
 * own defaults.
 */
export function serverSettings(apiKey: string | undefined): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings: ServerSettings = {};
  for (const key of settingKeys) {
    if (!isSet(config.inspect(key))) {
      continue;
    }
    const parts = key.split('.');
    let node = settings;
    for (const part of parts.slice(0, -1)) {
      node = (node[part] ??= {}) as ServerSettings;
    }
    node[parts[parts.length - 1]] = config.get(key);
  }
  if (apiKey) {
    settings.apiKey = apiKey;
  }
  return settings;
}

/** True when a configuration change needs a new server process rather than a settings push. */
export function needsRestart(event: vscode.ConfigurationChangeEvent): boolean {
  return RESTART_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
