/** OpenCode 1.18.33: `.opencode/agents/<name>.md` (docs/targets.md §2, docs/targets-mapping.md §3.1). */
import { accessOf, claudeFile, common, type Grant, grantOf, type Imported, type Report, type TargetModule, toolValue, whole } from './grant.js';
import { markdownFile, Ordered, readMarkdown } from './text.js';

const TITLE = 'OpenCode';
/** Claude Code tool → OpenCode permission, for tools that map one to one. */
const ONE: Record<string, string> = {
  Read: 'read',
  Grep: 'grep',
  Glob: 'glob',
  LS: 'list',
  WebFetch: 'webfetch',
  WebSearch: 'websearch',
  TodoWrite: 'todowrite',
  Skill: 'skill',
  AskUserQuestion: 'question',
};
const HEX: Record<string, string> = {
  red: '#E06C75',
  blue: '#61AFEF',
  green: '#98C379',
  yellow: '#E5C07B',
  purple: '#C678DD',
  orange: '#D19A66',
  pink: '#FF79C6',
  cyan: '#56B6C2',
};
const ACTIONS = ['allow', 'ask', 'deny'];
/** Permissions that take an action only, never a map of patterns. */
const ACTION_ONLY = ['todowrite', 'question', 'webfetch', 'websearch', 'doom_loop'];
const KEYS = [
  'name',
  'description',
  'mode',
  'model',
  'variant',
  'temperature',
  'top_p',
  'prompt',
  'permission',
  'tools',
  'steps',
  'maxSteps',
  'hidden',
  'color',
  'disable',
  'options',
];

/** `Bash(git:*)` and `Bash(git *)` → the glob `git *` (a trailing ` *` also matches the bare command). */
const glob = (rule: string) => rule.replace(/:\*$/, ' *');
/** `mcp__s__t` → `s_t`, `mcp__s` → `s_*` (OpenCode's MCP tool names, docs only). */
const mcpName = (name: string) => (/^mcp__(.+?)__(.+)$/.exec(name) ? name.replace(/^mcp__(.+?)__/, '$1_') : `${name.slice(5)}_*`);

/** T as permission rules: `"*": deny` first and one rule per tool (only), or deny rules (except). */
function permission(grant: Grant, report: Report): Ordered | undefined {
  const rules: Array<[string, unknown]> = [];
  const only = grant.kind === 'only';
  const approx = (field: string, detail: string) => report.approximated.push({ field, detail });
  if (only) rules.push(['*', 'deny']);
  const editing = whole(grant, 'Write') && whole(grant, 'Edit');
  if (only ? editing : !editing) rules.push(['edit', only ? 'allow' : 'deny']);
  if (only && !editing && ['Write', 'Edit'].some((t) => accessOf(grant, t)))
    report.lost.push({
      field: 'tools',
      detail: "editing: OpenCode's edit permission covers writing and editing together, so it is granted only with Write and Edit",
    });
  if (!only && !editing && ['Write', 'Edit'].some((t) => accessOf(grant, t)))
    approx('disallowedTools', "editing: OpenCode's edit permission covers writing and editing together, so all editing is denied");
  for (const [name, access] of grant.tools) {
    if (name === 'Write' || name === 'Edit') continue;
    const key = ONE[name] ?? (name === 'Bash' ? 'bash' : name === 'Agent' ? 'task' : name.startsWith('mcp__') ? mcpName(name) : undefined);
    if (key === undefined) {
      if (only) report.lost.push({ field: 'tools', detail: `${name}: no OpenCode counterpart` });
      continue;
    }
    const isWhole = access.allow === '*' && access.deny.length === 0;
    const patterns = (name === 'Bash' || name === 'Agent') && !ACTION_ONLY.includes(key);
    const list = (rules: string[]) => (name === 'Agent' ? rules.flatMap((r) => r.split(',').map((n) => n.trim())) : rules.map(glob));
    if (name.startsWith('mcp__')) approx('tools', `${name}: written as the OpenCode permission ${key} (OpenCode's MCP tool names are documented, not checked)`);
    if (only) {
      if (isWhole) rules.push([key, 'allow']);
      else if (!patterns) report.lost.push({ field: 'tools', detail: `${name} with rules: OpenCode cannot limit ${key} that way, so it is not granted` });
      else if (access.allow === '*') {
        rules.push([key, new Ordered([['*', 'allow'], ...list(access.deny).map((p): [string, string] => [p, 'deny'])])]);
        approx('disallowedTools', `${name} rules written as ${key} patterns`);
      } else {
        rules.push([key, new Ordered([['*', 'deny'], ...list(access.allow).map((p): [string, string] => [p, 'allow'])])]);
        if (name === 'Bash') approx('tools', `${name} rules written as ${key} command patterns`);
      }
    } else if (access.allow !== '*' || !patterns) {
      rules.push([key, 'deny']);
      if (access.allow === '*') approx('disallowedTools', `${name} with rules: all of ${key} is denied`);
    } else {
      rules.push([key, new Ordered([['*', 'allow'], ...list(access.deny).map((p): [string, string] => [p, 'deny'])])]);
      approx('disallowedTools', `${name} rules written as ${key} patterns`);
    }
  }
  return rules.length ? new Ordered(rules) : undefined;
}

