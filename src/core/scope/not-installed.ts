import { suggest } from '../did-you-mean.js';
import { AgentInstallError } from '../errors.js';
import type { Scope } from './scope.js';

/** `name` is not installed in `scope`; `known` are the names that are, for the did-you-mean. */
export function notInstalledError(scope: Scope, name: string, known: string[]): AgentInstallError {
  const close = suggest(name, known);
  return new AgentInstallError(`No agent named "${name}" is installed in ${scope.agentsDir}.`, {
    code: 'AGENT_NOT_INSTALLED',
    hint: `${close ? `Did you mean "${close}"? ` : ''}Installed: ${known.join(', ') || '(none)'}.${scope.kind === 'project' ? ' Use -g for the user scope.' : ''}`,
    details: { name, installed: known },
  });
}
