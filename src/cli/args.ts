/**
 * The command line, parsed with yargs into a typed command. yargs never
 * prints or exits here: its output is captured and returned, so main()
 * decides what goes where and which exit code follows.
 */
import yargs, { type Argv } from 'yargs';
import type { DumpFormat, Family } from '../../grammar/ast.js';
import { formatterNames, type FormatterName } from '../formatters/names.js';
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, MAX_INPUT_BYTES_CEILING, parseByteSize } from '../input-limit.js';
import { failOnChoices, type FailOn } from './exit-code.js';
import { UsageError } from './usage-error.js';
import { toolName, toolVersion } from './version.js';

export type InputFormat = DumpFormat | 'auto';

/** How to read the dump (passed to the parser). */
export interface ParseSettings {
  inputFormat: InputFormat;
  table?: string;
  family?: Family;
  /** --max-input-size: larger dumps and Docker state files are refused before they are read. */
  maxInputBytes: number;
}

/** Docker's own state and intent, to audit the dump against (all optional). */
export interface DockerSettings {
  networksPath?: string;
  containersPath?: string;
  policyPath?: string;
  dockerVersion?: string;
}

/** How to rebuild the host for the packet model (trace, reach). */
export interface HostSettings {
  file: string;
  ip6File?: string;
  format: 'text' | 'json';
  color?: boolean;
  parse: ParseSettings;
  docker: DockerSettings;
  hostAddrs: string[];
  routes: { cidr: string; iface: string }[];
}

/** One packet for `trace`, as given on the command line. */
export interface PacketSettings {
  in?: string;
  out?: string;
  src?: string;
  dst?: string;
  proto?: string;
  sport?: number;
  dport?: number;
  state?: 'NEW' | 'ESTABLISHED' | 'RELATED';
}

export type ParsedCommand =
  | {
      command: 'check';
      files: string[];
      format: FormatterName;
      failOn: FailOn;
      quiet: boolean;
      verbose: boolean;
      color?: boolean;
      parse: ParseSettings;
      docker: DockerSettings;
    }
  | { command: 'fmt'; file?: string; check: boolean; color?: boolean; parse: ParseSettings }
  | { command: 'rules'; format: FormatterName; color?: boolean }
  | ({ command: 'trace'; packet: PacketSettings; batch: boolean } & HostSettings)
  | ({ command: 'reach' } & HostSettings)
  /** --help / --version: print `text` to stdout and exit 0. */
  | { command: 'show'; text: string };

const commandNames = ['check', 'fmt', 'rules', 'trace', 'reach'] as const;
const inputFormats: readonly InputFormat[] = ['auto', 'save', 'list'];
const families: readonly Family[] = ['ipv4', 'ipv6'];

const EPILOG = `Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, unreadable input, syntax errors in a dump, or internal error`;

function withColor<T>(y: Argv<T>) {
  return y.option('color', {
    type: 'boolean',
    description: 'Colour the output; --no-color turns it off (default: on for a terminal; NO_COLOR and FORCE_COLOR are honoured)',
  });
}

function withDumpOptions<T>(y: Argv<T>) {
  return y
    .option('input-format', {
      choices: inputFormats,
      default: 'auto' as InputFormat,
      description: 'Dump format: iptables-save output (save), iptables -S output (list), or detect (auto)',
    })
    .option('table', {
      type: 'string',
      description: 'Table of rules that do not say (iptables -S output without "# table:" lines); default filter',
    })
    .option('family', {
      choices: families,
      description: 'Address family of the dump (default: detected; ip6tables-save output is ipv6)',
    })
    .option('max-input-size', {
      type: 'string',
      description: `Refuse any input file larger than this, e.g. 64MiB or 1G (default ${formatBytes(DEFAULT_MAX_INPUT_BYTES)}, at most ${formatBytes(MAX_INPUT_BYTES_CEILING)})`,
    });
}

function withHostOptions<T>(y: Argv<T>) {
  return withColor(withDumpOptions(y))
    .positional('file', { type: 'string', description: 'iptables-save dump of the host' })
    .option('ip6', { type: 'string', description: 'ip6tables-save dump of the same host (IPv6 packets)' })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as 'text' | 'json', description: 'Output format' })
    .option('docker-networks', { type: 'string', description: 'JSON of `docker network inspect $(docker network ls -q)`' })
    .option('docker-containers', { type: 'string', description: 'JSON of `docker inspect $(docker ps -q)`' })
    .option('policy', { type: 'string', description: 'Docker policy file (YAML or JSON)' })
    .option('docker-version', { type: 'string', description: 'Docker version of the host, e.g. 20.10.24' })
    .option('host-addr', { type: 'string', array: true, description: 'A local address of the host, ADDR[/BITS][=IFACE] (repeatable)' })
    .option('route', { type: 'string', array: true, description: 'A route, CIDR=IFACE (repeatable; 0.0.0.0/0=eth0 is the default route)' });
}

