import type { LintRule } from '../src/engine/types.js';
import type { Rule } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { addRuleCommand } from '../src/docker/fix-command.js';
import { placeForRule, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis, dockerInputsOf } from '../src/docker/rule-context.js';

function isBlocking(rule: Rule): boolean {
  if (rule.action.kind === 'verdict') return rule.action.verdict === 'DROP';
  if (rule.action.kind === 'extension') return rule.action.name === 'REJECT';
  return rule.action.kind === 'jump' || rule.action.kind === 'goto';
}

/** A rule that ends the chain for everything below it: later rules never run. */
function endsChain(rule: Rule): boolean {
  return rule.unconditional && rule.action.kind === 'verdict' && (rule.action.verdict === 'RETURN' || rule.action.verdict === 'ACCEPT');
}

const rule: LintRule = {
  meta: {
    id: 'docker-user-restricts-external',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "With a policy that sets `dockerUser.restrictExternal: true`, DOCKER-USER holds a DROP/REJECT (or a jump to a filtering chain) for traffic arriving on the external interfaces, before anything that ends the chain.",
      rationale:
        "Docker's published ports bypass INPUT: ufw, firewalld zones and INPUT rules do not see them. DOCKER-USER is the one place Docker guarantees to run first, so a host whose policy says published ports must not be open to the world needs its restriction there; a `-j RETURN` above it makes it dead.",
      bad: g2Example(),
      good: g2Example({ replace: '-A DOCKER-USER -j RETURN', with: '-A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP\n-A DOCKER-USER -j RETURN' }),
    },
  },
  check(context) {
    const policy = dockerInputsOf(context)?.policy;
    if (!policy?.dockerUser?.restrictExternal) return;
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const external = policy.dockerUser.externalInterfaces;
    const bridges = new Set(analysis.networks.map((entry) => entry.state.bridge));
    const example = `-A DOCKER-USER -i ${external[0] ?? 'eth0'} ! -s <allowed-sources> -j DROP`;
    if (analysis.detection.generation === 'G1a') {
      context.report({
        message: `the policy (${policy.file}) requires DOCKER-USER to restrict external access, but Docker ${analysis.detection.versions} has no DOCKER-USER chain (added in 17.06)`,
        span: placeForRule(context.model, 'filter', 'FORWARD'),
        fix: 'upgrade Docker, or insert the restriction at the top of FORWARD and re-insert it after every network creation',
      });
      return;
    }
    const rules = rulesOf(context.model, 'filter', 'DOCKER-USER');
    const end = rules.find(endsChain);
    const live = end ? rules.filter((entry) => entry.index < end.index) : rules;
    const restricting = live.find((entry) => {
      if (!isBlocking(entry)) return false;
      const inbound = entry.predicates.inInterface;
      if (!inbound) return true;
      if (inbound.negated) return bridges.has(inbound.name);
      return external.length > 0 ? external.includes(inbound.name) || (inbound.wildcard && external.some((name) => name.startsWith(inbound.prefix))) : !bridges.has(inbound.name);
    });
    if (restricting) return;
    const dead = end ? rules.find((entry) => entry.index > end.index && isBlocking(entry)) : undefined;
    context.report({
      message: `the policy (${policy.file}) requires DOCKER-USER to restrict traffic from ${external.length > 0 ? external.join(', ') : 'external interfaces'}, but ${dead ? `its DROP at line ${dead.span.line} comes after \`-j ${end?.action.kind === 'verdict' ? end.action.verdict : ''}\` at line ${end?.span.line ?? '?'} and never runs` : 'no rule in DOCKER-USER drops or rejects it'}: published container ports are open to every client that reaches the host`,
      span: dead?.span ?? placeForRule(context.model, 'filter', 'DOCKER-USER'),
      fix: addRuleCommand(analysis.family, 'filter', example, 1),
    });
  },
};

export default rule;
