/**
 * The extension registry against itself and against netfilter's own rule
 * tests (`extensions/*.t`, flattened into t-cases.jsonl): every option that
 * iptables-save prints must be known, negatable where it is negated, and
 * consume exactly the tokens the registry says it does.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Family } from '../../grammar/ast.js';
import type { ExtensionDef, OptionDef } from '../../grammar/extension-types.js';
import { EXTENSIONS, OPTIONAL_OPERAND_OPTIONS } from '../../grammar/extensions-data.js';
import { readTCases } from '../../scripts/lib/t-cases.js';

const CORPUS = fileURLToPath(new URL('../../../shared/netfilter-corpus/t-cases.jsonl', import.meta.url));

function optionNames(opt: OptionDef): string[] {
  return [opt.name, ...(opt.aliases ?? [])];
}

function findOption(ext: ExtensionDef, name: string): OptionDef | undefined {
  return ext.options.find((opt) => optionNames(opt).includes(name));
}

function findExtension(kind: ExtensionDef['kind'], name: string, family: Family): ExtensionDef | undefined {
  return EXTENSIONS.find((e) => e.kind === kind && e.name === name && e.families.includes(family));
}

describe('registry shape', () => {
  it('has no duplicate extension (name + kind)', () => {
    const keys = EXTENSIONS.map((e) => `${e.kind} ${e.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('has no duplicate option name or alias within an extension', () => {
    const dups = EXTENSIONS.flatMap((e) => {
      const names = e.options.flatMap(optionNames);
      return names.filter((n, i) => names.indexOf(n) !== i).map((n) => `${e.name}: --${n}`);
    });
    expect(dups).toEqual([]);
  });

  it('takes two tokens exactly for the options iptables-format.md §3.1 lists', () => {
    const twoArgs = EXTENSIONS.flatMap((e) => e.options.filter((o) => o.args === 2).map((o) => `${e.name} --${o.name}`));
    expect(twoArgs.sort()).toEqual(
      ['SET --add-set', 'SET --del-set', 'SET --map-set', 'sctp --chunk-types', 'set --match-set', 'tcp --tcp-flags'].sort(),
    );
  });

  it('lists optional operands only for existing flags', () => {
    for (const [extName, names] of Object.entries(OPTIONAL_OPERAND_OPTIONS)) {
      const ext = EXTENSIONS.find((e) => e.kind === 'match' && e.name === extName);
      for (const name of names) expect(ext && findOption(ext, name)?.args, `${extName} --${name}`).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------
// Walking a saved rule the way do_parse() does (iptables-format.md §3.1).

/** Base rule options by long name → argument count; short letters map onto them. */
const BASE_ARGS: Record<string, number> = {
  source: 1, src: 1, destination: 1, dst: 1, protocol: 1, 'in-interface': 1, 'out-interface': 1,
  fragment: 0, fragments: 0, match: 1, jump: 1, goto: 1, 'set-counters': 2, ipv4: 0, ipv6: 0,
};
const SHORT: Record<string, string> = {
  s: 'source', d: 'destination', p: 'protocol', i: 'in-interface', o: 'out-interface', f: 'fragment',
  m: 'match', j: 'jump', g: 'goto', c: 'set-counters', '4': 'ipv4', '6': 'ipv6',
};

/** Whitespace-separated words; a quoted part (`"a b"`) stays in one word. */
function tokenize(text: string): string[] {
  return text.match(/(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)+/g) ?? [];
}

const isOptionLike = (tok: string | undefined) => tok === undefined || tok.startsWith('-') || tok === '!';

interface RuleScan {
  errors: string[];
  /** Extension options looked up (not base options). */
  options: number;
  /** `--opt A B` uses of 2-token options, with the two tokens. */
  twoArgUses: { option: string; operands: (string | undefined)[] }[];
  extensions: string[];
}

