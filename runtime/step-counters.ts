/** Counts of one parallel instance of a step, updated per batch (never per record on the hot path). */
export interface StepCounters {
  recordsIn: number
  recordsOut: number
  failed: number
}

export function newCounters(): StepCounters {
  return { recordsIn: 0, recordsOut: 0, failed: 0 }
}
