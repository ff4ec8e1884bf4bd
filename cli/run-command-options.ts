import type { OptionDefinition } from './option-definition.ts'

/**
 * The options of `oxiflow run`, defined once: parseRunArgs parses them, `oxiflow run --help`
 * lists them, its unknown-option error names them. The checks of each value are parseRunArgs's.
 *
 * @example
 * RUN_OPTIONS.find((o) => o.name === 'workers')?.value // 'N'
 */
export const RUN_OPTIONS = [
  { name: 'workers', type: 'string', value: 'N', description: 'worker threads hosting the actors', default: '0: everything on the main thread' },
  { name: 'params', type: 'string', value: 'JSON', description: 'a JSON object passed to a function default export and to run()' },
  { name: 'batch-size', type: 'string', value: 'N', description: 'records per batch, a positive integer', default: '1024' },
  { name: 'store', type: 'string', value: 'PATH|URL', description: 'checkpoint store: a directory (file store) or URL', default: 'OXIFLOW_STORE or .oxiflow' },
  { name: 'checkpoint-interval', type: 'string', value: 'MS', description: 'take a checkpoint every MS milliseconds', default: 'off' },
  { name: 'restore', type: 'string', value: 'latest|ID', description: 'start from the newest valid checkpoint (fresh if none) or from checkpoint ID' },
  {
    name: 'allow-non-restored-state', type: 'boolean',
    description: 'with --restore: drop checkpointed state of steps this pipeline no longer has (renamed or removed) instead of refusing (exit 2)',
  },
  { name: 'codec', type: 'string', value: 'C', description: 'snapshot compression: zstd, lz4, snappy or none', default: 'zstd' },
  { name: 'full-every', type: 'string', value: 'N', description: 'incremental checkpoints: a full one at least every N checkpoints; 1 makes every checkpoint full', default: '10' },
  { name: 'max-chain-ratio', type: 'string', value: 'R', description: "incremental checkpoints: a full one once a state's chain of changes outweighs R × its full snapshot", default: '1' },
  { name: 'metrics-port', type: 'string', value: 'P', description: 'serve Prometheus metrics on http://127.0.0.1:P/metrics and the live page on http://127.0.0.1:P/ while the job runs; 0 picks a free port' },
  { name: 'metrics-host', type: 'string', value: 'H', description: 'the address to serve them on', default: '127.0.0.1' },
  { name: 'ui', type: 'boolean', description: 'serve the live page (the plan as a graph, live figures, checkpoints, errors): on --metrics-port, else a free port' },
  { name: 'restart', type: 'string', value: 'N', description: 'restart a failed job from its last checkpoint, at most N times (needs checkpoints)' },
  { name: 'restart-backoff', type: 'string', value: 'MS', description: 'wait before a restart; doubles each time, at most 30 s', default: '1000' },
  { name: 'stall-timeout', type: 'string', value: 'MS', description: 'warn when work is queued but no step progressed for MS; 0 turns it off', default: '60000' },
  { name: 'stop-timeout', type: 'string', value: 'MS', description: 'a graceful stop not done after MS fails, naming what it waits for', default: '60000' },
  { name: 'json', type: 'boolean', description: 'print one JSON object on stdout at the end: the summary, or the error' },
  { name: 'help', type: 'boolean', short: 'h', description: 'this help' },
] as const satisfies readonly OptionDefinition[]
