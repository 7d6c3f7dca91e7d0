import type { BaseOption, ExtensionOption, RuleSpec, Span } from '../grammar/ast.js';
import { protocolNumber } from '../src/model/protocols.js';
import type { LintRule } from '../src/engine/types.js';
import { commandAt, forEachPart, lineAt } from './lib/commands.js';

/** Protocol matches and the protocol number the kernel requires for them (`xt_match.proto`). */
const MATCH_PROTOCOL: Readonly<Record<string, number>> = { tcp: 6, udp: 17, dccp: 33, sctp: 132 };
/** Protocols with ports: what multiport and the port part of NAT targets need. */
const PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 33, 132, 136]);
const PORT_PROTOCOL_NAMES = 'tcp, udp, udplite, sctp or dccp';

/** The targets this rule checks: the port-carrying options of targetPortOption(), and TPROXY. */
const PORT_TARGETS: readonly string[] = ['REDIRECT', 'MASQUERADE', 'DNAT', 'SNAT', 'TPROXY'];

/** The matches this rule checks: the protocol matches and multiport. */
const PORT_MATCHES: readonly string[] = [...Object.keys(MATCH_PROTOCOL), 'multiport'];

const NO_OPTIONS: readonly ExtensionOption[] = [];

/** Target options that carry ports only together with a port-bearing protocol. */
function targetPortOption(target: string, option: string, value: string): boolean {
  if (option === 'to-ports') return target === 'REDIRECT' || target === 'MASQUERADE';
  if ((target === 'DNAT' && option === 'to-destination') || (target === 'SNAT' && option === 'to-source')) {
    return value.startsWith('[') ? value.includes(']:') : value.includes(':') && value.split(':').length === 2;
  }
  return false;
}

const rule: LintRule = {
  meta: {
    id: 'port-match-without-protocol',
    severity: 'error',
    category: 'correctness',
    docs: {
      description: 'Ports are matched or translated without a matching `-p` protocol: `-m multiport` or `-m tcp` without `-p tcp`, `-m udp` with `-p tcp`, `-j DNAT --to-destination A:PORT` without `-p tcp|udp`.',
      rationale:
        'Only some protocols have ports. iptables refuses multiport and NAT port ranges without `-p tcp|udp|udplite|sctp|dccp` ("multiport needs -p tcp…", "Need TCP, UDP, SCTP or DCCP with port specification"), and the kernel refuses a tcp/udp match whose protocol differs from `-p` ("only valid for protocol 6"). Either way the restore fails.',
      bad: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m multiport --dports 80,443 -j ACCEPT\nCOMMIT\n',
      good: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT\nCOMMIT\n',
    },
  },
  check(context) {
    const { model } = context;
    // Parts come in source order: the protocol of a line is looked up once for all of its parts.
    let protocolLine = -1;
    let protocol: BaseOption | undefined;
    let number: number | null = null;
    const lineProtocol = (line: number): void => {
      if (line === protocolLine) return;
      protocolLine = line;
      protocol = protocolOf(commandAt(model, line).rule);
      number = protocol && protocol.negation === 'none' ? protocolNumber(protocol.values[0]?.text ?? '') : null;
    };
    const report = (line: number, span: Span, what: string, needs: string, suggestion: (written: string) => string): void => {
      const { command, chain } = lineAt(model, line);
      const written = protocol ? `${protocol.negation === 'none' ? '' : '! '}-p ${protocol.values[0]?.text ?? ''}` : 'no -p';
      context.report({
        message: `${what} in chain ${chain} needs ${needs}, but the rule has ${written}; iptables rejects the rule`,
        span,
        fix: `on line ${command.span.line}, ${suggestion(written)}`,
      });
    };
    forEachPart(model, 'match', PORT_MATCHES, (part, line, name) => {
      lineProtocol(line);
      const required = MATCH_PROTOCOL[name];
      if (required !== undefined && number !== required) {
        report(line, part.name.span, `the ${name} match`, `-p ${name}`, (written) => (protocol ? `change \`${written}\` to \`-p ${name}\`` : `add \`-p ${name}\` before \`-m ${name}\``));
      } else if (name === 'multiport' && (number === null || !PORT_PROTOCOLS.has(number))) {
        report(line, part.name.span, 'the multiport match', `-p ${PORT_PROTOCOL_NAMES}`, (written) => (protocol ? `change \`${written}\` to \`-p tcp\` (or udp…), or split the rule per protocol` : 'add `-p tcp` (or udp…) before `-m multiport`'));
      }
    });
    forEachPart(model, 'target', PORT_TARGETS, (part, line, target) => {
      lineProtocol(line);
      // With a port protocol every port option is fine: the option values (new Words on each read) are not read.
      const options = number !== null && PORT_PROTOCOLS.has(number) ? NO_OPTIONS : part.options;
      for (const option of options) {
        const value = option.values[0]?.text ?? '';
        if (!targetPortOption(target, option.name, value)) continue;
        report(line, option.optionWord.span, `the port in \`--${option.name} ${value}\` of ${target}`, `-p ${PORT_PROTOCOL_NAMES}`, (written) => (protocol ? `change \`${written}\` to \`-p tcp\` (or udp…)` : 'add `-p tcp` (or `-p udp`) to the rule, one rule per protocol'));
      }
      if (target === 'TPROXY' && number !== 6 && number !== 17) {
        report(line, part.name.span, 'TPROXY', '-p tcp or -p udp', (written) => (protocol ? `change \`${written}\` to \`-p tcp\` (or udp)` : 'add `-p tcp` (or `-p udp`)'));
      }
    });
  },
};

function protocolOf(spec: RuleSpec): BaseOption | undefined {
  for (const part of spec.parts) if (part.kind === 'base' && part.name === 'protocol') return part;
  return undefined;
}

export default rule;