function scanRule(text: string, family: Family): RuleScan {
  const scan: RuleScan = { errors: [], options: 0, twoArgUses: [], extensions: [] };
  const tokens = tokenize(text);
  // Loaded extension instances, newest last, with the options given to each.
  const loaded: { ext: ExtensionDef; seen: Set<string> }[] = [];
  let protocol: string | undefined;
  let negated = false;
  const load = (ext: ExtensionDef) => {
    loaded.push({ ext, seen: new Set() });
    scan.extensions.push(`${ext.kind} ${ext.name}`);
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok === '!') {
      negated = true;
      continue;
    }
    if (!tok.startsWith('-')) {
      scan.errors.push(`stray token "${tok}" (an option before it took too few arguments?)`);
      continue;
    }
    const wasNegated = negated;
    negated = false;

    // `--name`, `--name=value`, `-x`, `-xVALUE`.
    let name: string;
    let inline: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      name = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
      inline = eq < 0 ? undefined : tok.slice(eq + 1);
    } else {
      name = SHORT[tok[1]!] ?? tok;
      inline = tok.length > 2 ? tok.slice(2) : undefined;
    }
    const takeValue = () => inline ?? tokens[++i];

    const baseArgs = BASE_ARGS[name];
    if (baseArgs !== undefined) {
      const value = baseArgs > 0 ? takeValue() : undefined;
      if (name === 'set-counters' && !value?.includes(',')) i++; // `-c P B` (or `-c P,B`)
      if (name === 'protocol') protocol = value?.toLowerCase();
      if (name === 'match') {
        const ext = value === undefined ? undefined : findExtension('match', value, family);
        if (ext) load(ext);
        else scan.errors.push(`-m ${value}: no such match for ${family}`);
      }
      if (name === 'jump' && value !== undefined) {
        const ext = findExtension('target', value, family);
        if (ext) load(ext);
        else if (EXTENSIONS.some((e) => e.kind === 'target' && e.name === value)) {
          scan.errors.push(`-j ${value}: target does not exist for ${family}`);
        } // otherwise a user chain
      }
      continue;
    }

    let owner = [...loaded].reverse().find((l) => findOption(l.ext, name));
    if (!owner && protocol !== undefined) {
      // An unknown option after `-p PROTO` loads the match named after the protocol.
      const proto = findExtension('match', protocol, family);
      if (proto && !loaded.some((l) => l.ext === proto)) {
        load(proto);
        owner = loaded.find((l) => findOption(l.ext, name));
      }
    }
    const opt = owner && findOption(owner.ext, name);
    if (!owner || !opt) {
      scan.errors.push(`--${name}: not an option of ${loaded.map((l) => l.ext.name).join(', ') || 'any loaded extension'}`);
      continue;
    }
    scan.options++;
    owner.seen.add(opt.name);
    const label = `${owner.ext.name} --${opt.name}`;
    if (wasNegated && !opt.invertible) scan.errors.push(`! ${label}: registry says not invertible`);

    const operands: (string | undefined)[] = [];
    for (let n = 0; n < opt.args; n++) operands.push(n === 0 ? takeValue() : tokens[++i]);
    if (operands.includes(undefined)) scan.errors.push(`${label}: missing argument`);
    if (opt.args === 2) scan.twoArgUses.push({ option: label, operands });
    if (OPTIONAL_OPERAND_OPTIONS[owner.ext.name]?.includes(opt.name) && !isOptionLike(tokens[i + 1])) i++;
  }

  for (const { ext, seen } of loaded) {
    for (const opt of ext.options) {
      if (opt.mandatory && !seen.has(opt.name)) scan.errors.push(`${ext.name}: mandatory --${opt.name} missing`);
    }
  }
  return scan;
}

// ---------------------------------------------------------------------------

const corpusPresent = existsSync(CORPUS);
if (!corpusPresent) console.warn(`\n*** SKIPPING netfilter corpus checks: ${CORPUS} not found ***\n`);

describe('netfilter extensions/*.t corpus', () => {
  it('is present (required on CI)', () => {
    if (!corpusPresent && process.env.CI) expect.fail(`${CORPUS} is missing`);
  });

  // One scan per (OK record, family), shared by the checks below.
  const scans: { where: string; scan: RuleScan }[] = [];
  if (corpusPresent) {
    const records = readTCases(CORPUS);
    for (const r of records) {
      if (r.kind === 'external-command' || r.result !== 'OK') continue;
      const text = r.expected_save === null || r.expected_save === undefined || r.expected_save === '=' ? r.input : r.expected_save;
      for (const family of (r.families ?? []).filter((f): f is Family => f === 'ipv4' || f === 'ipv6')) {
        scans.push({ where: `${r.file}:${r.line} [${family}] ${text}`, scan: scanRule(text ?? '', family) });
      }
    }
  }

  it.skipIf(!corpusPresent)('knows every extension and option iptables-save prints', () => {
    const errors = scans.flatMap(({ where, scan }) => scan.errors.map((e) => `${where}\n    ${e}`));
    const options = scans.reduce((n, s) => n + s.scan.options, 0);
    const extensions = new Set(scans.flatMap((s) => s.scan.extensions));
    console.info(
      `extensions-data corpus: ${scans.length} rule scans, ${options} extension options checked, ` +
        `${extensions.size} of ${EXTENSIONS.length} extensions exercised`,
    );
    expect(scans.length).toBeGreaterThan(700);
    expect(errors).toEqual([]);
  });

  it.skipIf(!corpusPresent)('never takes an option as an operand of a 2-token option', () => {
    const uses = scans.flatMap((s) => s.scan.twoArgUses.map((u) => ({ ...u, where: s.where })));
    console.info(`extensions-data corpus: ${uses.length} uses of 2-token options`);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => u.operands.some(isOptionLike))).toEqual([]);
  });
});
