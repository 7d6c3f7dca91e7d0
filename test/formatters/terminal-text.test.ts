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

  it('escapes exactly these characters, each on its own, whatever surrounds it', () => {
    const escapeOne = (char: string): string => {
      const code = char.codePointAt(0) ?? 0;
      const named: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };
      const name = named[char];
      if (name !== undefined) return name;
      if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `\\x${code.toString(16).padStart(2, '0')}`;
      const invisible = (code >= 0x200b && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2060 && code <= 0x2069) || code === 0xfeff;
      const loneSurrogate = char.length === 1 && code >= 0xd800 && code <= 0xdfff;
      return invisible || loneSurrogate ? `\\u${code.toString(16).padStart(4, '0')}` : char;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        let expected = '';
        for (const char of text) expected += escapeOne(char);
        expect(neutralize(text)).toBe(expected);
      }),
    );
  });

  it('never lets a C0/C1 control, DEL or bidi override through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(neutralize(text)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
      }),
    );
  });
});
