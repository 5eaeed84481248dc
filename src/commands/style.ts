/**
 * The colours commands use, and what makes human output safe to print. Agent names,
 * descriptions and bodies are written by strangers: an ESC sequence in them could move the
 * cursor and erase the line above (`+tools: Bash` in the diff a user reviews), set the window
 * title or the clipboard (OSC 0, OSC 52); bidi controls and zero-width characters make text read
 * differently from what it is. So every human line is escaped at the output boundary
 * (`src/cli/main.ts` calls {@link terminalText}), and our own colours must survive that: a style
 * writes no ESC, only a mark that carries a random per-process nonce, which no file can contain
 * in advance; once the whole text is escaped, the marks become real SGR codes.
 */
export interface Style {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const identity = (text: string): string => text;

export const plainStyle: Style = { red: identity, green: identity, yellow: identity, cyan: identity, dim: identity, bold: identity };

/** SGR codes: open, close. */
const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22], bold: [1, 22] } as const;

let nonce: string | undefined;

/** `<ai-…>`: printable, so escaping leaves it alone; random, so no agent file can hold it. */
function markPrefix(): string {
  if (nonce === undefined) {
    const words = globalThis.crypto.getRandomValues(new Uint32Array(2));
    nonce = `<ai-${[...words].map((w) => w.toString(16).padStart(8, '0')).join('')}:`;
  }
  return nonce;
}

const mark = (code: number) => `${markPrefix()}${code}>`;

/**
 * A style for a coloured stream (any level above 0: only the 8 basic colours are used). As
 * chalk does, a nested style's close re-opens the outer one, and a style is closed before each
 * line break and re-opened after it.
 */
export function makeStyle(level: 0 | 1 | 2 | 3): Style {
  if (level === 0) return plainStyle;
  const paint = ([open, close]: readonly [number, number]) => {
    const on = mark(open);
    const off = mark(close);
    return (text: string) => `${on}${text.split(off).join(`${off}${on}`).replace(/\r?\n/g, `${off}$&${on}`)}${off}`;
  };
  return {
    red: paint(CODES.red),
    green: paint(CODES.green),
    yellow: paint(CODES.yellow),
    cyan: paint(CODES.cyan),
    dim: paint(CODES.dim),
    bold: paint(CODES.bold),
  };
}

/**
 * Characters a terminal would act on or that do not show: C0 controls, DEL and C1 controls
 * (`\p{Cc}`), format characters (`\p{Cf}`: bidi embeddings, overrides, isolates and marks,
 * zero-width space, joiners and no-break space, word joiner, byte-order mark, soft hyphen, tag
 * characters…), line and paragraph separators, and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// The same, except line feed and tab, which lay out multi-line text.
const INVISIBLE_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\x1b`, `\u202e`, `\u{e0041}`: the form JavaScript and JSON readers know. */
function escapeCharacter(character: string): string {
  const code = character.codePointAt(0)!;
  const hex = code.toString(16);
  if (code < 0x100) return `\\x${hex.padStart(2, '0')}`;
  return code < 0x10000 ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
}

/**
 * `text` with every control and invisible character written as an escape (`\x1b`, `\u202e`),
 * line feeds and tabs kept unless `singleLine`. Idempotent: escaping escaped text changes nothing.
 */
export function visible(text: string, singleLine = false): string {
  return text.replace(singleLine ? INVISIBLE : INVISIBLE_BUT_LINES, escapeCharacter);
}

/** The text as a terminal shows it: escaped ({@link visible}), then our style marks turned into SGR codes. */
export function terminalText(text: string): string {
  const escaped = visible(text);
  if (nonce === undefined || !escaped.includes(nonce)) return escaped;
  return escaped.split(nonce).reduce((out, part) => {
    const end = part.indexOf('>');
    return `${out}\x1b[${part.slice(0, end)}m${part.slice(end + 1)}`;
  });
}

/**
 * A `--json` document as printed: JSON.stringify escapes C0 controls already; DEL and C1
 * controls (which some terminals act on) are escaped too. The strings a JSON reader gets are the
 * exact strings, bidi and zero-width characters included.
 */
export function jsonText(value: unknown): string {
  return jsonControls(JSON.stringify(value, null, 2));
}

/** The escapes of {@link jsonText} on JSON text already written (a document written in pieces). */
export function jsonControls(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Colour only on a TTY, honouring `NO_COLOR`, `FORCE_COLOR` and `--no-color`. `isTTY` is asked
 * only when those leave the answer open (finding out can load node:tty).
 */
export function colorLevel(env: Record<string, string | undefined>, isTTY: boolean | (() => boolean), flag: boolean): 0 | 1 | 2 | 3 {
  if (!flag) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (env.NO_COLOR) return 0;
  if (env.TERM === 'dumb' || !(typeof isTTY === 'function' ? isTTY() : isTTY)) return 0;
  return env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit' ? 3 : 1;
}