function buildParser(): Argv {
  return yargs()
    .scriptName(toolName)
    .locale('en')
    .detectLocale(false)
    .version(toolVersion)
    .strict()
    .exitProcess(false)
    .wrap(100)
    .usage('$0 <command> [options]\n\nLint iptables-save and iptables -S dumps of (Docker) hosts, offline.')
    .command('check [files..]', 'Lint dumps: FILEs, glob patterns, or - / nothing for stdin', (y) =>
      withColor(withDumpOptions(y))
        .positional('files', { type: 'string', array: true, description: 'Dump files or glob patterns (quoted); - is stdin' })
        .option('format', { choices: formatterNames, default: 'stylish' as FormatterName, description: 'Output format' })
        .option('fail-on', {
          choices: failOnChoices,
          default: 'error' as FailOn,
          description: 'Exit 1 when a finding of this severity or worse is reported (never: only syntax and input errors fail)',
        })
        .option('quiet', { type: 'boolean', default: false, description: 'Report errors only (warnings and info are dropped, also for --fail-on)' })
        .option('verbose', { type: 'boolean', default: false, description: 'Also print, on stderr, the Docker generation detected for each dump and the evidence for it' })
        .option('docker-networks', { type: 'string', description: 'JSON of `docker network inspect $(docker network ls -q)`: audit against these networks' })
        .option('docker-containers', { type: 'string', description: 'JSON of `docker inspect $(docker ps -q)`: audit published ports against these containers' })
        .option('policy', { type: 'string', description: 'Policy file (YAML or JSON, schemas/docker-policy.schema.json): intended networks, ports and DOCKER-USER rules' })
        .option('docker-version', { type: 'string', description: 'Docker version of the host (e.g. 20.10.24): overrides the generation detected from the dump' })
        .example('$0 check iptables.rules ip6tables.rules --docker-networks net.json --docker-containers ctr.json', 'Audit a Docker host against its own state')
        .example('sudo iptables-save | $0 check', 'Lint the live ruleset')
        .example('$0 check examples/docker-host.rules', 'Lint a saved dump')
        .example("$0 check 'dumps/*.rules' --format json", 'Many dumps, JSON output')
        .example('iptables -S | $0 check --input-format list', 'Lint an iptables -S listing')
        .epilog(EPILOG),
    )
    .command('fmt [file]', 'Print a dump in canonical iptables-save layout', (y) =>
      withColor(withDumpOptions(y))
        .positional('file', { type: 'string', description: 'Dump file; - or nothing is stdin' })
        .option('check', { type: 'boolean', default: false, description: 'Print nothing; exit 1 when formatting would change the input' })
        .example('$0 fmt dump.rules > dump.fmt.rules', 'Reformat a dump')
        .example('$0 fmt --check dump.rules', 'Fail when a dump is not in canonical layout')
        .epilog('Exit codes: 0 formatted (or already canonical with --check), 1 would change (--check), 2 syntax or input error'),
    )
    .command('trace <file>', 'Walk one packet through the ruleset, like -j TRACE, and give the verdict', (y) =>
      withHostOptions(y)
        .option('in', { type: 'string', description: 'Input interface (absent: sent by the host itself)' })
        .option('out', { type: 'string', description: 'Output interface (absent: routed)' })
        .option('src', { type: 'string', description: 'Source address' })
        .option('dst', { type: 'string', description: 'Destination address' })
        .option('proto', { type: 'string', default: 'tcp', description: 'tcp, udp, icmp, icmpv6, … or a number' })
        .option('sport', { type: 'number', description: 'Source port' })
        .option('dport', { type: 'number', description: 'Destination port' })
        .option('state', { choices: ['NEW', 'ESTABLISHED', 'RELATED'] as const, default: 'NEW' as const, description: 'Conntrack state of the packet' })
        .option('batch', { type: 'boolean', default: false, description: 'Read one packet per line of JSON on stdin ({"in","out","src","dst","proto","sport","dport","state"}); write one JSON result per line' })
        .example('$0 trace iptables.rules --in eth0 --src 198.51.100.7 --dst 192.0.2.1 --dport 8080 --host-addr 192.0.2.1/24=eth0 --docker-networks net.json --docker-containers ctr.json', 'Can this client reach published port 8080?'),
    )
    .command('reach <file>', 'Isolation matrix, outbound access and exposure of a Docker host, proved over all packets', (y) =>
      withHostOptions(y).example(
        '$0 reach iptables.rules --ip6 ip6tables.rules --docker-networks net.json --docker-containers ctr.json --host-addr 192.0.2.1/24=eth0',
        'Which networks can talk, and what can the outside reach?',
      ),
    )
    .command('rules', 'List the lint rules', (y) =>
      withColor(y)
        .option('format', { choices: formatterNames, default: 'stylish' as FormatterName, description: 'Output format' })
        .example('$0 rules --format json', 'Rule metadata as JSON'),
    )
    .example('sudo iptables-save | $0 check', 'Lint the live ruleset')
    .example('$0 check --fail-on warning a.rules b.rules', 'Fail on warnings too')
    .example('$0 fmt --check dump.rules', 'Check canonical layout')
    .example('$0 rules', 'List the rules')
    .epilog(EPILOG)
    .help();
}

