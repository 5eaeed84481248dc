import { parseAgentFile } from '../agent/parse.js';
import { splitToolsString } from '../agent/tools.js';

export interface FieldChange {
  field: string;
  /** Human summary: `+Bash −WebFetch`, `sonnet → opus`, `added`, `removed`, `changed`. */
  change: string;
  before?: unknown;
  after?: unknown;
}

function toolList(value: unknown): string[] | null {
  if (value === undefined) return null; // all tools
  if (typeof value === 'string') return splitToolsString(value);
  if (Array.isArray(value)) return value.map(String);
  return [];
}

function short(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/**
 * What changed in the frontmatter between two versions of an agent file, field by field, for
 * the summary above a diff. Unparseable frontmatter yields no field changes.
 */
export function frontmatterChanges(fromText: string, toText: string): FieldChange[] {
  const before = parseAgentFile(fromText).data;
  const after = parseAgentFile(toText).data;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const field of keys) {
    const a = before[field];
    const b = after[field];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (field === 'tools' || field === 'disallowedTools') {
      const x = toolList(a);
      const y = toolList(b);
      if (x === null || y === null) {
        changes.push({ field, change: x === null ? `all tools → ${y!.join(', ') || 'none'}` : `${x.join(', ') || 'none'} → all tools`, before: a, after: b });
        continue;
      }
      const added = y.filter((t) => !x.includes(t)).map((t) => `+${t}`);
      const removed = x.filter((t) => !y.includes(t)).map((t) => `−${t}`);
      changes.push({ field, change: [...added, ...removed].join(' ') || 'reordered', before: a, after: b });
    } else if (a === undefined) {
      changes.push({ field, change: `added: ${short(b)}`, after: b });
    } else if (b === undefined) {
      changes.push({ field, change: 'removed', before: a });
    } else if (field === 'description' || field === 'hooks' || field === 'mcpServers') {
      changes.push({ field, change: 'changed', before: a, after: b });
    } else {
      changes.push({ field, change: `${short(a)} → ${short(b)}`, before: a, after: b });
    }
  }
  return changes;
}
