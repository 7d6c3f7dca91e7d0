/**
 * Every lint rule. A new rule module in this folder must be added here or to
 * docker-index.ts (a test reads the folder and checks).
 */
import type { LintRule } from '../src/engine/types.js';
import { dockerRules } from './docker-index.js';
import chainNameTooLong from './chain-name-too-long.js';
import chainNotValidForTable from './chain-not-valid-for-table.js';
import deprecatedStateMatch from './deprecated-state-match.js';
import duplicateChainDeclaration from './duplicate-chain-declaration.js';
import duplicateRule from './duplicate-rule.js';
import fragmentInIpv6 from './fragment-in-ipv6.js';
import hostBitsInAddress from './host-bits-in-address.js';
import interfaceDirection from './interface-direction.js';
import interfaceNameTooLong from './interface-name-too-long.js';
import invalidPolicy from './invalid-policy.js';
import jumpCycle from './jump-cycle.js';
import missingMandatoryOption from './missing-mandatory-option.js';
import modelCommandFailed from './model-command-failed.js';
import natFiltering from './nat-filtering.js';
import neverMatchingProtocol from './never-matching-protocol.js';
import portMatchWithoutProtocol from './port-match-without-protocol.js';
import repeatedTable from './repeated-table.js';
import targetNotAllowed from './target-not-allowed.js';
import tcpResetWithoutTcp from './tcp-reset-without-tcp.js';
import undeclaredChain from './undeclared-chain.js';
import undefinedJumpTarget from './undefined-jump-target.js';
import unknownBuiltinChain from './unknown-builtin-chain.js';
import unreachableRule from './unreachable-rule.js';
import unreferencedChain from './unreferenced-chain.js';
import userChainPolicy from './user-chain-policy.js';

/** Rules about the ruleset itself: what iptables-restore and the kernel accept, and what can never match. */
export const structuralRules: readonly LintRule[] = [
  chainNameTooLong,
  chainNotValidForTable,
  deprecatedStateMatch,
  duplicateChainDeclaration,
  duplicateRule,
  fragmentInIpv6,
  hostBitsInAddress,
  interfaceDirection,
  interfaceNameTooLong,
  invalidPolicy,
  jumpCycle,
  missingMandatoryOption,
  modelCommandFailed,
  natFiltering,
  neverMatchingProtocol,
  portMatchWithoutProtocol,
  repeatedTable,
  targetNotAllowed,
  tcpResetWithoutTcp,
  undeclaredChain,
  undefinedJumpTarget,
  unknownBuiltinChain,
  unreachableRule,
  unreferencedChain,
  userChainPolicy,
];

export const allRules: readonly LintRule[] = [...structuralRules, ...dockerRules];
