import { PACKAGE_MANIFEST } from './core/package-root.js';

/** The package version, from package.json (read once). */
export const VERSION: string = PACKAGE_MANIFEST.version ?? '0.0.0';
