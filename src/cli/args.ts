/**
 * The command line, parsed with yargs into a typed command. yargs never
 * prints or exits here: its output is captured and returned, so main()
 * decides what goes where and which exit code follows.
 */
import yargs, { type Argv } from 'yargs';
import type { DumpFormat, Family } from '../../grammar/ast.js';
import { formatterNames, ruleListFormatNames, type FormatterName, type RuleListFormatName } from '../formatters/names.js';
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

/** Parse settings as given on the command line (check: the configuration fills in the rest). */
export type GivenParseSettings = Partial<ParseSettings>;

/** Docker's own state and intent, to audit the dump against (all optional). */
export interface DockerSettings {
  networksPath?: string;
  containersPath?: string;
  policyPath?: string;
  dockerVersion?: string;
}

/** The host's own addresses and routes (--host-addr, --route) and bridge netfilter sysctls, for the packet model. */
export interface TopologySettings {
  hostAddrs: string[];
  routes: { cidr: string; iface: string }[];
  /** `net.bridge.bridge-nf-call-ip{,6}tables` per family, where given (default on, as Docker sets them). */
  brNetfilter?: Partial<Record<Family, boolean>>;
}

/** How to rebuild the host for the packet model (trace, reach). */
export interface HostSettings extends TopologySettings {
  file: string;
  ip6File?: string;
  format: 'text' | 'json';
  color?: boolean;
  parse: ParseSettings;
  docker: DockerSettings;
}

/** One side of `diff`: the dumps and, optionally, Docker's state at that time. */
export interface DiffSide {
  file: string;
  ip6File?: string;
  docker: DockerSettings;
}

export type GraphFormat = 'dot' | 'mermaid';

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
      /** Write the report to this file (atomically) instead of stdout. */
      output?: string;
      failOn: FailOn;
      quiet: boolean;
      verbose: boolean;
      /** Print on stderr where the time went. */
      timing: boolean;
      color?: boolean;
      parse: GivenParseSettings & Pick<ParseSettings, 'maxInputBytes'>;
      docker: DockerSettings;
      /** Prove reachability with the packet model when Docker state is given. */
      reach: boolean;
      topology: TopologySettings;
      /** --config FILE: this configuration instead of the one found above the working directory. */
      configPath?: string;
      /** --baseline FILE: report only findings it does not accept. */
      baselinePath?: string;
      /** --update-baseline: record this run's findings into the baseline instead of reporting. */
      updateBaseline: boolean;
    }
  | {
      command: 'scan';
      format: FormatterName;
      failOn: FailOn;
      quiet: boolean;
      verbose: boolean;
      color?: boolean;
      /** `--docker-host`; absent: DOCKER_HOST, then /var/run/docker.sock. */
      dockerHost?: string;
      requireDocker: boolean;
      policyPath?: string;
      /** For each save program and each Docker API request. */
      timeoutSeconds: number;
      output?: string;
    }
  | { command: 'fmt'; file?: string; check: boolean; color?: boolean; parse: ParseSettings }
  | { command: 'rules'; format: RuleListFormatName; color?: boolean }
  | ({ command: 'trace'; packet: PacketSettings; batch: boolean } & HostSettings)
  | ({ command: 'reach'; timing: boolean } & HostSettings)
  | { command: 'graph'; file: string; format: GraphFormat; table?: string; chain?: string; parse: ParseSettings }
  | { command: 'diff'; old: DiffSide; new: DiffSide; format: 'text' | 'json'; color?: boolean; parse: ParseSettings }

  /** --help / --version: print `text` to stdout and exit 0. */
  | { command: 'show'; text: string };

const commandNames = ['check', 'scan', 'fmt', 'rules', 'trace', 'reach', 'graph', 'diff'] as const;
const inputFormats: readonly InputFormat[] = ['auto', 'save', 'list'];
const families: readonly Family[] = ['ipv4', 'ipv6'];
const graphFormats: readonly GraphFormat[] = ['dot', 'mermaid'];

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

