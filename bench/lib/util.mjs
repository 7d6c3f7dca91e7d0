// Shared helpers for the bench generators: deterministic PRNG, kube-proxy
// style chain hashing, IPv4 formatting and a buffered line writer.
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** sfc32 seeded via splitmix32; deterministic across Node versions. */
export function makeRng(seed) {
  let s = (Number(seed) >>> 0) || 1;
  const next32 = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const rng = {
    u32,
    float: () => u32() / 4294967296,
    /** integer in [lo, hi] */
    int: (lo, hi) => lo + Math.floor((u32() / 4294967296) * (hi - lo + 1)),
    chance: (p) => u32() / 4294967296 < p,
    pick: (arr) => arr[Math.floor((u32() / 4294967296) * arr.length)],
    /** pick from [[weight, value], ...] */
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0);
      let r = (u32() / 4294967296) * total;
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
    hex: (n) => {
      let out = '';
      while (out.length < n) out += u32().toString(16).padStart(8, '0');
      return out.slice(0, n);
    },
  };
  return rng;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** RFC 4648 base32 (no padding) of a Buffer. */
export function base32(buf) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** kube-proxy portProtoHash: base32(sha256(...)) truncated to 16 chars. */
export function kubeHash(...parts) {
  return base32(createHash('sha256').update(parts.join('')).digest()).slice(0, 16);
}

export function ipToString(n) {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function parseIp(s) {
  return s.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0) >>> 0;
}

/** Buffered synchronous writer: keeps memory flat for 100+ MB outputs. */
export class LineWriter {
  constructor(path) {
    this.fd = fs.openSync(path, 'w');
    this.buf = [];
    this.len = 0;
    this.bytes = 0;
  }
  line(s) {
    this.buf.push(s);
    this.len += s.length + 1;
    if (this.len > 1 << 20) this.flush();
  }
  flush() {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join('\n') + '\n';
    this.bytes += Buffer.byteLength(chunk);
    fs.writeSync(this.fd, chunk);
    this.buf = [];
    this.len = 0;
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}

/** iptables-save style timestamp, e.g. "Thu Nov 28 01:10:00 2024" (fixed for determinism). */
export function saveTimestamp(date) {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${p(date.getUTCDate())} ${p(date.getUTCHours())}:${p(
    date.getUTCMinutes(),
  )}:${p(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** Simple --flag value / --flag=value / --bool parser. */
export function parseArgs(argv, spec) {
  const out = { _: [] };
  for (const [k, v] of Object.entries(spec)) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out._.push(a);
      continue;
    }
    let [key, val] = a.slice(2).split(/=(.*)/s, 2);
    const neg = key.startsWith('no-') && !(key in spec) && key.slice(3) in spec;
    if (neg) key = key.slice(3);
    const s = spec[key];
    if (!s) throw new Error(`unknown option --${key}`);
    if (s.type === 'boolean') {
      out[key] = neg ? false : val === undefined ? true : val !== 'false';
      continue;
    }
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined) throw new Error(`option --${key} needs a value`);
    }
    out[key] = s.type === 'number' ? Number(val) : val;
    if (s.type === 'number' && !Number.isFinite(out[key])) throw new Error(`--${key}: not a number: ${val}`);
  }
  return out;
}

/** "10k" -> 10000, "1M" -> 1000000, "115000" -> 115000 */
export function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(String(s).trim());
  if (!m) throw new Error(`bad size: ${s}`);
  const mult = m[2] === '' ? 1 : m[2].toLowerCase() === 'k' ? 1e3 : 1e6;
  return Math.round(Number(m[1]) * mult);
}

export function sizeLabel(n) {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}
