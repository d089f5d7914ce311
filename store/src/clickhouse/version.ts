/** Parses `major.minor…` from a ClickHouse version string. */
export function parseVersion(version: string): { major: number; minor: number } {
  const [major = '0', minor = '0'] = version.split('.');
  return { major: Number(major) || 0, minor: Number(minor) || 0 };
}

/** True when `version` is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const v = parseVersion(version);
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Settings a DDL statement using `LowCardinality` needs: servers older than 19.3 only
 * accept the type behind an experimental flag, and newer ones reject that flag as unknown.
 */
export function lowCardinalitySettings(version: string): Record<string, number> | undefined {
  return versionAtLeast(version, 19, 3) ? undefined : { allow_experimental_low_cardinality_type: 1 };
}
