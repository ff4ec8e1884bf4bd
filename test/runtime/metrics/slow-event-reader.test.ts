import test from 'ava'
import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import type { JobMetrics } from '../../../index.ts'
import { metricsEvents } from '../../../runtime/metrics/metrics-events.ts'

// An event stream whose reader does not read (a stalled tab): its frames are skipped once 1 MiB
// waits unsent, instead of piling up in the server. The fake response never drains, so
// writableLength grows with every frame written: the oracle is the bytes handed to it.

test('a reader that does not keep up gets no more frames once 1 MiB waits unsent; a reading one gets every frame', async (t) => {
  const big: JobMetrics = { pipelineId: 'slow', status: 'running', elapsedMs: 1, steps: {}, errors: [{ step: null, code: 'X', message: 'x'.repeat(64 * 1024), offset: null, time: 0, retryable: false }] } as JobMetrics
  const events = metricsEvents(() => big, 1)
  t.teardown(() => events.close())
  class FakeResponse extends EventEmitter {
    unsent = 0
    frames = 0
    constructor(private readonly drains: boolean) { super() }
    get writableLength(): number { return this.drains ? 0 : this.unsent }
    writeHead(): this { return this }
    write(text: string): boolean { this.unsent += Buffer.byteLength(text); if (text.startsWith('event: metrics')) this.frames++; return true }
    end(): void {}
  }
  const response = (drains: boolean) => new FakeResponse(drains)
  const stalled = response(false)
  const reading = response(true)
  events.add(stalled as unknown as ServerResponse)
  events.add(reading as unknown as ServerResponse)
  // Until 40 frames reached the reading client (≈ 40 ms when idle; a loaded machine's timers run late).
  for (const started = Date.now(); reading.frames <= 40 && Date.now() - started < 10_000;) await new Promise((r) => setTimeout(r, 20))
  t.true(reading.frames > 40, `${reading.frames} frames to the reading client`)
  t.true(stalled.unsent <= (1 << 20) + 70 * 1024, `${stalled.unsent} bytes waiting for the stalled client`)
  t.true(stalled.frames < reading.frames)
})
