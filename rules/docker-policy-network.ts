import type { LintRule, RuleContext } from '../src/engine/types.js';
import type { Span } from '../grammar/ast.js';
import type { Rule } from '../src/model/types.js';
import { g2Example } from '../src/docker/doc-examples.js';
import { gatewayModeOf } from '../src/docker/expected-rules.js';
import { addRuleCommand, deleteRuleCommand } from '../src/docker/fix-command.js';
import { networkLabel } from '../src/docker/findings.js';
import { placeForRule, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis, dockerInputsOf } from '../src/docker/rule-context.js';
import type { DockerAnalysis, DockerNetworkState, DockerPolicy, InvariantId, NetworkInventory } from '../src/docker/types.js';

function findNetwork(analysis: DockerAnalysis, wanted: DockerNetworkState): NetworkInventory | undefined {
  return analysis.networks.find(
    ({ state }) =>
      state.name === wanted.name ||
      (wanted.bridge !== '' && state.bridge === wanted.bridge) ||
      wanted.subnets.some((subnet) => state.subnets.some((own) => own.cidr === subnet.cidr)),
  );
}

/** The dump line that shows a setting, or the network's first rule. */
function evidence(network: NetworkInventory, invariants: InvariantId[], fallback: Span): Span {
  return (network.rules.find((entry) => invariants.includes(entry.invariant)) ?? network.rules[0])?.rule.span ?? fallback;
}

function compareSettings(context: RuleContext, analysis: DockerAnalysis, policy: DockerPolicy, wanted: DockerNetworkState, actual: NetworkInventory): void {
  const state = actual.state;
  const stated = (key: string): boolean => !wanted.assumed.includes(key) && !state.assumed.includes(key);
  const fallback = placeForRule(context.model, 'filter', 'FORWARD');
  const label = networkLabel(analysis, state.name);
  const mismatch = (what: string, invariants: InvariantId[], fix: string): void =>
    context.report({ message: `${label}: ${what}, but the policy (${policy.file}) says otherwise`, span: evidence(actual, invariants, fallback), fix });
  const recreate = (option: string): string => `recreate the network with ${option} (docker network create …), or change the policy`;
  if (stated('internal') && wanted.internal !== state.internal) {
    mismatch(state.internal ? 'is internal' : 'is not internal (its containers reach other networks and the outside)', ['internal', 'bridge-forwarding'], recreate(wanted.internal ? '--internal' : 'no --internal'));
  }
  if (stated('icc') && wanted.icc !== state.icc) {
    mismatch(`has icc=${state.icc} (containers on it ${state.icc ? 'can' : 'cannot'} talk to each other)`, ['icc'], recreate(`-o com.docker.network.bridge.enable_icc=${wanted.icc}`));
  }
  if (stated('ipMasquerade') && wanted.ipMasquerade !== state.ipMasquerade && !state.internal) {
    mismatch(`has ip-masquerade ${state.ipMasquerade ? 'on' : 'off'}`, ['masquerade', 'nat-return'], recreate(`-o com.docker.network.bridge.enable_ip_masquerade=${wanted.ipMasquerade}`));
  }
  if (stated('gatewayMode') && gatewayModeOf(wanted, analysis.family) !== gatewayModeOf(state, analysis.family)) {
    const mode = gatewayModeOf(wanted, analysis.family);
    mismatch(`is in gateway mode ${gatewayModeOf(state, analysis.family)}`, ['bridge-forwarding'], recreate(`-o com.docker.network.bridge.gateway_mode_ipv${analysis.family === 'ipv6' ? 6 : 4}=${mode}`));
  }
  const wantedSubnets = wanted.subnets.filter((subnet) => subnet.family === analysis.family).map((subnet) => subnet.cidr);
  const actualSubnets = state.subnets.filter((subnet) => subnet.family === analysis.family).map((subnet) => subnet.cidr);
  if (wantedSubnets.length > 0 && actualSubnets.length > 0 && wantedSubnets.some((subnet) => !actualSubnets.includes(subnet))) {
    mismatch(`has subnet(s) ${actualSubnets.join(', ')} instead of ${wantedSubnets.join(', ')}`, ['masquerade', 'internal'], recreate(`--subnet ${wantedSubnets[0] ?? ''}`));
  }
}

