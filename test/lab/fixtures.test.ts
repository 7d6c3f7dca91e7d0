/**
 * The committed Real-Docker captures (fixtures/docker/<scenario>/ for Docker
 * 20.10, fixtures/docker-<engine>/<scenario>/ for 26.1 and 28.5) are
 * complete, well-formed, up to date with their scenario files, and show the
 * facts their scenarios claim. No root or Docker needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { checkExpectations, describeExpectation, matchingProbes } from './facts.js';
import { DEFAULT_ENGINE, ENGINES, fixtureDirName, scenarioEngine, withEngine } from './engines.js';
import { allCaptureDirs, CAPTURE_FILES, captureDirs, DEFAULT_FIXTURE_DIR, engineFixtureDir, FIXTURES_ROOT, readCapture, renderIndex, REPO_ROOT } from './fixtures.js';
import { LAB_DIR, loadAllScenarios, type Expectation } from './scenario.js';

const scenarios = loadAllScenarios();
const captures = allCaptureDirs();
const dirs = captures.map((c) => c.dir);
const validateProbes = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(readFileSync(join(LAB_DIR, 'probes.schema.json'), 'utf8')) as object,
);

describe('committed Docker lab captures', () => {
  it('every scenario has a capture on its engine, and every capture a scenario', () => {
    for (const engine of ENGINES) {
      const captured = captureDirs(engineFixtureDir(engine)).map((d) => basename(d));
      const written = scenarios.filter((s) => scenarioEngine(s) === engine).map((s) => s.name);
      expect(captured, `${fixtureDirName(engine)}/ lacks scenarios written for Docker ${engine}`).toEqual(expect.arrayContaining(written));
      if (engine === DEFAULT_ENGINE) expect(captured.sort()).toEqual(written.sort());
      expect(captured.filter((name) => !scenarios.some((s) => s.name === name)), `${fixtureDirName(engine)}/ has captures without a scenario`).toEqual([]);
    }
  });

  it.each(ENGINES.map((e) => [e]))('Docker %s: at least 5 captures and an up-to-date index (README.md)', (engine) => {
    const root = engineFixtureDir(engine);
    expect(captureDirs(root).length).toBeGreaterThanOrEqual(5);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe(renderIndex(root));
  });

  describe.each(captures.map(({ engine, dir }) => [relative(FIXTURES_ROOT, dir), engine, dir]))('%s', (label, engine, dir) => {
    const name = basename(dir);
    it('has every capture file', () => {
      for (const file of CAPTURE_FILES) expect(existsSync(join(dir, file)), `${name}/${file}`).toBe(true);
    });

    const capture = readCapture(dir);

    it('was captured from the current scenario file on its engine (else: the regenerate command in its README)', () => {
      const scenario = scenarios.find((s) => s.name === name);
      expect(scenario, `no scenario file for ${label}`).toBeDefined();
      if (!scenario) return;
      const current = { ...withEngine(scenario, engine) };
      delete current.$schema;
      expect(capture.scenario).toEqual(current);
    });

    it('has a well-formed probe file', () => {
      const ok = validateProbes(capture.probes);
      expect(validateProbes.errors ?? [], JSON.stringify(validateProbes.errors?.slice(0, 3))).toEqual([]);
      expect(ok).toBe(true);
      expect(capture.probes.length).toBeGreaterThan(0);
      const containers = capture.containers.map((c) => c.Name.replace(/^\//, ''));
      for (const container of containers) {
        expect(capture.probes.some((p) => p.from.name === container), `probes from ${container}`).toBe(true);
        expect(capture.probes.some((p) => p.to.name === container), `probes to ${container}`).toBe(true);
      }
      for (const p of capture.probes) {
        if (p.from.kind === 'container') expect(containers).toContain(p.from.name);
        if (p.to.kind === 'container') expect(containers).toContain(p.to.name);
      }
    });

    it('records the versions and how to regenerate', () => {
      const v = capture.host.versions;
      expect(v.docker.server.startsWith(`${engine}.`), `${label} was captured on Docker ${v.docker.server}`).toBe(true);
      if (engine !== DEFAULT_ENGINE) {
        const packages = capture.host.daemon.engine?.packages ?? [];
        expect(packages.map((p) => p.name).sort()).toEqual(['containerd', 'docker-cli', 'docker.io']);
        expect(packages.find((p) => p.name === 'docker.io')?.version.startsWith(`${engine}.`)).toBe(true);
      }
      expect(v.docker.apiVersion).toMatch(/^1\.\d+$/);
      expect(v.docker.containerd).toBeTruthy();
      expect(v.docker.runc).toBeTruthy();
      expect(v.iptables).toMatch(/^iptables v\d/);
      expect(v.ip6tables).toMatch(/^ip6tables v\d/);
      expect(v.kernel).toMatch(/^\d+\.\d+/);
      const readme = readFileSync(join(dir, 'README.md'), 'utf8');
      expect(readme).toContain(`npm run lab:capture --${engine === DEFAULT_ENGINE ? '' : ` --engine ${engine}`} ${name}`);
      expect(readme).toContain(v.docker.server);
      expect(readme).toContain(v.iptables);
      expect(capture.host.sysctls.atCapture['net.bridge.bridge-nf-call-iptables']).toMatch(/^[01]$/);
    });

    it('holds the raw iptables-save output of the host namespace', () => {
      if (capture.scenario.daemon?.flags?.includes('--iptables=false')) {
        expect(capture.iptables).not.toContain('DOCKER');
      } else {
        expect(capture.iptables).toMatch(/^# Generated by iptables-save v/);
        expect(capture.iptables).toContain(':DOCKER-USER - [');
        if (engine === '28.5') expect(capture.iptables).toContain(':DOCKER-FORWARD - [');
      }
      expect(JSON.parse(readFileSync(join(dir, 'networks.json'), 'utf8'))).toBeInstanceOf(Array);
    });

    it('shows what its scenario expects', () => {
      const failed = checkExpectations(capture).filter((o) => o.failures.length > 0);
      expect(failed.map((o) => `${describeExpectation(o.expectation)}: ${o.failures.join('; ')}`)).toEqual([]);
    });
  });
});

describe('the healthy multi-network capture', () => {
  const dir = join(DEFAULT_FIXTURE_DIR, 'multi-network');
  const capture = existsSync(dir) ? readCapture(dir) : undefined;
  const facts: (Omit<Expectation, 'why'> & { claim: string })[] = [
    { claim: 'same network open', from: 'web1', to: 'web2', proto: 'tcp', port: 80, result: 'open' },
    { claim: 'same network open (ICMP)', from: 'web1', to: 'web2', proto: 'icmp', result: 'open' },
    { claim: 'cross-network blocked', from: 'web1', to: 'db', proto: 'tcp', port: 80, result: 'blocked' },
    { claim: 'cross-network blocked (ICMP)', from: 'db', to: 'web2', proto: 'icmp', result: 'blocked' },
    { claim: 'internal network cut off from outside (in)', from: 'external', to: 'int1', proto: 'tcp', port: 80, result: 'blocked' },
    { claim: 'internal network cut off from outside (out)', from: 'int2', to: 'external', proto: 'tcp', port: 80, result: 'blocked' },
    { claim: 'icc-off containers blocked from each other', from: 'iso2', to: 'iso1', proto: 'tcp', port: 80, result: 'blocked' },
    { claim: 'icc-off containers blocked from each other (ICMP)', from: 'iso1', to: 'iso2', proto: 'icmp', result: 'blocked' },
    { claim: 'published port open from outside', from: 'external', to: 'host', proto: 'tcp', port: 8080, via: 'published', family: 'ipv4', result: 'open', servedBy: 'web1' },
    { claim: 'published container port reachable directly (before Docker 28)', from: 'external', to: 'web1', proto: 'tcp', port: 80, via: 'direct', result: 'open', servedBy: 'web1' },
  ];
  it.each(facts.map((f) => [f.claim, f]))('%s', (_claim, fact) => {
    expect(capture, 'fixtures/docker/multi-network is missing').toBeDefined();
    const matches = matchingProbes({ ...fact, why: fact.claim }, capture?.probes ?? []);
    expect(matches.length).toBeGreaterThan(0);
    for (const p of matches) {
      expect(p.result, JSON.stringify(p)).toBe(fact.result);
      if (fact.servedBy) expect(p.servedBy).toBe(fact.servedBy);
    }
  });
});

interface Grammar {
  parse(text: string, options: { file: string }): { errors: unknown[] };
  print(result: unknown): string;
}

const grammarPath = join(REPO_ROOT, 'grammar', 'index.ts');
const grammar = existsSync(grammarPath) ? ((await import(pathToFileURL(grammarPath).href)) as Grammar) : undefined;

describe.skipIf(!grammar)('iptlint grammar on the captures', () => {
  const files = dirs.flatMap((dir) => ['iptables.rules', 'ip6tables.rules'].map((f) => join(dir, f)));
  const nonEmpty = files.filter((f) => readFileSync(f, 'utf8') !== '');
  const empty = files.filter((f) => !nonEmpty.includes(f));

  it.each(nonEmpty.map((f) => [f.slice(REPO_ROOT.length + 1), f]))('%s parses without errors and prints back byte for byte', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const result = grammar!.parse(text, { file });
    expect(result.errors).toEqual([]);
    expect(grammar!.print(result)).toBe(text);
  });

  // iptables-save prints nothing when the namespace has no tables of that family
  // (Docker without --ip6tables; --iptables=false). The parser may call that
  // `syntax/empty`, but nothing else.
  it.each(empty.map((f) => [f.slice(REPO_ROOT.length + 1), f]))('%s (empty: no tables) prints back empty', (_name, file) => {
    const result = grammar!.parse('', { file });
    expect((result.errors as { code?: string }[]).filter((e) => e.code !== 'syntax/empty')).toEqual([]);
    expect(grammar!.print(result)).toBe('');
  });
});

/**
 * The README's "Docker generations" table: every cell that states a probe
 * result (open / blocked / same / —) must be what that engine's capture shows.
 */
