/**
 * Tells which generation of Docker rules a dump shows, with the chains and
 * rules that decided it (reference/docker-rules.md §1, first match wins),
 * and lets a Docker version string override the dump.
 */
import type { Model, Rule } from '../model/types.js';
import { G3_VARIANT_VERSIONS, GENERATION_VERSIONS, generationOfVersion, parseDockerVersion } from './docker-version.js';
import { chainDeclarationSpan, chainOf, hasChain, jumpsTo, rulesOf } from './model-access.js';
import { shapeOfRule } from './rule-shape.js';
import type { DockerGeneration, G3Variant, GenerationDetection, GenerationEvidence } from './types.js';

const STAGE1 = 'DOCKER-ISOLATION-STAGE-1';
const STAGE2 = 'DOCKER-ISOLATION-STAGE-2';

function chainEvidence(model: Model, name: string, fact: string): GenerationEvidence {
  const chain = chainOf(model, 'filter', name);
  return chain ? { fact, span: chainDeclarationSpan(chain) } : { fact };
}

function ruleEvidence(rule: Rule, fact: string): GenerationEvidence {
  return { fact, span: rule.span };
}

function ipsetRules(model: Model): Rule[] {
  return rulesOf(model, 'filter', 'FORWARD').filter((rule) =>
    shapeOfRule(rule).conditions.some((condition) => condition.name === 'set.match-set' && condition.value.startsWith('docker-ext-bridges-')),
  );
}

/** 28.0.1–28.1 drop direct access per published port; 28.2+ per endpoint (§5.1). */
function g3VariantFromRaw(model: Model): { variant?: G3Variant; evidence?: GenerationEvidence } {
  for (const rule of rulesOf(model, 'raw', 'PREROUTING')) {
    const shape = shapeOfRule(rule);
    if (shape.target !== 'DROP') continue;
    const names = shape.conditions.map((condition) => `${condition.negated ? '!' : ''}${condition.name}`).join(' ');
    const loopback = shape.conditions.some((condition) => condition.name === 'i' && condition.value === 'lo');
    if (loopback) continue;
    if (names === 'd !i') return { variant: '28.2+', evidence: ruleEvidence(rule, 'raw PREROUTING drops direct access per endpoint (no port): 28.2.0 or later') };
    if (names === 'd dport !i p') return { variant: '28.0.1-28.1', evidence: ruleEvidence(rule, 'raw PREROUTING drops direct access per published port: 28.0.1–28.1.x') };
  }
  return {};
}

interface DumpDetection {
  generation: DockerGeneration | null;
  variant?: G3Variant;
  evidence: GenerationEvidence[];
}

function detectFromDump(model: Model): DumpDetection {
  const evidence: GenerationEvidence[] = [];
  const hasStage = hasChain(model, 'filter', STAGE1) || hasChain(model, 'filter', STAGE2);

  const internalJumps = jumpsTo(model, 'filter', 'DOCKER-FORWARD', 'DOCKER-INTERNAL');
  if (hasChain(model, 'filter', 'DOCKER-INTERNAL') || internalJumps.length > 0) {
    evidence.push(chainEvidence(model, 'DOCKER-INTERNAL', 'chain DOCKER-INTERNAL exists (added in 29.0)'));
    for (const rule of internalJumps) evidence.push(ruleEvidence(rule, 'DOCKER-FORWARD jumps to DOCKER-INTERNAL'));
    evidence.push(
      hasStage
        ? chainEvidence(model, STAGE1, 'DOCKER-ISOLATION-STAGE-* chains still exist (29.x deletes them at start: left over?)')
        : { fact: 'no DOCKER-ISOLATION-STAGE-* chains (removed in 29.0)' },
    );
    return { generation: 'G4', evidence };
  }

  const ipset = ipsetRules(model);
  // 28.0.0 never created DOCKER-FORWARD: with a jump to it, ipset rules are leftovers of an upgrade.
  const upgradedPast2800 = jumpsTo(model, 'filter', 'FORWARD', 'DOCKER-FORWARD').length > 0;
  if (ipset.length > 0 && !upgradedPast2800) {
    for (const rule of ipset) evidence.push(ruleEvidence(rule, 'FORWARD matches ipset docker-ext-bridges-*: only 28.0.0 does this'));
    return { generation: 'G3', variant: '28.0.0', evidence };
  }

  const forwardJumps = jumpsTo(model, 'filter', 'FORWARD', 'DOCKER-FORWARD');
  if (hasChain(model, 'filter', 'DOCKER-FORWARD') || forwardJumps.length > 0) {
    for (const rule of forwardJumps) evidence.push(ruleEvidence(rule, 'FORWARD jumps to DOCKER-FORWARD (28.0.1 and later)'));
    if (forwardJumps.length === 0) evidence.push(chainEvidence(model, 'DOCKER-FORWARD', 'chain DOCKER-FORWARD exists (28.0.1 and later)'));
    const stageJumps = jumpsTo(model, 'filter', 'DOCKER-FORWARD', STAGE1);
    for (const rule of stageJumps) evidence.push(ruleEvidence(rule, 'DOCKER-FORWARD jumps to DOCKER-ISOLATION-STAGE-1 (28.x; 29.0 removed it)'));
    if (stageJumps.length === 0 && hasStage) evidence.push(chainEvidence(model, STAGE1, 'DOCKER-ISOLATION-STAGE-1 exists (28.x; 29.0 removed it)'));
    if (stageJumps.length === 0 && !hasStage) {
      evidence.push({ fact: 'neither DOCKER-ISOLATION-STAGE-1 nor DOCKER-INTERNAL exists: taken as 29.x' });
      return { generation: 'G4', evidence };
    }
    for (const rule of ipset) evidence.push(ruleEvidence(rule, 'ipset rule of 28.0.0 next to DOCKER-FORWARD: left over from an upgrade'));
    const raw = g3VariantFromRaw(model);
    if (raw.evidence) evidence.push(raw.evidence);
    return raw.variant ? { generation: 'G3', variant: raw.variant, evidence } : { generation: 'G3', evidence };
  }

  const stageFromForward = jumpsTo(model, 'filter', 'FORWARD', STAGE1);
  if (hasStage || stageFromForward.length > 0) {
    for (const rule of stageFromForward) evidence.push(ruleEvidence(rule, 'FORWARD jumps to DOCKER-ISOLATION-STAGE-1 (18.03.1/18.05–27.x)'));
    if (stageFromForward.length === 0) evidence.push(chainEvidence(model, STAGE1, 'chain DOCKER-ISOLATION-STAGE-1 exists, no DOCKER-FORWARD'));
    for (const chain of [STAGE1, STAGE2]) {
      const ret = rulesOf(model, 'filter', chain).find((rule) => rule.unconditional && rule.action.kind === 'verdict' && rule.action.verdict === 'RETURN');
      if (ret) evidence.push(ruleEvidence(ret, `${chain} ends with -j RETURN (only before 28.0)`));
    }
    return { generation: 'G2', evidence };
  }

  if (hasChain(model, 'filter', 'DOCKER-ISOLATION') || jumpsTo(model, 'filter', 'FORWARD', 'DOCKER-ISOLATION').length > 0) {
    evidence.push(chainEvidence(model, 'DOCKER-ISOLATION', 'single DOCKER-ISOLATION chain (1.10–18.04)'));
    const userJump = jumpsTo(model, 'filter', 'FORWARD', 'DOCKER-USER')[0];
    if (hasChain(model, 'filter', 'DOCKER-USER') || userJump) {
      evidence.push(userJump ? ruleEvidence(userJump, 'FORWARD jumps to DOCKER-USER (17.06 and later)') : chainEvidence(model, 'DOCKER-USER', 'chain DOCKER-USER exists (17.06 and later)'));
      return { generation: 'G1b', evidence };
    }
    evidence.push({ fact: 'no DOCKER-USER chain (added in 17.06)' });
    return { generation: 'G1a', evidence };
  }

  if (hasChain(model, 'filter', 'DOCKER') || hasChain(model, 'nat', 'DOCKER')) {
    evidence.push({ fact: 'DOCKER chain without any isolation chain: Docker 1.9 or older, not audited' });
    return { generation: null, evidence };
  }
  const userChain = chainOf(model, 'filter', 'DOCKER-USER');
  if (userChain) {
    evidence.push({
      fact: 'only DOCKER-USER exists: left over after Docker stopped managing iptables (--iptables=false, or the 29.x nftables backend)',
      span: chainDeclarationSpan(userChain),
    });
  }
  return { generation: null, evidence };
}

