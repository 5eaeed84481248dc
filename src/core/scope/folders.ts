import { realpathSync } from 'node:fs';
import { AgentInstallError } from '../errors.js';
import { GuardedFolder } from '../io/guarded-folder.js';
import { type Scope, targetRootOf } from './scope.js';

/** The two folders of a scope that agent-install writes to, each guarded (see GuardedFolder). */
export interface ScopeFolders {
  /** The Claude folder: the lockfile, its journal and the scope lock. */
  claude: GuardedFolder;
  /** The agents folder: agent files, in subfolders too. */
  agents: GuardedFolder;
  /**
   * Targets: the folder other coding tools' agent files are written below (the project, or the
   * home folder), each folder on the way checked to resolve inside it (src/core/targets).
   */
  targets?: GuardedFolder;
}

/** The guarded folder of the scope's target files; every plan that has some opens it. */
export function targetsFolder(folders: ScopeFolders): GuardedFolder {
  if (!folders.targets) throw new Error('this scope has no target folder');
  return folders.targets;
}

export { JOURNAL_NAME, LOCKFILE_NAME, SCOPE_LOCK_NAME } from './file-names.js';

/**
 * Guards a scope's folders. In a project, `.claude` and `.claude/agents` must resolve inside the
 * project — also when they do not exist yet (checked when they are created): a cloned repository
 * can commit a link that leads anywhere. The user scope's folders are the user's own, and may be
 * links to wherever they keep their configuration; below the agents folder, every write still
 * stays inside it.
 */
export function scopeFolders(scope: Scope): ScopeFolders {
  if (scope.kind === 'user')
    return { claude: GuardedFolder.open(scope.claudeDir), agents: GuardedFolder.open(scope.agentsDir), targets: GuardedFolder.open(targetRootOf(scope)) };
  let root: string;
  try {
    root = realpathSync(scope.root);
  } catch (error) {
    throw new AgentInstallError(`Cannot resolve the project folder ${scope.root}: ${(error as Error).message}`, { code: 'IO', cause: error });
  }
  const refuse = (folder: string) => (real: string) =>
    new AgentInstallError(`Refusing to write: ${folder} resolves to ${real}, outside the project ${root}.`, {
      code: 'AGENTS_DIR_OUTSIDE_PROJECT',
      hint: 'Replace the symbolic link with a real folder, or install into the user scope with -g.',
      details: { folder, resolved: real, project: root },
    });
  return {
    claude: GuardedFolder.open(scope.claudeDir, { within: root, refuseOutside: refuse(scope.claudeDir) }),
    agents: GuardedFolder.open(scope.agentsDir, { within: root, refuseOutside: refuse(scope.agentsDir) }),
    targets: GuardedFolder.open(root, { within: root }),
  };
}

/** Creates the scope's folders when missing (never their parents) and checks where they lead. */
export function ensureScopeFolders(folders: ScopeFolders): void {
  folders.claude.ensure();
  folders.agents.ensure();
}
