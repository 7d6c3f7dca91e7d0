/** Colours for the trace and reach renderers; plain text unless asked. */
import kleur from 'kleur';

export type Paint = (text: string) => string;

export interface Colors {
  good: Paint;
  bad: Paint;
  unsure: Paint;
  dim: Paint;
  bold: Paint;
}

const plain: Paint = (text) => text;

/** kleur decides globally whether it paints; the renderer is told explicitly. */
function forced(paint: Paint): Paint {
  return (text) => {
    const was = kleur.enabled;
    kleur.enabled = true;
    try {
      return paint(text);
    } finally {
      kleur.enabled = was;
    }
  };
}

export function colors(enabled: boolean): Colors {
  if (!enabled) return { good: plain, bad: plain, unsure: plain, dim: plain, bold: plain };
  return {
    good: forced((t) => kleur.green(t)),
    bad: forced((t) => kleur.red(t)),
    unsure: forced((t) => kleur.yellow(t)),
    dim: forced((t) => kleur.gray(t)),
    bold: forced((t) => kleur.bold(t)),
  };
}