function withReportOptions<T>(y: Argv<T>) {
  return withColor(y)
    .option('format', { choices: formatterNames, default: 'stylish' as FormatterName, description: 'Output format' })
    .option('fail-on', {
      choices: failOnChoices,
      default: 'error' as FailOn,
      description: 'Exit 1 when a finding of this severity or worse is reported (never: only syntax and input errors fail)',
    })
    .option('quiet', { type: 'boolean', default: false, description: 'Report errors only (warnings and info are dropped, also for --fail-on)' })
    .option('output', {
      alias: 'o',
      type: 'string',
      description: 'Write the report to FILE instead of stdout (atomically: the old FILE stays if writing fails)',
    });
}

function withDumpOptions<T>(y: Argv<T>) {
  return y
    .option('input-format', {
      choices: inputFormats,
      description: 'Dump format: iptables-save output (save), iptables -S output (list), or detect (auto; the default)',
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

function withTopologyOptions<T>(y: Argv<T>) {
  return y
    .option('host-addr', { type: 'string', array: true, description: 'A local address of the host, ADDR[/BITS][=IFACE] (repeatable)' })
    .option('route', { type: 'string', array: true, description: 'A route, CIDR=IFACE (repeatable; 0.0.0.0/0=eth0 is the default route)' })
    .option('bridge-nf-call-iptables', {
      type: 'number',
      choices: [0, 1],
      description: "The host's net.bridge.bridge-nf-call-iptables (default 1, as Docker sets it); 0: traffic between containers of one bridge bypasses iptables",
    })
    .option('bridge-nf-call-ip6tables', { type: 'number', choices: [0, 1], description: 'The same for IPv6 (net.bridge.bridge-nf-call-ip6tables)' });
}

function withHostOptions<T>(y: Argv<T>) {
  return withTopologyOptions(withColor(withDumpOptions(y)))
    .positional('file', { type: 'string', description: 'iptables-save dump of the host' })
    .option('ip6', { type: 'string', description: 'ip6tables-save dump of the same host (IPv6 packets)' })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as 'text' | 'json', description: 'Output format' })
    .option('docker-networks', { type: 'string', description: 'JSON of `docker network inspect $(docker network ls -q)`' })
    .option('docker-containers', { type: 'string', description: 'JSON of `docker inspect $(docker ps -q)`' })
    .option('policy', { type: 'string', description: 'Docker policy file (YAML or JSON)' })
    .option('docker-version', { type: 'string', description: 'Docker version of the host, e.g. 20.10.24' });
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
      withTopologyOptions(withReportOptions(withDumpOptions(y)))
        .positional('files', { type: 'string', array: true, description: 'Dump files or glob patterns (quoted); - is stdin' })
        .option('verbose', { type: 'boolean', default: false, description: 'Also print, on stderr, the Docker generation detected for each dump and the evidence for it' })
        .option('timing', { type: 'boolean', default: false, description: 'Also print, on stderr, where the time went: start-up, read, parse, model, lint (the slowest rules), reach, report' })
        .option('docker-networks', { type: 'string', description: 'JSON of `docker network inspect $(docker network ls -q)`: audit against these networks' })
        .option('docker-containers', { type: 'string', description: 'JSON of `docker inspect $(docker ps -q)`: audit published ports against these containers' })
        .option('policy', { type: 'string', description: 'Policy file (YAML or JSON, schemas/docker-policy.schema.json): intended networks, ports and DOCKER-USER rules' })
        .option('docker-version', { type: 'string', description: 'Docker version of the host (e.g. 20.10.24): overrides the generation detected from the dump' })
        .option('reach', {
          type: 'boolean',
          default: true,
          description: 'With Docker state: also prove isolation and exposure with the packet model (reach/* findings, as `iptlint reach`); --no-reach skips it',
        })
        .option('config', { type: 'string', description: 'Configuration file (.iptlintrc.json/.yaml, or package.json with an "iptlint" key); default: the first one found walking up from the working directory' })
        .option('baseline', { type: 'string', description: 'Baseline file (schemas/baseline.schema.json): report only findings that are not in it, and say how many were' })
        .option('update-baseline', { type: 'boolean', default: false, description: "Write this run's findings into the --baseline file (atomically) instead of reporting them; exit 0" })
        .example('$0 check iptables.rules ip6tables.rules --docker-networks net.json --docker-containers ctr.json', 'Audit a Docker host against its own state')
        .example('sudo iptables-save | $0 check', 'Lint the live ruleset')
        .example('$0 check examples/docker-host.rules', 'Lint a saved dump')
        .example("$0 check 'dumps/*.rules' --format json", 'Many dumps, JSON output')
        .example('$0 check rules.v4 --format sarif -o iptlint.sarif', 'SARIF for GitHub code scanning')
        .example('iptables -S | $0 check --input-format list', 'Lint an iptables -S listing')
        .epilog(EPILOG),
    )
    .command('scan', "Lint this host's live rulesets (iptables-save, ip6tables-save, both backends) against Docker's live state; read-only", (y) =>
      withReportOptions(y)
        .option('live', { type: 'boolean', description: 'Read the live firewall and Docker state of this host (required: scan runs the *-save programs)' })
        .option('docker-host', { type: 'string', description: 'Docker daemon socket, unix:///path (default: $DOCKER_HOST, then unix:///var/run/docker.sock)' })
        .option('require-docker', { type: 'boolean', default: false, description: "Fail (exit 2) when Docker's state cannot be read, instead of scanning without it" })
        .option('policy', { type: 'string', description: 'Policy file (YAML or JSON, schemas/docker-policy.schema.json): intended networks, ports and DOCKER-USER rules' })
        .option('timeout', { type: 'number', default: 30, description: 'Seconds each save program and each Docker API request may take' })
        .option('verbose', { type: 'boolean', default: false, description: 'Also print, on stderr, the programs run, the tables each backend holds, the Docker API version and the generation detected' })
        .example('sudo $0 scan --live', 'Lint the live rulesets with the Docker state from /var/run/docker.sock')
        .example('sudo $0 scan --live --format json --fail-on warning', 'For a scheduled job: JSON, exit 1 on warnings')
        .example('sudo $0 scan --live --docker-host unix:///run/user/1000/docker.sock --require-docker', 'Another daemon; fail when it cannot be asked')
        .epilog(`Runs only iptables-save/ip6tables-save (and their -nft/-legacy variants) found on PATH, with no
arguments, sends only GET requests to the Docker socket and reads the bridge netfilter sysctls
(/proc/sys/net/bridge); never changes the firewall.

${EPILOG}`),
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
      withHostOptions(y)
        .option('timing', { type: 'boolean', default: false, description: 'Also print, on stderr, where the time went: start-up, read, parse, model, host model, each section of the analysis, findings, report' })
        .example(
          '$0 reach iptables.rules --ip6 ip6tables.rules --docker-networks net.json --docker-containers ctr.json --host-addr 192.0.2.1/24=eth0',
          'Which networks can talk, and what can the outside reach?',
        ),
    )
    .command('graph <file>', 'Draw the jump/goto graph of the chains as Graphviz DOT or Mermaid', (y) =>
      y
        .positional('file', { type: 'string', description: 'Dump file; - is stdin' })
        .option('format', { choices: graphFormats, default: 'dot' as GraphFormat, description: 'Output language' })
        .option('table', { type: 'string', description: 'Only this table (for iptables -S output without "# table:" lines: the table its rules belong to)' })
        .option('chain', { type: 'string', description: 'Only the chains reachable from this chain' })
        .option('input-format', { choices: inputFormats, default: 'auto' as InputFormat, description: 'Dump format: iptables-save output (save), iptables -S output (list), or detect (auto)' })
        .option('family', { choices: families, description: 'Address family of the dump (default: detected)' })
        .example('$0 graph iptables.rules | dot -Tsvg > chains.svg', 'Draw every table')
        .example('$0 graph iptables.rules --format mermaid --table filter --chain FORWARD', 'What FORWARD can reach, as Mermaid')
        .epilog('Exit codes: 0 drawn, 2 usage error, unreadable input, syntax errors, or an unknown --table/--chain'),
    )
    .command('diff <old> <new>', 'What changed between two dumps, ignoring counters, dates and layout; Docker-aware', (y) =>
      withColor(withDumpOptions(y))
        .positional('old', { type: 'string', description: 'Earlier iptables-save dump' })
        .positional('new', { type: 'string', description: 'Later iptables-save dump' })
        .option('ip6', { type: 'string', array: true, description: 'The ip6tables-save dumps of both sides: --ip6 OLD6 NEW6' })
        .option('old-docker-networks', { type: 'string', description: 'docker network inspect JSON taken with OLD' })
        .option('new-docker-networks', { type: 'string', description: 'docker network inspect JSON taken with NEW' })
        .option('old-docker-containers', { type: 'string', description: 'docker inspect JSON of the containers, taken with OLD' })
        .option('new-docker-containers', { type: 'string', description: 'docker inspect JSON of the containers, taken with NEW' })
        .option('format', { choices: ['text', 'json'] as const, default: 'text' as 'text' | 'json', description: 'Output format' })
        .example('$0 diff yesterday.rules today.rules', 'What changed since yesterday?')
        .example('$0 diff a.rules b.rules --old-docker-networks a-net.json --new-docker-networks b-net.json', 'Match networks by name across bridge id changes')
        .epilog('Exit codes: 0 no security-relevant change, 1 a security-relevant change, 2 usage error, unreadable input or syntax errors'),
    )
    .command('rules', 'List the lint rules and every other finding id', (y) =>
      withColor(y)
        .option('format', { choices: ruleListFormatNames, default: 'stylish' as RuleListFormatName, description: 'Output format' })
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
  format?: FormatterName | GraphFormat | 'text';
  output?: string;
  failOn?: FailOn;
  quiet?: boolean;
  verbose?: boolean;
  timing?: boolean;
  config?: string;
  baseline?: string;
  updateBaseline?: boolean;
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
  bridgeNfCallIptables?: number;
  bridgeNfCallIp6tables?: number;
  batch?: boolean;
  reach?: boolean;
  live?: boolean;
  dockerHost?: string;
  requireDocker?: boolean;
  timeout?: number;
  chain?: string;
  old?: string;
  new?: string;
  oldDockerNetworks?: string;
  newDockerNetworks?: string;
  oldDockerContainers?: string;
  newDockerContainers?: string;
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
      if (args.updateBaseline && args.baseline === undefined) {
        throw new UsageError('--update-baseline needs --baseline FILE', "name the file to write, e.g. 'iptlint check --baseline iptlint-baseline.json --update-baseline dumps/*.rules'");
      }
      return {
        command: 'check',
        files: [...(args.files ?? []), ...afterDashes].map((file) => restoreStdin(String(file))),
        format: lintFormat(args.format),
        ...outputPath(args.output),
        failOn: args.failOn ?? 'error',
        quiet: args.quiet ?? false,
        verbose: args.verbose ?? false,
        timing: args.timing ?? false,
        ...(color === undefined ? {} : { color }),
        parse: givenParseSettings(args),
        docker: dockerSettings(args),
        reach: args.reach ?? true,
        topology: topologySettings(args),
        ...(args.config === undefined ? {} : { configPath: args.config }),
        ...(args.baseline === undefined ? {} : { baselinePath: args.baseline }),
        updateBaseline: args.updateBaseline ?? false,
      };
    case 'scan':
      return scanCommand(args, color);
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
      return { command: 'reach', ...hostSettings(args, color, parse), timing: args.timing ?? false };
    case 'graph':
      return {
        command: 'graph',
        file: restoreStdin(String(args.file)),
        format: args.format === 'mermaid' ? 'mermaid' : 'dot',
        ...(args.table === undefined ? {} : { table: args.table }),
        ...(args.chain === undefined ? {} : { chain: args.chain }),
        parse,
      };
    case 'diff':
      return diffCommand(args, color, parse);
    case 'rules':
      return { command: 'rules', format: args.format === 'json' ? 'json' : 'stylish', ...(color === undefined ? {} : { color }) };
    case '':
      throw new UsageError('missing command', `use one of: ${commandNames.join(', ')} (e.g. 'iptlint check dump.rules'); 'iptlint --help' for more`);
    default:
      throw unknownCommand(command);
  }
}

