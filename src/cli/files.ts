import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

/** A file-system error in a few words: "no such file", "permission denied", … */
export function fsReason(e: unknown, what: 'file' | 'folder' = 'file'): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `no such ${what}`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return (e as Error | undefined)?.message?.split('\n')[0] ?? String(e);
  }
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Reads a file the user named (`kind`: "waivers", "target config", …); a usage error (exit 2) naming
 * the file as given when it cannot be read.
 */
export function readUserFile(kind: string, path: string, cwd: string): { abs: string; text: string } {
  const abs = absolute(cwd, path);
  try {
    if (statSync(abs).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    return { abs, text: readFileSync(abs, 'utf8') };
  } catch (e) {
    throw new CliError(`cannot read ${kind} file '${path}': ${fsReason(e)}`, EXIT.usage, 'PP_PATH');
  }
}

/** A folder the user named, checked readable; a usage error naming it otherwise. */
export function userFolder(kind: string, path: string, cwd: string): string {
  const abs = absolute(cwd, path);
  try {
    if (!statSync(abs).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR_SELF' });
    accessSync(abs, constants.R_OK | constants.X_OK);
    return abs;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOTDIR_SELF' ? 'not a folder' : fsReason(e, 'folder');
    throw new CliError(`cannot read ${kind} folder '${path}': ${reason}`, EXIT.usage, 'PP_PATH');
  }
}

/**
 * Makes sure a file can be written where the user asked (creating its folder), before any work is
 * done; a usage error naming the file otherwise.
 */
export function writableUserFile(kind: string, path: string, cwd: string): string {
  const abs = absolute(cwd, path);
  try {
    mkdirSync(dirname(abs), { recursive: true });
    let exists = true;
    try {
      if (statSync(abs).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      exists = false;
    }
    accessSync(exists ? abs : dirname(abs), constants.W_OK);
    return abs;
  } catch (e) {
    throw new CliError(`cannot write ${kind} file '${path}': ${fsReason(e, 'folder')}`, EXIT.usage, 'PP_PATH');
  }
}
