import path from 'node:path';
import semver from 'semver';
import { inspectInstalledFile } from '../core/agent/installed-report.js';
import { type AgentReport, agentReportLines } from '../core/agent/report.js';
import { formatGrantsSummary, type Grants } from '../core/agent/validate.js';
import { AgentInstallError, UsageError } from '../core/errors.js';
import type { LockEntry } from '../core/lockfile/lockfile.js';
import { readLockfile } from '../core/lockfile/read.js';
import {
  type AgentDetails,
  type Catalog,
  type CatalogAgent,
  findCatalogAgent,
  loadCatalog,
  readAgentDetails,
  suggestAgentName,
} from '../core/resolve/catalog.js';
import { pickVersion } from '../core/resolve/versions.js';
import { projectScope, type Scope, userScope } from '../core/scope/scope.js';
import { loadRegistryIndex, lockedRegistry, staticRegistries, versionsOf } from '../core/sources/registry/index-file.js';
import { BUNDLED, parseRegistrySpec } from '../core/sources/registry/spec.js';
import { type CommandContext, type CommandResult, displayPath } from './context.js';
import { reportFailures } from './search.js';

/** A lock entry of the agent in one scope. */
export interface InstalledInfo {
  version: string | null;
  requested: string;
  source: string;
  registry: string | null;
  path: string;
  /** The installed file as Claude Code would load it; null when the file is missing. */
  agent: AgentReport | null;
  /** What the installed file lets the agent do (docs/grants.md); null when the file is missing. */
  grants: Grants | null;
}

/** `info --json`. */
export interface AgentInfo {
  ok: true;
  name: string;
  /** The version described: the newest, or the newest the requested range allows. */
  version: string;
  latest: string;
  /** Ascending. */
  versions: string[];
  description: string;
  model: string | null;
  /** null: all tools. */
  tools: string[] | null;
  color: string | null;
  /** What this version lets the agent do as Claude Code applies it (docs/grants.md); null when only the index could be read. */
  grants: Grants | null;
  registry: string;
  /**
   * `file`: description, model, tools and color come from the agent file; `index`: only the
   * static registry's index could be read (`--offline` without the file cached), so the
   * description is the index's one line and model, tools and color are unknown (null).
   */
  detailsFrom: 'file' | 'index';
  installed: { project: InstalledInfo | null; user: InstalledInfo | null };
  /** The command that installs this version range into the current scope. */
  install: string;
}

const shellWord = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

function notFound(name: string, catalog: Catalog): AgentInstallError {
  // An unreadable registry may list the name: report that, as `add` would.
  if (catalog.failures.length > 0) return catalog.failures[0]!.error;
  const available = [...new Set(catalog.agents.map((a) => a.name))].sort();
  const close = suggestAgentName(name, available);
  const where = catalog.registries.length === 1 ? 'the bundled registry' : `the bundled registry or ${catalog.registries.slice(1).join(', ')}`;
  return new AgentInstallError(`Agent "${name}" not found in ${where}.`, {
    code: 'AGENT_NOT_FOUND',
    hint: `${close ? `Did you mean "${close}"? ` : ''}Available: ${available.join(', ') || '(none)'}. See \`agent-install search\`.`,
    details: { name, available, registries: catalog.registries, ...(close ? { suggestion: close } : {}) },
  });
}

async function entryOf(makeScope: () => Scope, name: string, ctx: CommandContext): Promise<{ entry: InstalledInfo | null; note?: string }> {
  let lock: LockEntry | undefined;
  let scope: Scope;
  try {
    scope = makeScope();
    lock = readLockfile(scope.lockfilePath).agents[name];
  } catch (error) {
    if (!(error instanceof AgentInstallError)) throw error;
    // No home folder means no user scope; a broken lockfile is `verify`'s business, not info's.
    if (error.code === 'NO_HOME') return { entry: null, note: 'unknown (no home folder)' };
    if (error.code === 'NOT_A_PROJECT') return { entry: null, note: 'none (not in a project)' };
    ctx.warn(error.message);
    return { entry: null, note: 'unknown (unreadable lockfile)' };
  }
  if (lock === undefined) return { entry: null };
  // The file as it is now (edited or not): what Claude Code would load from it.
  const file = path.join(scope.agentsDir, ...lock.path.split('/'));
  const inspected = await inspectInstalledFile({ file, display: displayPath({ cwd: ctx.cwd }, file) }); // as --json has always given it
  return {
    entry: {
      version: lock.version ?? null,
      requested: lock.requested,
      source: lock.source,
      registry: lock.registry ?? null,
      path: lock.path,
      agent: inspected?.report ?? null,
      grants: inspected?.grants ?? null,
    },
  };
}

/** The effective agent under a scope's line. */
function effectiveLines(ctx: CommandContext, entry: InstalledInfo | null): string[] {
  if (entry === null) return [];
  if (entry.agent === null) return [`  ${ctx.style.dim('loaded'.padEnd(12))}no: the file ${entry.path} is missing`];
  return agentReportLines(entry.agent).map(([label, value]) => `  ${ctx.style.dim(label.padEnd(12))}${value}`);
}

function installedText(found: { entry: InstalledInfo | null; note?: string }, agent: CatalogAgent): string {
  const { entry } = found;
  if (entry === null) return found.note ?? 'not installed';
  const from = entry.registry === agent.registry ? '' : ` from ${entry.source}`;
  if (entry.version === null) return `installed${from}`;
  const newer = semver.valid(entry.version) && semver.lt(entry.version, agent.latest) ? ` (${agent.latest} available)` : '';
  return `${entry.version}${from}${newer}`;
}

