/** A version number "major.minor", shown as v2.3 and carried in JSON as "2.3". */
export interface VersionNumber {
  major: number;
  minor: number;
}

const PATTERN = /^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/i;

/** Parses "2.3" or "v2.3"; null for anything else. */
export function parseVersion(text: string): VersionNumber | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

export function formatVersion(v: VersionNumber): string {
  return `${v.major}.${v.minor}`;
}

/**
 * R8: the number for a new version. `highest` is the highest number ever allocated for the
 * prompt (deleted versions included), so numbers are never reused: M.(n+1), or (M+1).0 for a
 * major version.
 */
export function nextVersion(highest: VersionNumber, major: boolean): VersionNumber {
  return major ? { major: highest.major + 1, minor: 0 } : { major: highest.major, minor: highest.minor + 1 };
}

export function compareVersions(a: VersionNumber, b: VersionNumber): number {
  return a.major - b.major || a.minor - b.minor;
}
