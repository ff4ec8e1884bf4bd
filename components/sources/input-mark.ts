import { crc32 } from '../../persistence/codec/crc32.ts'
import { SourceInputChangedError } from '../../runtime/errors/source-input-changed-error.ts'

/**
 * Bytes a mark checksums before its position: enough that another file (or the same file
 * rewritten) almost surely differs there, little enough to take for every chunk read (a CRC-32
 * of 4 KiB costs ~1 µs next to ~300 µs of parsing a 64 KiB chunk) and to read back at restore.
 */
export const MARK_WINDOW = 4096

/**
 * What a reader of a file source saw just before a position: `byte` (where its next unread line
 * starts, the end of the last chunk it read) and the CRC-32 of the `length` bytes before it.
 * A restore checks the file still has `byte` bytes and the same `length` bytes before it, so a
 * checkpoint does not resume in a file that was cut or replaced since; a file that only grew
 * passes. Bytes further back are not compared.
 *
 * @example
 * const mark: InputMark = { byte: 81920, length: 4096, crc: 0x1c291ca3 }
 */
export interface InputMark {
  readonly byte: number
  readonly length: number
  readonly crc: number
}

/**
 * The mark of file offset `end`, from a buffer `buf` holding the file's bytes from offset
 * `from` up to at least `end`: the CRC-32 of the last ≤ MARK_WINDOW of them before `end`.
 *
 * @example
 * inputMark(window.buf, window.from, chunk.end) // { byte: chunk.end, length: 4096, crc: … }
 */
export function inputMark(buf: Buffer, from: number, end: number): InputMark {
  const length = Math.min(MARK_WINDOW, end - from)
  return { byte: end, length, crc: crc32(buf.subarray(end - from - length, end - from)) }
}

/**
 * Why `state` is not a list of InputMarks, or undefined when it is one.
 *
 * @example
 * checkInputMarks([{ byte: 4, length: 8, crc: 0 }]) // 'expected seen, when present, …' (8 bytes cannot lie before byte 4)
 */
export function checkInputMarks(state: unknown): string | undefined {
  const ok = (m: Partial<InputMark> | null) => typeof m === 'object' && m !== null && isNat(m.byte) && isNat(m.length) &&
    m.length <= Math.min(m.byte, MARK_WINDOW) && isNat(m.crc) && m.crc <= 0xffffffff
  if (Array.isArray(state) && state.every(ok)) return undefined
  return `expected seen, when present, to be a list of { byte, length, crc } with 0 ≤ length ≤ min(byte, ${MARK_WINDOW}) and crc a 32-bit unsigned integer`
}

/** The source whose input a restore checks: its step, kind, file, the file's size at open and a positioned read of it. */
export interface CheckedInput {
  readonly step: string
  readonly who: string
  readonly path: string
  readonly size: number
  /** `length` bytes at file offset `at` (fewer only at the end of the file), read synchronously: restore() is. */
  readonly bytesAt: (at: number, length: number) => Buffer
  /** Which reader resumes, for the message ('' with a single split). */
  readonly split: string
}

/**
 * Throws SourceInputChangedError when the file is not the one `marks` were taken of up to their
 * positions: shorter than a position, or other bytes before it. Lines appended after pass.
 *
 * @example
 * checkInput(position.seen ?? [], { step: 'lines', who: 'jsonl', path, size, bytesAt, split: '' })
 */
export function checkInput(marks: readonly InputMark[], input: CheckedInput): void {
  const where = `step '${input.step}' (${input.who} source${input.split})`
  const fix = 'restore with the file the checkpoint read (lines appended to its end are fine), or start the job ' +
    'without restore to read this file from the start'
  for (const mark of marks) {
    if (input.size < mark.byte) {
      throw new SourceInputChangedError(input.step, input.path, mark.byte, 'shorter',
        `${where}: '${input.path}' changed since the checkpoint: it has ${input.size} bytes, shorter than the restored position ` +
        `${mark.byte} (the bytes read before the checkpoint), so resuming there would skip or misread lines; ${fix}`)
    }
    const now = crc32(input.bytesAt(mark.byte - mark.length, mark.length))
    if (now !== mark.crc) {
      throw new SourceInputChangedError(input.step, input.path, mark.byte, 'different',
        `${where}: '${input.path}' changed since the checkpoint: the ${mark.length} bytes before the restored position ${mark.byte} ` +
        `differ from those read before it (CRC-32 ${hex(now)}, was ${hex(mark.crc)}), so the file was replaced or rewritten and ` +
        `resuming at that byte offset would mix its lines with the old output; ${fix}`)
    }
  }
}

/**
 * The marks of every old split's position, each once: a split restored with another number of
 * splits resumes at the earliest of them, and checks the input against them all.
 *
 * @example
 * mergeMarks([[{ byte: 9, length: 9, crc: 1 }], undefined]) // [{ byte: 9, length: 9, crc: 1 }]
 */
export function mergeMarks(lists: ReadonlyArray<readonly InputMark[] | undefined>): InputMark[] | undefined {
  const all = new Map<string, InputMark>()
  for (const list of lists) for (const m of list ?? []) all.set(`${m.byte}/${m.length}/${m.crc}`, m)
  return all.size === 0 ? undefined : [...all.values()].sort((a, b) => a.byte - b.byte)
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`
}

function isNat(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0
}
