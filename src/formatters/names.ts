/** Output formats of `iptlint check`; kept apart so the CLI can list them without loading the formatters. */
export const formatterNames = ['stylish', 'json', 'html'] as const;

export type FormatterName = (typeof formatterNames)[number];
