/**
 * Maps a Docker Engine version string to the rule generation it installs
 * (boundaries from reference/docker-rules.md §0.1 and §5.1).
 */
import type { DockerGeneration, G3Variant } from './types.js';

export interface DockerVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Accepts `20.10.24`, `v28.3.1`, `docker-v29.0.0`, `17.06.2-ce`, `Docker version 28.3.1, build 38b7060`. */
export function parseDockerVersion(text: string): DockerVersion | null {
  const found = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!found) return null;
  return { major: Number(found[1]), minor: Number(found[2]), patch: Number(found[3] ?? '0'), text: found[0] };
}

export interface VersionGeneration {
  /** Null: older than 1.10 (no isolation chain; out of scope). */
  generation: DockerGeneration | null;
  variant?: G3Variant;
  versions: string;
}

export const GENERATION_VERSIONS: Record<DockerGeneration, string> = {
  G1a: '1.10–17.05',
  G1b: '17.06–18.03.0, 18.04',
  G2: '18.03.1, 18.05–27.x',
  G3: '28.x',
  G4: '29.x',
  'G4-nft': '29.x (nftables backend)',
};

export const G3_VARIANT_VERSIONS: Record<G3Variant, string> = {
  '28.0.0': '28.0.0',
  '28.0.1-28.1': '28.0.1–28.1.x',
  '28.2+': '28.2.0–28.5.x',
};

function g3Variant(version: DockerVersion): G3Variant {
  if (version.minor === 0 && version.patch === 0) return '28.0.0';
  if (version.minor <= 1) return '28.0.1-28.1';
  return '28.2+';
}

export function generationOfVersion(version: DockerVersion): VersionGeneration {
  const { major, minor, patch } = version;
  const of = (generation: DockerGeneration): VersionGeneration => ({ generation, versions: GENERATION_VERSIONS[generation] });
  if (major === 1) return minor >= 10 ? of('G1a') : { generation: null, versions: '≤1.9' };
  if (major < 17) return { generation: null, versions: `${version.text} (unknown)` };
  if (major === 17) return minor < 6 ? of('G1a') : of('G1b');
  if (major === 18) {
    if (minor < 3 || minor === 4) return of('G1b');
    if (minor === 3) return patch >= 1 ? of('G2') : of('G1b');
    return of('G2');
  }
  if (major <= 27) return of('G2');
  if (major === 28) {
    const variant = g3Variant(version);
    return { generation: 'G3', variant, versions: G3_VARIANT_VERSIONS[variant] };
  }
  return of('G4');
}
