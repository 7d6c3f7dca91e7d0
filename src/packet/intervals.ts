/**
 * Sets of integers as sorted, disjoint, non-adjacent closed intervals: the
 * per-field sets of the packet-set algebra. Addresses use bigint (IPv6 needs
 * 128 bits), ports, protocols and ICMP types use number.
 *
 * Values are immutable: every operation returns a new set.
 */

export type Scalar = number | bigint;

/** The values a field can take, e.g. ports 0–65535. */
export interface Domain<T extends Scalar> {
  min: T;
  max: T;
}

function succ<T extends Scalar>(value: T): T {
  return (typeof value === 'bigint' ? value + 1n : (value as number) + 1) as T;
}

function pred<T extends Scalar>(value: T): T {
  return (typeof value === 'bigint' ? value - 1n : (value as number) - 1) as T;
}

export class IntervalSet<T extends Scalar> {
  /** Flattened bounds: [lo0, hi0, lo1, hi1, …], lo ≤ hi, hi(i) + 1 < lo(i+1). */
  readonly bounds: readonly T[];
  private cachedKey: string | undefined;

  private constructor(bounds: readonly T[]) {
    this.bounds = bounds;
  }

  static empty<T extends Scalar>(): IntervalSet<T> {
    return EMPTY as IntervalSet<T>;
  }

  static of(lo: number, hi?: number): IntervalSet<number>;
  static of(lo: bigint, hi?: bigint): IntervalSet<bigint>;
  static of<T extends Scalar>(lo: T, hi: T = lo): IntervalSet<T> {
    return lo > hi ? IntervalSet.empty<T>() : new IntervalSet<T>([lo, hi]);
  }

  static full<T extends Scalar>(domain: Domain<T>): IntervalSet<T> {
    return new IntervalSet<T>([domain.min, domain.max]);
  }

  /** From any list of (possibly overlapping, unsorted) intervals. */
  static fromRanges<T extends Scalar>(ranges: readonly (readonly [T, T])[]): IntervalSet<T> {
    const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const bounds: T[] = [];
    for (const [lo, hi] of sorted) {
      const last = bounds.length - 1;
      if (last >= 0 && lo <= succ(bounds[last] as T)) {
        if (hi > (bounds[last] as T)) bounds[last] = hi;
      } else {
        bounds.push(lo, hi);
      }
    }
    return new IntervalSet<T>(bounds);
  }

  /** The bounds as text: equal sets have equal keys (for grouping boxes). */
  get key(): string {
    return (this.cachedKey ??= this.bounds.join(','));
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  /** Number of intervals. */
  get count(): number {
    return this.bounds.length / 2;
  }

  get first(): T | undefined {
    return this.bounds[0];
  }

  /** A single value: lo === hi of the only interval. */
  get single(): T | undefined {
    return this.bounds.length === 2 && this.bounds[0] === this.bounds[1] ? this.bounds[0] : undefined;
  }

  ranges(): [T, T][] {
    const out: [T, T][] = [];
    for (let i = 0; i < this.bounds.length; i += 2) out.push([this.bounds[i] as T, this.bounds[i + 1] as T]);
    return out;
  }

  has(value: T): boolean {
    // Binary search over interval starts.
    let lo = 0;
    let hi = this.bounds.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const start = this.bounds[mid * 2] as T;
      const end = this.bounds[mid * 2 + 1] as T;
      if (value < start) hi = mid - 1;
      else if (value > end) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of values (as bigint: an IPv6 /0 has 2^128). */
  size(): bigint {
    let total = 0n;
    for (let i = 0; i < this.bounds.length; i += 2) total += BigInt(this.bounds[i + 1] as T) - BigInt(this.bounds[i] as T) + 1n;
    return total;
  }

  equals(other: IntervalSet<T>): boolean {
    if (this.bounds.length !== other.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (this.bounds[i] !== other.bounds[i]) return false;
    return true;
  }

  intersect(other: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || other.isEmpty) return IntervalSet.empty<T>();
    const a = this.bounds;
    const b = other.bounds;
    // Most intersections are with a set that holds the other in one interval (a subnet, all ports).
    if (b.length === 2 && (b[0] as T) <= (a[0] as T) && (a[a.length - 1] as T) <= (b[1] as T)) return this;
    if (a.length === 2 && (a[0] as T) <= (b[0] as T) && (b[b.length - 1] as T) <= (a[1] as T)) return other;
    const out = a.length <= b.length ? intersectBounds(a, b) : intersectBounds(b, a);
    return sameBounds(out, a) ? this : out.length === 0 ? IntervalSet.empty<T>() : new IntervalSet<T>(out);
  }

  union(other: IntervalSet<T>): IntervalSet<T> {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return IntervalSet.fromRanges([...this.ranges(), ...other.ranges()]);
  }

  subtract(other: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || other.isEmpty) return this;
    const a = this.bounds;
    const b = other.bounds;
    const out: T[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i] as T;
      const hi = a[i + 1] as T;
      while (j < b.length && (b[j + 1] as T) < lo) j += 2;
      let k = j;
      while (k < b.length && (b[k] as T) <= hi && lo <= hi) {
        const cutLo = b[k] as T;
        const cutHi = b[k + 1] as T;
        if (cutLo > lo) out.push(lo, pred(cutLo));
        if (cutHi >= hi) {
          lo = succ(hi);
          break;
        }
        lo = succ(cutHi);
        k += 2;
      }
      if (lo <= hi) out.push(lo, hi);
    }
    return sameBounds(out, a) ? this : out.length === 0 ? IntervalSet.empty<T>() : new IntervalSet<T>(out);
  }

