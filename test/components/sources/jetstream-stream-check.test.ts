import test from 'ava'
import { checkStreamKept, type CheckedPosition, type StreamNow } from '../../../components/sources/jetstream-stream-check.ts'
import { isSourceStreamChangedError } from '../../../index.ts'

const created = '2026-01-01T00:00:00.000000001Z'
const stream = (firstSeq: number, lastSeq: number, at = created): StreamNow => ({ firstSeq, lastSeq, created: at })

// [what, checkpointed position, the stream now, the reason refused (undefined: the restore goes on)]
const cases: [string, CheckedPosition, StreamNow, string | undefined][] = [
  ['nothing removed', { next: 101, created }, stream(1, 300), undefined],
  ['purged up to the position', { next: 101, created }, stream(101, 300), undefined],
  ['purged one past the position', { next: 101, created }, stream(102, 300), 'trimmed'],
  ['everything purged after the position', { next: 101, created }, stream(301, 300), 'trimmed'],
  ['everything purged, all of it read', { next: 301, created }, stream(301, 300), undefined],
  ['bounded: removed only beyond the end', { next: 301, end: 300, created }, stream(350, 400), undefined],
  ['bounded: removed within the end', { next: 201, end: 300, created }, stream(250, 400), 'trimmed'],
  ['re-created (creation time differs)', { next: 101, created }, stream(1, 300, '2026-02-01T00:00:00Z'), 'recreated'],
  ['1.0.0 position (no creation time), stream shorter', { next: 101 }, stream(1, 50), 'recreated'],
  ['1.0.0 position, stream as long', { next: 101 }, stream(1, 100), undefined],
]
for (const [what, position, now, reason] of cases) {
  test(`checkStreamKept_${what.replaceAll(' ', '_')}: ${reason ?? 'restores'}`, (t) => {
    let found: string | undefined
    try { checkStreamKept('in', 'S', undefined, position, now) } catch (e) {
      t.true(isSourceStreamChangedError(e), String(e))
      found = (e as { reason: string }).reason
    }
    t.is(found, reason)
  })
}
