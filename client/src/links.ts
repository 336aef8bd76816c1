/**
 * The trusted command links the client appends to the server's hover, and the two paths they point at (the model
 * file named in the server's Markdown, the AMCT log next to the script). Pure: no `vscode` import.
 */
import * as path from 'node:path';

export const APPLY_FIX_COMMAND = 'amct.applyFixAt';
export const OPEN_MODEL_FOLDER_COMMAND = 'amct.openModelFolder';
export const OPEN_AMCT_LOG_COMMAND = 'amct.openAmctLog';

/** The only commands a hover link may run (`MarkdownString.isTrusted.enabledCommands`). */
export const HOVER_LINK_COMMANDS: readonly string[] = [APPLY_FIX_COMMAND, OPEN_MODEL_FOLDER_COMMAND, OPEN_AMCT_LOG_COMMAND];

/** The folder, relative to a script's folder or one of its parents, where AMCT writes its log (as the server looks). */
export const AMCT_LOG_RELATIVE = path.join('amct_log', 'amct_tensorflow.log');

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
  /** Absolute path of the AMCT log found for the document, if any. */
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

const MODEL_PATH = /(?:^|[\s`'"(*[])((?:[A-Za-z]:)?[^\s`'"()*[\]<>]*\.pb(?:txt)?)(?=$|[\s`'")*\],;:]|\.(?:$|\s))/gm;

/**
 * The first `.pb` / `.pbtxt` path in the server's Markdown (hover or explain report), made absolute against the
 * script's folder. Undefined when the Markdown names no model.
 */
export function findModelPath(markdown: string, documentDir?: string): string | undefined {
  for (const match of markdown.matchAll(MODEL_PATH)) {
    let found = match[1].replace(/[.]+$/, '');
    if (!/\.pb(txt)?$/.test(found)) {
      continue;
    }
    if (found.startsWith('file://')) {
      found = decodeURIComponent(found.slice('file://'.length));
    }
    if (!path.isAbsolute(found) && documentDir !== undefined) {
      found = path.resolve(documentDir, found);
    }
    return found;
  }
  return undefined;
}

/**
 * Where to look for the AMCT log of a script, best first: the `amct.logPath` setting (relative to the workspace
 * folder), then `amct_log/amct_tensorflow.log` in the script's folder and each parent up to the workspace folder.
 */
export function amctLogCandidates(documentDir: string, workspaceFolder?: string, logPathSetting?: string): string[] {
  const out: string[] = [];
  const base = workspaceFolder ?? documentDir;
  if (logPathSetting !== undefined && logPathSetting.trim() !== '') {
    out.push(path.resolve(base, logPathSetting.trim()));
  }
  const stop = workspaceFolder === undefined ? undefined : path.resolve(workspaceFolder);
  let dir = path.resolve(documentDir);
  for (;;) {
    out.push(path.join(dir, AMCT_LOG_RELATIVE));
    const parent = path.dirname(dir);
    const atRoot = stop === undefined ? true : dir === stop || !dir.startsWith(stop + path.sep);
    if (atRoot || parent === dir) {
      break;
    }
    dir = parent;
  }
  return out;
}
