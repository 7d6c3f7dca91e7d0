/**
 * The Docker audit's rules (issue #4). They run on every dump and do nothing
 * unless it shows Docker's rules (or Docker inputs say containers run).
 */
import type { LintRule } from '../src/engine/types.js';
import dockerBridgeForwarding from './docker-bridge-forwarding.js';
import dockerChainWiring from './docker-chain-wiring.js';
import dockerForwardPolicy from './docker-forward-policy.js';
import dockerIcc from './docker-icc.js';
import dockerInternalNetwork from './docker-internal-network.js';
import dockerIp6tablesDockerUser from './docker-ip6tables-docker-user.js';
import dockerIptablesDisabled from './docker-iptables-disabled.js';
import dockerIsolation from './docker-isolation.js';
import dockerMasquerade from './docker-masquerade.js';
import dockerNatReturn from './docker-nat-return.js';
import dockerPolicyNetwork from './docker-policy-network.js';
import dockerPolicyPublishedPort from './docker-policy-published-port.js';
import dockerPublishedPort from './docker-published-port.js';
import dockerRawProtection from './docker-raw-protection.js';
import dockerStaleRule from './docker-stale-rule.js';
import dockerUserHostPort from './docker-user-host-port.js';
import dockerUserRestrictsExternal from './docker-user-restricts-external.js';

export const dockerRules: readonly LintRule[] = [
  dockerBridgeForwarding,
  dockerChainWiring,
  dockerForwardPolicy,
  dockerIcc,
  dockerInternalNetwork,
  dockerIp6tablesDockerUser,
  dockerIptablesDisabled,
  dockerIsolation,
  dockerMasquerade,
  dockerNatReturn,
  dockerPolicyNetwork,
  dockerPolicyPublishedPort,
  dockerPublishedPort,
  dockerRawProtection,
  dockerStaleRule,
  dockerUserHostPort,
  dockerUserRestrictsExternal,
];

/** Inputs (policy, inspect state, companion dump) the docs examples of input-driven rules need. */
export { docExampleInputs as dockerDocExampleInputs } from '../src/docker/doc-examples.js';
