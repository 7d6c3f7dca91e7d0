/**
 * Chain traversal of one table at one hook, as ipt_do_table() does it:
 * rules in order; ACCEPT/DROP end the table; a jump pushes the chain,
 * RETURN or the end of a user chain pops it; a goto replaces the current
 * chain (its RETURN goes back to the chain that jumped to the current one);
 * the end of a built-in chain applies its policy. Non-terminal targets
 * (LOG, MARK…) let the packet carry on with the next rule.
 *
 * Works on flows (packet sets), so the same code traces one packet and
 * explores whole address × port spaces.
 */
import type { Family } from '../../grammar/ast.js';
import type { Chain, Model, Rule, Table } from '../model/types.js';
import { buildChainIndex, candidatesFor, type ChainIndex } from './chain-index.js';
import { compileRule, type CompileContext, type CompiledRule } from './conditions.js';
import { addStep, fork, headerAddr, type Flow, type NatBinding } from './flow.js';
import { isDstManipHook, type Hook } from './hooks.js';
import { cannotMatch, splitByRule } from './match.js';
import { describeNat, targetEffect, type NatSpec, type TargetEffect } from './targets.js';
import { primaryAddress, type Topology } from './topology.js';

/** The model of one address family: its rules and the host topology they run on. */
export interface Ruleset {
  model: Model;
  family: Family;
  topology: Topology;
  compileContext: CompileContext;
  compiled: Map<Rule, CompiledRule>;
  effects: Map<Rule, TargetEffect>;
  indexes: Map<Chain, ChainIndex>;
}

export function makeRuleset(model: Model, topology: Topology): Ruleset {
  let setsConnmark = false;
  for (const table of model.tables.values()) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) if (rule.action.kind === 'extension' && rule.action.name === 'CONNMARK') setsConnmark = true;
    }
  }
  return {
    model,
    family: model.family,
    topology,
    compileContext: { family: model.family, topology, setsConnmark },
    compiled: new Map(),
    effects: new Map(),
    indexes: new Map(),
  };
}

function indexOf(ruleset: Ruleset, chain: Chain): ChainIndex {
  let index = ruleset.indexes.get(chain);
  if (!index) {
    index = buildChainIndex(
      chain.rules.map((rule) => compiledOf(ruleset, rule)),
      ruleset.family === 'ipv4' ? 1n << 32n : 1n << 128n,
    );
    ruleset.indexes.set(chain, index);
  }
  return index;
}

export class EvaluationLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationLimitError';
  }
}

export interface TableOutcome {
  accepted: Flow[];
  dropped: Flow[];
  /** The verdict is taken outside the ruleset (QUEUE, NFQUEUE, a missing chain…). */
  undecided: Flow[];
}

interface ChainOutcome extends TableOutcome {
  returned: Flow[];
}

const MAX_DEPTH = 64;
const MAX_FLOWS = 250_000;

function compiledOf(ruleset: Ruleset, rule: Rule): CompiledRule {
  let compiled = ruleset.compiled.get(rule);
  if (!compiled) {
    compiled = compileRule(rule, ruleset.compileContext);
    ruleset.compiled.set(rule, compiled);
  }
  return compiled;
}

function effectOf(ruleset: Ruleset, rule: Rule): TargetEffect {
  let effect = ruleset.effects.get(rule);
  if (!effect) {
    effect = targetEffect(rule, ruleset.family);
    ruleset.effects.set(rule, effect);
  }
  return effect;
}

export function ruleText(rule: Rule): string {
  const parts = rule.command.rule?.parts ?? [];
  const words: string[] = [];
  for (const part of parts) {
    if (part.kind === 'base') {
      words.push(...(part.negation !== 'none' ? ['!'] : []), part.optionWord.text, ...part.values.map((v) => quote(v.text)));
    } else if (part.kind === 'match') {
      if (part.matchWord) words.push('-m', part.name.text);
      for (const option of part.options) words.push(...(option.negation !== 'none' ? ['!'] : []), `--${option.name}`, ...option.values.map((v) => quote(v.text)));
    } else {
      words.push(part.via === 'goto' ? '-g' : '-j', part.name.text);
      for (const option of part.options) words.push(`--${option.name}`, ...option.values.map((v) => quote(v.text)));
    }
  }
  return `-A ${rule.chain} ${words.join(' ')}`.trim();
}

