/**
 * The baseline of the keyed-state benches: the code a user would write to checkpoint a Map —
 * `v8.serialize` + writeFile + fsync — and to restore it — readFile + `v8.deserialize`.
 */
import { open, readFile } from 'node:fs/promises'
import v8 from 'node:v8'
import { isDeepStrictEqual } from 'node:util'
import { collectGarbage } from '../measure.ts'

/** Times of the hand-written checkpoint and restore, and the bytes written. */
export interface HandWritten { writeMs: number[]; readMs: number[]; bytes: number }

/**
 * Writes and reads `state` back `rounds` times through `file`; throws when what is read back
 * differs from what was written (size, and one key's value compared deeply).
 *
 * @example
 * const h = await handWritten(new Map([['k0', { n: 3 }]]), '/tmp/hand.bin', 3)
 */
export async function handWritten(state: Map<string, unknown>, file: string, rounds: number): Promise<HandWritten> {
  const writeMs: number[] = []
  const readMs: number[] = []
  let bytes = 0
  const probe = [...state.keys()].at(-1)
  for (let i = 0; i < rounds; i++) {
    collectGarbage()
    let t = performance.now()
    const buf = v8.serialize(state)
    const fh = await open(file, 'w')
    await fh.writeFile(buf)
    await fh.sync()
    await fh.close()
    writeMs.push(performance.now() - t)
    bytes = buf.length
    collectGarbage()
    t = performance.now()
    const back = v8.deserialize(await readFile(file)) as Map<string, unknown>
    readMs.push(performance.now() - t)
    if (back.size !== state.size || !isDeepStrictEqual(back.get(probe!), state.get(probe!))) {
      throw new Error(`hand-written restore of ${state.size} keys differs: key ${probe} read back as ${JSON.stringify(back.get(probe!))}`)
    }
  }
  return { writeMs, readMs, bytes }
}
