/**
 * The AMCT output is a `LogOutputChannel` (timestamps, levels, the user's log level). vscode-languageclient
 * writes its own lines as `[Error - 10:31:02] text` through `appendLine` and the server's stderr through
 * `append`; `leveledChannel` turns both into leveled log records, and a server that exits with code 0 (a
 * requested stop or restart) is an info line, not an error. Pure: no `vscode` import.
 */

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LeveledSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  append(value: string): void;
  appendLine(value: string): void;
}

const PREFIX = /^\[(Error|Warn|Info|Debug|Trace|LSP)\s*- [^\]]*\] ?([\s\S]*)$/;
const LEVELS: Record<string, Level> = { Error: 'error', Warn: 'warn', Info: 'info', Debug: 'debug', Trace: 'trace', LSP: 'trace' };

/** The level and text of one line written by vscode-languageclient (`info` for anything else). */
export function parseClientLine(line: string): { level: Level; message: string } {
  const match = PREFIX.exec(line);
  if (match === null) {
    return { level: 'info', message: line };
  }
  const level = LEVELS[match[1]] ?? 'info';
  const message = match[2];
  // A clean exit (the stop of a restart or of VS Code) is not an error.
  if (level === 'error' && /^Server process exited with code 0\.?$/.test(message.trim())) {
    return { level: 'info', message };
  }
  return { level, message };
}

/** Splits streamed output into whole lines; a carriage return (a progress bar redrawing) keeps only the end. */
export class LineBuffer {
  private rest = '';

  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    return parts.map((part) => part.slice(part.lastIndexOf('\r') + 1)).filter((line) => line.trim() !== '');
  }

  flush(): string[] {
    const rest = this.rest.slice(this.rest.lastIndexOf('\r') + 1);
    this.rest = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

/** `channel` with `appendLine`/`append` written as leveled records (see the module comment). */
export function leveledChannel<T extends LeveledSink>(channel: T, streamLevel: Level = 'info'): T {
  const buffer = new LineBuffer();
  return new Proxy(channel, {
    get(target, property, receiver) {
      if (property === 'appendLine') {
        return (value: string) => {
          const { level, message } = parseClientLine(value);
          target[level](message);
        };
      }
      if (property === 'append') {
        return (value: string) => {
          for (const line of buffer.push(value)) {
            target[streamLevel](line);
          }
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
