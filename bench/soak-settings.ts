/** Settings and report shape shared by bench/soak.ts and its child, bench/soak-child.ts. */

/** The soak job's knobs. */
export const SOAK = {
  /** Seconds per source (`BENCH_SOAK_SECONDS`, default 120). */
  seconds: Number(process.env.BENCH_SOAK_SECONDS ?? 120),
  /** Records per second, produced into each source (`BENCH_SOAK_RATE`, default 10,000). */
  rate: Number(process.env.BENCH_SOAK_RATE ?? 10_000),
  /** Seconds between samples (`BENCH_SOAK_SAMPLE`, default 10). */
  sampleSeconds: Number(process.env.BENCH_SOAK_SAMPLE ?? 10),
  /** Samples before this many seconds are left out of the slope (JIT, buffers and the first windows settling). */
  warmUpSeconds: 20,
  keys: 50,
  checkpointMs: 500,
  nats: process.env.BENCH_NATS ?? '127.0.0.1:4222',
  redis: process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379',
} as const

/** A record as every source gives it (the generator's shape; the producer writes the same). */
export interface SoakRecord { readonly id: number; readonly key: string; readonly value: number; readonly ts: number }

/** What one child prints. */
export interface SoakChildReport {
  readonly source: string
  readonly status: string
  readonly records: number
  readonly windows: number
  readonly checkpoints: number
  /** t: seconds since records began to flow; rss and heap used after a full GC, MB; records read so far. */
  readonly samples: readonly { readonly t: number; readonly rssMB: number; readonly heapMB: number; readonly records: number }[]
}
