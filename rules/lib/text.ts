/**
 * Text helpers shared by rule modules: quoting source lines in messages and
 * fixes, suggesting the closest name.
 */
import type { CommandLine, Span, Word } from '../../grammar/ast.js';

/** The command line as written (words joined by one blank), e.g. `-A INPUT -p tcp --dport 22 -j ACCEPT`. */
export function commandText(command: CommandLine): string {
  const pieces: { offset: number; text: string }[] = [];
  const add = (word: Word | undefined): void => {
    if (word) pieces.push({ offset: word.span.offset, text: word.raw });
  };
  const bang = (span: Span | undefined): void => {
    if (span) pieces.push({ offset: span.offset, text: '!' });
  };
  add(command.commandWord);
  add(command.chain);
  add(command.ruleNumber);
  add(command.argument);
  for (const part of command.rule?.parts ?? []) {
    switch (part.kind) {
      case 'base':
        bang(part.bangSpan);
        add(part.optionWord);
        part.values.forEach(add);
        break;
      case 'match':
        add(part.matchWord);
        if (part.matchWord) add(part.name);
        for (const option of part.options) {
          bang(option.bangSpan);
          add(option.optionWord);
          option.values.forEach(add);
        }
        break;
      case 'target':
        add(part.jumpWord);
        add(part.name);
        for (const option of part.options) {
          bang(option.bangSpan);
          add(option.optionWord);
          option.values.forEach(add);
        }
        break;
    }
  }
  pieces.sort((a, b) => a.offset - b.offset);
  return pieces.map((p) => p.text).join(' ');
}

/** `line 12: \`-A INPUT -j ACCEPT\`` */
export function quoteLine(command: CommandLine): string {
  return `line ${command.span.line}: \`${commandText(command)}\``;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** The candidate most similar to `name` (case-insensitive edit distance), if similar enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
