/**
 * check --baseline FILE [--update-baseline]: hides the findings the baseline
 * accepts and counts them, or records every finding of this run into it.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { applyBaseline, baselineEntries, baselineKey, BaselineError, BASELINE_VERSION, readBaseline, writeBaseline, type Baseline } from '../baseline/baseline.js';
import type { Finding } from '../engine/types.js';
import { neutralize } from '../formatters/terminal-text.js';
import type { CliIo } from './io.js';
import { toolVersion } from './version.js';

export class BaselineRun {
  private baselined = 0;
  private recorded = 0;
  private readonly dumps = new Set<string>();

  private constructor(
    private readonly file: string,
    private readonly update: boolean,
    private readonly baseline: Baseline,
    private readonly io: CliIo,
  ) {}

  /** undefined without --baseline; 'failed' (already reported) when the file is unusable. */
  static open(file: string | undefined, update: boolean, io: CliIo): BaselineRun | undefined | 'failed' {
    if (file === undefined) return undefined;
    const path = isAbsolute(file) ? file : resolve(io.cwd, file);
    try {
      const baseline: Baseline = update && !existsSync(path) ? { version: BASELINE_VERSION, files: {} } : readBaseline(file, io.cwd);
      return new BaselineRun(file, update, baseline, io);
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      io.stderr(`iptlint: ${neutralize(error.message)}\nhint: fix or delete the baseline file, then recreate it with --update-baseline; nothing was checked\n`);
      return 'failed';
    }
  }

  /** The findings of one dump to report: all of them when updating, else those the baseline does not accept. */
  findingsToReport(dumpFile: string, source: string, findings: Finding[]): Finding[] {
    const key = baselineKey(this.file, dumpFile, this.io.cwd);
    if (this.update) {
      const entries = baselineEntries(findings, source);
      this.baseline.files[key] = entries;
      this.recorded += Object.keys(entries).length;
      this.dumps.add(key);
      return findings;
    }
    const { fresh, baselined } = applyBaseline(findings, source, Object.hasOwn(this.baseline.files, key) ? this.baseline.files[key] : undefined);
    this.baselined += baselined;
    return fresh;
  }

  /** --update-baseline: writes the file; otherwise says how many findings it hid. False when the file could not be written. */
  finish(): boolean {
    const name = neutralize(this.file);
    if (!this.update) {
      this.io.stderr(`baseline ${name}: ${this.baselined} known finding${this.baselined === 1 ? '' : 's'} not shown\n`);
      return true;
    }
    try {
      writeBaseline(this.file, this.io.cwd, { ...this.baseline, version: BASELINE_VERSION, tool: `iptlint ${toolVersion}` });
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      this.io.stderr(`iptlint: ${neutralize(error.message)}\nhint: check that the directory exists and is writable\n`);
      return false;
    }
    this.io.stderr(`baseline ${name}: recorded ${this.recorded} finding${this.recorded === 1 ? '' : 's'} of ${this.dumps.size} dump${this.dumps.size === 1 ? '' : 's'}\n`);
    return true;
  }
}
