import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

/** The repository root: the CLI runs from here, so fixture paths are relative to it. */
export const root = fileURLToPath(new URL('../../', import.meta.url))
const bin = fileURLToPath(new URL('../../bin/oxiflow.mjs', import.meta.url))

// ava starts every test of a file at once; 20 CLI processes compiling TypeScript together on a
// 2-core machine take 20 s each and hit timeouts. Half the cores per test file keeps them quick.
const slots = Math.max(1, Math.floor(availableParallelism() / 2))
let running = 0
const waiting: Array<() => void> = []

async function slot(): Promise<() => void> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  return () => { running--; waiting.shift()?.() }
}

export interface CliResult {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `node bin/oxiflow.mjs ...args` as a child process (stdout and stderr are pipes, not TTYs).
 * `queued: false` starts it at once, outside the per-file limit: for a process that must run beside
 * one started with startCli (which holds its slot until it exits).
 */
export async function runCli(args: readonly string[], env: Record<string, string> = {}, options: { queued?: boolean } = {}): Promise<CliResult> {
  const release = options.queued === false ? () => undefined : await slot()
  return new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: unknown; signal?: string | null }) | null
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr })
      })
  }).finally(release)
}

/** Starts the CLI and resolves once its stderr has printed `marker`, for tests that signal it. */
export async function startCli(args: readonly string[], marker: string): Promise<{ child: ChildProcess; result: Promise<CliResult> }> {
  const release = await slot()
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  }).finally(release)
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderr += s
      if (stderr.includes(marker)) resolve({ child, result })
    })
    void result.then((r) => reject(new Error(`the CLI exited (${r.code}) before printing '${marker}': ${r.stderr}`)))
  })
}

let capturing: Promise<unknown> = Promise.resolve()

/**
 * Runs the CLI's `main(args)` in this process, with stdout and stderr captured, for tests of
 * argument handling (usage errors, help): the same code as the `oxiflow` command without a
 * process start (~1.5 s of CPU each). One call at a time, as the capture replaces the streams'
 * write. Exit codes and signals through the real command are tested with runCli.
 */
export function cliInProcess(args: readonly string[]): Promise<CliResult> {
  const run = capturing.then(async (): Promise<CliResult> => {
    const { main } = await import('../../cli/main.ts')
    let stdout = ''
    let stderr = ''
    const writes = { out: process.stdout.write, err: process.stderr.write }
    const into = (append: (s: string) => void) => ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      done?.()
      return true
    }) as typeof process.stdout.write
    process.stdout.write = into((s) => { stdout += s })
    process.stderr.write = into((s) => { stderr += s })
    try {
      const code = await main(args)
      return { code, signal: null, stdout, stderr }
    } finally {
      process.stdout.write = writes.out
      process.stderr.write = writes.err
    }
  })
  capturing = run.catch(() => undefined)
  return run
}
