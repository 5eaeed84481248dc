/** Gemini CLI 0.61.0: `.gemini/agents/<name>.md` (docs/targets.md §4, docs/targets-mapping.md §3.3). */
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

const TITLE = 'Gemini CLI';
const TO: Record<string, string[]> = {
  Read: ['read_file', 'read_many_files'],
  Write: ['write_file'],
  Edit: ['replace'],
  Bash: ['run_shell_command'],
  Grep: ['grep_search'],
  Glob: ['glob'],
  LS: ['list_directory'],
  WebFetch: ['web_fetch'],
  WebSearch: ['google_web_search'],
  TodoWrite: ['write_todos'],
  Skill: ['activate_skill'],
  AskUserQuestion: ['ask_user'],
};
/** Tool names Gemini CLI 0.61.0 accepts in `tools` besides these (an unknown one rejects the file). */
const VALID = new Set([
  ...Object.values(TO).flat(),
  'search_file_content',
  'get_internal_docs',
  'enter_plan_mode',
  'exit_plan_mode',
  'update_topic',
  'complete_task',
  'invoke_agent',
  'read_mcp_resource',
  'list_mcp_resources',
  '*',
  'mcp_*',
]);
const KEYS = ['kind', 'name', 'description', 'display_name', 'tools', 'mcp_servers', 'model', 'temperature', 'max_turns', 'timeout_mins'];
const BUILT_IN = ['codebase_investigator', 'cli_help', 'generalist', 'browser_agent'];
const validTool = (t: unknown) => typeof t === 'string' && (VALID.has(t) || /^(tracker_|discovered_tool_)\w|^mcp_\w/.test(t));

function toolList(grant: Grant, report: Report): string[] | undefined {
  if (isAll(grant)) return undefined;
  const out = new Set<string>();
  for (const name of listed(grant, report, TITLE)) {
    const mcp = /^mcp__(.+?)(?:__(.+))?$/.exec(name);
    if (TO[name] && whole(grant, name)) for (const t of TO[name]!) out.add(t);
    else if (mcp && whole(grant, name)) out.add(`mcp_${mcp[1]}_${mcp[2] ?? '*'}`);
    else
      report.lost.push({
        field: 'tools',
        detail:
          name === 'Agent'
            ? 'Agent: Gemini CLI subagents cannot start subagents'
            : TO[name]
              ? `${name} with rules: Gemini CLI cannot limit it in an agent file, so it is not granted`
              : `${name}: no Gemini CLI counterpart`,
      });
  }
  return [...out];
}

function servers(source: Source, grant: Grant, report: Report): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [name, c] of inlineServers(source, report, TITLE)) {
    const tools = serverTools(grant, name);
    if (tools.length === 0) continue;
    const only = tools[0] === '*' ? {} : { include_tools: tools };
    const type = c.type ?? 'stdio';
    if (type === 'stdio') out[name] = { command: c.command, ...(c.args ? { args: c.args } : {}), ...(c.env ? { env: c.env } : {}), ...only };
    else if (type === 'http' || type === 'streamable-http' || type === 'sse')
      out[name] = { [type === 'sse' ? 'url' : 'http_url']: c.url, ...(c.headers ? { headers: c.headers } : {}), ...only };
    else report.lost.push({ field: 'mcpServers', detail: `${name}: a ${type} server has no Gemini CLI form` });
  }
  if (Object.keys(out).length === 0) return undefined;
  report.approximated.push({ field: 'mcpServers', detail: 'written as mcp_servers (the documented mcpServers is rejected by 0.61.0)' });
  return out;
}

