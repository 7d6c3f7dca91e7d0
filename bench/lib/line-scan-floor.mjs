// The least work any rule linter does on a dump, as a reference point: read,
// split into lines, and for each rule line split it into words (quotes
// honoured), intern its chain name and look the whole line up in a hash map
// (the exact-duplicate check). No AST, no positions kept, no model, no rules:
// what `iptlint check` does beyond this is what the report is for.
import { readFileSync } from 'node:fs';

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const DASH = 0x2d;

const lines = readFileSync(process.argv[2], 'utf8').split('\n');
const wordEnds = new Int32Array(2 * 4096);
const chains = new Map();
const seen = new Map();
let rules = 0;
let words = 0;
let duplicates = 0;
for (let index = 0; index < lines.length; index++) {
  const line = lines[index];
  if (line.charCodeAt(0) !== DASH) continue;
  let count = 0;
  for (let i = 0; i < line.length && count < wordEnds.length; ) {
    while (i < line.length && line.charCodeAt(i) === SPACE) i++;
    if (i === line.length) break;
    const start = i;
    if (line.charCodeAt(i) === QUOTE) {
      for (i++; i < line.length && line.charCodeAt(i) !== QUOTE; i++) if (line.charCodeAt(i) === BACKSLASH) i++;
      i++;
    } else {
      while (i < line.length && line.charCodeAt(i) !== SPACE) i++;
    }
    wordEnds[count++] = start;
    wordEnds[count++] = i;
  }
  words += count / 2;
  const chain = line.substring(wordEnds[2], wordEnds[3]);
  if (!chains.has(chain)) chains.set(chain, chains.size);
  if (seen.has(line)) duplicates++;
  else seen.set(line, index);
  rules++;
}
console.log(`${rules} rules, ${words} words, ${chains.size} chains, ${duplicates} duplicate lines`);
