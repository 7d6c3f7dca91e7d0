import kleur from 'kleur';
import type { Severity } from './types.js';

type Paint = (text: string) => string;

export interface Palette {
  path: Paint;
  severity: Record<Severity, Paint>;
  ruleId: Paint;
  gutter: Paint;
  fix: Paint;
  summaryBad: Paint;
  summaryGood: Paint;
}

const plain: Paint = (text) => text;

/**
 * kleur decides globally (NO_COLOR, FORCE_COLOR, TTY) whether it paints; a
 * formatter is told explicitly, so each paint call forces kleur on for its
 * duration and restores the global setting afterwards.
 */
function kleurPaint(paint: (text: string) => string): Paint {
  return (text) => {
    const wasEnabled = kleur.enabled;
    kleur.enabled = true;
    try {
      return paint(text);
    } finally {
      kleur.enabled = wasEnabled;
    }
  };
}

export function createPalette(color: boolean): Palette {
  if (!color) {
    return {
      path: plain,
      severity: { error: plain, warning: plain, info: plain },
      ruleId: plain,
      gutter: plain,
      fix: plain,
      summaryBad: plain,
      summaryGood: plain,
    };
  }
  return {
    path: kleurPaint((t) => kleur.bold(t)),
    severity: {
      error: kleurPaint((t) => kleur.red(t)),
      warning: kleurPaint((t) => kleur.yellow(t)),
      info: kleurPaint((t) => kleur.blue(t)),
    },
    ruleId: kleurPaint((t) => kleur.gray(t)),
    gutter: kleurPaint((t) => kleur.gray(t)),
    fix: kleurPaint((t) => kleur.green(t)),
    summaryBad: kleurPaint((t) => kleur.red().bold(t)),
    summaryGood: kleurPaint((t) => kleur.green().bold(t)),
  };
}
