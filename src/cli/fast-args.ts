/**
 * The everyday `iptlint check FILE… [--format F] [--fail-on S] [--quiet]
 * [--verbose] [--timing] [--[no-]reach] [--[no-]color] [--input-format F]
 * [--family F] [--docker-networks F] [--docker-containers F] [--policy F]
 * [--docker-version V]` and `iptlint reach FILE [--ip6 F] [--format F]
 * [--timing] [--docker-networks F] [--docker-containers F]` read without yargs:
 * building the yargs parser (and its help text, which it renders on every
 * parse) costs more CPU than linting a small dump, and a pre-commit hook or
 * a fleet scan pays it on every run. Anything this reader does not know
 * exactly (other options, `--opt=value`, `--`, help, bad values) returns
 * undefined and goes through yargs, which stays the one authority on the
 * command line; a test checks both readers agree.
 */
import type { ParsedCommand } from './args.js';
import { failOnChoices, type FailOn } from './exit-code.js';
import { formatterNames, type FormatterName } from '../formatters/names.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../input-limit.js';

type CheckCommand = Extract<ParsedCommand, { command: 'check' }>;
type ReachCommand = Extract<ParsedCommand, { command: 'reach' }>;

export function fastArgs(argv: readonly string[]): CheckCommand | ReachCommand | undefined {
  return fastCheckArgs(argv) ?? fastReachArgs(argv);
}

/** Docker state options of check, as `DockerSettings` keys. */
const CHECK_DOCKER_OPTIONS = {
  '--docker-networks': 'networksPath',
  '--docker-containers': 'containersPath',
  '--policy': 'policyPath',
  '--docker-version': 'dockerVersion',
} as const;

const INPUT_FORMATS = ['save', 'list', 'auto'] as const;
const FAMILIES = ['ipv4', 'ipv6'] as const;

export function fastCheckArgs(argv: readonly string[]): CheckCommand | undefined {
  if (argv[0] !== 'check') return undefined;
  const files: string[] = [];
  let format: FormatterName = 'stylish';
  let failOn: FailOn = 'error';
  let quiet = false;
  let verbose = false;
  let timing = false;
  let reach = true;
  let color: boolean | undefined;
  const parse: CheckCommand['parse'] = { maxInputBytes: DEFAULT_MAX_INPUT_BYTES };
  const docker: CheckCommand['docker'] = {};
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    // yargs turns a repeated option into an array and reads `--quiet true` as a value.
    const next = argv[i + 1];
    const key = arg.replace(/^--no-/, '--');
    if (seen.has(key) || next === 'true' || next === 'false') return undefined;
    seen.add(key);
    /** The option's value when it is one of `choices`; it is then consumed. */
    const choice = <T extends string>(choices: readonly T[]): T | undefined => {
      const value = choices.find((name) => name === next);
      if (value !== undefined) i++;
      return value;
    };
    switch (arg) {
      case '--format': {
        const value = choice(formatterNames);
        if (value === undefined) return undefined;
        format = value;
        break;
      }
      case '--fail-on': {
        const value = choice(failOnChoices);
        if (value === undefined) return undefined;
        failOn = value;
        break;
      }
      case '--input-format': {
        const value = choice(INPUT_FORMATS);
        if (value === undefined) return undefined;
        parse.inputFormat = value;
        break;
      }
      case '--family': {
        const value = choice(FAMILIES);
        if (value === undefined) return undefined;
        parse.family = value;
        break;
      }
      case '--quiet':
        quiet = true;
        break;
      case '--verbose':
        verbose = true;
        break;
      case '--timing':
        timing = true;
        break;
      case '--reach':
      case '--no-reach':
        reach = arg === '--reach';
        break;
      case '--color':
      case '--no-color':
        color = arg === '--color';
        break;
      default: {
        if (!(arg in CHECK_DOCKER_OPTIONS)) return undefined;
        // A value yargs might read as an option, or nothing, is left to yargs.
        if (next === undefined || next === '' || next.startsWith('-')) return undefined;
        docker[CHECK_DOCKER_OPTIONS[arg as keyof typeof CHECK_DOCKER_OPTIONS]] = next;
        i++;
      }
    }
  }
  return {
    command: 'check',
    files,
    format,
    failOn,
    quiet,
    verbose,
    timing,
    ...(color === undefined ? {} : { color }),
    parse,
    docker,
    reach,
    topology: { hostAddrs: [], routes: [] },
    updateBaseline: false,
  };
}

const REACH_PATHS = { '--ip6': 'ip6File', '--docker-networks': 'networksPath', '--docker-containers': 'containersPath' } as const;

export function fastReachArgs(argv: readonly string[]): ReachCommand | undefined {
  if (argv[0] !== 'reach') return undefined;
  let file: string | undefined;
  let format: ReachCommand['format'] = 'text';
  let color: boolean | undefined;
  let timing = false;
  const paths: Partial<Record<(typeof REACH_PATHS)[keyof typeof REACH_PATHS], string>> = {};
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-' || !arg.startsWith('-')) {
      if (file !== undefined) return undefined;
      file = arg;
      continue;
    }
    const next = argv[i + 1];
    if (seen.has(arg) || next === 'true' || next === 'false') return undefined;
    seen.add(arg);
    if (arg === '--color' || arg === '--no-color') {
      color = arg === '--color';
      continue;
    }
    if (arg === '--timing') {
      timing = true;
      continue;
    }
    // A value yargs might read as an option, a number or nothing is left to yargs.
    if (next === undefined || next === '' || next.startsWith('-')) return undefined;
    i++;
    if (arg === '--format') {
      if (next !== 'text' && next !== 'json') return undefined;
      format = next;
    } else if (arg in REACH_PATHS) {
      paths[REACH_PATHS[arg as keyof typeof REACH_PATHS]] = next;
    } else {
      return undefined;
    }
  }
  if (file === undefined) return undefined;
  const { ip6File, ...docker } = paths;
  return {
    command: 'reach',
    file,
    ...(ip6File === undefined ? {} : { ip6File }),
    format,
    ...(color === undefined ? {} : { color }),
    parse: { inputFormat: 'auto', maxInputBytes: DEFAULT_MAX_INPUT_BYTES },
    docker,
    hostAddrs: [],
    routes: [],
    timing,
  };
}
