import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch scenarios/ root holding one jd-promotion suite made of the given files. */
export function tmpSuite(files: Record<string, string>): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'promoproof-suite-'));
  mkdirSync(join(root, 'jd-promotion'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'jd-promotion', name), text);
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
