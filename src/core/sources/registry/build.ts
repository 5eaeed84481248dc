import { type Dirent, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import type { CheckAgentBytes } from '../../agent/load.js';
import { nameProblem } from '../../agent/names.js';
import type { Issue } from '../../agent/validate.js';
import { AgentInstallError } from '../../errors.js';
import { readFileBounded } from '../../io/bounded-read.js';
import { isLoopbackHost } from '../../io/http.js';
import { computeIntegrity } from '../../io/integrity.js';
import { stringifyDeterministic } from '../../io/json.js';
import { emptyRecord, INDEX_VERSION, type IndexAgent, type IndexVersion, type RegistryIndex } from './index-file.js';

// ---------------------------------------------------------------------------------------------
// `agent-install registry build`: a folder laid out like the bundled registry → index.json.

export interface BuildIndexOptions {
  /** Where the index will be written; relative file URLs are relative to its folder. */
  outFile: string;
  /** Write absolute URLs under this base instead (`https://agents.example.com/`). */
  baseUrl?: string;
}

export interface BuiltIndex {
  index: RegistryIndex;
  /** The serialised index (deterministic JSON). */
  text: string;
  /** Files under agents/ that are not `<name>/<version>.md` (e.g. CHANGELOG.md), relative to the folder. */
  ignored: string[];
  warnings: Array<{ file: string; issue: Issue }>;
}

/** Agent names and versions stay readable in URLs; anything unusual is percent-encoded. */
const encodePath = (relative: string): string => relative.split('/').map(encodeURIComponent).join('/');

/** `v1.2.3`, `1.2`, `01.0.0` → the version they meant, if that is plain. */
function meantVersion(stem: string): string | null {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?$/.exec(stem);
  if (!match) return null;
  const meant = `${Number(match[1])}.${Number(match[2] ?? 0)}.${Number(match[3] ?? 0)}${match[4] ?? ''}`;
  return semver.valid(meant) === meant ? meant : null;
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Builds an index.json from `<dir>/agents/<name>/<version>.md`. Every file must load in Claude
 * Code and be named after its folder; any error fails the whole build (nothing is returned to
 * write). Output is deterministic: sorted keys, no timestamps.
 */
export function buildRegistryIndex(dir: string, options: BuildIndexOptions, checkAgentBytes: CheckAgentBytes): BuiltIndex {
  const agentsDir = path.join(dir, 'agents');
  const layout = 'A registry folder holds agents/<name>/<version>.md, e.g. agents/code-reviewer/1.0.0.md.';
  if (!isFolder(dir)) throw new AgentInstallError(`No such folder: ${dir}.`, { code: 'NOT_FOUND', hint: layout });
  let entries: Dirent[];
  try {
    entries = readdirSync(agentsDir, { withFileTypes: true });
  } catch (error) {
    throw new AgentInstallError(`No agents/ folder in ${dir}.`, { code: 'NOT_FOUND', hint: layout, cause: error });
  }
  const names = entries
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  // Claude Code's own layout (agents/x.md) has no versions: say so instead of building nothing.
  const flat = entries
    .filter((d) => !d.isDirectory() && d.name.endsWith('.md'))
    .map((d) => d.name)
    .sort();
  let base: URL | undefined;
  if (options.baseUrl !== undefined) {
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new AgentInstallError(`--base-url is not a URL: ${options.baseUrl}`, {
        code: 'USAGE',
        exitCode: 2,
        hint: 'Use e.g. --base-url https://agents.example.com/',
      });
    }
    // The rule every client applies when it fetches: an index whose URLs break it cannot be used.
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHost(base.hostname))) {
      throw new AgentInstallError(`--base-url must be https:// (plain http:// only for loopback hosts): ${options.baseUrl}`, {
        code: 'USAGE',
        exitCode: 2,
        hint: 'agent-install fetches agent files over https only; use e.g. --base-url https://agents.example.com/',
      });
    }
  }
  const outDir = path.dirname(path.resolve(options.outFile));
  const agents = emptyRecord<IndexAgent>();
  const ignored: string[] = [];
  const warnings: BuiltIndex['warnings'] = [];
  const errors: string[] = [];
  for (const fileName of flat) {
    const name = fileName.slice(0, -3);
    errors.push(`agents/${fileName}: not in a folder of versions; move it to agents/${name}/<version>.md (e.g. agents/${name}/1.0.0.md)`);
  }
  for (const name of names) {
    const relativeDir = `agents/${name}`;
    const problem = nameProblem(name);
    if (problem !== null) {
      errors.push(`${relativeDir}: unusable agent name (${problem})`);
      continue;
    }
    const versions = emptyRecord<IndexVersion>();
    let newest: { version: string; description: string } | undefined;
    for (const fileName of readdirSync(path.join(agentsDir, name)).sort()) {
      const relative = `${relativeDir}/${fileName}`;
      const version = fileName.endsWith('.md') ? fileName.slice(0, -3) : '';
      if (semver.valid(version) !== version || version === '') {
        // `v1.0.0.md`, `1.0.md`, `01.0.0.md` meant a version: dropping them unseen would lose it.
        const stem = fileName.endsWith('.md') ? fileName.slice(0, -3) : fileName;
        if (/^v?\d/.test(stem)) {
          const meant = meantVersion(stem);
          errors.push(`${relative}: not a semantic version; ${meant ? `name it ${meant}.md` : 'name it like 1.0.0.md'}`);
        } else ignored.push(relative);
        continue;
      }
      const file = path.join(agentsDir, name, fileName);
      let bytes: Uint8Array;
      try {
        const read = readFileBounded(file);
        if (read.bytes === null) {
          errors.push(`${relative}: the file is ${read.size.toLocaleString('en-US')} bytes; Claude Code skips agent files over 1 MiB`);
          continue;
        }
        bytes = read.bytes;
      } catch (error) {
        errors.push(`${relative}: ${(error as Error).message}`);
        continue;
      }
      const check = checkAgentBytes(bytes, { fileName: `${name}.md` });
      for (const issue of check.issues) {
        if (issue.severity === 'error') errors.push(`${relative}:${issue.line}:${issue.column}: ${issue.message}`);
        else warnings.push({ file: relative, issue });
      }
      if (check.agent === null) continue;
      if (check.agent.name !== name) {
        errors.push(`${relative}: the agent is named "${check.agent.name}", but its folder says "${name}"`);
        continue;
      }
      const url = base ? new URL(encodePath(relative), base).href : encodePath(path.relative(outDir, file).split(path.sep).join('/'));
      versions[version] = { url, integrity: computeIntegrity(bytes) };
      if (newest === undefined || semver.gt(version, newest.version)) newest = { version, description: check.agent.description };
    }
    if (newest === undefined) continue;
    const description = newest.description.split('\n')[0]!.trim();
    agents[name] = { versions, ...(description ? { description: description.length > 200 ? `${description.slice(0, 199)}…` : description } : {}) };
  }
  if (errors.length > 0) {
    throw new AgentInstallError(`Cannot build the index of ${dir}:\n${errors.map((e) => `  ${e}`).join('\n')}`, {
      code: 'INVALID_AGENT',
      hint: 'Fix these files (`agent-install validate <file>` explains each); nothing was written.',
      details: { errors },
    });
  }
  if (Object.keys(agents).length === 0) {
    throw new AgentInstallError(`No agents in ${dir}: found no agents/<name>/<version>.md.`, { code: 'NOT_FOUND', hint: layout });
  }
  const index: RegistryIndex = { indexVersion: INDEX_VERSION, agents };
  return { index, text: stringifyDeterministic(index), ignored, warnings };
}
