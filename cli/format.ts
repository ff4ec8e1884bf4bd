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

/** Time left, rounded up to what a person reads: 800 → '1 s', 75_000 → '1 min 15 s', 7_500_000 → '2 h 5 min'. */
export function timeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
