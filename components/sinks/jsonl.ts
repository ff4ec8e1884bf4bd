import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Sink, SinkWriter } from '../../runtime/contracts/sink.ts'
import { invalidOption } from '../../runtime/option-checks.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { fileWriter } from './file-writer.ts'
import { STAGED_FILE_OUTPUT, stagedFileWriter } from './staged-file-writer.ts'

/**
 * A sink that writes each record as one JSON line to exactly `path`, truncating the file when
 * the job opens the sink. Each batch is encoded into one buffer and written with one call, and
 * `write()` returns that write's promise, so a slow disk holds the next batch back. `end()`
 * flushes and closes; `close()` closes. The parent directory must exist (ERR_FILE_OPEN names the
 * path otherwise). A record JSON cannot represent (`undefined`, a function) is written as `null`.
 * In a job that takes checkpoints the sink is two-phase-commit (exactly-once): lines reach the
 * file when the checkpoint covering them commits (the last ones when the checkpoint the job takes
 * at its end commits, not at the end of input), and a restore rewinds the file to that
 * checkpoint (see `stagedFileWriter`); its path is part of that state, so a restore that names
 * another path is refused. One writer per file: `parallelism` above 1, or a second step writing
 * to the same sink object, is refused (send several branches to one sink with `.union`). A new
 * file is created with mode 0644 (less the umask): output is meant to be read by other tools.
 *
 * @example
 * pipeline('p').source('n', sources.iterable([{ a: 1 }])).sink('out', sinks.jsonl('out/result.jsonl'))
 */
export function jsonl<T = unknown>(path: string): Sink<T, undefined> {
  if (typeof path !== 'string' || path === '') {
    throw invalidOption('jsonl sink', 'path', 'a non-empty string', path, 'path')
  }
  return {
    kind: 'sink',
    description: `jsonl(${path})`,
    file: path,
    singleWriter: true,
    // Its writers need nothing of the main thread: with workers the step runs on one, next to the step before it.
    workerSafe: true,
    // What a writer holds with checkpoints, the state a plan describes (without them it writes at once and holds none).
    state: [STAGED_FILE_OUTPUT],
    async open(ctx): Promise<SinkWriter<T, undefined>> {
      let fh: FileHandle
      try {
        // With checkpoints the file is kept until it is known whether a restore rewinds it or a fresh start empties it.
        // (Not 'a+': on Linux O_APPEND makes positioned writes append, which would break a rewind.)
        fh = await open(path, ctx?.checkpointing ? constants.O_RDWR | constants.O_CREAT : 'w', 0o644)
      } catch (e) {
        throw new OxiflowError('ERR_FILE_OPEN',
          `jsonl sink: cannot open '${path}' for writing: ${(e as Error).message}; check that its directory exists and is writable`,
          { cause: e })
      }
      const regularFile = (await fh.stat()).isFile()
      if (!ctx?.checkpointing) return fileWriter<T>(fh, regularFile)
      if (!regularFile) {
        await fh.close()
        throw new OxiflowError('ERR_FILE_OPEN',
          `jsonl sink: '${path}' is not a regular file (a pipe or a device), and with checkpoints the sink writes its output exactly ` +
          'once by cutting the file back to what a checkpoint committed, which only a regular file allows; write to a file, or run without checkpoints')
      }
      return stagedFileWriter<T>(fh, { step: ctx.step, path: resolve(path) })
    },
  }
}