function translate(source: Parameters<TargetModule['translate']>[0]) {
  const report: Report = { lost: [], approximated: [] };
  const grant = grantOf(source.agent);
  const refused = common(source, grant, report, TITLE, ['maxTurns', 'color', 'mcpServers'], 'editing and the shell are denied');
  if (refused) return { refused, ...report };
  const a = source.agent;
  if (a.mcpServers?.length)
    report.lost.push({
      field: 'mcpServers',
      detail: "OpenCode has no per-agent MCP servers (they live in opencode.json); the agent's MCP tools are granted by name",
    });
  if (a.maxTurns)
    report.approximated.push({ field: 'maxTurns', detail: `steps: ${a.maxTurns}; at the limit OpenCode asks for a final answer instead of stopping` });
  if (a.color) report.approximated.push({ field: 'color', detail: `${a.color} written as ${HEX[a.color]}` });
  const fields: Array<[string, unknown]> = [
    ['description', a.description],
    ['mode', 'subagent'],
    ['permission', permission(grant, report)],
    ['steps', a.maxTurns],
    ['color', a.color ? HEX[a.color] : undefined],
  ];
  return { text: markdownFile(fields, source.body), ...report };
}

function validate(text: string): string[] {
  const read = readMarkdown(text);
  if (typeof read === 'string') return [read];
  const d = read.data;
  const problems: string[] = [];
  for (const key of Object.keys(d)) if (!KEYS.includes(key)) problems.push(`unknown key ${key} (OpenCode would send it to the model provider)`);
  if (d.description !== undefined && typeof d.description !== 'string') problems.push('description must be a string');
  if (d.mode !== undefined && !['subagent', 'primary', 'all'].includes(d.mode as string)) problems.push('mode must be subagent, primary or all');
  if (d.steps !== undefined && !(Number.isInteger(d.steps) && (d.steps as number) > 0)) problems.push('steps must be a positive integer');
  if (d.color !== undefined && !/^#[0-9A-Fa-f]{6}$|^(primary|secondary|accent|success|warning|error|info)$/.test(String(d.color)))
    problems.push('color must be #RRGGBB or a theme colour');
  if (d.tools !== undefined) problems.push('tools is deprecated: permission is written instead');
  const p = d.permission;
  if (p !== undefined && !ACTIONS.includes(p as string)) {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) problems.push('permission must be an action or a mapping');
    else
      for (const [key, v] of Object.entries(p)) {
        const map = v !== null && typeof v === 'object' && !Array.isArray(v);
        if (map ? ACTION_ONLY.includes(key) || !Object.values(v).every((x) => ACTIONS.includes(x as string)) : !ACTIONS.includes(v as string))
          problems.push(`permission.${key}: ${map && ACTION_ONLY.includes(key) ? 'takes an action only' : 'must be allow, ask or deny'}`);
      }
  }
  return problems;
}

/** Claude Code tool → the OpenCode permission that governs it (the reverse of ONE, plus editing, shell and subagents). */
const GOVERNS: Array<[string[], string]> = [
  ...Object.entries(ONE).map(([tool, key]): [string[], string] => [[tool], key]),
  [['Write', 'Edit'], 'edit'],
  [['Bash'], 'bash'],
  [['Agent'], 'task'],
];

