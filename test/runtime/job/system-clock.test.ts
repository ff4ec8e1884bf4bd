import test from 'ava'
import { systemClock } from '../../../index.ts'

test('a system-clock timer beyond setTimeout\'s 2^31 − 1 ms neither fires early nor warns', async (t) => {
  t.timeout(5_000)
  const warnings: string[] = []
  const onWarning = (w: Error) => { warnings.push(w.name) }
  process.on('warning', onWarning)
  let fired = 0
  const cancel = systemClock().setTimer(2 ** 31 + 60_000, () => { fired++ })
  await new Promise((r) => setTimeout(r, 100))
  cancel()
  process.off('warning', onWarning)
  t.is(fired, 0)
  t.deepEqual(warnings, [])
})

test('a system-clock timer fires once after its delay, and not after cancel', async (t) => {
  t.timeout(5_000)
  const clock = systemClock()
  const times: number[] = []
  const start = Date.now()
  clock.setTimer(30, () => { times.push(Date.now() - start) })
  const cancel = clock.setTimer(30, () => { times.push(-1) })
  cancel()
  await new Promise((r) => setTimeout(r, 120))
  t.is(times.length, 1)
  t.true(times[0]! >= 29)
})