function versionsOf(generation: DockerGeneration | null, variant?: G3Variant): string {
  if (!generation) return 'none';
  if (generation === 'G3' && variant) return G3_VARIANT_VERSIONS[variant];
  if (generation === 'G3') return '28.0.1–28.5.x';
  return GENERATION_VERSIONS[generation];
}

/**
 * Detects the generation. A version string wins over the dump when the dump
 * shows Docker rules at all; a dump without Docker rules stays "no Docker
 * rules", except that 29.x may be running its nftables backend.
 */
export function detectGeneration(model: Model, dockerVersion?: string): GenerationDetection {
  const dump = detectFromDump(model);
  const fromDump: GenerationDetection = {
    generation: dump.generation,
    versions: versionsOf(dump.generation, dump.variant),
    evidence: dump.evidence,
    decidedBy: dump.generation ? 'dump' : 'none',
    ...(dump.variant ? { variant: dump.variant } : {}),
  };
  if (dockerVersion === undefined) return fromDump;
  const parsed = parseDockerVersion(dockerVersion);
  if (!parsed) return fromDump;
  const stated = generationOfVersion(parsed);
  const versionEvidence: GenerationEvidence = { fact: `Docker version ${parsed.text} given: ${stated.generation ?? 'no audited generation'} (${stated.versions})` };

  if (dump.generation === null) {
    if (stated.generation === 'G4') {
      return {
        generation: 'G4-nft',
        versions: GENERATION_VERSIONS['G4-nft'],
        evidence: [versionEvidence, ...dump.evidence, { fact: 'no Docker chains in the dump: 29.x writes its rules with nftables (table ip docker-bridges), invisible here' }],
        decidedBy: 'version',
        dumpGeneration: null,
      };
    }
    return { ...fromDump, evidence: [versionEvidence, ...dump.evidence], dumpGeneration: null };
  }

  const variant = stated.variant ?? (stated.generation === dump.generation ? dump.variant : undefined);
  const detection: GenerationDetection = {
    generation: stated.generation,
    versions: stated.generation === 'G3' && variant ? G3_VARIANT_VERSIONS[variant] : stated.versions,
    evidence: [versionEvidence, ...dump.evidence],
    decidedBy: 'version',
    dumpGeneration: dump.generation,
    ...(variant ? { variant } : {}),
  };
  const sameVariant = !dump.variant || !stated.variant || dump.variant === stated.variant;
  if (stated.generation !== dump.generation || !sameVariant) {
    detection.conflict = `the dump has the rule shapes of ${dump.generation} (${fromDump.versions}) but Docker ${parsed.text} installs ${stated.generation ?? 'no audited generation'} rules: rules of an older or newer daemon may be left over`;
  }
  return detection;
}
