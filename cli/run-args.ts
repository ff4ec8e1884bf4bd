import { parseArgs } from 'node:util'
import type { CodecName } from '../index.ts'
import { MAX_BATCH_SIZE } from '../runtime/job/run-options.ts'
import { shown } from '../runtime/option-checks.ts'
import { optionList, parseArgsOptions } from './option-definition.ts'
import { refuseRepeats } from './parse-command-args.ts'
import { RUN_OPTIONS } from './run-command-options.ts'
import { paramsArg, workersArg } from './job-args.ts'
import { UsageError } from './usage-error.ts'

/** What `oxiflow run` was asked to do. */
export interface RunArgs {
  readonly help: boolean
  /** The module path as given (relative to the current directory). */
  readonly module: string
  readonly workers: number
  readonly params: Record<string, unknown>
  readonly batchSize: number | undefined
  readonly json: boolean
  /** Checkpointing: store path or URL, interval, restore ('latest' or an id), codec. */
  readonly store: string | undefined
  readonly checkpointInterval: number | undefined
  readonly restore: 'latest' | number | undefined
  /** `--allow-non-restored-state`: restore even when the checkpoint holds state of steps the pipeline lacks (dropped). */
  readonly allowNonRestoredState: boolean
  readonly codec: CodecName | undefined
  /** `--full-every` / `--max-chain-ratio`: undefined (the defaults), false (every checkpoint full) or the settings. */
  readonly incremental: false | { readonly fullEvery?: number; readonly maxChainRatio?: number } | undefined
  /** `--metrics-port P` (0 picks a free port) and `--metrics-host H` (default 127.0.0.1). */
  readonly metricsPort: number | undefined
  readonly metricsHost: string | undefined
  /** `--ui`: serve the live page (and the metrics) on --metrics-port, or on a free port without it. */
  readonly ui: boolean
  /** `--restart N [--restart-backoff MS]`: supervision, restarts from the last checkpoint. */
  readonly restart: { readonly attempts: number; readonly backoffMs?: number } | undefined
  /** `--stall-timeout MS` (0: off) and `--stop-timeout MS`: see RunOptions.stallTimeout and stopTimeout. */
  readonly stallTimeout: number | undefined
  readonly stopTimeout: number | undefined
}

const OPTIONS = parseArgsOptions(RUN_OPTIONS)

/** The snapshot codecs, default first (as `run --help` lists them). */
const CODECS: readonly CodecName[] = ['zstd', 'lz4', 'snappy', 'none']

const FLAGS = optionList(RUN_OPTIONS)

/**
 * Parses the arguments after `run`. Every mistake becomes a UsageError naming the flag and the fix.
 *
 * @example
 * parseRunArgs(['examples/clickstream.ts', '--params', '{"seconds":2}'])
 */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const { values, positionals } = parse(argv)
  if (values.help) {
    return { help: true, module: '', workers: 0, params: {}, batchSize: undefined, json: false, store: undefined, checkpointInterval: undefined, restore: undefined, allowNonRestoredState: false, codec: undefined, incremental: undefined, metricsPort: undefined, metricsHost: undefined, ui: false, restart: undefined, stallTimeout: undefined, stopTimeout: undefined }
  }
  if (positionals.length === 0) {
    throw new UsageError('oxiflow run needs a module: oxiflow run <module> [options], e.g. oxiflow run examples/clickstream.ts', 'run')
  }
  if (positionals.length > 1) {
    throw new UsageError(`oxiflow run takes one module, got ${positionals.length}: ${positionals.join(' ')}; ` +
      `quote --params JSON that contains spaces`, 'run')
  }
  return {
    help: false,
    module: positionals[0]!,
    workers: workersArg(values.workers, 'run'),
    params: paramsArg(values.params, 'run'),
    batchSize: values['batch-size'] === undefined ? undefined : atMost('--batch-size', integer('--batch-size', values['batch-size'], 1, 'a positive integer'),
      MAX_BATCH_SIZE, 'a channel holds 8 batches, so memory grows with the batch, and larger batches are no faster (default 1024)'),
    json: values.json === true,
    store: values.store,
    checkpointInterval: values['checkpoint-interval'] === undefined ? undefined : integer('--checkpoint-interval', values['checkpoint-interval'], 1, 'a positive number of milliseconds'),
    restore: restore(values.restore),
    allowNonRestoredState: allowNonRestored(values['allow-non-restored-state'], values.restore),
    codec: codec(values.codec),
    incremental: incremental(values['full-every'], values['max-chain-ratio']),
    metricsPort: values['metrics-port'] === undefined ? undefined : port(values['metrics-port']),
    metricsHost: metricsHost(values['metrics-host'], values['metrics-port'] ?? (values.ui === true ? '0' : undefined)),
    ui: values.ui === true,
    restart: restart(values.restart, values['restart-backoff']),
    stallTimeout: values['stall-timeout'] === undefined ? undefined : integer('--stall-timeout', values['stall-timeout'], 0, 'a number of milliseconds ≥ 0 (0 turns stall detection off)'),
    stopTimeout: values['stop-timeout'] === undefined ? undefined : integer('--stop-timeout', values['stop-timeout'], 1, 'a positive number of milliseconds'),
  }
}