describe("the README's Docker generations table", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Docker generations'));
  const rows = section
    .slice(0, section.search(/\n#{2,3} (?!Docker generations)/))
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| What') && !line.startsWith('|---'))
    .map((line) => line.slice(2, -2).split(' | '));
  const PROBE = /^(\S+) → (\S+) (tcp|udp|icmp)(?:\/(\d+))?(?: (ipv4|ipv6))? (direct|published)$/;

  it('has rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it.each(rows.map((cells) => [cells[0], cells]))('%s', (_what, cells) => {
    const [, ...values] = cells.slice(0, 4);
    const citation = cells[4] ?? '';
    const cited = /^`([a-z0-9-]+)(\/[a-z0-9.]+)?`(?:: (.+))?/.exec(citation.split(', ')[0] ?? '');
    expect(cited, `unreadable citation: ${citation}`).not.toBeNull();
    const [, scenario = '', file, probeText] = cited ?? [];
    let previous = '';
    ENGINES.forEach((engine, i) => {
      const cell = (values[i] ?? '').split(/[ ,:(]/)[0] ?? '';
      const stated = cell === 'same' ? previous : cell;
      previous = stated;
      const dir = join(engineFixtureDir(engine), scenario);
      if (stated === '—') return;
      expect(existsSync(dir), `${relative(REPO_ROOT, dir)} is cited but missing`).toBe(true);
      if (file) {
        expect(existsSync(join(dir, file.slice(1))), `${relative(REPO_ROOT, dir)}${file}`).toBe(true);
        return;
      }
      const probe = PROBE.exec(probeText ?? '');
      expect(probe, `unreadable probe: ${probeText}`).not.toBeNull();
      const [, from = '', to = '', proto = 'tcp', port, family, via] = probe ?? [];
      expect(['open', 'blocked'], `cell "${values[i]}"`).toContain(stated);
      const selected = matchingProbes(
        {
          why: cells[0] ?? '',
          from,
          to,
          proto: proto as Expectation['proto'],
          result: stated as Expectation['result'],
          via: via as 'direct' | 'published',
          ...(port ? { port: Number(port) } : {}),
          ...(family ? { family: family as 'ipv4' | 'ipv6' } : {}),
        },
        readCapture(dir).probes,
      );
      expect(selected.length, `${relative(REPO_ROOT, dir)}: no probe ${probeText}`).toBeGreaterThan(0);
      for (const p of selected) expect(p.result, `${engine} ${relative(REPO_ROOT, dir)}: ${probeText}`).toBe(stated);
    });
  });
});
