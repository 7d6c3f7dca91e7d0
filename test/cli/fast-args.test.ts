import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { fastCheckArgs, fastReachArgs } from '../../src/cli/fast-args.js';

describe('fast check argument reader', () => {
  it.each([
    ['check', 'a.rules'],
    ['check', 'a.rules', 'b.rules', '--format', 'json'],
    ['check', '-'],
    ['check'],
    ['check', '--fail-on', 'warning', 'dumps/*.rules'],
    ['check', '--quiet', '--no-color', 'a.rules', '--fail-on', 'never'],
    ['check', '--color', 'a.rules', '--format', 'stylish'],
    ['check', 'a.rules', '5'],
    ['check', '--timing', 'a.rules'],
    ['check', '--verbose', '--timing', 'a.rules'],
    ['check', 'a.rules', '--docker-networks', 'n.json', '--docker-containers', 'c.json', '--policy', 'p.yaml', '--docker-version', '20.10.24'],
    ['check', 'a.rules', '--docker-version', '28', '--no-reach'],
    ['check', 'a.rules', '--reach', '--docker-networks', '5'],
    ['check', '--input-format', 'list', '--family', 'ipv6', 'a.rules'],
    ['check', '--no-color', '--input-format', 'auto', 'a.rules'],
  ].map((argv) => [argv.join(' '), argv] as const))('reads `%s` exactly as yargs does', async (_, argv) => {
    const fast = fastCheckArgs(argv);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await parseArgs(argv));
  });

  it.each([
    ['fmt', 'a.rules'],
    ['check', '--format', 'xml', 'a.rules'],
    ['check', '--format'],
    ['check', '--format=json', 'a.rules'],
    ['check', '--quiet', 'true', 'a.rules'],
    ['check', '--format', 'json', '--format', 'json', 'a.rules'],
    ['check', '--', '-odd-name.rules'],
    ['check', '--help'],
    ['check', '-q', 'a.rules'],
    ['check', '--input-format', 'xml', 'a.rules'],
    ['check', '--family', 'inet', 'a.rules'],
    ['check', '--docker-networks', '-', 'a.rules'],
    ['check', '--docker-networks', '', 'a.rules'],
    ['check', 'a.rules', '--docker-networks'],
    ['check', '--reach', '--no-reach', 'a.rules'],
    ['check', '--color', '--no-color', 'a.rules'],
    ['check', '--no-verbose', 'a.rules'],
    ['check', '--table', 'nat', 'a.rules'],
    ['check', '--host-addr', '192.0.2.1/24=eth0', 'a.rules'],
  ].map((argv) => [argv.join(' '), argv] as const))('leaves `%s` to yargs', (_, argv) => {
    expect(fastCheckArgs(argv)).toBeUndefined();
  });
});

describe('fast reach argument reader', () => {
  it.each([
    ['reach', 'a.rules'],
    ['reach', '-'],
    ['reach', 'a.rules', '--format', 'json', '--docker-networks', 'n.json', '--docker-containers', 'c.json'],
    ['reach', '--ip6', 'b.rules', 'a.rules', '--no-color'],
    ['reach', '--color', 'a.rules', '--format', 'text', '--docker-networks', '5'],
    ['reach', 'a.rules', '--timing', '--format', 'json'],
  ].map((argv) => [argv.join(' '), argv] as const))('reads `%s` exactly as yargs does', async (_, argv) => {
    const fast = fastReachArgs(argv);
    expect(fast).toBeDefined();
    expect(fast).toEqual(await parseArgs(argv));
  });

  it.each([
    ['reach'],
    ['reach', 'a.rules', 'b.rules'],
    ['reach', 'a.rules', '--format', 'dot'],
    ['reach', 'a.rules', '--format'],
    ['reach', 'a.rules', '--docker-networks', '-'],
    ['reach', 'a.rules', '--docker-networks', ''],
    ['reach', 'a.rules', '--ip6', 'b.rules', '--ip6', 'c.rules'],
    ['reach', 'a.rules', '--host-addr', '192.0.2.1/24=eth0'],
    ['reach', 'a.rules', '--docker-networks=n.json'],
    ['reach', 'a.rules', '--help'],
    ['reach', 'a.rules', '--timing', '--timing'],
    ['check', 'a.rules'],
  ].map((argv) => [argv.join(' '), argv] as const))('leaves `%s` to yargs', (_, argv) => {
    expect(fastReachArgs(argv)).toBeUndefined();
  });
});
