/** The commands this version has; the others DESIGN §7 names come later. */
export const COMMANDS = ['run', 'checkpoints'] as const

/** Commands planned but not built yet: asking for one is a usage error that says so. */
export const PLANNED_COMMANDS = ['state', 'runner', 'bench'] as const

/** `oxiflow --help`. */
export const MAIN_HELP = `oxiflow — run TypeScript stream pipelines

Usage:
  oxiflow run <module> [options]   run the pipeline a module exports by default
  oxiflow checkpoints list|show|verify|delete <pipeline> [id] [step] --store S [--json]
                                   inspect, check and delete a pipeline's checkpoints offline
  oxiflow --help                   this help (also: oxiflow run --help, oxiflow checkpoints --help)
  oxiflow --version                the installed version

Exit codes:
  0  the job completed, or stopped gracefully (Ctrl-C)
  1  the job failed (the message names the step, the position and a fix)
  2  usage error (unknown command or flag, bad value, missing module, no pipeline exported)
  3  the pipeline's lease is held by another runner

Set OXIFLOW_DEBUG=1 to print stacks with errors.
`

/** `oxiflow run --help`. */
export const RUN_HELP = `Usage: oxiflow run <module> [options]

Imports <module> (a .ts or .js file, relative to the current directory) and runs its default
export: a Pipeline, or a function of the --params object returning one (may be async).

Options:
  --workers N      worker threads hosting the actors (default 0: everything on the main thread)
  --params JSON    a JSON object passed to a function default export and to run()
  --batch-size N   records per batch (a positive integer; default: the runtime's)
  --store S        checkpoint store: a directory (file store) or URL (default OXIFLOW_STORE or .oxiflow)
  --checkpoint-interval MS   take a checkpoint every MS milliseconds (off by default)
  --restore latest|ID        start from the newest valid checkpoint (fresh if none) or from one
  --codec C        snapshot compression: zstd (default), lz4, snappy, none
  --json           print one JSON object on stdout at the end: the summary, or the error
  -h, --help       this help

On a terminal a live line per step shows records/s, records in/out, backpressure and queue
depth; a summary table per step follows at the end (on stderr). Ctrl-C stops the job
gracefully; a second Ctrl-C exits at once with code 130.

Example:
  oxiflow run examples/clickstream.ts --params '{"seconds":2}'
`

/** `oxiflow checkpoints --help`. */
export const CHECKPOINTS_HELP = `Usage: oxiflow checkpoints <action> <pipeline> [id] [step] [--store S] [--json]

Inspects a pipeline's committed checkpoints in a store, without running the pipeline.

Actions:
  list <pipeline>                  the checkpoints, newest first (id, time, holders, bytes, steps)
  show <pipeline> <id>             the checkpoint's manifest as JSON
  show <pipeline> <id> <step>      the step's state as JSON (Maps become objects, Sets lists)
  verify <pipeline> [id]           check every blob (or those of one checkpoint); exit 1 naming
                                   each corrupt, truncated or missing blob's step
  delete <pipeline> <id>           delete a checkpoint (keeping blobs other checkpoints reference)

Options:
  --store S        the store the job ran with: a directory or URL (default OXIFLOW_STORE or .oxiflow)
  --json           print JSON on stdout (list, verify, delete; show always does)
  -h, --help       this help

Example:
  oxiflow checkpoints verify clicks --store .oxiflow
`
