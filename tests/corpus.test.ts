/**
 * Agreement with the real Claude Code 2.1.332 on ~970 real-world agent files: tests/fixtures/corpus,
 * whose expected.tsv records what Claude Code did with each one. Zero disagreements allowed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAgentFile } from '../src/core/agent/parse.js';
import { type AgentCheck, checkAgentBytes, fixAgentText, ISSUE_CODES } from '../src/core/agent/validate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.join(repoRoot, 'tests', 'fixtures', 'corpus');

interface Row {
  file: string;
  loaded: boolean;
  name: string;
  descriptionLength: number;
  descriptionSha256: string;
  model: string;
  log: string;
}

function readRows(): Row[] {
  // Throws (and so fails every test below) when the corpus is missing: never skip.
  const lines = readFileSync(path.join(corpusDir, 'expected.tsv'), 'utf8').split('\n');
  expect(lines[0]).toBe('corpus_path\tloaded\tname\tdescription_len\tdescription_sha256\tmodel\tlog_messages');
  return lines
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const [file = '', loaded = '', name = '', length = '', sha = '', model = '', log = ''] = line.split('\t');
      return { file, loaded: loaded === '1', name, descriptionLength: Number(length), descriptionSha256: sha, model, log };
    });
}

function listMarkdown(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listMarkdown(path.join(dir, entry.name), relative));
    else if (entry.name.endsWith('.md') && relative !== 'README.md' && !/^LICEN[CS]E/i.test(entry.name)) out.push(relative);
  }
  return out;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function disagreement(row: Row, check: AgentCheck): string | undefined {
  const agent = check.agent;
  if (!row.loaded) {
    if (agent === null) return undefined;
    return `Claude Code skipped it (${row.log || 'no log line'}), we load "${agent.name}"`;
  }
  if (agent === null) {
    const errors = check.issues.filter((issue) => issue.severity === 'error');
    return `Claude Code loaded "${row.name}", we report: ${errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`).join('; ')}`;
  }
  const problems: string[] = [];
  if (agent.name !== row.name) problems.push(`name ${JSON.stringify(agent.name)} ≠ ${JSON.stringify(row.name)}`);
  if (agent.description.length !== row.descriptionLength) problems.push(`description length ${agent.description.length} ≠ ${row.descriptionLength}`);
  else if (sha256(agent.description) !== row.descriptionSha256) problems.push('description differs (same length, other SHA-256)');
  if ((agent.model ?? '') !== row.model) problems.push(`model ${JSON.stringify(agent.model ?? '')} ≠ ${JSON.stringify(row.model)}`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

describe('agreement with Claude Code 2.1.332 on the real-world corpus', () => {
  it('has the corpus', () => {
    expect(existsSync(path.join(corpusDir, 'expected.tsv')), `corpus not found at ${corpusDir}`).toBe(true);
  });

  it('lists every corpus file in expected.tsv', () => {
    const rows = readRows();
    expect(rows.length).toBeGreaterThan(900);
    expect(rows.some((row) => row.file.startsWith('_rejected/'))).toBe(true);
    const listed = new Set(rows.map((row) => row.file));
    expect(listDiskFiles().filter((file) => !listed.has(file))).toEqual([]);
  });

  it('loads exactly the files Claude Code loaded, with the same name, description and model', () => {
    const rows = readRows();
    const disagreements: string[] = [];
    for (const row of rows) {
      const absolute = path.join(corpusDir, row.file);
      const bytes = readFileSync(absolute);
      const check = checkAgentBytes(bytes, { fileName: path.basename(absolute) });
      const problem = disagreement(row, check);
      if (problem) disagreements.push(`${row.file}: ${problem}`);
    }
    const agreed = rows.length - disagreements.length;
    console.log(
      `corpus agreement: ${agreed}/${rows.length} files (${rows.filter((row) => row.loaded).length} loaded, ${rows.filter((row) => !row.loaded).length} skipped by Claude Code)`,
    );
    expect(disagreements).toEqual([]);
  });

  it("agrees with Claude Code's debug log: unknown keys and YAML failures", () => {
    const problems: string[] = [];
    let logged = 0;
    for (const row of readRows()) {
      const check = checkAgentBytes(readFileSync(path.join(corpusDir, row.file)), { fileName: path.basename(row.file) });
      const ours = check.issues.filter((issue) => issue.code === 'unknown-key').map((issue) => /`([^`]+)`/.exec(issue.message)![1]!);
      const theirs =
        /does not recognize or apply: (.*?)(?: \| |$)/
          .exec(row.log)?.[1]
          ?.match(/"[^"]*"/g)
          ?.map((quoted) => quoted.slice(1, -1)) ?? [];
      if (theirs.length > 0) logged++;
      // Claude Code names at most five.
      if (JSON.stringify(ours.slice(0, 5).sort()) !== JSON.stringify(theirs.slice().sort()))
        problems.push(`${row.file}: unknown keys ${ours} ≠ logged ${theirs}`);
      const yamlLogged = row.log.includes('failed to parse and was ignored');
      const yamlOurs = check.issues.some((issue) => issue.code === 'yaml-invalid');
      if (yamlLogged !== yamlOurs) problems.push(`${row.file}: yaml-invalid ${yamlOurs}, Claude Code logged a YAML failure: ${yamlLogged}`);
    }
    expect(logged).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('reports only catalogued codes, and a fix with every warning', () => {
    const problems: string[] = [];
    for (const row of readRows()) {
      const check = checkAgentBytes(readFileSync(path.join(corpusDir, row.file)), { fileName: path.basename(row.file) });
      for (const issue of check.issues) {
        if (!Object.hasOwn(ISSUE_CODES, issue.code)) problems.push(`${row.file}: uncatalogued code ${issue.code}`);
        if (issue.severity !== 'error' && !issue.fix) problems.push(`${row.file}: warning ${issue.code} without a fix`);
        if (issue.line < 1 || issue.column < 1) problems.push(`${row.file}: bad position ${issue.line}:${issue.column}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('after fixAgentText, every loaded file parses as strict YAML with the same values and an unchanged body', () => {
    const problems: string[] = [];
    let lenient = 0;
    for (const row of readRows().filter((r) => r.loaded)) {
      const text = readFileSync(path.join(corpusDir, row.file), 'utf8');
      const before = parseAgentFile(text);
      if (before.parse === 'lenient') lenient++;
      const fixed = fixAgentText(text);
      const after = parseAgentFile(fixed.text);
      if (after.parse !== 'strict') problems.push(`${row.file}: parses ${after.parse} after the fix`);
      else if (JSON.stringify(after.data) !== JSON.stringify(before.data)) problems.push(`${row.file}: values changed`);
      const tailBefore = text.slice(before.closing!.offset).replace(/\r\n/g, '\n');
      const tailAfter = fixed.text.slice(after.closing!.offset);
      if (tailAfter !== tailBefore) problems.push(`${row.file}: body changed`);
      if (before.parse === 'strict' && !before.hasBom && !before.hasCrlf && (fixed.text !== text || fixed.changes.length > 0)) {
        problems.push(`${row.file}: a clean file was changed`);
      }
    }
    expect(lenient).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});

function listDiskFiles(): string[] {
  return listMarkdown(corpusDir);
}
