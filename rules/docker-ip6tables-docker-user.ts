import type { LintRule } from '../src/engine/types.js';
import { addRuleCommand, newChainCommand } from '../src/docker/fix-command.js';
import { chainOf, jumpsTo, placeForRule, rulesOf } from '../src/docker/model-access.js';
import { activeDockerAnalysis, dockerInputsOf } from '../src/docker/rule-context.js';

const IP6_DUMP = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-INTERNAL - [0:0]
-A FORWARD -j DOCKER-FORWARD
-A DOCKER ! -i br-web -o br-web -j DROP
-A DOCKER-BRIDGE -o br-web -j DOCKER
-A DOCKER-CT -o br-web -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-INTERNAL
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i br-web -j ACCEPT
COMMIT
`;

const rule: LintRule = {
  meta: {
    id: 'docker-ip6tables-docker-user',
    severity: 'error',
    category: 'docker',
    docs: {
      description:
        "When both dumps of a host are given (the IPv4 one as `inputs.docker.companionModel` of the ip6tables run), Docker's IPv6 rules have a DOCKER-USER chain, jumped to first from FORWARD, whenever the IPv4 rules have one.",
      rationale:
        'Administrators put their restrictions (allowed source networks, blocked ports) into DOCKER-USER, usually only with iptables. If the ip6tables side has no DOCKER-USER — ip6tables was enabled later, the chain was flushed away, or the rules were restored from an old file — every IPv6 client reaches published ports unrestricted.',
      bad: `# docker: ip6tables-save of a host whose iptables-save has DOCKER-USER with -i eth0 ! -s 192.0.2.0/24 -j DROP\n${IP6_DUMP}`,
      good: `# ip6tables-save\n${IP6_DUMP.replace(':DOCKER-INTERNAL - [0:0]\n', ':DOCKER-INTERNAL - [0:0]\n:DOCKER-USER - [0:0]\n').replace('-A FORWARD -j DOCKER-FORWARD\n', '-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-FORWARD\n')}`,
    },
  },
  check(context) {
    const companion = dockerInputsOf(context)?.companionModel;
    if (!companion || context.model.family !== 'ipv6' || companion.family !== 'ipv4') return;
    const analysis = activeDockerAnalysis(context);
    if (!analysis) return;
    const ipv4Chain = chainOf(companion, 'filter', 'DOCKER-USER');
    if (!ipv4Chain) return;
    const hasChain = chainOf(context.model, 'filter', 'DOCKER-USER') !== undefined;
    const hasJump = jumpsTo(context.model, 'filter', 'FORWARD', 'DOCKER-USER').length > 0;
    if (hasChain && hasJump) return;
    const userRules = rulesOf(companion, 'filter', 'DOCKER-USER').filter((rule) => !(rule.unconditional && rule.action.kind === 'verdict' && rule.action.verdict === 'RETURN'));
    const consequence =
      userRules.length > 0
        ? `its ${userRules.length} rule(s) in ${companion.source.file} (line ${userRules[0]?.span.line ?? '?'}…) restrict IPv4 only: IPv6 clients reach published ports unrestricted`
        : 'restrictions added to it later would apply to IPv4 only';
    const what = hasChain ? 'FORWARD does not jump to DOCKER-USER' : 'there is no DOCKER-USER chain (Docker up to 23.x never created it for ip6tables, moby#42477)';
    const fix = [hasChain ? undefined : newChainCommand('ipv6', 'filter', 'DOCKER-USER'), addRuleCommand('ipv6', 'filter', '-A FORWARD -j DOCKER-USER', 1)].filter((step) => step !== undefined).join(' && ');
    context.report({
      message: `iptables has DOCKER-USER (${companion.source.file}:${ipv4Chain.span.line}) but in this ip6tables dump ${what}: ${consequence}`,
      span: placeForRule(context.model, 'filter', hasChain ? 'FORWARD' : 'DOCKER-USER'),
      fix: `${fix}   # then add the IPv6 equivalents of the IPv4 DOCKER-USER rules`,
    });
  },
};

export default rule;
