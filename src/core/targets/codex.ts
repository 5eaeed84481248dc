/** OpenAI Codex CLI 0.171.0: agent roles in `.codex/agents/<name>.toml` (docs/targets.md §6, docs/targets-mapping.md §3.5). */
import { EFFORT_LEVELS } from '../agent/effective.js';
import { claudeFile, common, grantOf, type Imported, inlineServers, isAll, type Report, type Source, serverTools, type TargetModule, whole } from './grant.js';
import { parseToml, tomlKey, tomlString, tomlValue } from './text.js';

const TITLE = 'Codex';
const KEYS = [
  'name',
  'description',
  'developer_instructions',
  'nickname_candidates',
  'model',
  'model_reasoning_effort',
  'sandbox_mode',
  'approval_policy',
  'web_search',
  'mcp_servers',
];
const ENUMS: Record<string, string[]> = {
  sandbox_mode: ['read-only', 'workspace-write', 'danger-full-access'],
  approval_policy: ['untrusted', 'on-failure', 'on-request', 'granular', 'never'],
  web_search: ['disabled', 'cached', 'indexed', 'live'],
};

function translate(source: Source) {
  const report: Report = { lost: [], approximated: [] };
  const a = source.agent;
  const before = grantOf(a);
  const grant = grantOf(a);
  const refused = common(source, grant, report, TITLE, ['effort', 'mcpServers'], 'written as sandbox_mode = "read-only"');
  if (refused) return { refused, ...report };
  if (!a.description.trim()) return { refused: 'its description is blank, and Codex ignores such a role', ...report };
  if (!source.body.trim()) return { refused: 'its prompt is blank, and Codex ignores a role without developer_instructions', ...report };
  const top: Array<[string, string]> = [
    ['name', a.name],
    ['description', a.description],
  ];
  let sandbox: string | undefined;
  if (!isAll(before)) {
    if (!whole(before, 'Bash'))
      return {
        refused: 'Codex has no per-tool list and every role has a shell; this agent may not use an unrestricted Bash, so it would get more than it has',
        ...report,
      };
    if (source.codexMcp)
      return {
        refused: "the user's Codex configuration declares MCP servers, which a role would get too (switching them off per role is not verified)",
        ...report,
      };
    sandbox = a.permissionMode === 'plan' ? 'read-only' : 'workspace-write';
    report.approximated.push({
      field: 'tools',
      detail: `Codex has no per-tool list: the role gets the tools of a Codex session (shell, patching), limited by sandbox_mode = "${sandbox}"`,
    });
    if (!whole(before, 'WebSearch')) top.push(['web_search', 'disabled']);
  } else if (a.permissionMode === 'plan') sandbox = 'read-only';
  if (typeof a.effort === 'string' && (EFFORT_LEVELS as readonly string[]).includes(a.effort)) top.push(['model_reasoning_effort', a.effort]);
  else if (a.effort !== undefined)
    report.lost.push({ field: 'effort', detail: `${a.effort}: Codex takes a level (${EFFORT_LEVELS.join(', ')}), not a number` });
  if (sandbox) top.push(['sandbox_mode', sandbox]);
  const tables: string[] = [];
  for (const [name, c] of inlineServers(source, report, TITLE)) {
    const tools = serverTools(grant, name);
    if (tools.length === 0) continue;
    const type = c.type ?? 'stdio';
    const config: Array<[string, unknown]> =
      type === 'stdio'
        ? [
            ['command', c.command],
            ['args', c.args],
            ['env', c.env],
          ]
        : type === 'http' || type === 'streamable-http'
          ? [
              ['url', c.url],
              ['http_headers', c.headers],
            ]
          : [];
    if (config.length === 0) {
      report.lost.push({ field: 'mcpServers', detail: `${name}: a ${type} server has no Codex form` });
      continue;
    }
    if (tools[0] !== '*') config.push(['enabled_tools', tools]);
    tables.push(`\n[mcp_servers.${tomlKey(name)}]\n${config.map(([k, v]) => (v === undefined ? '' : `${k} = ${tomlValue(v)}\n`)).join('')}`);
  }
  if (tables.length) report.approximated.push({ field: 'mcpServers', detail: 'written as mcp_servers tables of the role' });
  const lines = top.map(([k, v]) => `${k} = ${tomlString(v)}`);
  lines.push(`developer_instructions = ${tomlString(source.body, true)}`);
  return { text: `${lines.join('\n')}\n${tables.join('')}`, ...report };
}

function validate(text: string): string[] {
  let d: Record<string, unknown>;
  try {
    d = parseToml(text);
  } catch (error) {
    return [`TOML parse error: ${(error as Error).message}`];
  }
  const problems = Object.keys(d)
    .filter((k) => !KEYS.includes(k))
    .map((k) => `unknown field \`${k}\``);
  for (const key of ['name', 'description', 'developer_instructions'])
    if (typeof d[key] !== 'string' || !(d[key] as string).trim()) problems.push(`${key} must be a non-blank string`);
  for (const [key, values] of Object.entries(ENUMS)) if (d[key] !== undefined && !values.includes(d[key] as string)) problems.push(`unknown variant of ${key}`);
  return problems;
}

function importFrom(text: string): Imported {
  const d = parseToml(text);
  const report: Report = { lost: [], approximated: [] };
  for (const key of ['name', 'description', 'developer_instructions'])
    if (typeof d[key] !== 'string' || !(d[key] as string).trim()) throw new Error(`it has no ${key}, and Codex ignores such a role too`);
  const fields: Array<[string, unknown]> = [
    ['name', d.name],
    ['description', d.description],
  ];
  report.approximated.push({ field: 'tools', detail: 'a Codex role has the tools of a Codex session: the Claude Code agent gets every tool' });
  if (d.web_search === 'disabled') fields.push(['disallowedTools', 'WebSearch']);
  const effort = d.model_reasoning_effort;
  if (typeof effort === 'string' && (EFFORT_LEVELS as readonly string[]).includes(effort)) fields.push(['effort', effort]);
  else if (effort !== undefined) report.lost.push({ field: 'effort', detail: `${effort}: no Claude Code effort level` });
  if (d.sandbox_mode === 'read-only') {
    fields.push(['permissionMode', 'plan']);
    report.approximated.push({ field: 'permissionMode', detail: 'sandbox_mode = "read-only" written as permissionMode: plan' });
  } else if (d.sandbox_mode !== undefined)
    report.approximated.push({ field: 'sandbox_mode', detail: `${d.sandbox_mode}: Claude Code asks before commands and edits instead of sandboxing them` });
  for (const key of Object.keys(d)) {
    if (['name', 'description', 'developer_instructions', 'model_reasoning_effort', 'sandbox_mode', 'web_search'].includes(key)) continue;
    report.lost.push({ field: key === 'mcp_servers' ? 'mcpServers' : key, detail: `${JSON.stringify(d[key])} is not expressible in Claude Code` });
  }
  return { text: claudeFile(fields, (d.developer_instructions as string).trim()), ...report };
}

export const codex: TargetModule = { title: TITLE, translate, validate, importFrom };
