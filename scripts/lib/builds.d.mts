/** A browser bundle an app serves, and the files it is built from. */
export interface Bundle {
  name: string;
  /** npm workspace whose `build` script makes it. */
  workspace: string;
  /** Output folder, relative to the repository root. */
  dist: string;
  /** Files and folders (relative to the root) whose changes make the bundle stale. */
  inputs: string[];
}
export const bundles: Bundle[];
export function newestMtime(path: string): number;
export function buildReason(root: string, bundle: Bundle): 'missing' | 'stale' | undefined;
export function buildBundles(
  root: string,
  options?: { force?: boolean; log?: (line: string) => void },
): boolean;
