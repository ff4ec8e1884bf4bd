import { setImmediate as nextTurn } from 'node:timers/promises'
import { importModule } from './import-module.ts'
import { stopTaking, takeRuns, takeRunsOf, type RanPipeline } from './module-runs.ts'

/** A pipeline module as oxiflow loaded it: its default export, and the pipelines it ran while loading. */
export interface LoadedModule {
  /** The default export; undefined when the module has none, or is still loading (see `loading`). */
  readonly exported: unknown
  /** The pipelines the module's own run() calls handed over, in order (see takeRuns). */
  readonly ran: readonly RanPipeline[]
  /** True while the module still evaluates: it awaits the job it ran (`await p.run().done`), which never settles here. */
  readonly loading: boolean
}

/** How loadModule takes the run() calls of the module it loads. */
export interface LoadOptions {
  /** Every run() of this thread, for good: a worker host, which exists for its module. */
  readonly keepTaking?: boolean
  /**
   * Nothing else in this thread runs a pipeline while the module loads (the `oxiflow`
   * command): its run() calls are taken thread-wide until it has loaded (takeRuns), with no
   * AsyncLocalStorage. Otherwise they are taken in the module's async context (takeRunsOf),
   * which makes every promise of the thread pay async hooks from then on.
   */
  readonly ownsThread?: boolean
}

/**
 * Imports a pipeline module as a definition: its run() calls start nothing and hand their
 * pipeline over (see LoadOptions for how). Resolves when the import finishes, or, for a module
 * that awaits the job it ran, as soon as it has run one — such a module never finishes loading
 * here, as its job's `done` never settles.
 *
 * @example
 * const { exported, ran } = await loadModule(pathToFileURL('job.ts').href, { ownsThread: true })
 */
export async function loadModule(url: string, options: LoadOptions = {}): Promise<LoadedModule> {
  const ran: RanPipeline[] = []
  let first: () => void = () => undefined
  const someRan = new Promise<void>((resolve) => { first = resolve })
  const taker = (pipeline: RanPipeline): void => { ran.push(pipeline); first() }
  const threadWide = options.keepTaking === true || options.ownsThread === true
  if (threadWide) takeRuns(taker)
  try {
    const imported = (threadWide ? importModule(url) : takeRunsOf(() => importModule(url), taker)).then((mod) => ({ mod: mod as { default?: unknown } }))
    let done = await Promise.race([imported, someRan.then(() => undefined)])
    // A module that runs a pipeline without awaiting it finishes loading in a moment; give it two turns.
    for (let turn = 0; !done && turn < 2; turn++) done = await Promise.race([imported, nextTurn().then(() => undefined)])
    // Still loading: an error it throws later is the module's, after its pipeline was handed over — say it, do not crash the thread.
    if (!done) imported.catch((e: unknown) => process.emitWarning(`pipeline module ${url} failed after it ran its pipeline: ${String(e)}`))
    return { exported: done && defaultExport(done.mod), ran, loading: done === undefined }
  } finally {
    if (threadWide && !options.keepTaking) stopTaking(taker)
  }
}

/** The default export; of a CommonJS module compiled from TypeScript (`exports.default`, `__esModule`), the one it meant. */
function defaultExport(mod: { default?: unknown }): unknown {
  const exported = mod.default as { __esModule?: unknown, default?: unknown } | undefined
  return exported?.__esModule === true && 'default' in exported ? exported.default : exported
}
