import path from 'node:path';
import { loadValidate } from '../core/agent/load.js';
import type { GrantChange } from '../core/agent/validate.js';
import { type FieldChange, frontmatterChanges } from '../core/diff/field-changes.js';
import { type DiffHunk, diffHunks, formatUnifiedDiff } from '../core/diff/text-diff.js';
import { ExitCode } from '../core/errors.js';
import { readFileBounded } from '../core/io/bounded-read.js';
import { computeIntegrity } from '../core/io/integrity.js';
import type { LockEntry } from '../core/lockfile/lockfile.js';
import { fetchLockedCandidate } from '../core/resolve/locked.js';
import { resolveTarget } from '../core/resolve/target.js';
import { scopeFolders, targetsFolder } from '../core/scope/folders.js';
import { knownBytes } from '../core/scope/known.js';
import type { Scope } from '../core/scope/scope.js';
import { type OtherTarget, parseTargets } from '../core/targets/ids.js';
import { type CommandContext, type CommandResult, commandScope, counted, displayPath, scopeJson } from './context.js';
import { lockfileFor } from './lockfile-state.js';
import { selectLocked } from './select.js';

export interface DiffOptions {
  to?: string;
  latest?: boolean;
  base?: boolean;
  exitCode?: boolean;
  /** Targets: diff these tools' files of each agent instead of its Claude Code file. */
  target?: string[] | undefined;
}

interface AgentDiff {
  name: string;
  /** Targets: the tool whose file this is (absent: the Claude Code file). */
  target?: string;
  from: { label: string; version: string | null };
  to: { label: string; version: string | null };
  identical: boolean;
  /** The texts differ only in line endings. */
  lineEndingsOnly: boolean;
  /** What the agent may do differently (diffGrants): shown before the text diff. */
  grants: GrantChange[];
  fields: FieldChange[];
  hunks: DiffHunk[];
  /** Why there is nothing to show although the bytes differ. */
  note?: string;
}

// Keep a byte-order mark, so that a diff shows it like any other change.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The installed file's bytes; null when it is gone; the error when it is there but cannot be read (or is not a file to read). */
function readInstalled(file: string): Uint8Array | null | Error {
  try {
    const read = readFileBounded(file);
    if (read.bytes === null) return new Error(`it is ${read.size.toLocaleString('en-US')} bytes; agent files are at most 1 MiB`);
    return read.bytes;
  } catch (error) {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    if (cause?.code === 'ENOENT' || cause?.code === 'ENOTDIR') return null;
    return new Error(cause?.message ?? 'it is not a regular file (a FIFO, socket or device)');
  }
}

/** diffGrants from one text to the other, each read as Claude Code loads it. */
async function grantChanges(from: string, to: string, fileName: string): Promise<GrantChange[]> {
  const { checkAgentText, diffGrants, grantsOf } = await loadValidate();
  return diffGrants(grantsOf(checkAgentText(from, { fileName }).effective), grantsOf(checkAgentText(to, { fileName }).effective));
}

/**
 * Targets: each chosen tool's file of one agent → the translation of the candidate version, or
 * with `--base` the translation of the locked version → the file (its local edits).
 */
