import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../io/bounded-read.js';
import { Checker } from './checker.js';
import { checkFields, resolveTools, unescapeDescription } from './field-rules.js';
import { checkConflictMarkers, checkDelimiter, checkEncoding, checkLenient, checkMissingFrontmatter, checkYamlFailure } from './file-rules.js';
import type { AgentCheck, CheckOptions, Issue, LoadedAgent } from './issues.js';
import { checkNameCharacters } from './name-characters.js';
import { type AgentDocument, parseAgentFile } from './parse.js';
import { AGENT_COLORS } from './schema.js';

export { resolveTools, toKebabCase, unescapeDescription } from './field-rules.js';
export { type FixResult, fixAgentText } from './fix.js';
export { type AgentCheck, type CheckOptions, ISSUE_CODES, type Issue, type IssueCode, type LoadedAgent, type Severity } from './issues.js';

/** Claude Code skips agent files larger than this (the readers\' limit, one constant). */
export { MAX_AGENT_BYTES };

/** Checks one agent file's text against Claude Code's rules. */
export function checkAgentText(text: string, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? Buffer.byteLength(text, 'utf8');
  const tooLarge = size > MAX_AGENT_BYTES;
  const document = parseAgentFile(text, tooLarge ? { yaml: false } : {});
  const checker = new Checker(text, document, options);

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
      checkFields(checker);
      checkNameCharacters(checker);
    }
  }

  const issues = checker.issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const failed = issues.some((issue) => issue.severity === 'error');
  const agent = failed ? null : loadAgent(document.data);
  const check: AgentCheck = { agent, document, issues };
  const name = agent?.name ?? bestEffortName(document);
  if (name !== undefined) check.name = name;
  return check;
}

// ignoreBOM: keep the mark in the text, so that it is seen (and reported) like Claude Code sees it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LOOSE_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Checks raw bytes: UTF-8 only (NUL bytes or invalid UTF-8 = binary), at most 1 MiB. */
export function checkAgentBytes(bytes: Uint8Array, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? bytes.byteLength;
  let text: string;
  let binary = bytes.includes(0);
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    binary = true;
    text = LOOSE_UTF8.decode(bytes);
  }
  const check = checkAgentText(text, { ...options, size });
  if (binary) {
    check.issues.unshift({
      line: 1,
      column: 1,
      severity: 'error',
      code: 'binary',
      message: 'the file is not UTF-8 text (it contains NUL bytes or invalid UTF-8)',
      fix: 'save the agent as a UTF-8 Markdown file',
    });
    check.agent = null;
  }
  return check;
}

/** Cross-file rule: the same `name` twice in one scanned tree → a warning on each later file. */
export function findDuplicateNames(checks: Array<{ file: string; check: AgentCheck }>): Array<{ file: string; issue: Issue }> {
  const first = new Map<string, string>();
  const out: Array<{ file: string; issue: Issue }> = [];
  for (const { file, check } of checks) {
    const name = check.agent?.name;
    if (name === undefined) continue;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, file);
      continue;
    }
    const at = check.document.keyPositions.name ?? { line: 1, column: 1 };
    out.push({
      file,
      issue: {
        line: at.line,
        column: at.column,
        severity: 'warning',
        code: 'duplicate-name',
        message: `the agent name \`${name}\` is already used by ${earlier}; Claude Code loads only one of the two`,
        fix: `give one of them another \`name\`, or delete the duplicate file`,
      },
    });
  }
  return out;
}

function loadAgent(data: Record<string, unknown>): LoadedAgent {
  const agent: LoadedAgent = {
    name: data.name as string,
    description: unescapeDescription(data.description as string),
    data,
  };
  if (typeof data.model === 'string' && data.model !== '') agent.model = data.model;
  const tools = resolveTools(data);
  if (tools !== undefined) agent.tools = tools;
  if (typeof data.color === 'string' && (AGENT_COLORS as readonly string[]).includes(data.color)) agent.color = data.color;
  return agent;
}

function bestEffortName(document: AgentDocument): string | undefined {
  const candidates = [document.data.name, document.intended?.data.name];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  const match = /^name:[ \t]*(["']?)([^\r\n]*?)\1[ \t]*\r?$/m.exec(document.frontmatterText);
  return match?.[2] ? match[2] : undefined;
}
