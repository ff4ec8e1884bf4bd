import { StepError } from '../../errors/step-error.ts'
import type { WindowHost } from '../../contracts/window.ts'
import type { WindowAccumulation } from './window-accumulators.ts'
import type { RowWindows } from './row-windows.ts'

/**
 * What a window step gives its window (WindowHost): the accumulation, `emit` — which computes the
 * window's output at once (from the row's columns when the state lives in rows) and hands it to
 * `push` — and `late`. A throw while computing an output fails the step: the record is already in.
 *
 * @example
 * const host = windowHost('stats', accumulation, undefined, (out) => outputs.push(out), (r) => late.add(r))
 */
export function windowHost(step: string, accumulation: WindowAccumulation, rowWindows: RowWindows | undefined,
  push: (out: Record<string, unknown>) => void, late: (record: unknown) => void): WindowHost {
  const output = rowWindows
    ? (key: unknown, windowStart: number, windowEnd: number, acc: unknown) => rowWindows.output(key, windowStart, windowEnd, acc as number)
    : (key: unknown, windowStart: number, windowEnd: number, acc: unknown, records: readonly unknown[] | undefined) => {
      const out: Record<string, unknown> = { key, windowStart, windowEnd }
      accumulation.write(out, acc, records)
      return out
    }
  return {
    acc: accumulation,
    emit: (key, windowStart, windowEnd, acc, records) => {
      let out
      try {
        out = output(key, windowStart, windowEnd, acc, records)
      } catch (e) {
        // After the record went in (a reduce folding a sliding window): it cannot be skipped.
        throw new StepError(step, 'computing a window result', e, '; fix the function that threw')
      }
      push(out)
    },
    late,
  }
}
