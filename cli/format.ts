/** Small number formats shared by the progress line and the summary table. */

/** 1234567 → '1,234,567'. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** 5012 → '5.01 s'; under a second, '340 ms'. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}

/** Lays out rows as left-aligned text columns separated by two spaces. */
export function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length) })
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
}
