/**
 * The packet model's public surface: a model of netfilter's traversal on a
 * Docker host (`Host`), the trace API behind `iptlint trace`, and the
 * reachability analysis behind `iptlint reach`.
 *
 *   const host = hostFromDocker({ ipv4, ipv6, docker: analyzeDocker(ipv4, inputs), inputs, topology });
 *   tracePacket(host, { in: 'eth0', src, dst, proto: 'tcp', dport: 8080 });   // one packet, -j TRACE style
 *   const report = analyzeReach(host);                                          // matrix, outbound, exposure
 *   reachFindings(host, report);                                                // Finding[] (reach/*)
 */
export { buildHost, hostFromDocker, type DockerHostInput, type Host, type HostContainer, type HostInput, type HostNetwork, type ProxyListener } from './host.js';
export { buildTopology, TopologyError, type Topology, type TopologyOptions } from './topology.js';

export { tracePacket, traceBatch, TraceInputError, type NatRewrite, type TraceHop, type TraceOptions, type TraceOutcome, type TraceRequest, type TraceResult, type TraceVerdict } from './trace.js';
export { describePacket, renderTrace, type RenderOptions } from './trace-render.js';

export {
  analyzeReach,
  reachServices,
  type ContainerPair,
  type DockerUserCheck,
  type Exposure,
  type ExposureVia,
  type MatrixCell,
  type NetworkSummary,
  type OutboundEntry,
  type ReachOptions,
  type ReachSection,
  type ReachReport,
} from './reach.js';
export { describeWitness, REACH_RULES, reachFindings, type ReachFindingOptions, type ReachRuleId } from './reach-findings.js';
export { reachJson, renderReach, type ReachJson, type ReachRenderOptions, type RuleRef, type WitnessJson } from './reach-render.js';
export type { ReachStatus, Witness, WitnessPacket } from './reach-query.js';

// Lower level: one connection or one packet-space question.
export { connect, type ClosedConnection, type ConnectionOutcome, type ConnectionQuery, type Endpoint, type OpenConnection } from './connection.js';
export { runQuery, type QueryResult } from './reach-query.js';
export { answerBy, openWorld, type Answer, type Listener, type Services } from './services.js';
export { EvaluationLimitError } from './evaluator.js';
export type { Box, PacketSet } from './packet-set.js';
