import type { DeclaredState } from '../../runtime/contracts/declared-state.ts'
import { checkInputMarks, type InputMark } from './input-mark.ts'
import type { PositionFormat } from './position-holder.ts'

/**
 * The holder a line source's reader registers (`<step>/position`, a LinePosition at version
 * 2.1.0, whatever the chunk size), as jsonl and csv declare it in `Source.state`;
 * `linePositionFormat` and the reader take their version and id from it.
 *
 * @example
 * positionHolder(`${ctx.step}/${LINE_POSITION.name}`, get, set, checkLinePosition, linePositionFormat(65536))
 */
export const LINE_POSITION: DeclaredState = { name: 'position', version: '2.1.0' }

/**
 * Where a reader of a line source (jsonl, csv) resumes: the snapshot of its `<step>/position`
 * StateHolder, state version 2.1.
 *
 * A file is cut into chunks of `chunkSize` bytes; chunk c holds the lines whose first byte lies
 * in [c·chunkSize, (c+1)·chunkSize), and split i of P reads chunks i, i+P, i+2P, … `chunk` is the
 * next chunk the reader would read. Restore continues at the first chunk ≥ `chunk` that belongs
 * to the restored split, so `{ chunk: C }` resumes with any number of splits: if every split of
 * a P-split run had read all its chunks < C (and none ≥ C), the splits of a run with any other
 * count read together exactly the chunks ≥ C.
 *
 * `byte` and `line` (present for a reader of a single split that knows them) are where the next
 * unread line starts and its 1-based number. Restore reads no line that starts before `byte`
 * (so a version-1 snapshot `{ byte, line }` migrates exactly), and takes the pair as known, so
 * an error further on numbers its line without counting from byte 0.
 *
 * `seen` (2.1; absent before a reader read a chunk, and in 2.0 snapshots, which restore
 * unchanged and unchecked) recognises the file: the InputMark of the end of the last chunk the
 * reader read — after a restore with another number of splits, until it reads one, the marks of
 * every old split. Restore refuses a file shorter than a mark's byte or with other bytes before
 * it (SourceInputChangedError), as the byte offsets would then point into another file.
 *
 * @example
 * const p: LinePosition = { chunk: 12, chunkSize: 65536, byte: 786450, line: 7001, seen: [{ byte: 786450, length: 4096, crc: 0x5d1e2a07 }] }
 */
export interface LinePosition {
  readonly chunk: number
  /** The chunk size the snapshot was taken with; restore refuses another (absent: not checked). */
  readonly chunkSize?: number
  readonly byte?: number
  readonly line?: number
  /** What the reader saw of its file before the position (2.1; absent: not checked). */
  readonly seen?: readonly InputMark[]
}

/**
 * The schema of LinePosition snapshots: version 2.1, migrating version 1's `{ byte, line }` (the
 * next unread line) to the chunk holding that line, whose lines before it are then skipped. A
 * 2.0 snapshot is a 2.1 one without `seen` and needs no rewrite.
 *
 * @example
 * positionHolder('in/position', get, set, checkLinePosition, linePositionFormat(65536))
 */
export function linePositionFormat(chunkSize: number): PositionFormat {
  return {
    version: LINE_POSITION.version,
    migrate(state, fromMajor) {
      const old = state as { byte?: unknown; line?: unknown } | null
      if (fromMajor !== 1 || typeof old !== 'object' || old === null || !Number.isSafeInteger(old.byte)) return state
      return { chunk: Math.floor(old.byte as number / chunkSize), byte: old.byte, line: old.line }
    },
  }
}

/**
 * Why `state` is not a LinePosition, or undefined when it is one.
 *
 * @example
 * checkLinePosition({ chunk: -1 }) // 'expected { chunk, … } with chunk a non-negative integer'
 */
export function checkLinePosition(state: unknown): string | undefined {
  const p = state as Partial<LinePosition> | null
  if (typeof p !== 'object' || p === null || !isNat(p.chunk)) return 'expected { chunk, … } with chunk a non-negative integer'
  if (p.chunkSize !== undefined && !(isNat(p.chunkSize) && p.chunkSize >= 1)) return 'expected chunkSize, when present, to be a positive integer'
  if ((p.byte === undefined) !== (p.line === undefined)) return 'expected byte and line together, or neither'
  if (p.byte !== undefined && !(isNat(p.byte) && isNat(p.line) && p.line >= 1)) return 'expected byte ≥ 0 and line ≥ 1, integers'
  if (p.seen !== undefined) return checkInputMarks(p.seen)
  return undefined
}

function isNat(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0
}
