import { AgentInstallError } from '../errors.js';

/** `--offline` and `what` would need the network: the one error every source gives for it. */
export function offlineMissing(
  what: string,
  details: Record<string, unknown>,
  hint = 'Run once without --offline to fetch it and fill the cache.',
): AgentInstallError {
  return new AgentInstallError(`--offline: ${what}: not in the cache.`, { code: 'OFFLINE_MISSING', hint, details });
}
