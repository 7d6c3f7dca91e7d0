/**
 * Real iptables output must parse with zero errors and print back byte for
 * byte.
 *
 * - Offline (always): every committed file under fixtures/kernel/.
 * - Live: each source ruleset of scripts/kernel-fixtures/ is restored into a
 *   fresh `iptlint-kfx-*` network namespace through each backend, saved again
 *   and round-tripped. Needs root, `ip netns`, iptables and ipset; elsewhere it
 *   is skipped with a warning, except that with $CI set it fails instead.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, print } from '../../grammar/index.js';
import { captureSource } from '../../scripts/kernel-fixtures/capture.js';
import { BACKENDS, FIXTURES_DIR, SOURCES, fixtureKind, fixturePath } from '../../scripts/kernel-fixtures/manifest.js';
import {
  NETNS_PREFIX,
  deleteLiveNetns,
  listNetns,
  liveKernelUnavailableReason,
  withNetns,
} from '../../scripts/kernel-fixtures/netns.js';

/** `nft/docker-host.rules`, `legacy/tcases-ip6.rules`, … relative to fixtures/kernel/. */
function committedFixtures(): string[] {
  return readdirSync(FIXTURES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((path) => fixtureKind(path) !== undefined)
    .sort();
}

function expectRoundTrip(text: string, file: string): void {
  const kind = fixtureKind(file);
  if (kind === undefined) throw new Error(`not a fixture file: ${file}`);
  const result = parse(text, { file, ...kind });
  expect(result.errors).toEqual([]);
  expect(print(result)).toBe(text);
}

describe('committed kernel fixtures', () => {
  const fixtures = committedFixtures();

  it('exist for both backends', () => {
    for (const backend of BACKENDS) expect(fixtures.filter((path) => path.startsWith(`${backend}/`))).not.toEqual([]);
  });

  it.each(fixtures)('%s parses without errors and prints back byte for byte', (path) => {
    expectRoundTrip(readFileSync(join(FIXTURES_DIR, path), 'utf8'), path);
  });
});

/** Namespaces of this test run; other runs (or the generator) may use the shared prefix at the same time. */
const RUN_PREFIX = `${NETNS_PREFIX}t${process.pid}-`;
const liveUnavailable = await liveKernelUnavailableReason(`${RUN_PREFIX}probe`);
const liveRequired = (process.env.CI ?? '') !== '';

if (liveUnavailable !== undefined && !liveRequired) {
  console.warn(`[test/kernel] live kernel round-trip SKIPPED: ${liveUnavailable}`);
}

describe.runIf(liveUnavailable !== undefined && liveRequired)('live kernel round-trip under CI', () => {
  it('can load rulesets into the kernel', () => {
    expect.fail(`CI is set, so the live kernel round-trip must run, but it cannot: ${liveUnavailable}`);
  });
});

describe.skipIf(liveUnavailable !== undefined)('live kernel round-trip', () => {
  let namespaces = 0;
  afterAll(deleteLiveNetns);

  for (const source of SOURCES) {
    for (const backend of BACKENDS) {
      it(`${backend}: ${source.name} restored, saved, parsed and printed back`, async () => {
        namespaces += 1;
        const capture = await withNetns(`${RUN_PREFIX}${namespaces}`, (ns) => captureSource(ns, source, backend));
        expectRoundTrip(capture.save, fixturePath(backend, source.name, 'save'));
        if (capture.list !== undefined) expectRoundTrip(capture.list, fixturePath(backend, source.name, 'list'));
      });
    }
  }

  it('leaves no namespace of this run behind', async () => {
    expect((await listNetns()).filter((name) => name.startsWith(RUN_PREFIX))).toEqual([]);
  });
});