function scanCommand(args: RawArgs, color: boolean | undefined): ParsedCommand {
  if (args.live !== true) {
    throw new UsageError('scan needs --live', "'iptlint scan --live' reads this host's firewall and Docker state; to lint saved dumps use 'iptlint check FILE'");
  }
  if (args._.length > 1) throw new UsageError(`scan takes no files, got '${String(args._[1])}'`, "to lint saved dumps use 'iptlint check FILE'");
  const timeout = args.timeout ?? 30;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) {
    throw new UsageError(`invalid --timeout ${String(args.timeout)}`, 'give the seconds each program and request may take, e.g. --timeout 30 (at most 3600)');
  }
  return {
    command: 'scan',
    format: lintFormat(args.format),
    failOn: args.failOn ?? 'error',
    quiet: args.quiet ?? false,
    verbose: args.verbose ?? false,
    ...(color === undefined ? {} : { color }),
    ...(args.dockerHost === undefined ? {} : { dockerHost: args.dockerHost }),
    requireDocker: args.requireDocker ?? false,
    ...(args.policy === undefined ? {} : { policyPath: args.policy }),
    timeoutSeconds: timeout,
    ...outputPath(args.output),
  };
}

function parseSettings(args: RawArgs): ParseSettings {
  return { inputFormat: 'auto', ...givenParseSettings(args) };
}

