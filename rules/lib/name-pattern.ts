/** Chain-name patterns of rule options: `*` stands for any run of characters, everything else is literal. */
export function namePatternMatcher(patterns: readonly string[]): (name: string) => boolean {
  const expressions = patterns.map((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`));
  if (expressions.length === 0) return () => false;
  return (name) => {
    for (const expression of expressions) if (expression.test(name)) return true;
    return false;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
