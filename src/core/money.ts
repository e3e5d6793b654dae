/** Integer fen as yuan text with at least one decimal, as the JD documents write prices: 2000 → "20.0", 1895 → "18.95". */
export function fenToYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs % 100;
  return cents % 10 === 0 ? `${sign}${yuan}.${cents / 10}` : `${sign}${yuan}.${String(cents).padStart(2, '0')}`;
}

/** Yuan (at most two decimals, as the documents allow) to integer fen, exact. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}
