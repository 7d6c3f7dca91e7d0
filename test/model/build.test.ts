import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { buildModel } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';

const FILTER = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n';

function model(body: string, header = FILTER): Model {
  return buildModel(parse(`${header}${body}COMMIT\n`));
}

/** The rules of a chain as `dport/target` strings, in final order. */
function ports(m: Model, chain: string, table = 'filter'): string[] {
  return (m.tables.get(table)?.chains.get(chain)?.rules ?? []).map((r) => `${r.predicates.destinationPorts?.[0]?.ranges[0]?.from ?? '-'}/${r.target?.name.text ?? ''}`);
}

describe('tables and chains', () => {
  it('creates every built-in chain of each table, declared or not, with policies', () => {
    const m = model(':INPUT DROP [0:0]\n', '*nat\nCOMMIT\n*raw\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n*filter\n');
    expect(m.tables.get('nat')?.chainOrder).toEqual(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
    expect(m.tables.get('raw')?.chainOrder).toEqual(['PREROUTING', 'OUTPUT']);
    expect(m.tables.get('filter')?.chains.get('INPUT')).toMatchObject({ builtin: true, policy: 'DROP' });
    expect(m.tables.get('filter')?.chains.get('FORWARD')?.policy).toBe('ACCEPT');
  });

  it('assigns ids and indexes after all commands', () => {
    const m = model('-A INPUT -p tcp --dport 1 -j ACCEPT\n-A INPUT -p tcp --dport 2 -j ACCEPT\n');
    const rules = m.tables.get('filter')?.chains.get('INPUT')?.rules ?? [];
    expect(rules.map((r) => [r.id, r.index, r.table, r.chain])).toEqual([
      ['filter/INPUT#0', 0, 'filter', 'INPUT'],
      ['filter/INPUT#1', 1, 'filter', 'INPUT'],
    ]);
  });
});

describe('commands are applied in order', () => {
  it('-I inserts at a position (default 1)', () => {
    const m = model('-A INPUT -p tcp --dport 1 -j ACCEPT\n-A INPUT -p tcp --dport 3 -j ACCEPT\n-I INPUT 2 -p tcp --dport 2 -j ACCEPT\n-I INPUT -p tcp --dport 0 -j DROP\n');
    expect(ports(m, 'INPUT')).toEqual(['0/DROP', '1/ACCEPT', '2/ACCEPT', '3/ACCEPT']);
  });

  it('-D deletes by number and by an equivalent specification', () => {
    const m = model(
      '-A INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 1 -j ACCEPT\n-A INPUT -p tcp --dport 2 -j ACCEPT\n-A INPUT -p tcp --dport 3 -j ACCEPT\n-D INPUT 2\n-D INPUT -p tcp --source 10.0.0.1 --destination-port 1 -j ACCEPT\n',
    );
    expect(ports(m, 'INPUT')).toEqual(['3/ACCEPT']);
    expect(m.diagnostics).toEqual([]);
  });

  it('-R replaces a rule in place', () => {
    const m = model('-A INPUT -p tcp --dport 1 -j ACCEPT\n-A INPUT -p tcp --dport 2 -j ACCEPT\n-R INPUT 1 -p tcp --dport 9 -j DROP\n');
    expect(ports(m, 'INPUT')).toEqual(['9/DROP', '2/ACCEPT']);
  });

  it('-E renames a chain and the jumps to it follow', () => {
    const m = model(':OLD - [0:0]\n-A INPUT -j OLD\n-A OLD -p tcp --dport 22 -j ACCEPT\n-E OLD NEW\n');
    const filter = m.tables.get('filter');
    expect(filter?.chains.has('OLD')).toBe(false);
    expect(filter?.chains.get('NEW')?.rules[0]?.id).toBe('filter/NEW#0');
    expect(filter?.chains.get('INPUT')?.rules[0]?.action).toEqual({ kind: 'jump', chain: 'NEW', resolved: true });
    expect(m.edges.get('filter')?.get('INPUT')?.map((e) => e.to)).toEqual(['NEW']);
    expect(filter?.chainOrder).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'NEW']);
  });

  it('-N, -F, -X, -P', () => {
    const m = model('-N TMP\n-A TMP -j ACCEPT\n-F TMP\n-X TMP\n-P FORWARD DROP\n-N KEEP\n-A KEEP -j RETURN\n-F\n');
    const filter = m.tables.get('filter');
    expect(filter?.chains.has('TMP')).toBe(false);
    expect(filter?.chains.get('KEEP')?.rules).toEqual([]);
    expect(filter?.chains.get('FORWARD')?.policy).toBe('DROP');
    expect(m.diagnostics).toEqual([]);
  });

  it('ignores lines for the other family', () => {
    const m = model('-4 -A INPUT -p tcp --dport 1 -j ACCEPT\n-6 -A INPUT -p tcp --dport 2 -j ACCEPT\n');
    expect(ports(m, 'INPUT')).toEqual(['1/ACCEPT']);
  });

  it('records commands that cannot apply instead of throwing', () => {
    const m = model(
      ':USED - [0:0]\n-A INPUT -j USED\n-D INPUT 7\n-D INPUT -p udp -j DROP\n-X USED\n-X INPUT\n-N USED\n-E NOPE OTHER\n-R INPUT 3 -j ACCEPT\n-I INPUT 9 -j ACCEPT\n-A USED -j RETURN\n-X\n',
    );
    expect(m.diagnostics.map((d) => d.kind)).toEqual([
      'rule-number-out-of-range',
      'rule-not-found',
      'chain-in-use',
      'builtin-chain',
      'chain-exists',
      'chain-not-found',
      'rule-number-out-of-range',
      'rule-number-out-of-range',
      'chain-in-use',
    ]);
    expect(m.tables.get('filter')?.chains.get('USED')?.rules).toHaveLength(1);
  });

  it('keeps rules added to an undeclared chain, flagged implicit', () => {
    const m = model('-A GHOST -j ACCEPT\n-A INPUT -j GHOST\n');
    const ghost = m.tables.get('filter')?.chains.get('GHOST');
    expect(ghost).toMatchObject({ implicit: true, builtin: false });
    expect(ghost?.rules).toHaveLength(1);
    expect(m.tables.get('filter')?.chains.get('INPUT')?.rules[0]?.action).toMatchObject({ kind: 'jump', resolved: true });
  });

  it('a second block of the same table starts over (iptables-restore flushes it)', () => {
    const m = buildModel(parse(`${FILTER}:A - [0:0]\n-A INPUT -j A\nCOMMIT\n${FILTER}-A INPUT -p tcp --dport 5 -j ACCEPT\nCOMMIT\n`));
    const filter = m.tables.get('filter');
    expect(filter?.chains.has('A')).toBe(false);
    expect(ports(m, 'INPUT')).toEqual(['5/ACCEPT']);
    expect(filter?.blocks).toHaveLength(2);
    expect(m.diagnostics.map((d) => d.kind)).toEqual(['table-reopened']);
  });
});

