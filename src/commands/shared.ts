import type { CommandContext } from './command.js';

export function waitMessage(ctx: CommandContext): (holder: string) => void {
  return (holder) => ctx.info(`Waiting for ${holder} to finish with this scope…`);
}

/** `AGENT_INSTALL_LOCK_TIMEOUT` (milliseconds) bounds the wait for another run's lock. */
export function lockTimeout(ctx: CommandContext): { lockTimeoutMs?: number } {
  const raw = ctx.env.AGENT_INSTALL_LOCK_TIMEOUT;
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? { lockTimeoutMs: value } : {};
}