async function diffTargets(
  ctx: CommandContext,
  scope: Scope,
  name: string,
  entry: LockEntry,
  targets: OtherTarget[],
  options: DiffOptions,
): Promise<AgentDiff[]> {
  const { translationOf } = await import('../core/targets/plan.js');
  const { readTargetFile } = await import('../core/targets/files.js');
  const folder = targetsFolder(scopeFolders(scope));
  let other: { label: string; version: string | null; bytes: Uint8Array } | undefined;
  const out: AgentDiff[] = [];
  for (const target of targets) {
    const record = entry.targets?.[target];
    const empty = { label: '-', version: null };
    // Grant changes belong to the Claude Code file's diff; a target's diff is its text.
    const base = { name, target, from: empty, to: empty, identical: false, lineEndingsOnly: false, fields: [], grants: [], hunks: [] };
    if (record === undefined) {
      out.push({ ...base, identical: true, note: `not installed for ${target} (\`agent-install install --target ${target}\` adds it)` });
      continue;
    }
    const disk = readTargetFile(folder, record.path);
    const shown = displayPath(ctx, folder.resolve(record.path));
    if (disk.kind !== 'file' && disk.kind !== 'missing') {
      out.push({
        ...base,
        note: `cannot read ${shown}: ${disk.kind === 'other' ? disk.why : `it is a ${disk.kind === 'symlink' ? 'symbolic link' : 'folder'}`}`,
      });
      continue;
    }
    if (other === undefined) {
      if (options.base) {
        const locked = await fetchLockedCandidate(name, entry, ctx);
        other = { label: `${name}${entry.version ? `@${entry.version}` : ''} (locked)`, version: entry.version ?? null, bytes: locked.bytes };
      } else {
        const candidate = (
          await resolveTarget(name, entry, ctx, { ...(options.to !== undefined ? { to: options.to } : {}), latest: options.latest === true, root: scope.root })
        ).candidate;
        const version = candidate.version ?? null;
        other = { label: `${name}${version ? `@${version}` : ''} (${candidate.source})`, version, bytes: candidate.bytes };
      }
    }
    const translation = translationOf(target, other.bytes);
    if (typeof translation === 'string' || 'refused' in translation) {
      out.push({ ...base, note: `${other.label} has no ${target} translation: ${typeof translation === 'string' ? translation : translation.refused}` });
      continue;
    }
    const installed = {
      label: `${shown} (installed${disk.kind === 'missing' ? ', missing' : ''})`,
      version: null,
      text: disk.kind === 'file' ? decoder.decode(disk.bytes) : '',
    };
    const translated = { label: `${other.label} as ${target}`, version: other.version, text: translation.text };
    const [from, to] = options.base ? [translated, installed] : [installed, translated];
    const hunks = diffHunks(from.text, to.text);
    out.push({
      ...base,
      from: { label: from.label, version: from.version },
      to: { label: to.label, version: to.version },
      identical: hunks.length === 0,
      lineEndingsOnly: hunks.length > 0 && from.text.replace(/\r\n/g, '\n') === to.text.replace(/\r\n/g, '\n'),
      hunks,
    });
  }
  return out;
}

/**
 * Installed file → candidate version (default: the newest `requested` allows; `--to`,
 * `--latest`), or with `--base` locked version → installed file (the local edits).
 */
