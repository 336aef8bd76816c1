/**
 * The trusted command links the client appends to the server's hover. The paths they point at (the model, the AMCT
 * log) come from the server's `amct/documentStatus`. Pure: no `vscode` import.
 */
import * as path from 'node:path';

export const APPLY_FIX_COMMAND = 'amct.applyFixAt';
export const OPEN_MODEL_FOLDER_COMMAND = 'amct.openModelFolder';
export const OPEN_AMCT_LOG_COMMAND = 'amct.openAmctLog';

/** The only commands a hover link may run (`MarkdownString.isTrusted.enabledCommands`). */
export const HOVER_LINK_COMMANDS: readonly string[] = [APPLY_FIX_COMMAND, OPEN_MODEL_FOLDER_COMMAND, OPEN_AMCT_LOG_COMMAND];

/** `[title](command:id?args "tooltip")` with the JSON arguments URI-encoded, as VS Code expects. */
export function commandLink(title: string, command: string, args: readonly unknown[], tooltip: string): string {
  // encodeURIComponent leaves ( ) ' ! * alone; a ')' would end the Markdown link early.
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const safeTooltip = tooltip.replace(/["\\]/g, '\\$&');
  return `[${title}](command:${command}?${query} "${safeTooltip}")`;
}

export interface HoverLinkContext {
  /** The document's URI, as a string. */
  documentUri: string;
  /** 0-based position of the hover. */
  line: number;
  character: number;
  /** An AMCT diagnostic covers the position, so a quick fix may exist. */
  hasFix: boolean;
  /** Absolute path of the model the hover talks about, if known. */
  modelPath?: string;
  /** Absolute path of the AMCT log the server used for the document, if any. */
  amctLog?: string;
}

/** One line of links separated by middle dots, or '' when there is nothing to link. */
export function hoverLinksMarkdown(ctx: HoverLinkContext): string {
  const links: string[] = [];
  if (ctx.hasFix) {
    links.push(
      commandLink(
        '$(lightbulb) Apply fix',
        APPLY_FIX_COMMAND,
        [ctx.documentUri, ctx.line, ctx.character],
        'Replace the name with the one it has after quantize_model',
      ),
    );
  }
  if (ctx.modelPath !== undefined) {
    links.push(
      commandLink(
        '$(folder-opened) Open model folder',
        OPEN_MODEL_FOLDER_COMMAND,
        [ctx.modelPath],
        `Reveal ${path.basename(ctx.modelPath)}`,
      ),
    );
  }
  if (ctx.amctLog !== undefined) {
    links.push(commandLink('$(output) Open AMCT log', OPEN_AMCT_LOG_COMMAND, [ctx.amctLog], ctx.amctLog));
  }
  return links.join(' &nbsp;·&nbsp; ');
}
