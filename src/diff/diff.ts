/**
 * The semantic diff of two dumps of one host: per address family, Docker's
 * rules compared as facts (entities matched across bridge id and address
 * changes, order ignored: Docker rebuilds its chains in its own order), every
 * other rule compared per chain by its canonical text (order matters), plus
 * chains and built-in policies. Counters, header comments and layout never
 * show: only the printer's canonical rule text is compared.
 */
import type { Family } from '../../grammar/ast.js';
import { analyzeDocker } from '../docker/index.js';
import type { DockerInputs } from '../docker/types.js';
import type { Chain, Model, Rule } from '../model/types.js';
import { describeFact, factIsSecurityRelevant } from './describe.js';
import { dockerFacts, type DockerFact } from './docker-facts.js';
import { matchMode, SideEntities, type MatchMode } from './entities.js';
import { pairEntities } from './pairing.js';
import { canonicalRuleText } from './rule-text.js';
import { diffSequence } from './sequence.js';
import type { DiffChange, DiffReport, RulePlace } from './types.js';

export interface DiffSideInput {
  /** Dump file names, IPv4 first. */
  files: { ipv4: string; ipv6?: string };
  ipv4: Model;
  ipv6?: Model;
  docker?: DockerInputs;
}

export function diffHosts(old: DiffSideInput, now: DiffSideInput): DiffReport {
  const mode = matchMode(old.docker, now.docker);
  const changes = diffFamily(old, now, 'ipv4', mode);
  if (old.ipv6 && now.ipv6) changes.push(...diffFamily(old, now, 'ipv6', mode));
  const files = (side: DiffSideInput): string[] => [side.files.ipv4, ...(side.files.ipv6 === undefined ? [] : [side.files.ipv6])];
  return {
    old: { files: files(old) },
    new: { files: files(now) },
    matchedBy: mode,
    changes,
    securityRelevant: changes.some((change) => change.securityRelevant),
  };
}

function sideState(side: DiffSideInput, model: Model) {
  return {
    analysis: analyzeDocker(model, side.docker),
    networksGiven: side.docker?.networks !== undefined,
    containersGiven: side.docker?.containers !== undefined,
  };
}

interface FamilySide {
  file: string;
  model: Model;
  facts: DockerFact[];
  /** Bridge → entity key, after pairing. */
  bridgeKey: (bridge: string) => string | undefined;
}

function diffFamily(old: DiffSideInput, now: DiffSideInput, family: Family, mode: MatchMode): DiffChange[] {
  const oldModel = (family === 'ipv4' ? old.ipv4 : old.ipv6) as Model;
  const nowModel = (family === 'ipv4' ? now.ipv4 : now.ipv6) as Model;
  const oldState = sideState(old, oldModel);
  const nowState = sideState(now, nowModel);
  const oldEntities = new SideEntities(oldState, mode);
  const nowEntities = new SideEntities(nowState, mode);
  const oldFacts = dockerFacts(oldState.analysis.classified, oldEntities);
  // Twice: containers pair more easily once their networks are paired.
  const first = pairEntities(oldFacts, dockerFacts(nowState.analysis.classified, nowEntities));
  const second = pairEntities(oldFacts, first.facts);
  const renamed = new Map([...first.renamed, ...second.renamed]);

  // Old labels win (a renamed network keeps its subnet as label) unless the new side brought names.
  const labels = new Map(oldEntities.labels);
  const nowNamed = nowState.networksGiven || nowState.containersGiven;
  for (const [key, text] of nowEntities.labels) {
    const target = renamed.get(key) ?? key;
    if (nowNamed || !labels.has(target)) labels.set(target, text);
  }
  const label = (key: string): string => labels.get(key) ?? key.replace(/^[a-z]+:/, '');

  const oldSide: FamilySide = { file: fileOf(old, family), model: oldModel, facts: oldFacts, bridgeKey: (b) => (oldEntities.isBridge(b) ? oldEntities.bridgeKey(b) : undefined) };
  const nowSide: FamilySide = {
    file: fileOf(now, family),
    model: nowModel,
    facts: second.facts,
    bridgeKey: (b) => {
      if (!nowEntities.isBridge(b)) return undefined;
      const key = nowEntities.bridgeKey(b);
      return renamed.get(key) ?? key;
    },
  };
  return [...diffPolicies(oldSide, nowSide, family), ...diffDockerFacts(oldSide, nowSide, family, label), ...diffOtherRules(oldSide, nowSide, family)];
}

function fileOf(side: DiffSideInput, family: Family): string {
  return (family === 'ipv4' ? side.files.ipv4 : side.files.ipv6) ?? side.files.ipv4;
}

function place(file: string, rule: Rule): RulePlace {
  return { file, line: rule.span.line, position: rule.index + 1 };
}

function diffPolicies(old: FamilySide, now: FamilySide, family: Family): DiffChange[] {
  const changes: DiffChange[] = [];
  for (const [tableName, table] of now.model.tables) {
    for (const chain of table.chains.values()) {
      if (!chain.builtin) continue;
      const before = old.model.tables.get(tableName)?.chains.get(chain.name);
      if (!before?.builtin || before.policy === chain.policy || before.policy === undefined || chain.policy === undefined) continue;
      changes.push({
        kind: 'policy-changed',
        family,
        table: tableName,
        chain: chain.name,
        securityRelevant: true,
        message: `${tableName} ${chain.name}: policy ${before.policy} → ${chain.policy}`,
        oldPolicy: before.policy,
        newPolicy: chain.policy,
      });
    }
  }
  return changes;
}