export async function run(ctx: CommandContext, names: string[], options: DiffOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const lockfile = lockfileFor(ctx, scope, 'use');
  const { agents } = scopeFolders(scope);
  const known = knownBytes(ctx, scope.agentsDir);
  const results: AgentDiff[] = [];
  const targets = options.target !== undefined && options.target.length > 0 ? parseTargets(options.target) : [];
  for (const [name, entry] of selectLocked(scope, lockfile, names)) {
    if (targets.length > 0) {
      results.push(...(await diffTargets(ctx, scope, name, entry, targets, options)));
      continue;
    }
    agents.check(entry.path); // never read through a link that leads out of the agents folder
    const file = agents.resolve(entry.path);
    const read = readInstalled(file);
    if (read instanceof Error) {
      // Unknown bytes are no empty file: say so for this agent, and diff the others.
      const label = `${displayPath(ctx, file)} (installed, unreadable)`;
      results.push({
        name,
        from: { label, version: null },
        to: { label, version: null },
        identical: false,
        lineEndingsOnly: false,
        grants: [],
        fields: [],
        hunks: [],
        note: `cannot read ${displayPath(ctx, file)}: ${read.message}`,
      });
      continue;
    }
    const installedBytes = read;
    const installedText = installedBytes === null ? null : decoder.decode(installedBytes);
    const installedLabel = `${displayPath(ctx, file)} (installed${installedText === null ? ', missing' : ''})`;
    const installed = { label: installedLabel, version: null, text: installedText ?? '' };
    let other: { label: string; version: string | null; text: string };
    if (options.base) {
      const locked = await fetchLockedCandidate(name, entry, ctx);
      other = { label: `${name}${entry.version ? `@${entry.version}` : ''} (locked)`, version: entry.version ?? null, text: decoder.decode(locked.bytes) };
      // A file that holds another version agent-install can name has no local edits: say so
      // instead of showing the upstream change as if it were the user's.
      const version = installedBytes === null ? null : await known.versionOf(name, computeIntegrity(installedBytes));
      if (version !== null && entry.accepted === undefined && version.version !== entry.version) {
        results.push({
          name,
          from: { label: other.label, version: other.version },
          to: { label: installedLabel, version: version.version ?? null },
          identical: true,
          lineEndingsOnly: false,
          grants: [],
          fields: [],
          hunks: [],
          note: `no local edits: the file holds ${version.version ?? version.source}, the lockfile records ${entry.version ?? entry.source} (\`agent-install install\` brings it there)`,
        });
        continue;
      }
    } else {
      const target = await resolveTarget(name, entry, ctx, {
        ...(options.to !== undefined ? { to: options.to } : {}),
        latest: options.latest === true,
        root: scope.root,
      });
      const version = target.candidate.version ?? null;
      other = { label: `${name}${version ? `@${version}` : ''} (${target.candidate.source})`, version, text: decoder.decode(target.candidate.bytes) };
    }
    const [from, to] = options.base ? [other, installed] : [installed, other];
    const hunks = diffHunks(from.text, to.text);
    results.push({
      name,
      from: { label: from.label, version: from.version },
      to: { label: to.label, version: to.version },
      identical: hunks.length === 0,
      lineEndingsOnly: hunks.length > 0 && from.text.replace(/\r\n/g, '\n') === to.text.replace(/\r\n/g, '\n'),
      grants: hunks.length === 0 ? [] : await grantChanges(from.text, to.text, path.basename(entry.path)),
      fields: frontmatterChanges(from.text, to.text),
      hunks,
    });
  }
  const painter = {
    add: ctx.style.green,
    remove: ctx.style.red,
    hunk: ctx.style.cyan,
    header: ctx.style.bold,
  };
  // -q: the agents that differ alone.
  const blocks = (ctx.quiet ? results.filter((r) => !r.identical) : results).map((r) => {
    const title = r.target ? `${r.name} (${r.target})` : r.name;
    if (r.note) return `${title}: ${r.note}`;
    if (r.identical) return `${title}: no differences (${r.from.label} = ${r.to.label})`;
    const lines = [ctx.style.bold(`${title}: ${r.from.label} → ${r.to.label}`)];
    if (r.lineEndingsOnly) lines.push('  only line endings differ (CRLF vs LF)');
    if (r.grants.length > 0) lines.push(`  grants${r.grants.some((g) => g.risky !== null) ? ' (risky changes need approval again)' : ''}:`);
    for (const g of r.grants) lines.push(`    ${g.risky !== null ? ctx.style.red(g.text) : g.text}`);
    for (const f of r.fields) lines.push(`  ${f.field}: ${f.change}`);
    lines.push(formatUnifiedDiff(r.from.label, r.to.label, r.hunks, painter));
    return lines.join('\n');
  });
  const different = results.some((r) => !r.identical);
  return {
    json: { ok: true, scope: scopeJson(scope), different, agents: results },
    text: blocks.length ? blocks.join('\n\n') : 'No agents are locked in this scope.',
    exitCode: options.exitCode && different ? ExitCode.differences : ExitCode.ok,
    ...(options.exitCode && different
      ? { failure: { code: 'DIFFERENCES', message: `${counted(results.filter((r) => !r.identical).length, 'agent differs', 'agents differ')}.` } }
      : {}),
  };
}