/**
 * `--registry` values that name `registry`, so that the printed install command finds it too (a
 * registry known only from the lockfile: its id, a URL or a path from the project root).
 */
function registryFlag(ctx: CommandContext, registry: string): string | undefined {
  if (registry === BUNDLED) return undefined;
  const flag = (ctx.registries ?? []).find((raw) => staticRegistries({ ...ctx, registries: [raw] })[0]?.id === registry);
  if (flag !== undefined) return flag;
  return staticRegistries(ctx).some((r) => r.id === registry) ? undefined : registry;
}

/** The agent as the static registry a lock entry records lists it; undefined when it no longer does. */
async function lockedAgent(ctx: CommandContext, name: string, id: string): Promise<CatalogAgent | undefined> {
  const registry = lockedRegistry(id, ctx);
  const index = await loadRegistryIndex(registry, ctx);
  const versions = versionsOf(index, name);
  const latest = versions.at(-1);
  if (latest === undefined) return undefined;
  return { name, registry: registry.id, versions, latest, description: index.agents[name]?.description ?? '' };
}

function installCommand(ctx: CommandContext, name: string, range: string | undefined, registry: string): string {
  const words = ['agent-install', 'add', range === undefined || range === 'latest' ? name : `${name}@${range}`];
  if (ctx.global) words.push('-g');
  const flag = registryFlag(ctx, registry);
  if (flag !== undefined) words.push('--registry', flag);
  return words.map(shellWord).join(' ');
}

function toolsText(tools: string[] | null): string {
  if (tools === null) return 'all tools';
  return tools.length === 0 ? 'none (`tools:` is empty: the agent gets no tools)' : tools.join(', ');
}

/** `info <name>[@range]`: one available agent, its versions and where it is installed. */
export async function run(ctx: CommandContext, raw: string): Promise<CommandResult> {
  const spec = parseRegistrySpec(raw);
  if (spec === null) {
    throw new UsageError(`info: "${raw}" is not an agent name (name or name@range).`, { hint: 'Browse names with `agent-install search`.' });
  }
  const project = await entryOf(() => projectScope(ctx), spec.name, ctx);
  const user = await entryOf(() => userScope(ctx), spec.name, ctx);
  // An installed agent is shown from the registry its lock entry records, as outdated and upgrade
  // use it (the current scope's entry first); else the name is looked up the way `add` does.
  const locked = (ctx.global ? [user, project] : [project, user]).find((f) => f.entry?.registry != null && f.entry.registry !== BUNDLED)?.entry;
  let agent = locked ? await lockedAgent(ctx, spec.name, locked.registry!) : undefined;
  if (agent === undefined) {
    const catalog = await loadCatalog(ctx);
    agent = findCatalogAgent(catalog, spec.name);
    if (agent === undefined) throw notFound(spec.name, catalog);
    // A registry that could not be read matters only when it comes before the one that answered (it might own the name).
    const owner = catalog.registries.indexOf(agent.registry);
    reportFailures(
      ctx,
      catalog.failures.filter((f) => catalog.registries.indexOf(f.registry) < owner),
    );
  }
  const version = pickVersion(agent.name, agent.versions, spec.range);

  let details: AgentDetails | undefined;
  try {
    details = await readAgentDetails(agent, version, ctx);
  } catch (error) {
    // Browsing still works from the index alone (e.g. --offline before the file was ever fetched).
    if (!(error instanceof AgentInstallError) || agent.registry === BUNDLED) throw error;
    ctx.warn(`${agent.name}@${version}: showing the registry index only (${error.message})`);
  }

  const result: AgentInfo = {
    ok: true,
    name: agent.name,
    version,
    latest: agent.latest,
    versions: agent.versions,
    description: details?.description ?? (version === agent.latest ? agent.description : ''),
    model: details?.model ?? null,
    tools: details ? details.tools : null,
    color: details?.color ?? null,
    grants: details?.grants ?? null,
    registry: agent.registry,
    detailsFrom: details ? 'file' : 'index',
    installed: { project: project.entry, user: user.entry },
    install: installCommand(ctx, agent.name, spec.range, agent.registry),
  };

  const { style } = ctx;
  const unknown = 'unknown (agent file not available)';
  const grantLines = details ? formatGrantsSummary(details.grants, style) : [unknown];
  const field = (label: string, value: string) => `${style.dim(label.padEnd(10))}${value}`;
  const lines = [
    `${style.bold(agent.name)}@${version}${version === agent.latest ? '' : style.dim(` (latest: ${agent.latest})`)}`,
    field('latest', agent.latest),
    field('versions', agent.versions.join(', ')),
    field('model', details ? (details.model ?? 'not set (Claude Code’s default)') : unknown),
    field('tools', details ? toolsText(details.tools) : unknown),
    field('color', details ? (details.color ?? 'none') : unknown),
    ...grantLines.map((line, index) => (index === 0 ? field('grants', line) : `${' '.repeat(10)}${line}`)),
    field('registry', agent.registry),
    field('project', installedText(project, agent)),
    ...effectiveLines(ctx, project.entry),
    field('user', installedText(user, agent)),
    ...effectiveLines(ctx, user.entry),
    '',
    result.description || style.dim('(no description in the registry index)'),
    '',
    `${style.dim('install')}   ${result.install}`,
  ];
  return { json: result, text: lines.join('\n') };
}
