// Writes the variants of generate.mjs as an agents folder, and reads back which variant an agent
// belongs to. Shared by run.mjs (the real Claude Code) and tests/claude-code.test.ts (agent-install).
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeVariants(agentsDir, variants) {
  for (const variant of variants) {
    for (const file of variant.files) {
      const target = path.join(agentsDir, ...file.path.split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      if (file.link !== undefined) symlinkSync(file.link, target);
      else writeFileSync(target, file.bytes ?? file.text);
    }
  }
}

/** The variant id an agent belongs to: `vNNNN` in its name, else in its description. */
export function variantOf(agent) {
  return /v\d{4}/.exec(agent.name ?? '')?.[0] ?? /v\d{4}/.exec(agent.description ?? '')?.[0];
}

/** What is recorded of an agent: name, model, and its description (long ones by length and SHA-256). */
export function summary(agent) {
  const out = { name: agent.name };
  const description = agent.description ?? '';
  if (description.length <= 200) out.description = description;
  else {
    out.descriptionLength = description.length;
    out.descriptionSha256 = createHash('sha256').update(description, 'utf8').digest('hex');
  }
  if (agent.model) out.model = agent.model;
  return out;
}