  complement(domain: Domain<T>): IntervalSet<T> {
    return IntervalSet.full(domain).subtract(this);
  }

  /** Does this set cover every value of `other`? */
  covers(other: IntervalSet<T>): boolean {
    return other.subtract(this).isEmpty;
  }

  /** Do the sets share a value? Allocation-free: a binary search per interval of the smaller set. */
  overlaps(other: IntervalSet<T>): boolean {
    const thisSmaller = this.bounds.length <= other.bounds.length;
    const small = thisSmaller ? this.bounds : other.bounds;
    const large = thisSmaller ? other.bounds : this.bounds;
    if (small.length === 0 || large.length === 0) return false;
    if ((small[small.length - 1] as T) < (large[0] as T) || (small[0] as T) > (large[large.length - 1] as T)) return false;
    for (let i = 0; i < small.length; i += 2) {
      const k = firstEndingAtOrAfter(large, small[i] as T, 0);
      if (k < large.length && (large[k] as T) <= (small[i + 1] as T)) return true;
    }
    return false;
  }
}

/** Bound index of the first interval of `bounds`, from interval bound index `from` on, that ends at or after `value` (`bounds.length` if none). */
function firstEndingAtOrAfter<T extends Scalar>(bounds: readonly T[], value: T, from: number): number {
  let left = from / 2;
  let right = bounds.length / 2;
  while (left < right) {
    const mid = (left + right) >> 1;
    if ((bounds[mid * 2 + 1] as T) < value) left = mid + 1;
    else right = mid;
  }
  return left * 2;
}

/**
 * The bounds of the intersection of two sets, `small` having no more
 * intervals than `large`. Each interval of `small` finds where it starts in
 * `large` by binary search: a container's address against a set of a
 * thousand is a few steps, not a walk over the thousand.
 */
function intersectBounds<T extends Scalar>(small: readonly T[], large: readonly T[]): T[] {
  const out: T[] = [];
  let k = 0;
  for (let i = 0; i < small.length && k < large.length; i += 2) {
    const lo = small[i] as T;
    const hi = small[i + 1] as T;
    k = firstEndingAtOrAfter(large, lo, k);
    // Every interval from k on ends at or after lo; those that start by hi overlap [lo, hi].
    for (; k < large.length && (large[k] as T) <= hi; k += 2) {
      out.push((large[k] as T) > lo ? (large[k] as T) : lo, (large[k + 1] as T) < hi ? (large[k + 1] as T) : hi);
      if ((large[k + 1] as T) > hi) break;
    }
  }
  return out;
}

// Shared by every empty set (immutable); its type parameter does not matter when it holds no value.
const EMPTY: IntervalSet<never> = IntervalSet.fromRanges<never>([]);

function sameBounds<T extends Scalar>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const PORTS: Domain<number> = { min: 0, max: 65535 };
export const PROTOCOLS: Domain<number> = { min: 0, max: 255 };
/** ICMP type << 8 | code. */
export const ICMP_TYPES: Domain<number> = { min: 0, max: 0xffff };
export const IPV4: Domain<bigint> = { min: 0n, max: 0xffffffffn };
export const IPV6: Domain<bigint> = { min: 0n, max: (1n << 128n) - 1n };
