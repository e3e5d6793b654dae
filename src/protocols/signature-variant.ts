/**
 * Near misses of a right signature, shared by every signed protocol: the cases that catch a server
 * comparing signatures by prefix, by their first characters only, or without regard to case.
 */

/** The near misses a step may send instead of the right signature (`Transport.signature`). */
export type SignatureVariant = 'last-digit-changed' | 'truncated' | 'upper-case';

/**
 * `signature` turned into its near miss:
 * - `last-digit-changed`: the last character replaced by `0`, or by `1` when it is `0`. Both are digits,
 *   which have no upper or lower case, so the result differs from the right signature in more than case:
 *   a server that compares case-insensitively (conformant where a document fixes no case) still refuses
 *   it, while one that compares only a prefix or the first N characters accepts it.
 * - `truncated`: the last character left out (63 of 64 hex digits): a prefix of the right signature,
 *   which a `startsWith` comparison accepts.
 * - `upper-case`: the right signature in upper case (hex digits a–f as A–F).
 */
export function signatureVariant(signature: string, variant: SignatureVariant): string {
  switch (variant) {
    case 'last-digit-changed':
      return `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
    case 'truncated':
      return signature.slice(0, -1);
    case 'upper-case':
      return signature.toUpperCase();
  }
}

/** Whether a `Transport.signature` value is one of the near misses (the others are handled by each protocol). */
export function isSignatureVariant(mode: string | undefined): mode is SignatureVariant {
  return mode === 'last-digit-changed' || mode === 'truncated' || mode === 'upper-case';
}
