/** GitHub Copilot (CLI 1.0.102, VS Code, cloud agent): `.github/agents/<name>.agent.md` (docs/targets.md §3, docs/targets-mapping.md §3.2). */
import {
  claudeFile,
  common,
  type Grant,
  grantOf,
  type Imported,
  inlineServers,
  isAll,
  listed,
  type Report,
  type Source,
  serverTools,
  type TargetModule,
  toolValue,
  whole,
} from './grant.js';
import { markdownFile, readMarkdown } from './text.js';

const TITLE = 'Copilot';
const ONE: Record<string, string> = { Read: 'read', TodoWrite: 'todo', Skill: 'skill', Bash: 'execute', Agent: 'agent' };
const KEYS = [
  'name',
  'description',
  'tools',
  'model',
  'target',
  'disable-model-invocation',
  'user-invocable',
  'infer',
  'mcp-servers',
  'metadata',
  'argument-hint',
  'handoffs',
  'agents',
];
const MAX_PROMPT = 30_000;

/** T as Copilot `tools` entries; undefined when T is every tool. */
function toolList(grant: Grant, report: Report): string[] | undefined {
  if (isAll(grant)) return undefined;
  const out = new Set<string>();
  const lose = (detail: string) => report.lost.push({ field: 'tools', detail });
  for (const name of listed(grant, report, TITLE)) {
    if (name === 'Write' || name === 'Edit') {
      if (whole(grant, 'Write') && whole(grant, 'Edit')) out.add('edit');
      else lose(`${name}: Copilot's edit grants creating and editing files together, so it is granted only with Write and Edit`);
    } else if (name === 'Grep' || name === 'Glob') {
      if (whole(grant, 'Grep') && whole(grant, 'Glob')) out.add('search');
      else if (whole(grant, name)) out.add(name.toLowerCase());
      else lose(`${name} with rules: Copilot cannot limit it that way`);
    } else if (name === 'WebFetch' || name === 'WebSearch') {
      if (whole(grant, 'WebFetch') && whole(grant, 'WebSearch')) out.add('web');
      else lose(`${name}: Copilot's web grants fetching and searching together`);
    } else if (ONE[name] && whole(grant, name)) out.add(ONE[name]);
    else if (name.startsWith('mcp__') && whole(grant, name))
      out.add(/^mcp__(.+?)__(.+)$/.test(name) ? name.replace(/^mcp__(.+?)__/, '$1/') : `${name.slice(5)}/*`);
    else lose(ONE[name] ? `${name} with rules: Copilot cannot limit ${ONE[name]} that way, so it is not granted` : `${name}: no Copilot counterpart`);
  }
  if ([...out].some((t) => t === 'web'))
    report.approximated.push({ field: 'tools', detail: 'WebFetch and WebSearch written as web (not checked: the CLI has no web tools offline)' });
  return [...out];
}

/** Inline MCP servers as `mcp-servers` entries, each limited to its tools in T. */
function servers(source: Source, grant: Grant, report: Report): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, c] of inlineServers(source, report, TITLE)) {
    const tools = serverTools(grant, name);
    if (tools.length === 0) continue;
    const type = c.type ?? 'stdio';
    if (type === 'stdio') out[name] = { type: 'local', command: c.command, ...(c.args ? { args: c.args } : {}), ...(c.env ? { env: c.env } : {}), tools };
    else if (type === 'http' || type === 'streamable-http' || type === 'sse')
      out[name] = { type: type === 'sse' ? 'sse' : 'http', url: c.url, ...(c.headers ? { headers: c.headers } : {}), tools };
    else report.lost.push({ field: 'mcpServers', detail: `${name}: a ${type} server has no Copilot form` });
  }
  if (Object.keys(out).length === 0) return undefined;
  report.approximated.push({ field: 'mcpServers', detail: 'written as mcp-servers (another schema; VS Code ignores it)' });
  return out;
}

