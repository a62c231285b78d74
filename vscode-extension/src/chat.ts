// The `@deepseek` chat participant: forwards the prompt, selection and history to the server's
// `deepseek/chat` request and streams the `$/progress` deltas into the chat response.
import * as vscode from 'vscode';

export const PARTICIPANT_ID = 'deepseek-code-assistant.deepseek';

export interface ChatParams {
  message: string;
  command?: string;
  textDocument?: { uri: string };
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  history?: { role: 'user' | 'assistant'; content: string }[];
}

export interface ChatDelta {
  delta?: string;
  reasoningDelta?: string;
}

export interface ChatReply {
  text: string;
  reasoning?: string;
  usage?: Record<string, unknown>;
}

/** What the participant needs from the language client. */
export interface ChatBackend {
  chat(params: ChatParams, onDelta: (value: ChatDelta) => void, token: vscode.CancellationToken): Promise<ChatReply>;
}

function toRange(range: vscode.Range): NonNullable<ChatParams['range']> {
  return {
    start: { line: range.start.line, character: range.start.character },
    end: { line: range.end.line, character: range.end.character },
  };
}

/** The code the question is about: a #selection/#file reference, else the active editor's selection. */
function target(request: vscode.ChatRequest): Pick<ChatParams, 'textDocument' | 'range'> {
  for (const ref of request.references) {
    if (ref.value instanceof vscode.Location) {
      return { textDocument: { uri: ref.value.uri.toString() }, range: toRange(ref.value.range) };
    }
    if (ref.value instanceof vscode.Uri) {
      return { textDocument: { uri: ref.value.toString() } };
    }
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return {};
  }
  const selection = editor.selection;
  return {
    textDocument: { uri: editor.document.uri.toString() },
    range: selection.isEmpty ? undefined : toRange(selection),
  };
}

function history(context: vscode.ChatContext): NonNullable<ChatParams['history']> {
  const turns: NonNullable<ChatParams['history']> = [];
  for (const turn of context.history) {
    if (turn.participant !== PARTICIPANT_ID) {
      continue;
    }
    if (turn instanceof vscode.ChatRequestTurn) {
      const prefix = turn.command ? `/${turn.command} ` : '';
      turns.push({ role: 'user', content: prefix + turn.prompt });
    } else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('');
      if (text) {
        turns.push({ role: 'assistant', content: text });
      }
    }
  }
  return turns;
}

export function registerChatParticipant(backend: ChatBackend, extensionUri: vscode.Uri): vscode.Disposable {
  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    const params: ChatParams = {
      message: request.prompt,
      command: request.command,
      history: history(context),
      ...target(request),
    };
    let streamed = false;
    let thinking = false;
    try {
      const reply = await backend.chat(
        params,
        (value) => {
          if (value.reasoningDelta && !thinking) {
            thinking = true;
            stream.progress('Thinking…');
          }
          if (value.delta) {
            streamed = true;
            stream.markdown(value.delta);
          }
        },
        token,
      );
      if (!streamed && reply.text && !token.isCancellationRequested) {
        stream.markdown(reply.text);
      }
      return { metadata: { usage: reply.usage } };
    } catch (error) {
      if (token.isCancellationRequested) {
        return {};
      }
      const message = error instanceof Error ? error.message : String(error);
      return { errorDetails: { message: `DeepSeek: ${message}` } };
    }
  };
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  return participant;
}
