import test from 'ava'
import { keyGroupOf } from '../../../index.ts'
import { EventClock } from '../../../runtime/state/event-clock.ts'
import { KeyedStateHolder } from '../../../runtime/state/keyed-state-holder.ts'
import type { SlotTable } from '../../../runtime/state/slot-table.ts'

// Keys that stop coming: without a snapshot, only the writes' sweep drops their expired entries
// (before it, a job without checkpoints kept every key it ever wrote: ~95 bytes a key, found in
// a soak from outside). White-box: the holder's slot table is read for its size.
const slotsOf = (h: KeyedStateHolder): SlotTable => (h as unknown as { table: SlotTable }).table

for (const time of ['processing', 'event'] as const) {
  test(`${time}-time TTL without snapshots: 200k keys written once each, 1 ms apart, TTL 100 ms: the table holds ~the live keys, not every key`, (t) => {
    const clock = { t: 0 }
    type R = { k: number; ts: number }
    const h = new KeyedStateHolder({ step: 's', name: 'v', keyOf: (r) => (r as R).k, groupOf: (k) => keyGroupOf(k, 128), now: () => clock.t,
      watermark: () => -Infinity, eventClock: new EventClock('s'), options: { ttl: { ms: 100, ...(time === 'event' && { time: 'event' as const, timestamp: (r: unknown) => (r as R).ts }) } } })
    let most = 0
    for (let k = 0; k < 200_000; k++) {
      clock.t = k
      h.set({ k, ts: k }, k)
      most = Math.max(most, slotsOf(h).capacity)
    }
    // Live: the keys of the last 100 ms (event time: of the last 200 — the highest time seen less ms is the clock).
    const live = time === 'event' ? 200 : 100
    t.true(slotsOf(h).size <= 2 * live, `${slotsOf(h).size} keys held at the end`)
    t.true(most <= 2 * live, `${most} slots at most`)
    // Nothing live was dropped: the last key still reads its value.
    t.is(h.get({ k: 199_999, ts: 199_999 }), 199_999)
  })
}
