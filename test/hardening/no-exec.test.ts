/**
 * No execution: no shipped module (src/, grammar/, rules/, bin/) calls a
 * shell or a child process, except through execFile/spawn with fixed
 * arguments and without `shell: true` in the modules allowed to (scan --live).
 * The source is read with the TypeScript compiler API, so aliases and
 * property calls (`cp.exec`, `require('child_process')`) are seen, not grepped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/run-cli.js';

const SHIPPED = ['src', 'grammar', 'rules', 'bin'];
const SHELL_CALLS = new Set(['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync', 'eval']);
/** As methods, `exec` is RegExp's; the child_process forms are caught by their import anyway. */
const SHELL_METHODS = new Set(['execSync', 'execFileSync', 'spawnSync']);
const PROCESS_MODULES = new Set(['child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'vm', 'node:vm']);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Use {
  file: string;
  line: number;
  what: string;
}

function usesIn(path: string, text = readFileSync(path, 'utf8')): Use[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const uses: Use[] = [];
  const at = (node: ts.Node, what: string): void => {
    uses.push({ file: relative(REPO, path), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, what });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (PROCESS_MODULES.has(node.moduleSpecifier.text)) at(node, `imports ${node.moduleSpecifier.text}`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      const firstArgument = node.arguments[0];
      if ((name === 'require' || callee.kind === ts.SyntaxKind.ImportKeyword) && firstArgument && ts.isStringLiteral(firstArgument) && PROCESS_MODULES.has(firstArgument.text)) {
        at(node, `loads ${firstArgument.text}`);
      }
      if (name !== undefined && (ts.isIdentifier(callee) ? SHELL_CALLS : SHELL_METHODS).has(name)) at(node, `calls ${name}()`);
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Function') at(node, 'new Function()');
    if (ts.isPropertyAssignment(node) && node.name.getText(source) === 'shell' && node.initializer.kind !== ts.SyntaxKind.FalseKeyword) at(node, 'shell option');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

describe('no execution', () => {
  const files = SHIPPED.flatMap((directory) => sourceFiles(join(REPO, directory)));

  it('scans the shipped source', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('no shipped module runs a shell, a child process or evaluates code, but scan --live runs the *-save programs with execFile', () => {
    const uses = files.flatMap((file) => usesIn(file));
    // The one sanctioned use: src/live/save-commands.ts runs iptables-save & co. by absolute path, no arguments, shell: false.
    expect(uses.filter((use) => use.file !== 'src/live/save-commands.ts')).toEqual([]);
    expect(uses.map((use) => use.what)).toEqual(['imports node:child_process', 'calls execFile()']);
    const saveCommands = readFileSync(join(REPO, 'src/live/save-commands.ts'), 'utf8');
    expect(saveCommands).toMatch(/execFile\(\s*command\.path,\s*\[\],/);
  });

  it('the scanner sees the forms it forbids', () => {
    const text = [
      "import { exec } from 'node:child_process';",
      "const cp = require('child_process');",
      "cp.execSync('iptables -F');",
      "spawn('sh', ['-c', x], { shell: true });",
      "new Function('return 1');",
    ].join('\n');
    const uses = usesIn(join(REPO, 'probe.ts'), text);
    expect(uses.map((use) => use.what)).toEqual(['imports node:child_process', 'loads child_process', 'calls execSync()', 'calls spawn()', 'shell option', 'new Function()']);
  });
});