function translate(source: Source) {
  const report: Report = { lost: [], approximated: [] };
  const grant = grantOf(source.agent);
  const refused = common(source, grant, report, TITLE, ['mcpServers'], 'editing and the shell are not granted');
  if (refused) return { refused, ...report };
  if (source.body.length > MAX_PROMPT) return { refused: `its prompt has ${source.body.length} characters, more than Copilot's ${MAX_PROMPT}`, ...report };
  const tools = toolList(grant, report);
  const fields: Array<[string, unknown]> = [
    ['name', source.agent.name],
    ['description', source.agent.description],
    ['tools', tools],
    ['mcp-servers', servers(source, grant, report)],
  ];
  return { text: markdownFile(fields, source.body), ...report };
}

function validate(text: string): string[] {
  const read = readMarkdown(text);
  if (typeof read === 'string') return [read];
  const d = read.data;
  const problems: string[] = [];
  for (const key of Object.keys(d)) if (!KEYS.includes(key)) problems.push(`unknown key ${key} (ignored with a warning)`);
  if (typeof d.description !== 'string' || d.description === '') problems.push('description: Required');
  if (d.name !== undefined && typeof d.name !== 'string') problems.push('name must be a string');
  if (d.tools !== undefined && !(Array.isArray(d.tools) && d.tools.every((t) => typeof t === 'string'))) problems.push('tools must be a list of strings');
  const servers = d['mcp-servers'];
  if (servers !== undefined && (servers === null || typeof servers !== 'object' || Array.isArray(servers))) problems.push('mcp-servers must be a mapping');
  if (read.body.length > MAX_PROMPT) problems.push(`the prompt is longer than ${MAX_PROMPT} characters`);
  return problems;
}

/** Copilot tool names (case aside) → Claude Code tools. */
const FROM: Record<string, string[]> = {
  read: ['Read'],
  view: ['Read'],
  notebookread: ['Read'],
  edit: ['Write', 'Edit'],
  multiedit: ['Write', 'Edit'],
  write: ['Write', 'Edit'],
  create: ['Write', 'Edit'],
  execute: ['Bash'],
  shell: ['Bash'],
  bash: ['Bash'],
  search: ['Grep', 'Glob'],
  grep: ['Grep'],
  glob: ['Glob'],
  agent: ['Agent'],
  'custom-agent': ['Agent'],
  task: ['Agent'],
  web: ['WebFetch', 'WebSearch'],
  webfetch: ['WebFetch'],
  websearch: ['WebSearch'],
  todo: ['TodoWrite'],
  todowrite: ['TodoWrite'],
  skill: ['Skill'],
};

function importFrom(text: string, fileName: string): Imported {
  const read = readMarkdown(text);
  if (typeof read === 'string') throw new Error(read);
  const d = read.data;
  const report: Report = { lost: [], approximated: [] };
  if (typeof d.description !== 'string' || !d.description.trim()) throw new Error('it has no description (Copilot rejects such a file too)');
  const raw = typeof d.tools === 'string' ? d.tools.split(',') : d.tools;
  if (raw !== undefined && !Array.isArray(raw)) throw new Error('its tools are neither a list nor a comma-separated string');
  const fields: Array<[string, unknown]> = [
    ['name', typeof d.name === 'string' && d.name ? d.name : fileName.replace(/(\.agent)?\.md$/, '')],
    ['description', d.description],
  ];
  const entries = (raw ?? []).map((t) => String(t).trim()).filter(Boolean);
  if (raw !== undefined && !entries.includes('*')) {
    const tools: string[] = [];
    for (const entry of entries) {
      const mcp = /^([^/]+)\/(.+)$/.exec(entry);
      if (mcp) tools.push(mcp[2] === '*' ? `mcp__${mcp[1]}` : `mcp__${mcp[1]}__${mcp[2]}`);
      else if (FROM[entry.toLowerCase()]) tools.push(...FROM[entry.toLowerCase()]!);
      else report.lost.push({ field: 'tools', detail: `${entry}: no Claude Code counterpart` });
    }
    if (entries.some((e) => /^(edit|write|create|multiedit)$/i.test(e))) report.approximated.push({ field: 'tools', detail: 'edit written as Write and Edit' });
    fields.push(['tools', toolValue(tools)]);
  }
  for (const key of Object.keys(d))
    if (!['name', 'description', 'tools'].includes(key))
      report.lost.push({ field: key, detail: `${JSON.stringify(d[key])} is not expressible in Claude Code` });
  return { text: claudeFile(fields, read.body), ...report };
}

export const copilot: TargetModule = { title: TITLE, translate, validate, importFrom };
