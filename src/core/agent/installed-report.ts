/**
 * The effective agent of installed files (`list -v`, `info`): each read and checked as Claude
 * Code reads it, with the rules loaded on first use (a plain `list` never loads them). Of several
 * files of one agents folder with the same `name`, Claude Code loads the one whose path sorts
 * last; the others are reported as not loaded, naming it.
 */
import path from 'node:path';
import { isAgentInstallError } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import { loadValidate } from './load.js';
import type { AgentReport, Grants, NamedFile } from './validate.js';

/** A file of an agents folder: where it is, and how it is shown (in messages naming it). */
export interface InstalledFile {
  file: string;
  display: string;
}

/** The report of one file; null when there is no file at `file`. */
export async function reportInstalledFile(file: InstalledFile): Promise<AgentReport | null> {
  return (await reportInstalledFiles([file]))[0] ?? null;
}

/** The report of one file and its grants (docs/grants.md); null when there is no file at `file`. */
export async function inspectInstalledFile(file: InstalledFile): Promise<{ report: AgentReport; grants: Grants } | null> {
  return (await inspectInstalledFiles([file]))[0] ?? null;
}

/**
 * The reports of files of one agents folder, in order; null for a file that is not there. A file
 * that cannot be read is not loaded, with the reason.
 */
export async function reportInstalledFiles(files: InstalledFile[]): Promise<Array<AgentReport | null>> {
  return (await inspectInstalledFiles(files)).map((inspected) => inspected?.report ?? null);
}

/** {@link reportInstalledFiles} with each file's grants: nothing for a file Claude Code would not load. */
export async function inspectInstalledFiles(files: InstalledFile[]): Promise<Array<{ report: AgentReport; grants: Grants } | null>> {
  const { agentReport, checkAgentBytes, duplicateNameIssues, grantsOf, reportOf, shadowed } = await loadValidate();
  const nothing = grantsOf({ loaded: false, tools: { kind: 'none' }, dropped: [] });
  const reports: Array<{ report: AgentReport; grants: Grants } | null> = [];
  const named: NamedFile[] = [];
  files.forEach(({ file, display }, index) => {
    let read: ReturnType<typeof readFileBounded>;
    try {
      read = readFileBounded(file);
    } catch (error) {
      if (!isAgentInstallError(error)) throw error;
      const missing = (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      reports.push(
        missing ? null : { report: agentReport({ loaded: false, tools: { kind: 'all' }, dropped: [] }, `unreadable: ${error.message}`), grants: nothing },
      );
      return;
    }
    const check = checkAgentBytes(read.bytes ?? new Uint8Array(0), { fileName: path.basename(file), size: read.size });
    const report = reportOf(check);
    reports.push({ report, grants: report.loaded ? grantsOf(check.effective) : nothing });
    if (check.agent)
      named.push({ file: display, sortKey: file, name: check.agent.name, at: check.document.keyPosition('name') ?? { line: 1, column: 1 }, index });
  });
  for (const { index, winner, issue } of duplicateNameIssues(named)) {
    reports[index!] = { report: shadowed(reports[index!]!.report, winner, `duplicate-name: ${issue.message}`), grants: nothing };
  }
  return reports;
}
