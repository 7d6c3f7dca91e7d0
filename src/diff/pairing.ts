/**
 * Pairs the entities that only one side names — a network whose bridge id
 * changed and whose subnet one side's rules do not show, a container that
 * came back with another address — with their counterpart on the other side
 * by the shape of their rules (their facts with the entity itself left out):
 * first exact shapes, one candidate each way; then, for what is left, the
 * candidate sharing the most rules, when it shares at least half of the
 * smaller set and no other candidate shares as many. Two networks with the
 * same rules cannot be told apart this way and stay unpaired (reported as
 * removed and added, which is all the dumps alone can say).
 */
import { entitiesOf, factKey, type DockerFact } from './docker-facts.js';

/** Names from inspect JSON are authoritative: only keys taken from the dumps are paired. */
const NETWORK = /^(subnet|bridge):/;
const CONTAINER = /^address:/;

/** Renames, in `now`, every entity paired with one of `old`; returns the renamed facts and the pairs. */
export function pairEntities(old: readonly DockerFact[], now: readonly DockerFact[]): { facts: DockerFact[]; renamed: Map<string, string> } {
  const renamed = new Map<string, string>();
  for (const kind of [NETWORK, CONTAINER]) {
    const oldShapes = new Map(onlyIn(old, now).filter((e) => kind.test(e)).map((entity) => [entity, shapeOf(old, entity)]));
    const nowShapes = new Map(onlyIn(now, old).filter((e) => kind.test(e)).map((entity) => [entity, shapeOf(now, entity)]));
    for (const [entity, counterpart] of pairShapes(oldShapes, nowShapes)) renamed.set(entity, counterpart);
  }
  if (renamed.size === 0) return { facts: [...now], renamed };
  const facts = now.map((fact) => {
    const values = Object.fromEntries(Object.entries(fact.values).map(([name, value]) => [name, renamed.get(value) ?? value]));
    return { ...fact, values, key: factKey(fact.rule, fact.templateId, values) };
  });
  return { facts, renamed };
}

/** new entity → old entity. */
function pairShapes(old: Map<string, string[]>, now: Map<string, string[]>): Map<string, string> {
  const pairs = new Map<string, string>();
  const oldByShape = groupBy(old);
  for (const [shape, entities] of groupBy(now)) {
    const counterparts = oldByShape.get(shape);
    if (entities.length === 1 && counterparts?.length === 1) pairs.set(entities[0] as string, counterparts[0] as string);
  }
  const taken = new Set(pairs.values());
  const oldLeft = [...old].filter(([entity]) => !taken.has(entity));
  const nowLeft = [...now].filter(([entity]) => !pairs.has(entity));
  const best = (shape: string[], candidates: [string, string[]][]): string | undefined => {
    let winner: string | undefined;
    let top = 0;
    let tied = false;
    for (const [entity, other] of candidates) {
      const shared = overlap(shape, other);
      if (shared * 2 < Math.min(shape.length, other.length) || shared === 0) continue;
      if (shared > top) [winner, top, tied] = [entity, shared, false];
      else if (shared === top) tied = true;
    }
    return tied ? undefined : winner;
  };
  for (const [entity, shape] of nowLeft) {
    const counterpart = best(shape, oldLeft);
    if (counterpart === undefined) continue;
    // Mutual: the old entity's best match must be this one too.
    if (best(old.get(counterpart) as string[], nowLeft) === entity) pairs.set(entity, counterpart);
  }
  return pairs;
}

function onlyIn(facts: readonly DockerFact[], other: readonly DockerFact[]): string[] {
  const there = new Set(other.flatMap(entitiesOf));
  return [...new Set(facts.flatMap(entitiesOf))].filter((entity) => !there.has(entity));
}

/** The entity's facts with the entity written as `*`, sorted. */
function shapeOf(facts: readonly DockerFact[], entity: string): string[] {
  return facts
    .filter((fact) => entitiesOf(fact).includes(entity))
    .map((fact) => factKey(fact.rule, fact.templateId, Object.fromEntries(Object.entries(fact.values).map(([name, value]) => [name, value === entity ? '*' : value]))))
    .sort();
}

function groupBy(shapes: Map<string, string[]>): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const [entity, shape] of shapes) {
    const key = shape.join('\n');
    const list = groups.get(key);
    if (list) list.push(entity);
    else groups.set(key, [entity]);
  }
  return groups;
}

/** Size of the multiset intersection of two sorted lists. */
function overlap(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if ((a[i] as string) < (b[j] as string)) i++;
    else j++;
  }
  return shared;
}
