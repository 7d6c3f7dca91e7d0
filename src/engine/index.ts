export type * from './types.js';
export { checkText, compareFindings, lint, parseErrorFindings, type CheckTextOptions } from './lint.js';
