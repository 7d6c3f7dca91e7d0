/**
 * What every formatter receives: one report per input, findings already
 * filtered (e.g. `--quiet`) and in any order. Formatters never read files.
 */
import type { DumpFormat, Family } from '../../grammar/ast.js';
import type { Finding, Severity } from '../engine/types.js';
import type { ReachJson } from '../packet/reach-render.js';

export interface CheckedFileReport {
  status: 'checked';
  /** Path as given on the command line, or `<stdin>`. */
  file: string;
  /** The decoded text, for source excerpts under each finding. */
  source: string;
  findings: readonly Finding[];
  /** What the parser took the input to be. */
  format?: DumpFormat;
  family?: Family;
  /**
   * The packet model's reachability report for this (IPv4) dump, when Docker
   * state was given: isolation matrix, outbound access, exposure, DOCKER-USER.
   */
  reach?: ReachJson;
}

/** An input that could not be read at all (missing file, directory, permission). */
export interface UnreadableFileReport {
  status: 'unreadable';
  file: string;
  /** One line, e.g. `no such file or directory`. */
  error: string;
}

export type FileReport = CheckedFileReport | UnreadableFileReport;

export interface ToolInfo {
  name: string;
  version: string;
  /** The project's home page; rule docs are linked below it (`<informationUri>/blob/main/docs/rules/<id>.md`). */
  informationUri?: string;
}

export interface FormatOptions {
  /** Emit ANSI colours (stylish only). */
  color: boolean;
  tool: ToolInfo;
  /** Directory that relative report paths are relative to (SARIF URIs); default: paths are used as given. */
  cwd?: string;
  /** Time of the scan (Prometheus timestamp, SARIF invocation); default: now. */
  now?: Date;
}

export type Formatter = (reports: readonly FileReport[], options: FormatOptions) => string;

export interface SeverityCounts {
  error: number;
  warning: number;
  info: number;
}

export type { Finding, Severity };