function restart(attempts: string | undefined, backoff: string | undefined): RunArgs['restart'] {
  if (attempts === undefined) {
    if (backoff !== undefined) throw new UsageError('--restart-backoff needs --restart N (the number of restarts allowed)', 'run')
    return undefined
  }
  return {
    attempts: integer('--restart', attempts, 0, 'a non-negative integer (restarts allowed)'),
    ...(backoff !== undefined && { backoffMs: integer('--restart-backoff', backoff, 0, 'a number of milliseconds ≥ 0') }),
  }
}

function incremental(fullEvery: string | undefined, ratio: string | undefined): RunArgs['incremental'] {
  if (fullEvery === undefined && ratio === undefined) return undefined
  const every = fullEvery === undefined ? undefined : integer('--full-every', fullEvery, 1, 'a positive integer (1: every checkpoint full)')
  const r = ratio === undefined ? undefined : Number(ratio)
  if (r !== undefined && !(/^\d+(\.\d+)?$/.test(ratio!) && r > 0)) throw new UsageError(`--max-chain-ratio must be a positive number, e.g. 0.5 (got ${shown(ratio)})`, 'run')
  if (every === 1) return false
  return { ...(every !== undefined && { fullEvery: every }), ...(r !== undefined && { maxChainRatio: r }) }
}

// Checked here, not left to run(): a bad value is a usage error (exit 2) even when nothing would be checkpointed.
function codec(raw: string | undefined): CodecName | undefined {
  if (raw === undefined || (CODECS as readonly string[]).includes(raw)) return raw as CodecName | undefined
  throw new UsageError(`--codec must be one of ${CODECS.join(', ')} (got ${shown(raw)})`, 'run')
}

function port(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(Number.isSafeInteger(n) && n <= 65535)) throw new UsageError(`--metrics-port must be a port number from 0 to 65535 (got ${shown(raw)}); 0 picks a free port`, 'run')
  return n
}

function metricsHost(raw: string | undefined, port: string | undefined): string | undefined {
  if (raw !== undefined && port === undefined) throw new UsageError('--metrics-host needs --metrics-port or --ui: the metrics endpoint and live page are served only when one is given', 'run')
  if (raw !== undefined && raw.trim() === '') throw new UsageError(`--metrics-host must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got ${shown(raw)})`, 'run')
  return raw
}

function allowNonRestored(flag: boolean | undefined, restore: string | undefined): boolean {
  if (flag === true && restore === undefined) throw new UsageError('--allow-non-restored-state needs --restore latest|ID: it only changes what a restore does', 'run')
  return flag === true
}

function restore(raw: string | undefined): 'latest' | number | undefined {
  if (raw === undefined || raw === 'latest') return raw
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (!(Number.isSafeInteger(n) && n > 0)) throw new UsageError(`--restore must be 'latest' or a checkpoint id (got ${shown(raw)}); oxiflow checkpoints list <pipeline> shows the ids`, 'run')
  return n
}

function parse(argv: readonly string[]) {
  try {
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true, tokens: true })
    refuseRepeats(parsed.tokens, 'run')
    return parsed
  } catch (e) {
    if (e instanceof UsageError) throw e
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes; its text suggests `--` tricks, so say ours.
    const code = (e as { code?: string }).code
    const flag = /'(-[^' ]*)/.exec((e as Error).message)?.[1] ?? 'an option'
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option '${flag}' for oxiflow run; the options are ${FLAGS}`, 'run')
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const message = (e as Error).message
      if (message.includes('does not take an argument')) throw new UsageError(`option '${flag}' takes no value; write ${flag} alone`, 'run')
      if (message.includes('ambiguous')) {
        throw new UsageError(`option '${flag}' got a value starting with '-'; write ${flag}=VALUE if you mean it`, 'run')
      }
      const option = RUN_OPTIONS.find((o) => `--${o.name}` === flag && 'value' in o)
      throw new UsageError(`option '${flag}' needs a value${option && 'value' in option ? `: ${flag} ${option.value} (${option.description})` : ''}`, 'run')
    }
    throw new UsageError(`could not read the arguments: ${(e as Error).message}`, 'run')
  }
}

function integer(flag: string, raw: string | undefined, min: number, rule: string): number {
  if (raw === undefined) return min
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be ${rule} (got ${shown(raw)})`, 'run')
  return n
}

// The same bounds as run() checks, as usage errors (exit 2) before the module is even loaded.
function atMost(flag: string, n: number, max: number, why: string): number {
  if (n > max) throw new UsageError(`${flag} must be at most ${max} (got ${shown(n)}): ${why}`, 'run')
  return n
}
