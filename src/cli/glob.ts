/**
 * A small glob expander so `iptlint check 'dumps/*.rules'` works the same on
 * every shell (Node 20 has no fs.glob). Supports `*`, `?`, `[abc]`/`[!a-z]`
 * within one path segment and `**` for any depth; `\` escapes on POSIX.
 * Never follows symlinked directories during `**` (no loops); dot entries
 * match only when the pattern segment itself starts with `.`.
 */
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';

const MAGIC = /[*?[]/;

export function hasGlobMagic(pattern: string): boolean {
  return MAGIC.test(toPosix(pattern));
}

/** Files matching `pattern`, relative to `cwd` when the pattern is, sorted. */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const posix = toPosix(pattern);
  const absolute = posix.startsWith('/') || /^[A-Za-z]:\//.test(posix);
  const segments = posix.split('/').filter((segment, index) => segment !== '' || index === 0);
  // `prefix` is how results are spelled (as the user wrote them), `dir` where we read.
  let frontier: { prefix: string; dir: string }[];
  if (absolute) {
    const root = segments.shift() ?? '';
    frontier = [{ prefix: root + '/', dir: root + '/' }];
  } else {
    if (segments[0] === '') segments.shift();
    frontier = [{ prefix: '', dir: cwd }];
  }
  // A trailing `**` means every file below, as in bash's globstar.
  if (segments.at(-1) === '**') segments.push('*');

  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index] ?? '';
    const last = index === segments.length - 1;
    const next: { prefix: string; dir: string }[] = [];
    for (const entry of frontier) {
      if (segment === '**') {
        for (const sub of await descendantDirs(entry.dir)) {
          next.push({ prefix: entry.prefix + sub, dir: join(entry.dir, sub) });
        }
        continue;
      }
      const listing = await list(entry.dir);
      const matcher = MAGIC.test(segment) ? segmentMatcher(segment) : undefined;
      const literal = unescape(segment);
      for (const dirent of listing) {
        const matches = matcher ? matcher(dirent.name) : dirent.name === literal;
        if (!matches) continue;
        const isDir = dirent.isDirectory() || (dirent.isSymbolicLink() && !last);
        if (last ? isFileLike(dirent) : isDir) {
          next.push({ prefix: entry.prefix + dirent.name + (last ? '' : '/'), dir: join(entry.dir, dirent.name) });
        }
      }
    }
    frontier = next;
  }
  return [...new Set(frontier.map((entry) => entry.prefix))].sort();
}

function isFileLike(dirent: { isFile(): boolean; isSymbolicLink(): boolean }): boolean {
  return dirent.isFile() || dirent.isSymbolicLink();
}

type Entry = Awaited<ReturnType<typeof list>>[number];

async function list(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** `''` (the directory itself) and every non-dot subdirectory below it, as relative `a/b/` prefixes. */
async function descendantDirs(dir: string): Promise<string[]> {
  const out = [''];
  const walk = async (relative: string): Promise<void> => {
    const entries: Entry[] = await list(join(dir, relative));
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const sub = relative + entry.name + '/';
      out.push(sub);
      await walk(sub);
    }
  };
  await walk('');
  return out;
}

/**
 * Whether a relative POSIX path matches `pattern`, in the syntax expandGlob
 * takes (`**` is any number of directories; dot entries need a dot in the pattern).
 */
export function globMatcher(pattern: string): (path: string) => boolean {
  const segments = toPosix(pattern).split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.at(-1) === '**') segments.push('*');
  let source = '';
  segments.forEach((segment, index) => {
    if (segment === '**') {
      source += '(?:(?!\\.)[^/]+/)*';
      return;
    }
    source += `${segment.startsWith('.') ? '' : '(?!\\.)'}${segmentToRegex(segment)}${index === segments.length - 1 ? '' : '/'}`;
  });
  const regex = new RegExp(`^${source}$`, 'u');
  return (path) => regex.test(toPosix(path));
}

function segmentMatcher(segment: string): (name: string) => boolean {
  const regex = new RegExp('^' + segmentToRegex(segment) + '$', 'u');
  const allowDot = segment.startsWith('.');
  return (name) => (allowDot || !name.startsWith('.')) && regex.test(name);
}

function segmentToRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] ?? '';
    if (char === '\\' && i + 1 < segment.length) {
      out += escapeRegex(segment[++i] ?? '');
    } else if (char === '*') {
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += '[' + (negated ? '^' : '') + body.replace(/[\\\]^]/g, '\\$&') + ']';
      i = close;
    } else {
      out += escapeRegex(char);
    }
  }
  return out;
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function unescape(segment: string): string {
  return segment.replace(/\\(.)/g, '$1');
}

/** On Windows `\` is a separator, not an escape. */
function toPosix(pattern: string): string {
  return sep === '\\' ? pattern.replaceAll('\\', '/') : pattern;
}
