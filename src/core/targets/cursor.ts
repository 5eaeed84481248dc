/**
 * Cursor (@cursor/sdk 1.0.32 code, cursor.com docs): `.cursor/agents/<name>.md`, whose header is
 * read line by line, not as YAML (docs/targets.md §5, docs/targets-mapping.md §3.4). Checked
 * against the documentation and the shipped code only: Cursor has no client on the npm registry.
 */
import { CLAUDE_TOOLS, LEGACY_CLAUDE_TOOLS } from '../agent/tools.js';
import { claudeFile, common, grantOf, type Imported, isAll, type Report, type Source, type TargetModule, toolValue } from './grant.js';

const TITLE = 'Cursor';
const KEYS = ['name', 'description', 'model', 'readonly', 'is_background', 'background', 'tools', 'force-default-model'];

function translate(source: Source) {
  const report: Report = { lost: [], approximated: [] };
  const a = source.agent;
  const grant = grantOf(a);
  const restricted = !isAll(grant);
  const refused = common(source, grant, report, TITLE, ['background'], 'written as readonly: true');
  if (refused) return { refused, ...report };
  if (restricted)
    return { refused: 'its tools are restricted, and Cursor has no verified way to say so: without them the agent would have every tool', ...report };
  if (!source.body.trim()) return { refused: 'its prompt is empty, and Cursor skips such a file', ...report };
  const description = a.description.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (description !== a.description)
    report.approximated.push({ field: 'description', detail: 'line breaks written as spaces (the header is read line by line)' });
  const lines = [`name: ${a.name}`, `description: ${description}`];
  if (a.permissionMode === 'plan') lines.push('readonly: true');
  if (a.background) lines.push('is_background: true');
  return { text: `---\n${lines.join('\n')}\n---\n\n${source.body}\n`, ...report };
}

/** The header as Cursor reads it: `key: value` lines up to the next `---`, keys lowercased, values verbatim. */
function header(text: string): { fields: Map<string, string>; body: string } | string {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text.replace(/^\uFEFF/, ''));
  if (!match) return 'it does not start with a `---` header';
  const fields = new Map<string, string>();
  for (const line of match[1]!.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (line.trim().startsWith('#') || at < 0) continue;
    fields.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return {
    fields,
    body: text
      .replace(/^\uFEFF/, '')
      .slice(match[0].length)
      .trim(),
  };
}

function validate(text: string): string[] {
  const read = header(text);
  if (typeof read === 'string') return [read];
  const problems = [...read.fields.keys()].filter((k) => !KEYS.includes(k)).map((k) => `unknown key ${k}`);
  if (!read.fields.get('description')) problems.push('description is empty');
  if (!read.body) problems.push('the body is empty (Cursor skips the file)');
  return problems;
}

const TOOL_NAMES = [...CLAUDE_TOOLS, ...LEGACY_CLAUDE_TOOLS];

function importFrom(text: string, fileName: string): Imported {
  const read = header(text);
  if (typeof read === 'string') throw new Error(read);
  const f = read.fields;
  const report: Report = { lost: [], approximated: [] };
  const description = f.get('description');
  if (!description) throw new Error('it has no description');
  const fields: Array<[string, unknown]> = [
    ['name', f.get('name') || fileName.replace(/\.(md|mdc|markdown)$/i, '').replace(/[\s_]/g, '-')],
    ['description', description],
  ];
  if (f.has('tools')) {
    const names = f
      .get('tools')!
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const known = names.map((n) => TOOL_NAMES.find((t) => t.toLowerCase() === n.toLowerCase())).filter((t): t is string => t !== undefined);
    for (const n of names)
      if (!TOOL_NAMES.some((t) => t.toLowerCase() === n.toLowerCase())) report.lost.push({ field: 'tools', detail: `${n}: no Claude Code tool of that name` });
    fields.push(['tools', toolValue(known)]);
    report.approximated.push({ field: 'tools', detail: "Cursor's tool names are not verified; they were matched to Claude Code's by name" });
  }
  if (f.get('readonly')?.toLowerCase() === 'true') {
    fields.push(['permissionMode', 'plan']);
    report.approximated.push({ field: 'permissionMode', detail: 'readonly: true written as permissionMode: plan' });
  }
  if ((f.get('is_background') ?? f.get('background'))?.toLowerCase() === 'true') fields.push(['background', true]);
  const model = f.get('model');
  if (model && model !== 'inherit') report.lost.push({ field: 'model', detail: `${model}: a Cursor model name; omitted, so the agent uses the main model` });
  if (f.get('force-default-model')) report.lost.push({ field: 'force-default-model', detail: 'not expressible in Claude Code' });
  return { text: claudeFile(fields, read.body), ...report };
}

export const cursor: TargetModule = { title: TITLE, translate, validate, importFrom };
