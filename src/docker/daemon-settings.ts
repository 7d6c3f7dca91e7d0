/**
 * Daemon-wide settings that change rule shapes, read from the dump:
 * the userland proxy (nat OUTPUT jump, §8.6) and raw-table protection (§8.5).
 */
import type { Model } from '../model/types.js';
import { jumpsTo, rulesOf } from './model-access.js';
import { shapeOfRule } from './rule-shape.js';
import type { DaemonSettings, GenerationDetection, RawProtectionStyle } from './types.js';

function detectUserlandProxy(model: Model): { on: boolean; evidence: string } {
  for (const rule of jumpsTo(model, 'nat', 'OUTPUT', 'DOCKER')) {
    const excludesLoopback = shapeOfRule(rule).conditions.some((condition) => condition.name === 'd' && condition.negated);
    return excludesLoopback
      ? { on: true, evidence: `nat OUTPUT jump to DOCKER excludes loopback (line ${rule.span.line}): userland proxy on` }
      : { on: false, evidence: `nat OUTPUT jump to DOCKER includes loopback (line ${rule.span.line}): userland proxy off` };
  }
  for (const rule of rulesOf(model, 'nat', 'DOCKER')) {
    const shape = shapeOfRule(rule);
    if (shape.target !== 'DNAT') continue;
    const excludesBridge = shape.conditions.some((condition) => condition.name === 'i' && condition.negated);
    return { on: excludesBridge, evidence: `DNAT rule at line ${rule.span.line} ${excludesBridge ? 'excludes' : 'does not exclude'} its bridge` };
  }
  return { on: true, evidence: 'no nat OUTPUT jump or DNAT rule to tell: assumed on (Docker default)' };
}

function rawStyle(detection: GenerationDetection): RawProtectionStyle {
  switch (detection.generation) {
    case 'G3':
      if (detection.variant === '28.0.0' || detection.variant === '28.0.1-28.1') return 'per-port';
      if (detection.variant === '28.2+') return 'per-endpoint';
      return 'either';
    case 'G4':
      return 'per-endpoint';
    default:
      return 'none';
  }
}

export function detectDaemonSettings(model: Model, detection: GenerationDetection): DaemonSettings {
  const proxy = detectUserlandProxy(model);
  return {
    userlandProxy: proxy.on,
    userlandProxyEvidence: proxy.evidence,
    rawTablePresent: model.tables.has('raw'),
    rawProtection: rawStyle(detection),
  };
}
