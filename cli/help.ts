import { optionsHelp } from './options-help.ts'
import { PLAN_OPTIONS } from './plan-command-options.ts'
import { RUN_OPTIONS } from './run-command-options.ts'
import { CHECKPOINTS_OPTIONS, RUNNER_OPTIONS, STATE_OPTIONS } from './store-command-options.ts'

// The Options table of each command's help comes from its option definitions (the same ones
// its arguments are parsed with); the rest of the text is written here.

/** The commands this version has; the planned ones (PLANNED_COMMANDS) come later. */
export const COMMANDS = ['run', 'plan', 'checkpoints', 'state', 'runner'] as const

/** Commands planned but not built yet: asking for one is a usage error that says so. */
export const PLANNED_COMMANDS = ['bench'] as const

/** `oxiflow --help`. */
export const MAIN_HELP = `oxiflow — run TypeScript stream pipelines

Usage:
  oxiflow run <module> [options]   run the pipeline a module exports by default
  oxiflow plan <module> [--workers N] [--format text|json|dot|mermaid]
                                   the plan it would run: actors, instances, key groups,
                                   exchanges, state and restore levels; runs nothing
  oxiflow checkpoints list|show|verify|delete <pipeline> [id] [step] --store S [--json]
                                   inspect, check and delete a pipeline's checkpoints offline
  oxiflow state show|list|cleanup|export|import [pipeline] [FILE] --store S [--json]
                                   a pipeline's run record: status, counts, steps, errors, lease
  oxiflow runner list|stop [runner-id] --store S [--json]
                                   the runners holding leases; ask one to stop gracefully
  oxiflow --help                   this help (also: oxiflow <command> --help)
  oxiflow --version                the installed version

Exit codes:
  0  the job completed, or stopped gracefully (Ctrl-C)
  1  the job failed (the message names the step, the position and a fix)
  2  usage error (unknown command or flag, bad value, missing module, no pipeline exported;
     a restore whose checkpoint holds state of steps the pipeline lacks, without
     --allow-non-restored-state)
  3  the pipeline's lease is held by another runner
  130  a second Ctrl-C while stopping ended the process at once

Set OXIFLOW_DEBUG=1 to print stacks with errors.
`

/** `oxiflow run --help`. */
export const RUN_HELP = `Usage: oxiflow run <module> [options]

Imports <module> (a .ts or .js file, relative to the current directory) and runs its default
export: a Pipeline, or a function of the --params object returning one (may be async).

Options:
${optionsHelp(RUN_OPTIONS)}
On a terminal a live line per step shows records/s, records in/out, backpressure and queue
depth; a summary table per step follows at the end (on stderr). Ctrl-C stops the job
gracefully (exit 1 with what it waits for if it cannot finish within --stop-timeout); a
second Ctrl-C exits at once with code 130.

With --ui (or --metrics-port) a live page at http://127.0.0.1:P/ draws the plan as a graph with
each step's rate, busy %, backpressure, queue depth and failed records, updated live, beside the
checkpoints, restarts, the lease, the newest errors and the run record; it needs no network.

Examples:
  oxiflow run examples/clickstream.ts --params '{"seconds":2}'
  oxiflow run examples/keyed-state.ts --workers 2 --store ./state --checkpoint-interval 500 --ui
`

/** `oxiflow plan --help`. */
export const PLAN_HELP = `Usage: oxiflow plan <module> [--workers N] [--params JSON] [--format text|json|dot|mermaid]

Loads <module> as oxiflow run does (a run() at its top level starts nothing) and prints the
plan the job would run with --workers N: the steps, how they fuse into actors, each actor's
parallelism and the hosts of its instances (main, worker N), their key-group ranges, the
exchanges between actors (forward, rebalance, pinned, hash; across threads or not), each
step's state with its version and restore level, and the restore levels. Nothing runs: no
source or sink is opened, nothing is connected to, no record function is called (a .process
step's Oxi is created and its open(ctx) runs, which is where ctx.state is declared). A source's
or sink's own state lives in what it opens, so it is described as the source or sink declares
it (every built-in one does; a sink's as a run with checkpoints holds it); for one without a
declaration the plan says it cannot describe it.

Options:
${optionsHelp(PLAN_OPTIONS)}
Exit codes: 0 printed; 1 the module threw; 2 usage error or invalid pipeline.

Examples:
  oxiflow plan examples/clickstream.ts --workers 2
  oxiflow plan examples/clickstream.ts --workers 2 --format dot | dot -Tsvg > plan.svg
`