function translate(source: Source) {
  const report: Report = { lost: [], approximated: [] };
  const a = source.agent;
  if (!/^[a-z0-9_-]+$/.test(a.name))
    return { refused: `Gemini CLI needs a name of a-z, 0-9, - and _ (renaming the agent would change how it is called)`, ...report };
  if (BUILT_IN.includes(a.name)) return { refused: `${a.name} is a built-in agent of Gemini CLI, which ignores a project agent of that name`, ...report };
  const grant = grantOf(a);
  const refused = common(source, grant, report, TITLE, ['maxTurns', 'mcpServers'], 'write_file, replace and run_shell_command are not granted');
  if (refused) return { refused, ...report };
  const fields: Array<[string, unknown]> = [
    ['name', a.name],
    ['description', a.description],
    ['tools', toolList(grant, report)],
    ['max_turns', a.maxTurns],
    ['mcp_servers', servers(source, grant, report)],
  ];
  return { text: markdownFile(fields, source.body), ...report };
}

function validate(text: string): string[] {
  const read = readMarkdown(text);
  if (typeof read === 'string') return [read];
  const d = read.data;
  const problems = Object.keys(d)
    .filter((k) => !KEYS.includes(k))
    .map((k) => `Unrecognized key '${k}'`);
  if (typeof d.name !== 'string' || !/^[a-z0-9_-]+$/.test(d.name)) problems.push('name: Name must be a valid slug');
  if (typeof d.description !== 'string' || d.description === '') problems.push('description: Required');
  if (d.kind !== undefined && d.kind !== 'local') problems.push('kind must be local');
  if (d.tools !== undefined) {
    if (!Array.isArray(d.tools)) problems.push('tools: Expected array');
    else for (const [i, t] of d.tools.entries()) if (!validTool(t)) problems.push(`tools.${i}: Invalid tool name`);
  }
  if (d.max_turns !== undefined && !(Number.isInteger(d.max_turns) && (d.max_turns as number) > 0)) problems.push('max_turns must be a positive integer');
  const s = d.mcp_servers;
  if (s !== undefined && (s === null || typeof s !== 'object' || Array.isArray(s))) problems.push('mcp_servers must be a mapping');
  return problems;
}

function importFrom(text: string): Imported {
  const read = readMarkdown(text);
  if (typeof read === 'string') throw new Error(read);
  const d = read.data;
  const report: Report = { lost: [], approximated: [] };
  if (d.kind === 'remote') throw new Error('it is a remote (Agent2Agent) agent, which runs elsewhere');
  if (typeof d.name !== 'string' || !d.name) throw new Error('it has no name');
  if (typeof d.description !== 'string' || !d.description.trim()) throw new Error('it has no description');
  const fields: Array<[string, unknown]> = [
    ['name', d.name],
    ['description', d.description],
  ];
  if (Array.isArray(d.tools) && !d.tools.includes('*')) {
    const tools: string[] = [];
    for (const t of d.tools.map(String)) {
      const claude = Object.keys(TO).filter((k) => TO[k]!.includes(t));
      const server = /^mcp_(.+)_\*$/.exec(t)?.[1];
      if (claude.length) tools.push(...claude);
      else if (t === 'search_file_content') tools.push('Grep');
      else if (server) tools.push(`mcp__${server}`);
      else if (t !== 'complete_task')
        report.lost.push({
          field: 'tools',
          detail: `${t}: no Claude Code counterpart${t.startsWith('mcp_') ? ' (server and tool names cannot be told apart)' : ''}`,
        });
    }
    fields.push(['tools', toolValue(tools)]);
  } else if (d.tools !== undefined && !Array.isArray(d.tools)) throw new Error('its tools are not a list');
  if (d.max_turns !== undefined) fields.push(['maxTurns', d.max_turns]);
  for (const key of Object.keys(d))
    if (!['kind', 'name', 'description', 'tools', 'max_turns'].includes(key))
      report.lost.push({ field: key === 'mcp_servers' ? 'mcpServers' : key, detail: `${JSON.stringify(d[key])} is not expressible in Claude Code` });
  return { text: claudeFile(fields, read.body), ...report };
}

export const gemini: TargetModule = { title: TITLE, translate, validate, importFrom };
