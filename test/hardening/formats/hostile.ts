/**
 * The catalogue of hostile text: what a dump pasted from anywhere, or a pull
 * request, can put in a comment, a chain, interface or ipset name, or a log
 * prefix, to attack whoever reads iptlint's output — a terminal (escape
 * sequences, bidi overrides), a CI log (workflow-command injection), a
 * browser (markup), a parser of the report (quotes, control characters).
 */
export interface HostileText {
  name: string;
  text: string;
  /** Only in findings made directly: a NUL makes the whole dump binary, and a newline ends a dump line. */
  directOnly?: boolean;
}

/** A marker that must never appear as live markup or a forged command. */
export const MARK = 'pwn3d';

export const HOSTILE: readonly HostileText[] = [
  { name: 'double quotes', text: 'say "hi" and ""' },
  { name: 'backslashes', text: String.raw`C:\temp\ \"x\\` },
  { name: 'single quote', text: "it's" },
  { name: 'C0 controls and DEL', text: 'bell\x07 back\x08 vt\x0b ff\x0c del\x7f esc\x1b' },
  { name: 'NUL', text: 'nul\x00byte', directOnly: true },
  { name: 'CSI: colour, clear screen, cursor up', text: `\x1b[31m${MARK}\x1b[0m\x1b[2J\x1b[1A` },
  { name: 'OSC 8 hyperlink', text: `\x1b]8;;https://evil.example/${MARK}\x1b\\click\x1b]8;;\x1b\\` },
  { name: 'OSC window title', text: `\x1b]0;${MARK}\x07` },
  { name: 'C1 CSI and OSC', text: `\u009b31m${MARK}\u009d0;title\u009c` },
  { name: 'bidi overrides (Trojan Source)', text: `\u202e${MARK}\u202c \u2066isolate\u2069 \u200f` },
  { name: 'zero-width and BOM', text: 'a\u200bb\u200dc\ufeffd\u2060' },
  { name: 'line and paragraph separators', text: 'a\u2028b\u2029c' },
  { name: 'carriage return overwrite', text: `visible\r${MARK}` },
  { name: 'newline with a forged finding and workflow command', text: `ok\n::error file=x.rules,line=1::${MARK}\nx.rules:1:1  error  ${MARK}`, directOnly: true },
  { name: 'workflow command characters', text: `100% done, file=a:b ::warning::${MARK}` },
  { name: 'script element', text: `<script>alert("${MARK}")</script>` },
  { name: 'closing script then script', text: `</script><script>alert('${MARK}')</script>` },
  { name: 'attribute breaker', text: `"><img src=x onerror=alert('${MARK}')>` },
  { name: 'single-quoted attribute breaker', text: `' onmouseover='alert(1)' data-${MARK}='` },
  { name: 'javascript URL', text: `javascript:alert('${MARK}')` },
  { name: 'comment and CDATA breakers', text: '<!-- --> ]]> <![CDATA[ x ]]>' },
  { name: 'XML entities', text: '&amp; &lt; &#0; &#x1b; &unknown;' },
  { name: 'XML-forbidden noncharacters', text: 'a\ufffeb\uffffc' },
  { name: 'lone surrogate', text: 'lone \ud800 half' },
  { name: 'Prometheus label breakers', text: `a"b\\c} ${MARK}{x="1"} 1` },
  { name: 'unicode that must survive', text: '日本語 ✓ 🚀 é' },
  { name: 'very long', text: `${'A'.repeat(20_000)}${MARK}` },
];

/** What a terminal must never receive from the input: C0 (but \n), DEL, C1, bidi/invisible formatting, lone surrogates. */
export const UNSAFE_FOR_TERMINAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
