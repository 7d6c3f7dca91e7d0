import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralize } from '../../src/formatters/terminal-text.js';

describe('neutralize', () => {
  it('shows control characters as escapes and leaves printable text alone', () => {
    expect(neutralize('a\x1b[31mb\tc\x00d\x7fe\x9bf')).toBe('a\\x1b[31mb\\tc\\x00d\\x7fe\\x9bf');
    expect(neutralize('-A INPUT -m comment --comment "日本語 ok" -j ACCEPT')).toBe('-A INPUT -m comment --comment "日本語 ok" -j ACCEPT');
    expect(neutralize('\u202eevil\u2066\ufeff\u200b')).toBe('\\u202eevil\\u2066\\ufeff\\u200b');
    expect(neutralize('lone \ud800 surrogate')).toBe('lone \\ud800 surrogate');
  });

  it('never lets a C0/C1 control, DEL or bidi override through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(neutralize(text)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
      }),
    );
  });
});
