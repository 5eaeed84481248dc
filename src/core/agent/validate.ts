import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../io/bounded-read.js';
import { Checker } from './checker.js';
import type { EffectiveAgent } from './effective.js';
import { checkFields } from './field-rules.js';
import { checkConflictMarkers, checkDelimiter, checkEncoding, checkLenient, checkMissingFrontmatter, checkRoot, checkYamlFailure } from './file-rules.js';
import type { AgentCheck, CheckOptions, Issue, LoadedAgent } from './issues.js';
import { checkNameCharacters } from './name-characters.js';
import { type AgentDocument, parseAgentFile } from './parse.js';

export { type EffectiveAgent, type EffectiveHook, resolveAgent, resolveToolGrant, type ToolGrant } from './effective.js';
export { toKebabCase, unescapeDescription } from './field-rules.js';
export { type FixResult, fixAgentText } from './fix.js';
export {
  allRiskyHashes,
  describeTools,
  diffGrants,
  formatGrantsSummary,
  type GrantChange,
  type Grants,
  grantsOf,
  type PolicyRiskyKind,
  policyRiskyGrants,
  type RiskyGrant,
  type RiskyKind,
  riskyGrants,
  riskyHashes,
} from './grants.js';
export { type AgentCheck, type CheckOptions, ISSUE_CODES, type Issue, type IssueCode, type LoadedAgent, type Severity } from './issues.js';
export { type AgentReport, agentReport, agentReportLines, reportOf, shadowed, type ToolsReport } from './report.js';

/** Claude Code skips agent files larger than this (the readers' limit, one constant). */
export { MAX_AGENT_BYTES };

const SEVERITY_ORDER = { error: 0, warning: 1, style: 2 } as const;

/** `tools` as Claude Code reads it: undefined = all tools, [] = none. */
export function resolveTools(effective: EffectiveAgent): string[] | undefined {
  const tools = effective.tools;
  return tools.kind === 'all' ? undefined : tools.kind === 'none' ? [] : tools.names;
}

/** Checks one agent file's text against Claude Code's rules. */
export function checkAgentText(text: string, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? Buffer.byteLength(text, 'utf8');
  const tooLarge = size > MAX_AGENT_BYTES;
  const document = parseAgentFile(text, tooLarge ? { yaml: false } : {});
  const checker = new Checker(text, document, options);
  let effective: EffectiveAgent = { loaded: false, tools: { kind: 'all' }, dropped: [] };

  if (tooLarge) {
    checker.add(
      'error',
      'file-too-large',
      { line: 1, column: 1 },
      `the file is ${size.toLocaleString('en-US')} bytes; Claude Code skips agent files over ${MAX_AGENT_BYTES.toLocaleString('en-US')} bytes (1 MiB)`,
      'shorten the prompt below 1 MiB (move reference material into files the agent reads)',
    );
  }
  checkEncoding(checker);
  checkConflictMarkers(checker);
  if (tooLarge) {
    // Claude Code never reads it; the caller may not even have passed the bytes.
  } else if (!document.hasFrontmatter) {
    checkMissingFrontmatter(checker);
  } else {
    checkDelimiter(checker);
    if (document.parse === 'failed') checkYamlFailure(checker);
    else {
      if (document.parse === 'lenient') checkLenient(checker);
      checkRoot(checker);
      effective = checkFields(checker);
      checkNameCharacters(checker);
    }
  }

  const issues = checker.issues.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const failed = issues.some((issue) => issue.severity === 'error');
  if (failed) effective = { ...effective, loaded: false };
  const agent = failed || !effective.loaded ? null : loadedAgent(document.data, effective);
  const check: AgentCheck = { agent, effective, document, issues };
  const name = agent?.name ?? bestEffortName(document);
  if (name !== undefined) check.name = name;
  return check;
}

// ignoreBOM: keep the mark in the text, so that it is seen (and reported) like Claude Code sees it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LOOSE_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Checks raw bytes as Claude Code reads them: decoded as UTF-8, each invalid sequence becoming
 * U+FFFD (a warning: those bytes are lost), at most 1 MiB.
 */