/** DOCKER-USER/FORWARD ACCEPTs that let one bridge reach another ahead of Docker's isolation. */
function openingRule(context: RuleContext, from: string, to: string): Rule | undefined {
  const chains = ['DOCKER-USER', 'FORWARD'];
  for (const chain of chains) {
    const found = rulesOf(context.model, 'filter', chain).find(
      (rule) =>
        rule.action.kind === 'verdict' &&
        rule.action.verdict === 'ACCEPT' &&
        rule.predicates.inInterface?.name === from &&
        !rule.predicates.inInterface.negated &&
        rule.predicates.outInterface?.name === to &&
        !rule.predicates.outInterface.negated,
    );
    if (found) return found;
  }
  return undefined;
}

function checkReachability(context: RuleContext, analysis: DockerAnalysis, policy: DockerPolicy, matched: Map<string, NetworkInventory>): void {
  const allowed = (a: string, b: string): boolean => policy.mayTalk.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const names = [...matched.keys()];
  for (const a of names) {
    for (const b of names) {
      if (a >= b) continue;
      const first = matched.get(a)?.state;
      const second = matched.get(b)?.state;
      if (!first || !second || first.internal || second.internal) continue;
      const opened = openingRule(context, first.bridge, second.bridge) ?? openingRule(context, second.bridge, first.bridge);
      if (allowed(a, b) && !opened) {
        context.report({
          message: `the policy (${policy.file}) lets networks "${a}" and "${b}" talk, but nothing opens Docker's isolation between ${first.bridge} and ${second.bridge}`,
          span: placeForRule(context.model, 'filter', 'DOCKER-USER'),
          fix: `${addRuleCommand(analysis.family, 'filter', `-A DOCKER-USER -i ${first.bridge} -o ${second.bridge} -j ACCEPT`, 1)} && ${addRuleCommand(analysis.family, 'filter', `-A DOCKER-USER -i ${second.bridge} -o ${first.bridge} -j ACCEPT`, 1)}`,
          severity: 'info',
        });
      } else if (!allowed(a, b) && opened) {
        context.report({
          message: `${networkLabel(analysis, first.name)} and ${networkLabel(analysis, second.name)} may not talk according to the policy (${policy.file}), but \`${opened.chain}\` rule at line ${opened.span.line} accepts traffic between them ahead of Docker's isolation`,
          span: opened.span,
          fix: deleteRuleCommand(analysis.family, opened),
        });
      }
    }
  }
}

const rule: LintRule = {
  meta: {
    id: 'docker-policy-network',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "With a policy that declares `networks`, each declared network exists with the stated settings (internal, icc, ip-masquerade, gateway mode, subnets), and only the pairs listed in `mayTalkTo` are opened between networks.",
      rationale:
        "The rules Docker writes follow the network's settings, so a network created without `--internal` or with icc on is enforced faithfully — and wrongly. Comparing the dump with the intended networks catches the configuration drift that the rule-level checks, which trust Docker's own settings, cannot see.",
      bad: g2Example(),
      good: g2Example({ replace: '-A FORWARD -i docker0 -o docker0 -j ACCEPT', with: '-A FORWARD -i docker0 -o docker0 -j DROP' }),
    },
  },
  check(context) {
    const policy = dockerInputsOf(context)?.policy;
    if (!policy || policy.networks.length === 0) return;
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const matched = new Map<string, NetworkInventory>();
    for (const wanted of policy.networks) {
      const actual = findNetwork(analysis, wanted);
      if (!actual) {
        const hasFamily = wanted.subnets.length === 0 || wanted.subnets.some((subnet) => subnet.family === analysis.family);
        if (!hasFamily) continue;
        context.report({
          message: `the policy (${policy.file}) declares network "${wanted.name}"${wanted.bridge ? ` on ${wanted.bridge}` : ''}, but the dump has no Docker rules for it: it does not exist, or its rules are gone`,
          span: placeForRule(context.model, 'filter', 'FORWARD'),
          fix: `create the network (docker network create ${wanted.internal ? '--internal ' : ''}${wanted.name}) or remove it from the policy`,
        });
        continue;
      }
      matched.set(wanted.name, actual);
      compareSettings(context, analysis, policy, wanted, actual);
    }
    checkReachability(context, analysis, policy, matched);
  },
};

export default rule;