function diffDockerFacts(old: FamilySide, now: FamilySide, family: Family, label: (key: string) => string): DiffChange[] {
  const result = diffSequence(old.facts, now.facts, (fact) => fact.key);
  const change = (fact: DockerFact, side: FamilySide, verb: 'added' | 'removed'): DiffChange => {
    const text = canonicalRuleText(fact.rule);
    const words = describeFact(fact, label, verb, text);
    return {
      kind: verb === 'added' ? 'docker-added' : 'docker-removed',
      family,
      table: fact.rule.table,
      chain: fact.rule.chain,
      securityRelevant: factIsSecurityRelevant(fact),
      message: words.message,
      rule: text,
      [verb === 'added' ? 'new' : 'old']: place(side.file, fact.rule),
      invariant: fact.invariant,
      ...(words.network === undefined ? {} : { network: words.network }),
      ...(words.container === undefined ? {} : { container: words.container }),
    };
  };
  const byLine = (a: DockerFact, b: DockerFact): number => a.rule.span.line - b.rule.span.line;
  return [...result.removed.sort(byLine).map((fact) => change(fact, old, 'removed')), ...result.added.sort(byLine).map((fact) => change(fact, now, 'added'))];
}

/** Targets that only log or count: adding, removing or moving them changes no verdict. */
const OBSERVING_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE']);

function ruleIsSecurityRelevant(rule: Rule): boolean {
  if (rule.action.kind === 'none') return false;
  return !(rule.action.kind === 'extension' && OBSERVING_TARGETS.has(rule.action.name));
}

function diffOtherRules(old: FamilySide, now: FamilySide, family: Family): DiffChange[] {
  const changes: DiffChange[] = [];
  const dockerRules = (side: FamilySide): Set<Rule> => new Set(side.facts.map((fact) => fact.rule));
  const oldDocker = dockerRules(old);
  const nowDocker = dockerRules(now);
  const keyed = (side: FamilySide, docker: ReadonlySet<Rule>, chain: Chain | undefined) =>
    (chain?.rules ?? []).filter((rule) => !docker.has(rule)).map((rule) => ({ rule, text: canonicalRuleText(rule), key: entityText(rule, side) }));

  const tables = new Set([...old.model.tables.keys(), ...now.model.tables.keys()]);
  for (const tableName of tables) {
    const before = old.model.tables.get(tableName);
    const after = now.model.tables.get(tableName);
    const chainNames = [...(after?.chainOrder ?? []), ...(before?.chainOrder ?? []).filter((name) => !after?.chains.has(name))];
    for (const chainName of chainNames) {
      const oldChain = before?.chains.get(chainName);
      const nowChain = after?.chains.get(chainName);
      if (!oldChain || !nowChain) {
        const present = (oldChain ?? nowChain) as Chain;
        changes.push({
          kind: oldChain ? 'chain-removed' : 'chain-added',
          family,
          table: tableName,
          chain: chainName,
          securityRelevant: false,
          message: `${tableName} ${chainName}: ${present.builtin ? 'built-in' : 'user'} chain ${oldChain ? 'removed' : 'added'}${present.rules.length === 0 ? '' : ` (its rules are listed one by one)`}`,
        });
      }
      const result = diffSequence(keyed(old, oldDocker, oldChain), keyed(now, nowDocker, nowChain), (entry) => entry.key);
      const base = { family, table: tableName, chain: chainName };
      for (const entry of result.removed) {
        changes.push({ kind: 'rule-removed', ...base, securityRelevant: ruleIsSecurityRelevant(entry.rule), message: `${tableName} ${chainName}: rule ${entry.rule.index + 1} removed: ${entry.text}`, rule: entry.text, old: place(old.file, entry.rule) });
      }
      for (const entry of result.added) {
        changes.push({ kind: 'rule-added', ...base, securityRelevant: ruleIsSecurityRelevant(entry.rule), message: `${tableName} ${chainName}: rule added at position ${entry.rule.index + 1}: ${entry.text}`, rule: entry.text, new: place(now.file, entry.rule) });
      }
      for (const { old: from, now: to } of result.moved) {
        changes.push({
          kind: 'rule-moved',
          ...base,
          securityRelevant: ruleIsSecurityRelevant(to.rule),
          message: `${tableName} ${chainName}: rule moved from position ${from.rule.index + 1} to ${to.rule.index + 1}: ${to.text}`,
          rule: to.text,
          old: place(old.file, from.rule),
          new: place(now.file, to.rule),
        });
      }
    }
  }
  return changes;
}

/** The canonical text with every Docker bridge name replaced by its entity key (`-i br-1a2b…` → `-i ⟨subnet:172.18.0.0/16⟩`). */
function entityText(rule: Rule, side: FamilySide): string {
  return canonicalRuleText(rule)
    .split(' ')
    .map((word) => {
      const key = side.bridgeKey(word);
      return key === undefined ? word : `⟨${key}⟩`;
    })
    .join(' ');
}
