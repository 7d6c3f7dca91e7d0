/**
 * Which rules of a chain a flow can match at all. Docker's and kube-proxy's
 * chains are mostly one rule per bridge, container or service
 * (`-i br-x ! -o br-x …`, `-s 172.17.0.2/32 -d 172.17.0.2/32 … -j MASQUERADE`),
 * so a flow meets a handful of them: rules are bucketed by the exact
 * interface they require, else by the address span they require, and a flow
 * only visits its buckets (in chain order). A rule in no bucket is visited by
 * every flow.
 */
import type { CompiledRule } from './conditions.js';
import { headerAddr, type Flow } from './flow.js';

interface Span {
  lo: bigint;
  hi: bigint;
  position: number;
}

/** Rules requiring `src`/`dst` in a span, sorted by the span's start. */
class SpanIndex {
  private readonly spans: Span[];
  /** Largest `hi` among spans[0..i]: lets a lookup stop scanning early. */
  private readonly maxHi: bigint[];

  constructor(spans: Span[]) {
    this.spans = [...spans].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.position - b.position));
    this.maxHi = [];
    let max = -1n;
    for (const span of this.spans) {
      if (span.hi > max) max = span.hi;
      this.maxHi.push(max);
    }
  }

  get size(): number {
    return this.spans.length;
  }

  /** Positions of the rules whose span overlaps [lo, hi]. */
  overlapping(lo: bigint, hi: bigint, out: number[]): void {
    // Last span starting at or before hi.
    let left = 0;
    let right = this.spans.length - 1;
    let last = -1;
    while (left <= right) {
      const mid = (left + right) >> 1;
      if ((this.spans[mid] as Span).lo <= hi) {
        last = mid;
        left = mid + 1;
      } else right = mid - 1;
    }
    for (let i = last; i >= 0; i--) {
      if ((this.maxHi[i] as bigint) < lo) break;
      const span = this.spans[i] as Span;
      if (span.hi >= lo) out.push(span.position);
    }
  }
}

export interface ChainIndex {
  compiled: CompiledRule[];
  /** Rules every flow visits. */
  open: number[];
  byIn: Map<string, number[]>;
  byOut: Map<string, number[]>;
  bySrc: SpanIndex;
  byDst: SpanIndex;
  /** Candidate lists of chains without address buckets, per in and out interface. */
  cache: Map<string, Map<string, readonly number[]>>;
}

function addTo(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (list) list.push(position);
  else map.set(key, [position]);
}

/** The hull of the addresses a rule's positive `-s`/`-d` (or addrtype…) condition requires, if it is a proper subset. */
function addressSpan(compiled: CompiledRule, which: 'src' | 'dst'): [bigint, bigint] | null {
  for (const condition of compiled.conditions) {
    if (condition.kind !== 'addr' || condition.which !== which) continue;
    const bounds = condition.set.bounds;
    if (bounds.length === 0) return null;
    return [bounds[0] as bigint, bounds[bounds.length - 1] as bigint];
  }
  return null;
}

export function buildChainIndex(compiled: CompiledRule[], fullSpan: bigint): ChainIndex {
  const open: number[] = [];
  const byIn = new Map<string, number[]>();
  const byOut = new Map<string, number[]>();
  const src: Span[] = [];
  const dst: Span[] = [];
  compiled.forEach((rule, position) => {
    if (rule.guard.in !== undefined) return addTo(byIn, rule.guard.in, position);
    if (rule.guard.out !== undefined) return addTo(byOut, rule.guard.out, position);
    const dstSpan = addressSpan(rule, 'dst');
    // A span over (nearly) everything (a negated address) prunes nothing.
    if (dstSpan && dstSpan[1] - dstSpan[0] < fullSpan / 2n) return void dst.push({ lo: dstSpan[0], hi: dstSpan[1], position });
    const srcSpan = addressSpan(rule, 'src');
    if (srcSpan && srcSpan[1] - srcSpan[0] < fullSpan / 2n) return void src.push({ lo: srcSpan[0], hi: srcSpan[1], position });
    open.push(position);
  });
  return { compiled, open, byIn, byOut, bySrc: new SpanIndex(src), byDst: new SpanIndex(dst), cache: new Map() };
}

/** The flow's current addresses as a few spans (its intervals, or their hull when there are many); null: unknown. */
function spansOf(flow: Flow, which: 'src' | 'dst'): [bigint, bigint][] | null {
  const ref = headerAddr(flow, which);
  if (ref.kind === 'const') return ref.value === null ? null : [[ref.value, ref.value]];
  const set = flow.box[ref.field as 'src' | 'dst'];
  if (set.count <= 64) return set.ranges();
  const bounds = set.bounds;
  return [[bounds[0] as bigint, bounds[bounds.length - 1] as bigint]];
}

/** Positions of the rules a flow may match, in chain order. */
export function candidatesFor(index: ChainIndex, flow: Flow): readonly number[] {
  if (index.byIn.size === 0 && index.byOut.size === 0 && index.bySrc.size === 0 && index.byDst.size === 0) return index.open;
  if (index.bySrc.size !== 0 || index.byDst.size !== 0) return collect(index, flow);
  let byOut = index.cache.get(flow.in);
  if (!byOut) index.cache.set(flow.in, (byOut = new Map()));
  let list = byOut.get(flow.out);
  if (!list) byOut.set(flow.out, (list = collect(index, flow)));
  return list;
}

const NONE: readonly number[] = [];

/**
 * The flow's candidates in chain order. Every rule sits in one bucket, so the
 * interface lists merge without duplicates; address spans may report a rule
 * once per range of the flow, so their positions are de-duplicated first.
 */
function collect(index: ChainIndex, flow: Flow): readonly number[] {
  const byInterface = mergeSorted(mergeSorted(index.open, index.byIn.get(flow.in) ?? NONE), index.byOut.get(flow.out) ?? NONE);
  const spanned: number[] = [];
  for (const [which, spans] of [
    ['src', index.bySrc],
    ['dst', index.byDst],
  ] as const) {
    if (spans.size === 0) continue;
    const ranges = spansOf(flow, which);
    // An address chosen at run time (MASQUERADE on an unknown address) may be anything.
    if (ranges === null) spans.overlapping(0n, (1n << 128n) - 1n, spanned);
    else for (const [lo, hi] of ranges) spans.overlapping(lo, hi, spanned);
  }
  if (spanned.length === 0) return byInterface;
  return mergeSorted(byInterface, [...new Set(spanned)].sort((a, b) => a - b));
}

/** Two ascending lists without common elements, as one. */
function mergeSorted(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}
