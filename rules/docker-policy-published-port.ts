import type { LintRule } from '../src/engine/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { describeBinding } from '../src/docker/expected-rules.js';
import { deleteRuleCommand } from '../src/docker/fix-command.js';
import { networkLabel } from '../src/docker/findings.js';
import { activeDockerAnalysis, dockerInputsOf } from '../src/docker/rule-context.js';
import type { ClassifiedRule, PolicyPublishedPort, PortBinding } from '../src/docker/types.js';

const ALL_ADDRESSES = new Set(['', '0.0.0.0', '::']);

function portInRange(port: string, range: string): boolean {
  const [low = '', high = low] = range.split('-');
  const [from = '', to = from] = port.split('-');
  return Number(from) >= Number(low) && Number(to) <= Number(high);
}

function allows(entry: PolicyPublishedPort, binding: PortBinding, container: string): boolean {
  if (binding.hostPort === '' || !portInRange(binding.hostPort, entry.port)) return false;
  if (entry.protocol !== 'any' && entry.protocol !== binding.protocol) return false;
  if (entry.containers && !entry.containers.includes(container)) return false;
  if (!entry.hostIps) return true;
  const hostIps = entry.hostIps;
  if (ALL_ADDRESSES.has(binding.hostIp)) return hostIps.some((address) => ALL_ADDRESSES.has(address));
  return hostIps.includes(binding.hostIp);
}

function describeAllowed(entry: PolicyPublishedPort): string {
  return `${entry.port}/${entry.protocol}${entry.hostIps ? ` on ${entry.hostIps.join(', ')}` : ''}`;
}

const rule: LintRule = {
  meta: {
    id: 'docker-policy-published-port',
    severity: 'error',
    category: 'docker',
    docs: {
      description: "With a policy that lists `publishedPorts`, every port a container publishes (its DNAT rule) is one the policy allows, on an allowed host address.",
      rationale:
        "`-p 5432:5432` publishes a database on every address of the host, past INPUT rules and ufw; the usual intent was `-p 127.0.0.1:5432:5432`. Checking the DNATs against an allow-list catches such ports before a scanner does.",
      bad: g2Example(),
      good: g2Example(),
    },
  },
  check(context) {
    const policy = dockerInputsOf(context)?.policy;
    const allowed = policy?.publishedPorts?.allowed;
    if (!policy || !allowed) return;
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const dnats = analysis.classified.filter((entry: ClassifiedRule) => entry.templateId.startsWith('dnat'));
    for (const container of analysis.containers) {
      for (const binding of container.state.ports) {
        if (binding.hostPort === '' || allowed.some((entry) => allows(entry, binding, container.state.name))) continue;
        const dnat = dnats.find((entry) => entry.container === container.state.name && entry.captures['HPORT'] === binding.hostPort && entry.captures['PROTO'] === binding.protocol);
        if (!dnat) continue; // not published in this family's rules
        context.report({
          message: `${networkLabel(analysis, dnat.network)}, container "${container.state.name}": publishes ${describeBinding(binding)}, which the policy (${policy.file}) does not allow (allowed: ${allowed.map(describeAllowed).join('; ') || 'nothing'})`,
          span: dnat.rule.span,
          fix: `recreate the container without this \`-p\` (or with an allowed host address such as 127.0.0.1); until then: ${deleteRuleCommand(analysis.family, dnat.rule)}`,
        });
      }
    }
  },
};

export default rule;
