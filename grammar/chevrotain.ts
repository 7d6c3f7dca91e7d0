/**
 * The chevrotain API, loaded from the single-file ESM bundle the package ships
 * (`lib/chevrotain.mjs`) rather than its `exports` entry, which pulls in
 * lodash-es as hundreds of separate modules: loading the bundle costs ~50 ms of
 * CPU instead of ~600 ms at every process start. Same package, same version;
 * falls back to the ordinary entry point when the bundle cannot be located
 * (e.g. under a bundler or test runner without `import.meta.resolve`).
 */
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = import.meta.resolve('chevrotain');
    if (entry.startsWith('file:')) return (await import(new URL('../chevrotain.mjs', entry).href)) as typeof Chevrotain;
  } catch {
    // fall through to the package entry point
  }
  return import('chevrotain');
}

const chevrotain = await load();

export const createToken = chevrotain.createToken;
export const Lexer = chevrotain.Lexer;
export type Lexer = Chevrotain.Lexer;
export const EmbeddedActionsParser = chevrotain.EmbeddedActionsParser;
export type EmbeddedActionsParser = Chevrotain.EmbeddedActionsParser;
export type { CustomPatternMatcherReturn, ILexingResult, IToken, TokenType } from 'chevrotain';
