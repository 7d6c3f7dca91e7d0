/**
 * Real dumps the fuzzer mutates: the kernel fixtures (printed by real
 * iptables-save), the Docker lab captures, the bundled example and, when
 * ../shared is present, the netfilter project's dumps and Docker's own
 * listings. Dumps longer than CHUNK_LINES are cut into chunks (each keeps the
 * `*table` line it sits under) so that a case stays small and fast, and every
 * part of a long dump still gets mutated.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const SHARED = resolve(REPO, '../shared');

export interface Seed {
  /** Where the text comes from, relative to the repository (`../shared/…` for shared data). */
  name: string;
  bytes: Uint8Array;
}

const CHUNK_LINES = 30;

function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

const isDump = (path: string): boolean => /\.(rules|list|txt|dump|golden)$/.test(path) || /\/ipt-save\/dumps\/fedora27-ip6?tables$/.test(path);
const isReadme = (path: string): boolean => /README/i.test(path);
/** Every n-th file of a big family of near-identical listings is enough. */
const everyNth = (n: number) => (_: string, index: number): boolean => index % n === 0;

function chunks(name: string, text: string): Seed[] {
  const lines = text.split('\n');
  if (lines.length <= CHUNK_LINES) return [{ name, bytes: new TextEncoder().encode(text) }];
  const seeds: Seed[] = [];
  let table: string | undefined;
  for (let start = 0; start < lines.length; start += CHUNK_LINES) {
    const part = lines.slice(start, start + CHUNK_LINES);
    const header = table !== undefined && !part[0]?.startsWith('*') ? [table] : [];
    for (const line of part) if (line.startsWith('*')) table = line;
    seeds.push({ name: `${name}#${start + 1}`, bytes: new TextEncoder().encode([...header, ...part].join('\n')) });
  }
  return seeds;
}

let cached: Seed[] | undefined;

export function seedCorpus(): Seed[] {
  if (cached) return cached;
  const paths = [
    ...filesUnder(join(REPO, 'fixtures/kernel')),
    ...filesUnder(join(REPO, 'fixtures/docker')),
    join(REPO, 'examples/docker-host.rules'),
    ...filesUnder(join(SHARED, 'netfilter-corpus/dumps')),
    ...filesUnder(join(SHARED, 'docker-rules/iptablesdoc')).filter(everyNth(4)),
    ...filesUnder(join(SHARED, 'docker-rules/iptabler-golden-v29')).filter(everyNth(16)),
    ...filesUnder(join(SHARED, 'docker-rules/reconstructed')).filter(everyNth(2)),
  ].filter((path) => isDump(path) && !isReadme(path));
  cached = paths.flatMap((path) => chunks(relative(REPO, path), readFileSync(path, 'utf8')));
  return cached;
}