/** What yargs returns; the packet options keep their names (`--in`, `--src`…). */
interface RawArgs extends PacketSettings {
  _: (string | number)[];
  help?: boolean;
  version?: boolean;
  files?: string[];
  file?: string;
  format?: FormatterName | 'text';
  failOn?: FailOn;
  quiet?: boolean;
  verbose?: boolean;
  dockerNetworks?: string;
  dockerContainers?: string;
  policy?: string;
  dockerVersion?: string;
  color?: boolean;
  check?: boolean;
  inputFormat?: InputFormat;
  table?: string;
  family?: Family;
  ip6?: string;
  maxInputSize?: string;
  hostAddr?: string[];
  route?: string[];
  batch?: boolean;
}

/**
 * yargs silently drops a bare `-`, so it is swapped for a token no shell can
 * pass (argv strings cannot contain NUL) and swapped back after parsing.
 */
const STDIN_TOKEN = '\0-';

function restoreStdin(arg: string): string {
  return arg === STDIN_TOKEN ? '-' : arg;
}

export async function parseArgs(argv: readonly string[]): Promise<ParsedCommand> {
  const parser = buildParser();
  const { error, args, output } = await new Promise<{ error: Error | undefined; args: RawArgs; output: string }>(
    (resolvePromise) => {
      void parser.parse(argv.map((arg) => (arg === '-' ? STDIN_TOKEN : arg)), {}, (error, args, output) =>
        resolvePromise({ error: error ?? undefined, args: args as unknown as RawArgs, output }),
      );
    },
  );
  const command = String(args._[0] ?? '');
  if (error) throw usageErrorFrom(error, command, argv);
  if (args.help || args.version) return { command: 'show', text: output.endsWith('\n') ? output : output + '\n' };
  const color = args.color;
  const parse = parseSettings(args);
  // Words after `--` (file names starting with `-`) land in `_` after the command.
  const afterDashes = args._.slice(1).map(String);
  switch (command) {
    case 'check':
      return {
        command: 'check',
        files: [...(args.files ?? []), ...afterDashes].map((file) => restoreStdin(String(file))),
        format: lintFormat(args.format),
        failOn: args.failOn ?? 'error',
        quiet: args.quiet ?? false,
        verbose: args.verbose ?? false,
        ...(color === undefined ? {} : { color }),
        parse,
        docker: dockerSettings(args),
      };
    case 'fmt': {
      const files = [...(args.file === undefined ? [] : [String(args.file)]), ...afterDashes].map(restoreStdin);
      if (files.length > 1) throw new UsageError(`fmt takes one file, got ${files.length}`, 'run iptlint fmt once per file');
      return {
        command: 'fmt',
        ...(files[0] === undefined ? {} : { file: files[0] }),
        check: args.check ?? false,
        ...(color === undefined ? {} : { color }),
        parse,
      };
    }
    case 'trace':
      return { command: 'trace', ...hostSettings(args, color, parse), packet: packetSettings(args), batch: args.batch ?? false };
    case 'reach':
      return { command: 'reach', ...hostSettings(args, color, parse) };
    case 'rules':
      return { command: 'rules', format: lintFormat(args.format), ...(color === undefined ? {} : { color }) };
    case '':
      throw new UsageError('missing command', `use one of: ${commandNames.join(', ')} (e.g. 'iptlint check dump.rules'); 'iptlint --help' for more`);
    default:
      throw unknownCommand(command);
  }
}

