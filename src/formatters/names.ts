/** Output formats of `iptlint check`; kept apart so the CLI can list them without loading the formatters. */
export const formatterNames = ['stylish', 'json', 'sarif', 'junit', 'github', 'prometheus', 'html'] as const;

export type FormatterName = (typeof formatterNames)[number];

/**
 * Formats of `iptlint rules`: a rule list has no findings, files or scan,
 * so only the text table and JSON make sense for it.
 */
export const ruleListFormatNames = ['stylish', 'json'] as const satisfies readonly FormatterName[];

export type RuleListFormatName = (typeof ruleListFormatNames)[number];
