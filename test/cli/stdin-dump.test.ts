/**
 * streamDump: stdin bytes in arbitrary chunks → the text and its parse, as
 * reading all bytes first and parsing them would give.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/index.js';
import { InputTooLargeError } from '../../src/input-limit.js';
import { streamDump } from '../../src/cli/stdin-dump.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../examples/docker-host.rules', import.meta.url)), 'utf8');

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

describe('streamDump', () => {
  it('decodes UTF-8 cut inside a character and parses as parse() does', async () => {
    const text = EXAMPLE.replace('COMMIT', '-A INPUT -m comment --comment "café ☕ 🔥" -j ACCEPT\nCOMMIT');
    const bytes = new TextEncoder().encode(text);
    for (const size of [1, 2, 3, 1000]) {
      const streamed = await streamDump(chunked(bytes, size), bytes.length, { file: 'x' });
      expect(streamed.text).toBe(text);
      expect(JSON.stringify(streamed.parsed)).toBe(JSON.stringify(parse(text, { file: 'x' })));
    }
  });

  it('keeps invalid UTF-8 as U+FFFD, like reading a file', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('*filter\n# '), 0xff, 0xfe, ...new TextEncoder().encode('\nCOMMIT\n')]);
    const streamed = await streamDump(chunked(bytes, 5), bytes.length, {});
    expect(streamed.text).toBe('*filter\n# \uFFFD\uFFFD\nCOMMIT\n');
  });

  it('gives no parse for binary data found after the parse began, but all of the text', async () => {
    const head = EXAMPLE.repeat(40);
    const bytes = new TextEncoder().encode(`${head}\0garbage\n`);
    const streamed = await streamDump(chunked(bytes, 4096), bytes.length, {});
    expect(streamed.parsed).toBeUndefined();
    expect(streamed.text).toBe(`${head}\0garbage\n`);
  });

  it('stops at the byte limit', async () => {
    const bytes = new TextEncoder().encode(EXAMPLE);
    await expect(streamDump(chunked(bytes, 100), bytes.length - 1, {})).rejects.toBeInstanceOf(InputTooLargeError);
  });
});
