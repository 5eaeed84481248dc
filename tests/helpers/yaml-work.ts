import { Lexer } from 'yaml';

/**
 * What parsing hands to the `yaml` package, in lexer tokens (the unit of MAX_YAML_TOKENS): every
 * lexeme any `yaml` Lexer produces while the count runs, whoever asked for it. A deterministic
 * measure of the YAML work, where a clock would be noisy. Returns the count so far and a function
 * that puts the lexer back.
 */
function countLexemes(): { tokens: () => number; restore: () => void } {
  const original = Lexer.prototype.lex;
  let tokens = 0;
  Lexer.prototype.lex = function* (this: Lexer, ...args: Parameters<Lexer['lex']>) {
    for (const lexeme of original.apply(this, args)) {
      tokens++;
      yield lexeme;
    }
  };
  return {
    tokens: () => tokens,
    restore: () => {
      Lexer.prototype.lex = original;
    },
  };
}

/** Runs `fn` and counts the tokens it handed to the `yaml` package. */
export function countYamlTokens<T>(fn: () => T): { result: T; tokens: number } {
  const count = countLexemes();
  try {
    const result = fn();
    return { result, tokens: count.tokens() };
  } finally {
    count.restore();
  }
}

/** countYamlTokens for an async `fn` (an in-process CLI run). */
export async function countYamlTokensAsync<T>(fn: () => Promise<T>): Promise<{ result: T; tokens: number }> {
  const count = countLexemes();
  try {
    const result = await fn();
    return { result, tokens: count.tokens() };
  } finally {
    count.restore();
  }
}