export function checkAgentBytes(bytes: Uint8Array, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? bytes.byteLength;
  let text: string;
  let invalid = false;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    invalid = true;
    text = LOOSE_UTF8.decode(bytes);
  }
  const check = checkAgentText(text, { ...options, size });
  if (invalid) {
    const at = text.indexOf('\ufffd');
    const position = at === -1 ? { line: 1, column: 1 } : lineColumn(text, at);
    check.issues.unshift({
      line: position.line,
      column: position.column,
      severity: 'warning',
      code: 'invalid-utf8',
      message: 'the file holds bytes that are not UTF-8; Claude Code reads each such sequence as U+FFFD (�)',
      fix: 'save the agent as UTF-8',
    });
  }
  const nul = text.indexOf('\0');
  if (nul !== -1 && (!check.document.hasFrontmatter || nul >= (check.document.closing?.offset ?? 0))) {
    const position = lineColumn(text, nul);
    check.issues.push({
      line: position.line,
      column: position.column,
      severity: 'style',
      code: 'nul-bytes',
      message: 'the prompt holds NUL bytes; Claude Code passes them on, but this looks like a binary file',
      fix: 'remove the NUL bytes',
    });
  }
  return check;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    start = at + 1;
  }
  return { line, column: offset - start + 1 };
}

/** What the duplicate-name rule needs of one loaded file (a run over many files keeps no more). */
export interface NamedFile {
  /** How the file is shown. */
  file: string;
  /** The full path Claude Code sorts by (defaults to `file`). */
  sortKey?: string;
  name: string;
  /** Where `name` is written. */
  at: { line: number; column: number };
  /** The caller's own number for the file, handed back with its issue. */
  index?: number;
}

/**
 * Cross-file rule: of several files of one scanned tree with the same `name`, Claude Code keeps the
 * one whose path sorts last (JavaScript's default sort of the full paths). Each other one is not
 * loaded: an error on it that names the winner.
 */
export function duplicateNameIssues(files: Iterable<NamedFile>): Array<{ file: string; issue: Issue; winner: string; index?: number }> {
  const byName = new Map<string, NamedFile[]>();
  for (const entry of files) {
    const list = byName.get(entry.name);
    if (list) list.push(entry);
    else byName.set(entry.name, [entry]);
  }
  const out: Array<{ file: string; issue: Issue; winner: string; index?: number }> = [];
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    const key = (entry: NamedFile) => entry.sortKey ?? entry.file;
    const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const winner = sorted[sorted.length - 1]!;
    for (const loser of sorted.slice(0, -1)) {
      out.push({
        file: loser.file,
        ...(loser.index !== undefined ? { index: loser.index } : {}),
        winner: winner.file,
        issue: {
          line: loser.at.line,
          column: loser.at.column,
          severity: 'error',
          code: 'duplicate-name',
          message: `the agent name \`${name}\` is also used by ${winner.file}, whose path sorts later: Claude Code loads that one and not this file`,
          fix: 'give one of them another `name`, or delete the duplicate file',
        },
      });
    }
  }
  return out;
}

/** {@link duplicateNameIssues} over checked files; files Claude Code would not load take no part. */
export function findDuplicateNames(
  checks: Array<{ file: string; sortKey?: string; check: AgentCheck }>,
): Array<{ file: string; issue: Issue; winner: string }> {
  const named: NamedFile[] = [];
  for (const { file, sortKey, check } of checks) {
    const name = check.agent?.name;
    if (name === undefined) continue;
    named.push({ file, ...(sortKey !== undefined ? { sortKey } : {}), name, at: check.document.keyPosition('name') ?? { line: 1, column: 1 } });
  }
  return duplicateNameIssues(named);
}

function loadedAgent(data: Record<string, unknown>, effective: EffectiveAgent): LoadedAgent {
  const agent: LoadedAgent = { name: effective.name!, description: effective.description!, data };
  if (effective.model !== undefined) agent.model = effective.model;
  const tools = resolveTools(effective);
  if (tools !== undefined) agent.tools = tools;
  if (effective.color !== undefined) agent.color = effective.color;
  return agent;
}

function bestEffortName(document: AgentDocument): string | undefined {
  const candidates = [document.data.name, document.intended?.data.name];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  const match = /^name:[ \t]*(["']?)([^\r\n]*?)\1[ \t]*\r?$/m.exec(document.frontmatterText);
  return match?.[2] ? match[2] : undefined;
}
