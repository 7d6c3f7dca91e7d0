/**
 * Header-space packet sets: a Box is the product of one interval set per
 * field of a connection's original-direction tuple (source and destination
 * address, ports, protocol, ICMP type); a PacketSet is a union of boxes.
 *
 * Per-packet facts that are a single value on any one path (interfaces,
 * conntrack state, mark) are not box fields: they live on the Flow
 * (flow.ts), so splitting never multiplies boxes on them.
 */
import type { Family } from '../../grammar/ast.js';
import { addressDomain, setToBlocks, type AddrSet } from './address.js';
import { ICMP_TYPES, IntervalSet, PORTS, PROTOCOLS } from './intervals.js';

export type NumSet = IntervalSet<number>;

export interface Box {
  readonly src: AddrSet;
  readonly dst: AddrSet;
  readonly sport: NumSet;
  readonly dport: NumSet;
  readonly proto: NumSet;
  /** ICMP type << 8 | code of the original-direction packet (meaningful for ICMP only). */
  readonly icmp: NumSet;
}

export type AddrField = 'src' | 'dst';
export type NumField = 'sport' | 'dport' | 'proto' | 'icmp';
export type BoxField = AddrField | NumField;

export const BOX_FIELDS: readonly BoxField[] = ['proto', 'src', 'dst', 'dport', 'sport', 'icmp'];

export function fullBox(family: Family): Box {
  const addresses = IntervalSet.full(addressDomain(family));
  return {
    src: addresses,
    dst: addresses,
    sport: IntervalSet.full(PORTS),
    dport: IntervalSet.full(PORTS),
    proto: IntervalSet.full(PROTOCOLS),
    icmp: IntervalSet.full(ICMP_TYPES),
  };
}

export function isEmptyBox(box: Box): boolean {
  return box.src.isEmpty || box.dst.isEmpty || box.sport.isEmpty || box.dport.isEmpty || box.proto.isEmpty || box.icmp.isEmpty;
}

export function withAddr(box: Box, field: AddrField, set: AddrSet): Box {
  return field === 'src' ? { ...box, src: set } : { ...box, dst: set };
}

export function withNum(box: Box, field: NumField, set: NumSet): Box {
  switch (field) {
    case 'sport':
      return { ...box, sport: set };
    case 'dport':
      return { ...box, dport: set };
    case 'proto':
      return { ...box, proto: set };
    case 'icmp':
      return { ...box, icmp: set };
  }
}

export function intersectBox(a: Box, b: Box): Box | null {
  const box: Box = {
    src: a.src.intersect(b.src),
    dst: a.dst.intersect(b.dst),
    sport: a.sport.intersect(b.sport),
    dport: a.dport.intersect(b.dport),
    proto: a.proto.intersect(b.proto),
    icmp: a.icmp.intersect(b.icmp),
  };
  return isEmptyBox(box) ? null : box;
}

/** a \ b as disjoint boxes (at most one per field). */
export function subtractBox(a: Box, b: Box): Box[] {
  if (isEmptyBox(a)) return [];
  if (!intersectBox(a, b)) return [a];
  const out: Box[] = [];
  let rest: Box = a;
  for (const field of BOX_FIELDS) {
    if (field === 'src' || field === 'dst') {
      const outside = rest[field].subtract(b[field]);
      if (!outside.isEmpty) out.push(withAddr(rest, field, outside));
      rest = withAddr(rest, field, rest[field].intersect(b[field]));
    } else {
      const outside = rest[field].subtract(b[field]);
      if (!outside.isEmpty) out.push(withNum(rest, field, outside));
      rest = withNum(rest, field, rest[field].intersect(b[field]));
    }
  }
  return out;
}

/** A union of boxes. */
export type PacketSet = readonly Box[];

export function subtractSet(a: PacketSet, b: PacketSet): Box[] {
  let rest: Box[] = [...a];
  for (const cut of b) {
    const next: Box[] = [];
    for (const box of rest) next.push(...subtractBox(box, cut));
    rest = next;
    if (rest.length === 0) break;
  }
  return rest;
}

export function intersectSet(a: PacketSet, b: PacketSet): Box[] {
  const out: Box[] = [];
  for (const x of a) {
    for (const y of b) {
      const both = intersectBox(x, y);
      if (both) out.push(both);
    }
  }
  return out;
}

/**
 * Merges boxes that differ in one field only (grouping by the other
 * fields), field after field, until nothing merges: keeps reports short.
 */
export function compactSet(set: PacketSet): Box[] {
  let boxes = [...set];
  for (let pass = 0; pass < 4 && boxes.length > 1; pass++) {
    const before = boxes.length;
    for (const field of BOX_FIELDS) {
      if (boxes.length < 2) break;
      const groups = new Map<string, Box>();
      for (const box of boxes) {
        const key = keyWithout(box, field);
        const found = groups.get(key);
        if (!found) groups.set(key, box);
        else
          groups.set(
            key,
            field === 'src' || field === 'dst' ? withAddr(found, field, found[field].union(box[field])) : withNum(found, field, found[field].union(box[field])),
          );
      }
      boxes = [...groups.values()];
    }
    if (boxes.length === before) break;
  }
  return boxes;
}

/** The keys of every field of `box` but `field`: boxes with equal keys differ in `field` only. */
function keyWithout(box: Box, field: BoxField): string {
  let key = '';
  for (const other of BOX_FIELDS) if (other !== field) key += `${box[other].key}|`;
  return key;
}

/** Protocol numbers whose packets carry ports. */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);

export function describeNumSet(set: NumSet, all: NumSet): string {
  if (set.equals(all)) return 'any';
  return set
    .ranges()
    .map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`))
    .join(',');
}

export function describeAddrSet(set: AddrSet, family: Family): string {
  if (set.equals(IntervalSet.full(addressDomain(family)))) return 'any';
  const blocks = setToBlocks(set, family);
  return blocks.length > 4 ? `${blocks.slice(0, 4).join(',')},… (${blocks.length} blocks)` : blocks.join(',');
}

