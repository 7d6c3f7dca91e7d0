/**
 * The everyday `iptlint check FILE… [--format F] [--fail-on S] [--quiet]
 * [--timing] [--no-color]` and `iptlint reach FILE [--ip6 F] [--format F]
 * [--docker-networks F] [--docker-containers F]` read without yargs:
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

export function fastCheckArgs(argv: readonly string[]): CheckCommand | undefined {
  if (argv[0] !== 'check') return undefined;
  const files: string[] = [];
  let format: FormatterName = 'stylish';
  let failOn: FailOn = 'error';
  let quiet = false;
  let timing = false;
  let color: boolean | undefined;
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    // yargs turns a repeated option into an array and reads `--quiet true` as a value.
    const next = argv[i + 1];
    if (seen.has(arg) || next === 'true' || next === 'false') return undefined;
    seen.add(arg);
    switch (arg) {
      case '--format': {
        const value = formatterNames.find((name) => name === argv[i + 1]);
        if (value === undefined) return undefined;
        format = value;
        i++;
        break;
      }
      case '--fail-on': {
        const value = failOnChoices.find((name) => name === argv[i + 1]);
        if (value === undefined) return undefined;
        failOn = value;
        i++;
        break;
      }
      case '--quiet':
        quiet = true;
        break;
      case '--timing':
        timing = true;
        break;
      case '--color':
        color = true;
        break;
      case '--no-color':
        color = false;
        break;
      default:
        return undefined;
    }
  }
  return {
    command: 'check',
    files,
    format,
    failOn,
    quiet,
    verbose: false,
    timing,
    ...(color === undefined ? {} : { color }),
    parse: { maxInputBytes: DEFAULT_MAX_INPUT_BYTES },
    docker: {},
    reach: true,
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
  };
}
