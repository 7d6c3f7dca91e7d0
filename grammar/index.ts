/**
 * Public API of the grammar layer: parse iptables-save / `iptables -S` text
 * into a typed AST, and print an AST back in canonical form.
 */
export { DumpParser, parse } from './parse.js';
export type { ParseOptions } from './parse.js';
export { print } from './printer.js';
export * from './ast.js';
