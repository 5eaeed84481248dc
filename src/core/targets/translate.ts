/**
 * The translations, loaded on first use (a dynamic import): a Claude Code agent file's
 * bytes → each target's file, and another tool's agent file → a Claude Code agent file. Every
 * file made is checked by the rules of the tool that will read it before anyone writes it.
 */
import { checkAgentBytes, checkAgentText } from '../agent/validate.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import type { Imported, Source, TargetModule, Translation } from './grant.js';
import type { OtherTarget } from './ids.js';
import { opencode } from './opencode.js';

export type { Imported, Loss, Report, Source, Translation } from './grant.js';

export const TARGETS: Record<OtherTarget, TargetModule> = { opencode, copilot, gemini, cursor, codex };

/** The agent Claude Code builds from `bytes`, with its prompt; a string says why there is none. */
export function sourceOf(bytes: Uint8Array): Source | string {
  const check = checkAgentBytes(bytes);
  if (check.agent === null || !check.effective.loaded) return 'Claude Code would not load it';
  return { agent: check.effective as Source['agent'], body: check.document.body };
}

/** `source` for `target`, validated by the target's rules (a translation that fails them is refused: it would be our bug). */
export function translateTo(target: OtherTarget, source: Source): Translation {
  const module = TARGETS[target];
  const translation = module.translate(source);
  if (!('text' in translation)) return translation;
  const problems = module.validate(translation.text);
  if (problems.length === 0) return translation;
  return {
    refused: `the translation fails ${module.title}'s own rules (${problems.join('; ')}), a bug in agent-install`,
    lost: translation.lost,
    approximated: translation.approximated,
  };
}

/** Another tool's agent file as a Claude Code agent file that Claude Code loads; throws with the reason it cannot be. */
export function importFrom(target: OtherTarget, text: string, fileName: string): Imported {
  const imported = TARGETS[target].importFrom(text.replace(/^\uFEFF/, ''), fileName);
  const errors = checkAgentText(imported.text).issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(`the Claude Code file made from it would not load: ${errors.map((e) => e.message).join('; ')}`);
  return imported;
}
