export type * from './types.js';
export { checkText, compareFindings, lint, lintParsed, parseErrorFindings, type CheckTextOptions } from './lint.js';
