export type * from './types.js';
export { buildModel } from './build.js';
export { BUILTIN_CHAINS, STANDARD_VERDICTS, builtinChainsOf, isBuiltinChain, isKnownTable, tablesWithBuiltin, type Hook } from './builtins.js';
export { classifyTarget, endsChainUnconditionally, isTerminalTarget } from './actions.js';
export {
  findCycles,
  hookReachability,
  incomingEdges,
  outgoingEdges,
  reachableChains,
  rulesReachableFrom,
  type HookReachability,
  type JumpCycle,
} from './graph.js';
export {
  buildPredicates,
  formatAddress,
  isUnconditional,
  parseAddressPredicate,
  parseCidr,
  parseInterfacePredicate,
  parsePort,
  parsePortPredicate,
  parseProtocolPredicate,
  parseStatePredicate,
} from './predicates.js';
export { parseBaseZero, protocolName, protocolNumber } from './protocols.js';
export { ruleKey, type RuleKeyOptions } from './rule-key.js';
