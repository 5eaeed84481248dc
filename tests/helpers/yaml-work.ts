import { Lexer } from 'yaml';

/**
 * What parsing handed to the `yaml` package while `fn` ran, in lexer tokens (the unit of
 * MAX_YAML_TOKENS): every lexeme any `yaml` Lexer produced, whoever asked for it. A deterministic
 * measure of the YAML work, where a clock would be noisy.
 */
export function countYamlTokens<T>(fn: () => T): { result: T; tokens: number } {
  const original = Lexer.prototype.lex;
  let tokens = 0;
  Lexer.prototype.lex = function* (this: Lexer, ...args: Parameters<Lexer['lex']>) {
    for (const lexeme of original.apply(this, args)) {
      tokens++;
      yield lexeme;
    }
  };
  try {
    const result = fn();
    return { result, tokens };
  } finally {
    Lexer.prototype.lex = original;
  }
}

/** countYamlTokens for an async `fn` (an in-process CLI run). */
export async function countYamlTokensAsync<T>(fn: () => Promise<T>): Promise<{ result: T; tokens: number }> {
  const original = Lexer.prototype.lex;
  let tokens = 0;
  Lexer.prototype.lex = function* (this: Lexer, ...args: Parameters<Lexer['lex']>) {
    for (const lexeme of original.apply(this, args)) {
      tokens++;
      yield lexeme;
    }
  };
  try {
    const result = await fn();
    return { result, tokens };
  } finally {
    Lexer.prototype.lex = original;
  }
}
