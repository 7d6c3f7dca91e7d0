/**
 * Real inputs for the CI formats: every broken-* Docker capture with its
 * inspect JSON, the bundled example, and dumps with syntax errors. Each
 * entry is the argument list of one `iptlint check` run (repo-relative).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../cli/run-cli.js';

export interface RealCase {
  name: string;
  args: string[];
}

export function dockerCaptureCases(): RealCase[] {
  const root = join(REPO, 'fixtures/docker');
  return readdirSync(root)
    .filter((name) => name.startsWith('broken-'))
    .sort()
    .map((name) => {
      const dir = `fixtures/docker/${name}`;
      // Hosts without IPv6 have an empty ip6tables-save capture: not a dump to lint.
      const dumps = ['iptables.rules', 'ip6tables.rules'].filter((file) => statSync(join(root, name, file)).size > 0).map((file) => `${dir}/${file}`);
      return { name, args: [...dumps, '--docker-networks', `${dir}/networks.json`, '--docker-containers', `${dir}/containers.json`] };
    });
}

export function realCases(): RealCase[] {
  return [
    ...dockerCaptureCases(),
    { name: 'example', args: ['examples/docker-host.rules'] },
    {
      name: 'syntax-errors',
      args: ['test/cli/bad-inputs/unterminated-quote.rules', 'test/cli/bad-inputs/crlf.rules', 'test/cli/bad-inputs/truncated-no-commit.rules', 'test/cli/bad-inputs/bom.rules'],
    },
    { name: 'unreadable', args: ['examples/docker-host.rules', 'test/formatters/no-such-file.rules'] },
  ];
}
