/**
 * The chevrotain lexer over one batch of whole lines (see parse.ts for the
 * batching). Only offsets are tracked: the parser knows where each line
 * starts and computes line numbers itself.
 */
import { Lexer, type ILexingResult } from './chevrotain.js';
import { ALL_TOKENS, clearLexerState } from './tokens.js';

const lexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  // Every character but `\n` can start a CommandLine, so lexing cannot fail;
  // recovery stays on so a future token change cannot abort a whole file.
  recoveryEnabled: true,
});

export function lexLines(text: string): ILexingResult {
  return lexer.tokenize(text);
}

/** Call when an input is done: the lexer keeps scratch texts of the last line (tokens.ts). */
export function endOfInput(): void {
  clearLexerState();
}