/** `oxiflow checkpoints --help`. */
export const CHECKPOINTS_HELP = `Usage: oxiflow checkpoints <action> <pipeline> [id] [step] [--store S] [--json]

Inspects a pipeline's committed checkpoints in a store, without running the pipeline.

Actions:
  list <pipeline>                  the checkpoints, newest first (id, time, holders, bytes, steps)
  show <pipeline> <id>             the checkpoint's manifest as JSON
  show <pipeline> <id> <step>      the step's state as JSON (Maps become objects, Sets lists)
  verify <pipeline> [id]           check every blob (or those of one checkpoint): key, length,
                                   checksum, decompresses and deserializes; exit 1 naming each
                                   bad blob's step, or a pipeline the store does not know; a
                                   checkpoint deleted during the verify (a running job's
                                   retention) is reported deleted and skipped, not bad
  delete <pipeline> <id>           delete a checkpoint (keeping blobs other checkpoints reference)

Options:
${optionsHelp(CHECKPOINTS_OPTIONS)}
Example:
  oxiflow checkpoints verify clicks --store .oxiflow
`

/** `oxiflow state --help`. */
export const STATE_HELP = `Usage: oxiflow state <action> [pipeline] [FILE] [--store S] [--json]

A pipeline's run record (kept in the store by every job that runs with one: status, counts,
per-step figures, errors, last checkpoint, runner), read and repaired offline.

Actions:
  show <pipeline>                  status, records processed/failed, last processed id, a table
                                   per step, errors (newest last), last checkpoint and the lease
  list [--active]                  every pipeline of the store; --active: only those running now
  cleanup [--stale]                remove stale leases (dead or expired runners), abandoned temp
                                   files, the run records of deleted pipelines (their
                                   checkpoints are gone), spent runner stop requests, and
                                   checkpoint folders without a manifest that no runner can
                                   be writing; --stale: leases, temp files and those folders.
                                   Prints what it removed
  export <pipeline> [--out FILE]   run record and checkpoints as one portable JSON file (stdout
                                   without --out)
  import <pipeline> FILE           replace the pipeline's state in this store with an export,
                                   once every key, manifest and blob of the file verified, each
                                   incremental checkpoint's chain whole (exit 1 naming the
                                   problems otherwise); refused while a runner holds its lease
                                   (exit 3)

Options:
${optionsHelp(STATE_OPTIONS)}
Example:
  oxiflow state show clicks --store .oxiflow
`

/** `oxiflow runner --help`. */
export const RUNNER_HELP = `Usage: oxiflow runner list [--pipeline P] | oxiflow runner stop <runner-id> [--pipeline P] [--timeout MS]

The runners (oxiflow processes) holding pipeline leases in a store. A runner's id is
OXIFLOW_RUNNER_ID where it runs, or host:pid.

Actions:
  list                             lease holders: runner, pipeline, host, pid, token, heartbeat
                                   age, and whether the lease is stale
  stop <runner-id>                 ask the runner through the store to stop gracefully: it takes
                                   a final checkpoint, releases its lease and exits 0. Waits for
                                   that (up to --timeout MS, default 60000; 0: do not wait);
                                   exit 1 if it did not stop in time or its stop failed

Options:
${optionsHelp(RUNNER_OPTIONS)}
Example:
  oxiflow runner stop box:4242 --store .oxiflow
`
