/**
 * JSON/YAML inputs cannot pollute prototypes: `__proto__` and
 * `constructor.prototype` keys in Docker inspect JSON and policy files stay
 * data (or are refused where the policy schema forbids unknown keys). Names
 * of Object.prototype members written in a dump (tables, chains, targets,
 * matches, protocols, suppressed rule ids) are names like any other.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerInputError, loadDockerInputs } from '../../src/docker/index.js';
import { checkText } from '../../src/engine/lint.js';

const scratch = mkdtempSync(join(tmpdir(), 'iptlint-proto-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const POLLUTION = '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}';

function unpolluted(): void {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe('prototype pollution', () => {
  it('docker network inspect JSON', () => {
    const path = file('networks.json', `[{"Name": "bridge", "Driver": "bridge", "Options": ${POLLUTION}, "Containers": ${POLLUTION}}]`);
    try {
      loadDockerInputs({ networksPath: path });
    } catch (error) {
      expect(error).toBeInstanceOf(DockerInputError);
    }
    unpolluted();
  });

  it('docker inspect JSON', () => {
    const path = file('containers.json', `[{"Name": "/web", "State": {"Running": true}, "NetworkSettings": {"Networks": ${POLLUTION}, "Ports": ${POLLUTION}}}]`);
    try {
      loadDockerInputs({ containersPath: path });
    } catch (error) {
      expect(error).toBeInstanceOf(DockerInputError);
    }
    unpolluted();
  });

  it('policy YAML: unknown keys, __proto__ included, are located errors', () => {
    for (const text of [`__proto__:\n  polluted: yes\n`, `networks:\n  __proto__:\n    polluted: yes\n`, `constructor:\n  prototype:\n    polluted: yes\n`]) {
      const path = file('policy.yaml', text);
      expect(() => loadDockerInputs({ policyPath: path })).toThrow(DockerInputError);
      unpolluted();
    }
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])('a dump that names %s everywhere is linted, not crashed on', (name) => {
    const dump = [
      `*${name}`,
      ':INPUT ACCEPT [0:0]',
      `:${name} - [0:0]`,
      `-A INPUT -p ${name} -m ${name} -j ${name}`,
      `-A ${name} -j RETURN`,
      'COMMIT',
      '*filter',
      ':INPUT ACCEPT [0:0]',
      `:${name} - [0:0]`,
      `# iptlint-disable-next-line ${name}`,
      `-A INPUT -p ${name} -j ${name}`,
      `-A ${name} -m ${name} -j RETURN`,
      'COMMIT',
      '',
    ].join('\n');
    const { findings } = checkText(dump, { file: `${name}.rules` });
    expect(findings.filter((finding) => finding.ruleId === 'internal-error')).toEqual([]);
    expect(findings.some((finding) => finding.ruleId === 'syntax/unknown-table')).toBe(true);
    unpolluted();
  });
});
