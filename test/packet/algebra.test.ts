/**
 * The packet-set algebra against plain sets: interval sets and boxes must
 * mean exactly the integers / tuples they claim to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBlock, setToBlocks, blockSet } from '../../src/packet/address.js';
import { IntervalSet } from '../../src/packet/intervals.js';
import { compactSet, subtractBox, subtractSet, type Box } from '../../src/packet/packet-set.js';

const DOMAIN = { min: 0, max: 40 };

function members(set: IntervalSet<number>): number[] {
  const out: number[] = [];
  for (let v = DOMAIN.min; v <= DOMAIN.max; v++) if (set.has(v)) out.push(v);
  return out;
}

const ranges = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { maxLength: 5 });
const setOf = (list: [number, number][]): IntervalSet<number> => IntervalSet.fromRanges(list.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]));
const plain = (list: [number, number][]): Set<number> => {
  const out = new Set<number>();
  for (const [a, b] of list) for (let v = Math.min(a, b); v <= Math.max(a, b); v++) out.add(v);
  return out;
};

describe('IntervalSet', () => {
  it('union, intersection, difference and complement agree with plain sets', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        const x = setOf(a);
        const y = setOf(b);
        const px = plain(a);
        const py = plain(b);
        const sorted = (s: Set<number>): number[] => [...s].sort((m, n) => m - n);
        expect(members(x.union(y))).toEqual(sorted(new Set([...px, ...py])));
        expect(members(x.intersect(y))).toEqual(sorted(new Set([...px].filter((v) => py.has(v)))));
        expect(members(x.subtract(y))).toEqual(sorted(new Set([...px].filter((v) => !py.has(v)))));
        expect(members(x.complement(DOMAIN))).toEqual(sorted(new Set(Array.from({ length: 41 }, (_, i) => i).filter((v) => !px.has(v)))));
        expect(x.overlaps(y)).toBe([...px].some((v) => py.has(v)));
        expect(x.covers(y)).toBe([...py].every((v) => px.has(v)));
      }),
    );
  });

  it('keeps intervals sorted, disjoint and non-adjacent', () => {
    expect(IntervalSet.fromRanges([[5, 7], [1, 2], [3, 4], [9, 9]]).ranges()).toEqual([
      [1, 7],
      [9, 9],
    ]);
    expect(IntervalSet.of(3n, 9n).subtract(IntervalSet.of(5n)).ranges()).toEqual([
      [3n, 4n],
      [6n, 9n],
    ]);
  });
});

describe('addresses', () => {
  it('turns sets back into the shortest list of CIDR blocks', () => {
    const set = blockSet(parseBlock('10.0.0.0/8')!).subtract(blockSet(parseBlock('10.1.2.3')!));
    const blocks = setToBlocks(set, 'ipv4');
    expect(blocks).toHaveLength(24);
    expect(blocks[0]).toBe('10.0.0.0/16');
    expect(blocks).toContain('10.1.2.2');
    expect(setToBlocks(blockSet(parseBlock('2001:db8::/32')!), 'ipv6')).toEqual(['2001:db8::/32']);
  });
});

describe('boxes', () => {
  const box = (src: [number, number], dport: [number, number]): Box => ({
    src: IntervalSet.of(BigInt(src[0]), BigInt(src[1])),
    dst: IntervalSet.of(0n, 3n),
    sport: IntervalSet.of(0, 3),
    dport: IntervalSet.of(dport[0], dport[1]),
    proto: IntervalSet.of(6),
    icmp: IntervalSet.of(0),
  });
  const points = (boxes: readonly Box[]): string[] => {
    const out: string[] = [];
    for (const b of boxes) {
      for (const [slo, shi] of b.src.ranges()) for (let s = slo; s <= shi; s++) for (const [dlo, dhi] of b.dport.ranges()) for (let d = dlo; d <= dhi; d++) out.push(`${s}:${d}`);
    }
    return out.sort();
  };

  it('subtracts a box into disjoint pieces that exactly cover the difference', () => {
    const a = box([0, 9], [0, 9]);
    const b = box([3, 5], [4, 20]);
    const pieces = subtractBox(a, b);
    const all = points([a]);
    const cut = new Set(points([b]));
    expect(points(pieces)).toEqual(all.filter((p) => !cut.has(p)));
    expect(new Set(points(pieces)).size).toBe(points(pieces).length);
  });

  it('compacts pieces back without changing the set', () => {
    const a = box([0, 9], [0, 9]);
    const pieces = subtractSet([a], [box([3, 5], [4, 6])]);
    const merged = compactSet([...pieces, box([3, 5], [4, 6])]);
    expect(points(merged)).toEqual(points([a]));
    expect(merged).toHaveLength(1);
  });
});
