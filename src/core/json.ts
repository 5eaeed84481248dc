import { AgentInstallError } from './errors.js';

/** JSON with keys sorted at every level, two-space indent and a trailing newline: byte-stable output. */
export function stringifyDeterministic(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(1, offset - lineStart + 1) };
}

/** JSON.parse that reports `file:line:column` instead of a character offset. */
export function parseJsonFile(text: string, file: string, code: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const match = /position (\d+)/.exec(message);
    const offset = match ? Number(match[1]) : text.length;
    const { line, column } = lineColumnAt(text, offset);
    throw new AgentInstallError(`${file}:${line}:${column}: invalid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`, {
      code,
      hint: `Fix the file by hand (or restore it from version control); agent-install never replaces it silently.`,
      details: { file, line, column },
      cause: error,
    });
  }
}