function quote(text: string): string {
  return /^[^\s"'\\]+$/.test(text) ? text : `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

function step(flow: Flow, table: string, chain: string, rule: Rule | undefined, action: string): void {
  if (!flow.steps) return;
  if (rule) addStep(flow, { table, chain, ruleNumber: rule.index + 1, ruleLine: rule.span.line, ruleText: ruleText(rule), action, rule });
  else addStep(flow, { table, chain, action });
}

function bindingFor(ruleset: Ruleset, flow: Flow, spec: NatSpec, rule: Rule, hook: Hook): NatBinding {
  let addr = spec.addr;
  if (spec.target === 'MASQUERADE') addr = primaryAddress(ruleset.topology, flow.out, ruleset.family);
  else if (spec.target === 'REDIRECT') {
    addr = hook === 'OUTPUT' ? (ruleset.family === 'ipv4' ? 0x7f000001n : 1n) : primaryAddress(ruleset.topology, flow.in, ruleset.family);
  } else if (spec.target === 'DNAT' && addr === null) {
    // `--to-destination :PORT` keeps the address.
    const ref = headerAddr(flow, 'dst');
    addr = ref.kind === 'const' ? ref.value : (flow.box.dst.single ?? null);
  }
  if (spec.addrRange || spec.target === 'NETMAP') addr = null;
  const binding: NatBinding = { target: spec.target, addr, rule };
  if (spec.port !== undefined && !spec.portRange) binding.port = spec.port;
  return binding;
}

/** Flows are independent: each walks the chain on its own candidate rules (its parts share them). */
function runChain(ruleset: Ruleset, table: Table, chain: Chain, hook: Hook, flows: Flow[], depth: number): ChainOutcome {
  const outcome: ChainOutcome = { accepted: [], dropped: [], undecided: [], returned: [] };
  if (flows.length === 1) runChainFor(ruleset, table, chain, hook, flows, depth, outcome);
  else for (const flow of flows) runChainFor(ruleset, table, chain, hook, [flow], depth, outcome);
  return outcome;
}

/**
 * Walks the chain for `flows` (which share their interfaces, so their
 * candidate rules) and adds where they end up to `outcome`. At a built-in
 * chain, `outcome.returned` holds only what this call returned when it
 * applies the policy: earlier calls have moved theirs to a verdict.
 */
function runChainFor(ruleset: Ruleset, table: Table, chain: Chain, hook: Hook, flows: Flow[], depth: number, outcome: ChainOutcome): void {
  if (depth > MAX_DEPTH) {
    for (const flow of flows) outcome.undecided.push(fork(flow, { hinges: [...flow.hinges] }));
    return;
  }
  let pending = flows;
  const index = indexOf(ruleset, chain);
  for (const position of candidatesFor(index, flows[0] as Flow)) {
    if (pending.length === 0) break;
    if (pending.length > MAX_FLOWS) throw new EvaluationLimitError(`more than ${MAX_FLOWS} packet sets at ${table.name} ${chain.name}`);
    const compiled = index.compiled[position] as CompiledRule;
    const rule = compiled.rule;
    // The common case, one flow that this rule cannot match: no allocation at all.
    if (pending.length === 1 && cannotMatch(pending[0] as Flow, compiled.conditions)) continue;
    const { matched, unmatched } = splitByRule(pending, compiled);
    pending = unmatched;
    if (matched.length === 0) continue;
    const effect = effectOf(ruleset, rule);
    const name = table.name;
    switch (effect.kind) {
      case 'accept':
        for (const flow of matched) {
          flow.verdictRule = rule;
          step(flow, name, chain.name, rule, 'ACCEPT');
        }
        outcome.accepted.push(...matched);
        break;
      case 'drop':
        for (const flow of matched) {
          flow.verdictRule = rule;
          step(flow, name, chain.name, rule, effect.reject ? 'REJECT' : 'DROP');
        }
        outcome.dropped.push(...matched);
        break;
      case 'return':
        for (const flow of matched) step(flow, name, chain.name, rule, 'RETURN');
        outcome.returned.push(...matched);
        break;
      case 'undecided':
        for (const flow of matched) step(flow, name, chain.name, rule, `undecided: ${effect.why}`);
        outcome.undecided.push(...matched.map((flow) => fork(flow, { hinges: [...flow.hinges, { rule, matched: true, why: effect.why }] })));
        break;
      case 'jump':
      case 'goto': {
        const target = table.chains.get(effect.chain);
        for (const flow of matched) step(flow, name, chain.name, rule, `${effect.kind} ${effect.chain}`);
        if (!target) {
          outcome.undecided.push(...matched);
          break;
        }
        const inner = runChain(ruleset, table, target, hook, matched, depth + 1);
        outcome.accepted.push(...inner.accepted);
        outcome.dropped.push(...inner.dropped);
        outcome.undecided.push(...inner.undecided);
        // A jump's returns carry on after this rule; a goto's return to our caller.
        if (effect.kind === 'jump') pending = [...pending, ...inner.returned];
        else outcome.returned.push(...inner.returned);
        break;
      }
      case 'nat': {
        for (const flow of matched) {
          const binding = bindingFor(ruleset, flow, effect.spec, rule, hook);
          const changed = fork(flow, isDstManipHook(hook) ? { dnat: binding } : { snat: binding });
          step(changed, name, chain.name, rule, describeNat(effect.spec, ruleset.family, hook));
          outcome.accepted.push(changed);
        }
        break;
      }
      case 'mark':
        for (const flow of matched) {
          const changed = fork(flow, { mark: flow.mark === null ? null : effect.apply(flow.mark) });
          step(changed, name, chain.name, rule, `MARK ${effect.text}`);
          pending.push(changed);
        }
        break;
      case 'markUnknown':
        for (const flow of matched) {
          const changed = fork(flow, { mark: null });
          step(changed, name, chain.name, rule, 'mark restored from the connection mark (not modelled)');
          pending.push(changed);
        }
        break;
      case 'notrack':
        for (const flow of matched) {
          const changed = fork(flow, { state: 'UNTRACKED' });
          step(changed, name, chain.name, rule, 'NOTRACK');
          pending.push(changed);
        }
        break;
      case 'continue':
        for (const flow of matched) step(flow, name, chain.name, rule, `${rule.target?.name.text ?? 'no target'} (continue)`);
        pending.push(...matched);
        break;
    }
  }
  if (chain.builtin) {
    // RETURN from a built-in chain, or falling off its end, applies the policy.
    const policy = chain.policy ?? 'ACCEPT';
    const atPolicy = [...pending, ...outcome.returned];
    outcome.returned = [];
    for (const flow of atPolicy) step(flow, table.name, chain.name, undefined, `policy ${policy}`);
    if (policy === 'DROP') {
      for (const flow of atPolicy) flow.verdictRule = undefined;
      outcome.dropped.push(...atPolicy);
    }
    else outcome.accepted.push(...atPolicy);
  } else {
    for (const flow of pending) step(flow, table.name, chain.name, undefined, 'return');
    outcome.returned.push(...pending);
  }
}

/** Runs the table's built-in chain for the hook; a table or chain absent from the dump accepts everything. */
export function runTable(ruleset: Ruleset, tableName: string, hook: Hook, flows: Flow[]): TableOutcome {
  const table = ruleset.model.tables.get(tableName);
  const chain = table?.chains.get(hook);
  if (!table || !chain || flows.length === 0) return { accepted: flows, dropped: [], undecided: [] };
  const outcome = runChain(ruleset, table, chain, hook, flows, 0);
  return { accepted: outcome.accepted, dropped: outcome.dropped, undecided: outcome.undecided };
}
