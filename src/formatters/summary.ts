import type { FileReport, SeverityCounts } from './types.js';

export interface Summary extends SeverityCounts {
  problems: number;
  filesChecked: number;
  filesUnreadable: number;
}

export function summarize(reports: readonly FileReport[]): Summary {
  const summary: Summary = { problems: 0, error: 0, warning: 0, info: 0, filesChecked: 0, filesUnreadable: 0 };
  for (const report of reports) {
    if (report.status === 'unreadable') {
      summary.filesUnreadable++;
      continue;
    }
    summary.filesChecked++;
    for (const finding of report.findings) {
      summary[finding.severity]++;
      summary.problems++;
    }
  }
  return summary;
}
