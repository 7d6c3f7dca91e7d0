/**
 * One safety check per output format, keyed by the format's name in
 * `formatterNames`: what "shown safely" means for that format's reader.
 * The catalogue test fails for a format without a check here, so a new
 * format cannot ship without saying how it stays safe.
 */
import { XMLValidator } from 'fast-xml-parser';
import { parse as parseHtml } from 'parse5';
import { expect } from 'vitest';
import { MARK, UNSAFE_FOR_TERMINAL } from './hostile.js';

export interface SafetyContext {
  /** The hostile text, when it is known to be in a finding verbatim (direct findings), for round-trip checks. */
  verbatim?: string;
  color: boolean;
}

export type SafetyCheck = (output: string, context: SafetyContext) => void;

/** Every string inside a parsed JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsOf(inner)]);
  return [];
}

/** Raw control characters a JSON document never needs (whitespace between tokens aside). */
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

function jsonCheck(output: string, context: SafetyContext): unknown {
  expect(output).not.toMatch(RAW_CONTROL);
  const document: unknown = JSON.parse(output);
  if (context.verbatim !== undefined) {
    const verbatim = context.verbatim;
    expect(stringsOf(document).some((text) => text.includes(verbatim)), 'the hostile text round-trips through JSON').toBe(true);
  }
  return document;
}

/** Terminal text: nothing from the input may move the cursor, recolour, retitle, link or reorder. */
const stylish: SafetyCheck = (output, { color }) => {
  // The only escape sequences allowed are iptlint's own SGR colours.
  const text = color ? output.replace(/\x1b\[[0-9;]*m/g, '') : output;
  if (!color) expect(output).not.toContain('\x1b');
  expect(text).not.toMatch(UNSAFE_FOR_TERMINAL);
  // A newline in the input cannot forge a finding line of its own.
  expect(output).not.toMatch(new RegExp(`^x\\.rules:1:1 {2}error {2}${MARK}`, 'm'));
};

const json: SafetyCheck = (output, context) => {
  jsonCheck(output, context);
};

const sarif: SafetyCheck = (output, context) => {
  const document = jsonCheck(output, context) as { version?: unknown; runs?: unknown };
  expect(document.version).toBe('2.1.0');
  expect(Array.isArray(document.runs)).toBe(true);
};

/** XML 1.0 Char production: no C0 but tab/LF/CR, no U+FFFE/U+FFFF, no lone surrogates. */
const XML_FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const junit: SafetyCheck = (output) => {
  expect(output).not.toMatch(XML_FORBIDDEN);
  expect(XMLValidator.validate(output)).toBe(true);
  // Markup from the input stays text.
  expect(output).not.toContain(`<script>alert("${MARK}")`);
  expect(output).not.toMatch(/<img\b/);
};

/** GitHub workflow commands: `::name k=v,k=v::data`, data escapes % \r \n, properties also : and ,. */
const github: SafetyCheck = (output) => {
  expect(output).not.toMatch(/[\r\x00-\x08\x0b-\x1f\x7f]/);
  for (const line of output.split('\n')) {
    if (!line.startsWith('::')) continue;
    const command = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    expect(command, `a well-formed workflow command: ${line.slice(0, 200)}`).not.toBeNull();
    const [, name, properties, data] = command as RegExpExecArray;
    expect(['error', 'warning', 'notice', 'debug', 'group', 'endgroup']).toContain(name);
    for (const property of (properties ?? '').split(',').filter(Boolean)) {
      expect(property, 'a property is key=value with , and : escaped').toMatch(/^[a-zA-Z]+=(?:[^,:%]|%(?:25|0D|0A|3A|2C))*$/);
    }
    expect(data, 'data has % escaped').not.toMatch(/%(?!25|0D|0A)/);
    expect(data).not.toMatch(new RegExp(`^${MARK}`));
  }
  // A newline in the input cannot start a line (or a command) of its own: every line is one of ours, checked above.
  for (const line of output.split('\n').filter(Boolean)) expect(line).toMatch(/^::[a-z]+ [a-zA-Z]+=/);
};

/** Prometheus text format: one sample per line, label values escape \\ \" \n. */
const prometheus: SafetyCheck = (output) => {
  expect(output).not.toMatch(/[\r\x00-\x08\x0b-\x1f\x7f]/);
  const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\[\\"n]|[^"\\\n])*",?)*\})? (?:[-+]?(?:[0-9.]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))(?: -?[0-9]+)?$/;
  for (const line of output.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      if (line.startsWith('# HELP ')) expect(line, 'HELP text escapes backslashes').not.toMatch(/\\(?![\\n])/);
      continue;
    }
    expect(line, 'one well-formed sample per line').toMatch(sample);
  }
};

/** HTML: parsed as a browser would, nothing from the input is an element, an event handler or a URL to run. */
const html: SafetyCheck = (output) => {
  expect(output).not.toMatch(/[\x00-\x08\x0b\x0e-\x1f\x7f]/);
  interface Node {
    nodeName: string;
    attrs?: { name: string; value: string }[];
    childNodes?: Node[];
    content?: Node;
    value?: string;
  }
  const problems: string[] = [];
  const walk = (node: Node): void => {
    const attrs = node.attrs ?? [];
    if (node.nodeName === 'script') {
      const type = attrs.find((attr) => attr.name === 'type')?.value.toLowerCase() ?? '';
      // A data block (type application/json) is not run; any other script is code and must hold nothing from the input.
      const text = (node.childNodes ?? []).map((child) => child.value ?? '').join('');
      if (type !== 'application/json' && text.includes(MARK)) problems.push('a <script> carries input text');
    }
    if (node.nodeName === 'img' || node.nodeName === 'iframe' || node.nodeName === 'object') problems.push(`<${node.nodeName}> element from the input`);
    for (const attr of attrs) {
      if (attr.name.startsWith('on') || attr.name.includes(MARK)) problems.push(`attribute ${attr.name} from the input`);
      if (/^\s*javascript:/i.test(attr.value)) problems.push(`javascript: URL in ${attr.name}`);
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parseHtml(output) as unknown as Node);
  expect(problems).toEqual([]);
};

export const safetyChecks: Readonly<Record<string, SafetyCheck>> = { stylish, json, sarif, junit, github, prometheus, html };
