/** The colours commands use. With colour off it is the identity, and chalk is never loaded. */
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

export async function makeStyle(level: 0 | 1 | 2 | 3): Promise<Style> {
  if (level === 0) return plainStyle;
  const { Chalk } = await import('chalk');
  return new Chalk({ level });
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
