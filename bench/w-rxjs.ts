/**
 * Workload W, variant 2: idiomatic RxJS 7 — `from(array) → groupBy(key) → mergeMap(group →
 * bufferCount(100) → map(result))`. `bufferCount` emits the partial buffer on complete, which is
 * the end-of-input rule every variant follows.
 */
import { from } from 'rxjs'
import { bufferCount, groupBy, map, mergeMap } from 'rxjs/operators'
import { Checksum, W, resultOfBuffer, type WEvent, type WVariant } from './workload-w.ts'

/**
 * RxJS 7 groupBy/bufferCount; synchronous from start to complete.
 *
 * @example
 * const checksum = await rxjsGroupBy.run(buildEvents(1000))
 */
export const rxjsGroupBy: WVariant = {
  name: 'rxjs',
  description: 'RxJS from(array) → groupBy → mergeMap(bufferCount(100) → map) → subscribe',
  run(events: readonly WEvent[]): Promise<Checksum> {
    return new Promise((resolve, reject) => {
      const out = new Checksum()
      from(events)
        .pipe(
          groupBy((e) => e.key),
          mergeMap((group) =>
            group.pipe(
              bufferCount(W.windowSize),
              map((buffer) => resultOfBuffer(group.key, buffer)),
            ),
          ),
        )
        .subscribe({ next: (r) => out.add(r), error: reject, complete: () => resolve(out) })
    })
  },
}
