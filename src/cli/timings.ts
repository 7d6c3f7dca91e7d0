/**
 * `check --timing` and `reach --timing`: where the wall-clock time of a run
 * went, printed on stderr after the report. Stages add up over all dumps; the
 * lint stage is broken down by rule, slowest first. A rule that first asks
 * for an analysis the rules share (the Docker analysis, the chain graph) is
 * charged for computing it, as ESLint's TIMING does.
 */
import type { CliIo } from './io.js';

export const TIMED_STAGES = [
  'docker',
  'read',
  'parse',
  'model',
  'lint',
  'reach',
  'host',
  'matrix',
  'outbound',
  'direct exposure',
  'published exposure',
  'findings',
  'report',
] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

type Row = TimedStage | 'start-up' | 'other' | 'total';

const STAGE_LABELS: Record<Row, string> = {
  'start-up': "start-up (Node, iptlint's code, arguments)",
  docker: 'Docker state (read the JSON)',
  read: 'read dumps (stdin: parsed as it arrives)',
  parse: 'parse',
  model: 'model',
  lint: 'lint rules',
  reach: 'reach (packet model)',
  host: "host model (Docker's inventory, topology)",
  matrix: 'isolation matrix',
  outbound: 'outbound access',
  'direct exposure': 'direct exposure',
  'published exposure': 'published ports',
  findings: 'reach findings',
  report: 'report',
  other: 'other',
  total: 'total',
};

/** Rules shown under the lint stage. */
const SHOWN_RULES = 10;

export class Timings {
  private readonly stages = new Map<TimedStage, number>();
  private readonly rules = new Map<string, number>();
  /** Milliseconds from the process start to the command start. */
  private readonly startup = performance.now();

  time<T>(stage: TimedStage, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.record(stage, performance.now() - started);
    }
  }

  async timeAsync<T>(stage: TimedStage, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.record(stage, performance.now() - started);
    }
  }

  /** For LintOptions.timeRule. */
  readonly rule = (ruleId: string, milliseconds: number): void => {
    this.rules.set(ruleId, (this.rules.get(ruleId) ?? 0) + milliseconds);
  };

  /** Adds time measured elsewhere (ReachOptions.timeSection). */
  readonly record = (stage: TimedStage, milliseconds: number): void => {
    this.stages.set(stage, (this.stages.get(stage) ?? 0) + milliseconds);
  };

  /** The table, with the total taken now. */
  render(now: number = performance.now()): string {
    const rows: [Row, number][] = [['start-up', this.startup]];
    for (const stage of TIMED_STAGES) if (this.stages.has(stage)) rows.push([stage, this.stages.get(stage) as number]);
    const accounted = rows.reduce((sum, [, ms]) => sum + ms, 0);
    rows.push(['other', Math.max(0, now - accounted)], ['total', now]);
    const lines = ['timing (wall clock, seconds):'];
    const width = Math.max(...rows.map(([name]) => STAGE_LABELS[name].length));
    for (const [name, ms] of rows) {
      lines.push(`  ${STAGE_LABELS[name].padEnd(width)}  ${seconds(ms)}  ${name === 'total' ? '' : percent(ms, now)}`.trimEnd());
      if (name === 'lint') lines.push(...this.ruleLines(ms, width));
    }
    return lines.join('\n') + '\n';
  }

  private ruleLines(lintMs: number, width: number): string[] {
    const slowest = [...this.rules].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, SHOWN_RULES);
    const lines = slowest.map(([id, ms]) => `    ${id.padEnd(width - 2)}  ${seconds(ms)}  ${percent(ms, lintMs)} of lint`);
    if (this.rules.size > SHOWN_RULES) lines.push(`    (${this.rules.size - SHOWN_RULES} more rules)`);
    return lines;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3).padStart(7);
}

function percent(part: number, whole: number): string {
  return `${(whole > 0 ? (100 * part) / whole : 0).toFixed(0).padStart(3)}%`;
}

/** `work()`, timed as `stage` when there are timings. */
export function timed<T>(timings: Timings | undefined, stage: TimedStage, work: () => T): T {
  return timings ? timings.time(stage, work) : work();
}

export function timedAsync<T>(timings: Timings | undefined, stage: TimedStage, work: () => Promise<T>): Promise<T> {
  return timings ? timings.timeAsync(stage, work) : work();
}

/** Runs a command with timings when `enabled`, and prints them on stderr when it ends, however it ends. */
export async function withTimings<T>(enabled: boolean, io: Pick<CliIo, 'stderr'>, run: (timings: Timings | undefined) => Promise<T>): Promise<T> {
  const timings = enabled ? new Timings() : undefined;
  try {
    return await run(timings);
  } finally {
    if (timings) io.stderr(timings.render());
  }
}
