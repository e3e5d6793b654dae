import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  readonly name?: string;
  readonly version?: string;
}

/**
 * The package's root folder (package.json, specs/, scenarios/), found by walking up from this module
 * to the package.json named promoproof: the same answer from the sources (src/util/, under tsx and
 * vitest) and from the build (dist/util/), whatever the depth of either.
 */
function findPackageRoot(from: string): { root: string; manifest: Manifest } {
  for (let dir = from; ; ) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (manifest.name === 'promoproof') return { root: dir, manifest };
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`promoproof: no package.json of promoproof in ${from} or above`);
    dir = up;
  }
}

const found = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** Absolute path of the package's root folder, without a trailing separator. */
export const PACKAGE_ROOT: string = found.root;

/** The package's package.json, read once. */
export const PACKAGE_MANIFEST: Manifest = found.manifest;

/** Absolute path of a folder of the package (`specs`, `scenarios`), with a trailing separator. */
export function packageFolder(name: string): string {
  return join(PACKAGE_ROOT, name, '/');
}
