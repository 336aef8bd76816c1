/**
 * A small stand-in for the `vscode` module, enough for the client's pure-ish modules. The test bundler
 * (client/scripts/test.mjs) resolves `import 'vscode'` to this file. Tests steer it through `mockState`.
 */
import * as path from 'node:path';

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly raw?: string,
  ) {}

  static file(fsPath: string): Uri {
    return new Uri('file', path.resolve(fsPath));
  }

  static parse(value: string): Uri {
    if (value.startsWith('file://')) {
      return new Uri('file', decodeURIComponent(value.slice('file://'.length)));
    }
    const scheme = value.split(':', 1)[0];
    return new Uri(scheme, '', value);
  }

  toString(): string {
    return this.raw ?? `file://${this.fsPath.split('/').map(encodeURIComponent).join('/')}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}

  isBefore(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }

  isAfter(other: Position): boolean {
    return other.isBefore(this);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;

  constructor(start: Position, end: Position);
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number);
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    if (a instanceof Position && b instanceof Position) {
      this.start = a;
      this.end = b;
    } else {
      this.start = new Position(a as number, b as number);
      this.end = new Position(c ?? 0, d ?? 0);
    }
  }

  contains(position: Position): boolean {
    return !position.isBefore(this.start) && !position.isAfter(this.end);
  }
}

export class MarkdownString {
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };

  constructor(
    public value = '',
    public supportThemeIcons = false,
  ) {}

  appendMarkdown(value: string): this {
    this.value += value;
    return this;
  }
}

export class Hover {
  constructor(
    public contents: Array<MarkdownString | string>,
    public range?: Range,
  ) {}
}

export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}

export class Diagnostic {
  source?: string;
  code?: string | number | { value: string | number; target: Uri };

  constructor(
    public range: Range,
    public message: string,
    public severity: DiagnosticSeverity = DiagnosticSeverity.Error,
  ) {}
}

export class Disposable {
  constructor(private readonly callOnDispose: () => void) {}

  dispose(): void {
    this.callOnDispose();
  }
}

type Listener<T> = (event: T) => void;

export class EventEmitter<T> {
  private listeners: Array<Listener<T>> = [];

  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };

  fire(event: T): void {
    for (const listener of this.listeners) {
      listener(event);
    }
  }
}

export interface MockExtension {
  isActive: boolean;
  exports: unknown;
  activate(): Promise<unknown>;
}

/** What the tests control. `reset()` between tests. */
export const mockState = {
  extensions: new Map<string, MockExtension>(),
  diagnostics: new Map<string, Diagnostic[]>(),
  reset(): void {
    this.extensions.clear();
    this.diagnostics.clear();
  },
};

export const extensions = {
  getExtension(id: string): MockExtension | undefined {
    return mockState.extensions.get(id);
  },
};

export const languages = {
  getDiagnostics(uri: Uri): Diagnostic[] {
    return mockState.diagnostics.get(uri.toString()) ?? [];
  },
};