describe('targets', () => {
  it('classifies verdicts, jumps, gotos, extensions and unresolved chains', () => {
    const m = model(':A - [0:0]\n-A INPUT -j ACCEPT\n-A INPUT -j A\n-A INPUT -g A\n-A INPUT -j LOG --log-prefix x\n-A INPUT -j REJECT\n-A INPUT -j MISSING\n-A INPUT -p tcp\n');
    expect(m.tables.get('filter')?.chains.get('INPUT')?.rules.map((r) => r.action)).toEqual([
      { kind: 'verdict', verdict: 'ACCEPT' },
      { kind: 'jump', chain: 'A', resolved: true },
      { kind: 'goto', chain: 'A', resolved: true },
      { kind: 'extension', name: 'LOG', terminal: false },
      { kind: 'extension', name: 'REJECT', terminal: true },
      { kind: 'jump', chain: 'MISSING', resolved: false },
      { kind: 'none' },
    ]);
    expect(m.incoming.get('filter')?.get('A')?.map((e) => e.via)).toEqual(['jump', 'goto']);
  });
});

describe('what the model shares', () => {
  const text = readFileSync(new URL('../../fixtures/kernel/legacy/kube-proxy.rules', import.meta.url), 'utf8');
  const m = buildModel(parse(text, { file: 'kube-proxy.rules' }));
  const rules = [...m.tables.values()].flatMap((table) => [...table.chains.values()].flatMap((chain) => chain.rules));

  it('reads each rule target name once, as written', () => {
    expect(rules.length).toBeGreaterThan(50);
    for (const r of rules) expect(r.targetName).toBe(r.target?.name.text);
  });

  it('gives the rules of a table that jump to the same chain one action object', () => {
    const byChain = new Map<string, Set<object>>();
    for (const r of rules) {
      if (r.action.kind !== 'jump' || !r.action.resolved) continue;
      const key = `${r.table}/${r.action.chain}`;
      byChain.set(key, (byChain.get(key) ?? new Set()).add(r.action));
    }
    const masq = byChain.get('nat/KUBE-MARK-MASQ');
    expect(masq?.size).toBe(1);
    for (const actions of byChain.values()) expect(actions.size).toBe(1);
  });

  it('shares the chain name string among the rules that jump to the chain', () => {
    const nat = m.tables.get('nat');
    for (const r of rules) {
      if (r.table !== 'nat' || r.action.kind !== 'jump' || !r.action.resolved) continue;
      const chain = nat?.chains.get(r.action.chain);
      expect(chain).toBeDefined();
      expect(r.targetName).toBe(chain?.name);
    }
  });

  it('reads a chain span from the line that made it, and edges from their rule', () => {
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    const nat = m.tables.get('nat');
    const services = nat?.chains.get('KUBE-SERVICES');
    expect(services?.declarations).toHaveLength(1);
    expect(services?.span).toEqual(services?.declarations[0]?.span);
    expect(plain(services)).toMatchObject({ name: 'KUBE-SERVICES', builtin: false, span: services?.span });
    const prerouting = nat?.chains.get('PREROUTING');
    expect(prerouting?.span).toBe(nat?.span);
    const edges = m.edges.get('nat')?.get('PREROUTING') ?? [];
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      expect([edge.from, edge.via]).toEqual(['PREROUTING', 'jump']);
      expect(edge.to).toBe(edge.rule.action.kind === 'jump' ? edge.rule.action.chain : undefined);
      expect(plain(edge)).toMatchObject({ from: 'PREROUTING', to: edge.to, via: 'jump' });
    }
  });

  it('keeps a -E rename in the action, not in targetName', () => {
    const renamed = model(':A - [0:0]\n-A INPUT -j A\n-E A B\n-A INPUT -j B\n');
    const [before, after] = renamed.tables.get('filter')?.chains.get('INPUT')?.rules ?? [];
    expect(before?.targetName).toBe('A');
    expect(before?.action).toEqual({ kind: 'jump', chain: 'B', resolved: true });
    expect(after?.action).toBe(before?.action);
  });
});

describe('iptables -S listings', () => {
  it('a chain listed again shows its rules anew instead of failing like -N would', () => {
    const m = buildModel(parse('-P INPUT ACCEPT\n-N DOCKER\n-A DOCKER -p tcp --dport 1 -j ACCEPT\n-A FORWARD -j DOCKER\n-N DOCKER\n-A DOCKER -p tcp --dport 1 -j ACCEPT\n', { format: 'list' }));
    expect(ports(m, 'DOCKER')).toEqual(['1/ACCEPT']);
    expect(m.diagnostics).toEqual([]);
  });
});
