/**
 * What a superseded marker records: the checkpoint a later run restored, whose line this one is
 * not on (null: that run started fresh), and when. Part of the stored format (`superseded.json`, see checkpoint-layout).
 *
 * @example
 * const m: SupersededMarker = { by: 6, time: 1718000000000 }
 */
export interface SupersededMarker {
  readonly by: number | null
  readonly time: number
}

/**
 * The marker's bytes.
 *
 * @example
 * encodeSupersededMarker({ by: 6, time: Date.now() })
 */
export function encodeSupersededMarker(marker: SupersededMarker): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(marker))
}

/**
 * Why a superseded checkpoint is not restored by 'latest', from its marker's bytes (stored at
 * `key`); a marker that does not parse still marks the checkpoint and says so.
 *
 * @example
 * supersededReason(bytes, key) // 'superseded: a run restored checkpoint 6, which does not descend from it (2026-12-07T14:00:00.000Z)'
 */
export function supersededReason(bytes: Uint8Array | undefined, key: string): string {
  let marker: unknown
  try {
    marker = bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    marker = undefined
  }
  const m = marker as Partial<SupersededMarker> | undefined
  if (!m || !(m.by === null || Number.isSafeInteger(m.by)) || !Number.isFinite(m.time)) return `superseded (its marker ${key} is unreadable)`
  const when = new Date(m.time!).toISOString()
  return m.by === null ? `superseded: a run started fresh after it (${when})` : `superseded: a run restored checkpoint ${m.by}, which does not descend from it (${when})`
}