function givenParseSettings(args: RawArgs): GivenParseSettings & Pick<ParseSettings, 'maxInputBytes'> {
  if (args.table !== undefined && !/^[A-Za-z0-9_-]+$/.test(args.table)) {
    throw new UsageError(`invalid table name '${args.table}'`, 'use a table name such as filter, nat, mangle, raw or security');
  }
  return {
    ...(args.inputFormat === undefined ? {} : { inputFormat: args.inputFormat }),
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
  return formatterNames.find((name) => name === format) ?? 'stylish';
}

/** `--output -` is stdout, like no --output; an empty name would write nowhere, so it is refused. */
function outputPath(path: string | undefined): { output?: string } {
  if (path === undefined || restoreStdin(path) === '-') return {};
  if (path === '') throw new UsageError('--output needs a file name', 'write e.g. --output iptlint.sarif, or leave --output out to print to stdout');
  return { output: path };
}

function hostSettings(args: RawArgs, color: boolean | undefined, parse: ParseSettings): HostSettings {
  return {
    file: restoreStdin(String(args.file)),
    ...(args.ip6 === undefined ? {} : { ip6File: args.ip6 }),
    format: args.format === 'json' ? 'json' : 'text',
    ...(color === undefined ? {} : { color }),
    parse,
    docker: dockerSettings(args),
    ...topologySettings(args),
  };
}

function topologySettings(args: RawArgs): TopologySettings {
  const brNetfilter: Partial<Record<Family, boolean>> = {};
  if (args.bridgeNfCallIptables !== undefined) brNetfilter.ipv4 = args.bridgeNfCallIptables === 1;
  if (args.bridgeNfCallIp6tables !== undefined) brNetfilter.ipv6 = args.bridgeNfCallIp6tables === 1;
  return {
    hostAddrs: (args.hostAddr ?? []).map(String),
    routes: (args.route ?? []).map(parseRoute),
    ...(Object.keys(brNetfilter).length > 0 ? { brNetfilter } : {}),
  };
}

function diffCommand(args: RawArgs, color: boolean | undefined, parse: ParseSettings): ParsedCommand {
  // --ip6 is one file for trace/reach and an array (old, new) for diff.
  const ip6 = ([] as unknown[]).concat(args.ip6 ?? []).map(String);
  if (ip6.length !== 0 && ip6.length !== 2) {
    throw new UsageError(`--ip6 takes two files (old and new), got ${ip6.length}`, 'write --ip6 OLD6.rules NEW6.rules');
  }
  const side = (file: string | undefined, ip6File: string | undefined, networksPath: string | undefined, containersPath: string | undefined): DiffSide => ({
    file: restoreStdin(String(file)),
    ...(ip6File === undefined ? {} : { ip6File }),
    docker: {
      ...(networksPath === undefined ? {} : { networksPath }),
      ...(containersPath === undefined ? {} : { containersPath }),
    },
  });
  if (args.old === STDIN_TOKEN && args.new === STDIN_TOKEN) throw new UsageError('both dumps are stdin', 'give at most one of OLD and NEW as -');
  return {
    command: 'diff',
    old: side(args.old, ip6[0], args.oldDockerNetworks, args.oldDockerContainers),
    new: side(args.new, ip6[1], args.newDockerNetworks, args.newDockerContainers),
    format: args.format === 'json' ? 'json' : 'text',
    ...(color === undefined ? {} : { color }),
    parse,
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