/** The last rule of `rules` that matches permission `key` (exact, or a `*` glob). */
function ruleFor(rules: Array<[string, unknown]>, key: string): unknown {
  let found: unknown;
  for (const [k, v] of rules) if (k === key || new RegExp(`^${k.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key)) found = v;
  return found;
}

function importFrom(text: string, fileName: string): Imported {
  const read = readMarkdown(text);
  if (typeof read === 'string') throw new Error(read);
  const d = read.data;
  const report: Report = { lost: [], approximated: [] };
  const lose = (field: string, detail: string) => report.lost.push({ field, detail });
  if (d.disable === true) throw new Error('the agent is disabled (disable: true)');
  if (typeof d.description !== 'string' || !d.description.trim()) throw new Error('it has no description, which Claude Code needs');
  const body = read.body || (typeof d.prompt === 'string' ? d.prompt.trim() : '');
  // The legacy `tools` map: write, edit and patch all set the one edit permission.
  let rules: Array<[string, unknown]> = [];
  if (d.tools && typeof d.tools === 'object')
    rules = Object.entries(d.tools).map(([k, v]) => [['write', 'patch'].includes(k) ? 'edit' : k, v ? 'allow' : 'deny']);
  if (typeof d.permission === 'string') rules.push(['*', d.permission]);
  else if (d.permission && typeof d.permission === 'object') rules.push(...Object.entries(d.permission));
  const everything = (ruleFor(rules, '*') ?? 'allow') === 'allow';
  const tools: string[] = [];
  const denied: string[] = [];
  let asked = false;
  for (const [claude, key] of GOVERNS) {
    const rule = ruleFor(rules, key) ?? (everything ? 'allow' : 'deny');
    if (rule === 'allow') tools.push(...claude);
    else if (typeof rule === 'string') {
      denied.push(...claude);
      asked ||= rule === 'ask';
    } else if (rule && typeof rule === 'object' && (key === 'bash' || key === 'task')) {
      const entries = Object.entries(rule);
      const rest = entries.findLast(([p]) => p === '*')?.[1] ?? 'allow';
      const tool = claude[0]!;
      const wrap = (ps: string[]) => (key === 'task' ? [`Agent(${ps.join(', ')})`] : ps.map((p) => `Bash(${p})`));
      const allowed = entries.filter(([p, v]) => p !== '*' && v === 'allow').map(([p]) => p);
      const blocked = entries.filter(([p, v]) => p !== '*' && v !== 'allow').map(([p]) => p);
      if (rest === 'allow') {
        tools.push(tool);
        if (blocked.length) denied.push(...wrap(blocked));
      } else {
        denied.push(tool);
        if (allowed.length) tools.push(...wrap(allowed));
      }
      report.approximated.push({ field: 'tools', detail: `${key} patterns written as ${tool} rules` });
    } else denied.push(...claude);
  }
  if (asked) lose('tools', 'tools OpenCode asks about first are not granted (Claude Code would not ask for them)');
  for (const [k, v] of rules) {
    if (k === '*' || GOVERNS.some(([, key]) => key === k)) continue;
    // Claude Code asks before touching other folders itself; any other denied tool would be granted there.
    if (everything && v !== 'allow' && !['external_directory', 'doom_loop'].includes(k))
      throw new Error(`permission ${k}: ${JSON.stringify(v)} has no Claude Code counterpart, and without it the agent could use ${k}`);
    lose('tools', `permission ${k}: ${JSON.stringify(v)} has no Claude Code counterpart`);
  }
  const fields: Array<[string, unknown]> = [
    ['name', typeof d.name === 'string' && d.name ? d.name : fileName.replace(/\.md$/, '')],
    ['description', d.description],
  ];
  if (everything) {
    if (denied.length) fields.push(['disallowedTools', toolValue(denied)]);
  } else fields.push(['tools', toolValue(tools)]);
  const steps = d.steps ?? d.maxSteps;
  if (steps !== undefined) {
    fields.push(['maxTurns', steps]);
    report.approximated.push({ field: 'maxTurns', detail: `steps: ${steps}; Claude Code stops at maxTurns where OpenCode asks for a final answer` });
  }
  const color = Object.keys(HEX).find((c) => HEX[c]!.toLowerCase() === String(d.color ?? '').toLowerCase());
  if (color) {
    fields.push(['color', color]);
    report.approximated.push({ field: 'color', detail: `${d.color} written as ${color}` });
  } else if (d.color !== undefined) lose('color', `${d.color}: no Claude Code colour of that value`);
  if (d.mode !== undefined && d.mode !== 'subagent')
    report.approximated.push({ field: 'mode', detail: `mode ${d.mode}: in Claude Code it is a subagent only` });
  for (const key of Object.keys(d)) {
    if (['name', 'description', 'mode', 'permission', 'tools', 'steps', 'maxSteps', 'color', 'prompt', 'disable'].includes(key)) continue;
    lose(key, `${JSON.stringify(d[key])} is not expressible in Claude Code`);
  }
  return { text: claudeFile(fields, body), ...report };
}

export const opencode: TargetModule = { title: TITLE, translate, validate, importFrom };
