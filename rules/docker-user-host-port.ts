import type { LintRule } from '../src/engine/types.js';
import type { Rule } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { networkLabel } from '../src/docker/findings.js';
import { replaceRuleCommand } from '../src/docker/fix-command.js';
import { ruleSpecWords, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis } from '../src/docker/rule-context.js';
import type { ClassifiedRule } from '../src/docker/types.js';

function destinationPorts(rule: Rule): number[] {
  const ports: number[] = [];
  for (const predicate of rule.predicates.destinationPorts ?? []) {
    if (predicate.negated) continue;
    for (const range of predicate.ranges) if (range.from === range.to) ports.push(range.from);
  }
  return ports;
}

/** `-p tcp -m tcp --dport 8080 -j DROP` → `-p tcp -m conntrack --ctorigdstport 8080 -j DROP`. */
const PORT_MATCHES = new Set(['tcp', 'udp', 'sctp']);

/** The rule's words with `[-m tcp|udp|sctp] --dport PORT` turned into `-m conntrack --ctorigdstport PORT`. */
function withOriginalPort(words: readonly string[], port: number): string[] {
  const at = words.findIndex((word, i) => (word === '--dport' || word === '--destination-port') && words[i + 1] === String(port));
  if (at < 0) return [...words];
  const withMatch = at >= 2 && words[at - 2] === '-m' && PORT_MATCHES.has(words[at - 1] ?? '');
  const start = withMatch ? at - 2 : at;
  return [...words.slice(0, start), '-m', 'conntrack', '--ctorigdstport', String(port), ...words.slice(at + 2)];
}


const rule: LintRule = {
  meta: {
    id: 'docker-user-host-port',
    severity: 'error',
    category: 'security',
    docs: {
      description:
        'A DOCKER-USER rule matches `--dport` of a published host port that Docker maps to another container port: the rule never matches, because FORWARD sees the packet after the DNAT.',
      rationale:
        "`iptables -I DOCKER-USER -p tcp --dport 8080 -j DROP` is the natural way to close `-p 8080:80`, and it silently does nothing: by the time a packet reaches FORWARD its destination port is 80. The port stays open while the operator believes it closed. Docker's documentation says to match the original port with `-m conntrack --ctorigdstport`.",
      bad: g2Example({ replace: '-A DOCKER-USER -j RETURN', with: '-A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP\n-A DOCKER-USER -j RETURN' }),
      good: g2Example({ replace: '-A DOCKER-USER -j RETURN', with: '-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 -j DROP\n-A DOCKER-USER -j RETURN' }),
    },
  },
  check(context) {
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const dnats = analysis.classified.filter((entry: ClassifiedRule) => entry.templateId.startsWith('dnat'));
    if (dnats.length === 0) return;
    for (const user of rulesOf(context.model, 'filter', 'DOCKER-USER')) {
      for (const port of destinationPorts(user)) {
        const mapped = dnats.filter((entry) => entry.captures['HPORT'] === String(port));
        // A container port equal to the host port is matched after DNAT too, so that rule works.
        if (mapped.length === 0 || mapped.some((entry) => entry.captures['CPORT'] === String(port))) continue;
        const targets = mapped
          .map((entry) => `${entry.container ? `container "${entry.container}" ` : ''}port ${entry.captures['CPORT'] ?? '?'}${entry.network ? ` on ${networkLabel(analysis, entry.network)}` : ''}`)
          .join(', ');
        context.report({
          message: `DOCKER-USER rule ${user.index + 1} matches --dport ${port}, the published host port, but FORWARD sees these packets after Docker's DNAT (line ${mapped[0]?.rule.span.line ?? '?'}) with destination ${targets}: the rule never matches and port ${port} stays open`,
          span: user.span,
          fix: replaceRuleCommand(analysis.family, 'filter', 'DOCKER-USER', user.index + 1, withOriginalPort(ruleSpecWords(user), port)),
          related: mapped.map((entry) => ({ message: `DNAT of host port ${port}`, span: entry.rule.span })),
        });
      }
    }
  },
};

export default rule;