function parseSettings(args: RawArgs): ParseSettings {
  if (args.table !== undefined && !/^[A-Za-z0-9_-]+$/.test(args.table)) {
    throw new UsageError(`invalid table name '${args.table}'`, 'use a table name such as filter, nat, mangle, raw or security');
  }
  return {
    inputFormat: args.inputFormat ?? 'auto',
    ...(args.table === undefined ? {} : { table: args.table }),
    ...(args.family === undefined ? {} : { family: args.family }),
    maxInputBytes: maxInputBytes(args.maxInputSize),
  };
}

function maxInputBytes(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_INPUT_BYTES;
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new UsageError(`invalid --max-input-size '${text}'`, 'give a size such as 64MiB, 512M, 1G or a number of bytes');
  if (bytes > MAX_INPUT_BYTES_CEILING) {
    throw new UsageError(
      `--max-input-size ${text} is above what iptlint can read (${formatBytes(MAX_INPUT_BYTES_CEILING)}: the largest text a JavaScript string holds)`,
      'split the dump per table (iptables-save -t TABLE) and check the parts',
    );
  }
  return bytes;
}

/** yargs has already restricted --format to the command's own choices. */
function lintFormat(format: RawArgs['format']): FormatterName {
  return format === undefined || format === 'text' ? 'stylish' : format;
}

function hostSettings(args: RawArgs, color: boolean | undefined, parse: ParseSettings): HostSettings {
  return {
    file: restoreStdin(String(args.file)),
    ...(args.ip6 === undefined ? {} : { ip6File: args.ip6 }),
    format: args.format === 'json' ? 'json' : 'text',
    ...(color === undefined ? {} : { color }),
    parse,
    docker: dockerSettings(args),
    hostAddrs: (args.hostAddr ?? []).map(String),
    routes: (args.route ?? []).map(parseRoute),
  };
}

function parseRoute(text: string): { cidr: string; iface: string } {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`invalid --route '${text}'`, 'write CIDR=IFACE, e.g. --route 10.0.0.0/8=eth1 or --route 0.0.0.0/0=eth0');
  return { cidr: text.slice(0, at), iface: text.slice(at + 1) };
}

function packetSettings(args: RawArgs): PacketSettings {
  const packet: PacketSettings = {};
  for (const key of ['in', 'out', 'src', 'dst', 'proto'] as const) {
    const value = args[key];
    if (value !== undefined) packet[key] = String(value);
  }
  if (args.sport !== undefined) packet.sport = args.sport;
  if (args.dport !== undefined) packet.dport = args.dport;
  if (args.state !== undefined) packet.state = args.state;
  return packet;
}

function dockerSettings(args: RawArgs): DockerSettings {
  return {
    ...(args.dockerNetworks === undefined ? {} : { networksPath: args.dockerNetworks }),
    ...(args.dockerContainers === undefined ? {} : { containersPath: args.dockerContainers }),
    ...(args.policy === undefined ? {} : { policyPath: args.policy }),
    ...(args.dockerVersion === undefined ? {} : { dockerVersion: args.dockerVersion }),
  };
}

function unknownCommand(command: string): UsageError {
  return new UsageError(
    `unknown command '${command}'`,
    `use one of: ${commandNames.join(', ')}; to lint a file, run 'iptlint check ${command}'`,
  );
}

/** yargs messages can span lines ("Invalid values:\n  Argument: …"); the CLI prints one. */
function usageErrorFrom(error: Error, command: string, argv: readonly string[]): UsageError {
  if (command !== '' && !(commandNames as readonly string[]).includes(command)) return unknownCommand(command);
  if (command === '' && argv.length > 0 && !argv[0]?.startsWith('-')) return unknownCommand(argv[0] ?? '');
  const lines = error.message
    .replaceAll(STDIN_TOKEN, '-')
    .split('\n').map((line) => line.trim()).filter(Boolean);
  // "Invalid values:" is followed by one "Argument: a, Given: "x", Choices: …" line per bad option.
  const choice = lines[0] === 'Invalid values:' ? /^Argument: (\S+), Given: (.+), Choices: (.+)$/.exec(lines[1] ?? '') : null;
  const reason = choice ? `invalid value ${choice[2]} for --${choice[1]}: expected one of ${choice[3]}` : lines.join(' ');
  const hint = command ? `run 'iptlint ${command} --help' for its options` : undefined;
  return hint ? new UsageError(reason, hint) : new UsageError(reason);
}
