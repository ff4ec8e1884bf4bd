// The one suite every StateStore passes (docs/architecture.md, "Stores"): memory and file now,
// Redis and PostgreSQL later — unchanged. Each test works under its own random namespace, so
// stores that share a server can run the suite concurrently.
// (Two helpers wrote this file at the same time; this version keeps the other's exports `owner`
// and `deadPid`, which file-store.test.ts imports.)
import test, { type ExecutionContext } from 'ava'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { isStaleFenceError } from '../../persistence/stores/stale-fence-error.ts'
import type { Lease, LeaseOwner, StateStore } from '../../persistence/stores/state-store.ts'

/**
 * Registers the conformance tests for one store implementation. `make` returns a fresh store
 * (or a connection to a shared one); `cleanup` runs after each test, after `close()`.
 *
 * @example
 * storeConformance('memory', async () => new MemoryStore())
 */
export function storeConformance(name: string, make: () => Promise<StateStore>, cleanup?: (store: StateStore) => Promise<void>): void {
  /** A test with a fresh store and a namespace of its own. */
  const storeTest = (title: string, body: (t: ExecutionContext, store: StateStore, ns: string) => Promise<void>) => {
    test(`${name}: ${title}`, async (t) => {
      const store = await make()
      t.teardown(async () => {
        await store.close()
        await cleanup?.(store)
      })
      await body(t, store, `conformance-${randomBytes(6).toString('hex')}/`)
    })
  }
  const here = owner
  const elsewhere = (runner: string): LeaseOwner => ({ runner, host: 'elsewhere.invalid', pid: 4242 })

  // --- blobs ---------------------------------------------------------------------------------

  storeTest('put_bytesOfAnyLength_getReturnsEqualCopy', async (t, store, ns) => {
    for (const length of [0, 1, 255, 65_537, (1 << 20) + 3]) {
      const backing = randomBytes(length + 7)
      const bytes = new Uint8Array(backing.buffer, backing.byteOffset + 7, length) // a view at an offset
      const expected = bytes.slice()
      await store.put(`${ns}len-${length}`, bytes)
      bytes.fill(1) // the store must have copied (or written) the bytes, not kept the view
      const found = await store.get(`${ns}len-${length}`)
      t.true(found instanceof Uint8Array)
      // Buffer.equals, not deepEqual: ava describes every element of a typed array (seconds for 1 MB).
      t.true(found !== undefined && Buffer.from(found.buffer, found.byteOffset, found.byteLength).equals(expected), `length ${length}`)
      if (found && found.length > 0) {
        found[0] = found[0]! ^ 0xff
        const again = (await store.get(`${ns}len-${length}`))!
        t.true(Buffer.from(again.buffer, again.byteOffset, again.byteLength).equals(expected), 'mutating what get returned changes nothing stored')
      }
    }
  })

  storeTest('get_absentKey_isUndefined', async (t, store, ns) => {
    t.is(await store.get(`${ns}nothing/here`), undefined)
  })

  storeTest('put_existingKey_replacesTheValue', async (t, store, ns) => {
    await store.put(`${ns}k`, new Uint8Array([1, 2, 3]))
    await store.put(`${ns}k`, new Uint8Array([9]))
    t.deepEqual(bytesOf((await store.get(`${ns}k`))!), new Uint8Array([9]))
  })

  storeTest('list_byPrefix_matchingKeysSortedByCodeUnit', async (t, store, ns) => {
    const keys = ['b', 'a/b/c', 'a', 'ab', 'a/B', 'a/b', 'a.b', 'a-b', 'x/y/z/w']
    for (const k of keys) await store.put(ns + k, new Uint8Array([k.length]))
    t.deepEqual(await store.list(ns), keys.map((k) => ns + k).sort())
    t.deepEqual(await store.list(`${ns}a/`), ['a/B', 'a/b', 'a/b/c'].map((k) => ns + k))
    t.deepEqual(await store.list(`${ns}a`), ['a', 'a-b', 'a.b', 'a/B', 'a/b', 'a/b/c', 'ab'].map((k) => ns + k))
    t.deepEqual(await store.list(`${ns}a/b`), ['a/b', 'a/b/c'].map((k) => ns + k))
    t.deepEqual(await store.list(`${ns}zz`), [])
    t.deepEqual(await store.list(`${ns}x/y/z/w`), [`${ns}x/y/z/w`])
    t.true((await store.list('')).includes(`${ns}a/b/c`), "'' lists every key")
  })

  storeTest('delete_presentOrAbsent_isIdempotentAndLeavesLongerKeys', async (t, store, ns) => {
    await store.put(`${ns}a`, new Uint8Array([1]))
    await store.put(`${ns}a/b`, new Uint8Array([2]))
    await store.delete(`${ns}a`)
    await store.delete(`${ns}a`)
    await store.delete(`${ns}never/was`)
    t.is(await store.get(`${ns}a`), undefined)
    t.deepEqual(await store.list(ns), [`${ns}a/b`])
    await store.delete(`${ns}a/b`)
    t.deepEqual(await store.list(ns), [])
    await store.put(`${ns}a/b`, new Uint8Array([3])) // a deleted subtree can be written again
    t.deepEqual(bytesOf((await store.get(`${ns}a/b`))!), new Uint8Array([3]))
  })

  // --- records and compare-and-set -----------------------------------------------------------

  storeTest('compareAndSet_versionsFromZero_conflictsReturnFalse', async (t, store, ns) => {
    const key = `${ns}run`
    t.is(await store.getRecord(key), undefined)
    t.false(await store.compareAndSet(key, 1, { state: 'x' }), 'absent is version 0, not 1')
    t.true(await store.compareAndSet(key, 0, { state: 'starting', steps: ['a', 'b'], n: 1.5, ok: true, none: null }))
    t.deepEqual(await store.getRecord(key), { version: 1, value: { state: 'starting', steps: ['a', 'b'], n: 1.5, ok: true, none: null } })
    t.false(await store.compareAndSet(key, 0, { state: 'again' }))
    t.false(await store.compareAndSet(key, 2, { state: 'ahead' }))
    t.true(await store.compareAndSet(key, 1, { state: 'running' }))
    t.deepEqual(await store.getRecord(key), { version: 2, value: { state: 'running' } })
  })

  storeTest('compareAndSet_recordsAndBlobs_areSeparateNamespaces', async (t, store, ns) => {
    await store.put(`${ns}same`, new Uint8Array([1]))
    t.is(await store.getRecord(`${ns}same`), undefined)
    t.true(await store.compareAndSet(`${ns}same`, 0, 'record'))
    t.deepEqual(bytesOf((await store.get(`${ns}same`))!), new Uint8Array([1]))
    t.deepEqual(await store.list(ns), [`${ns}same`])
  })

  storeTest('compareAndSet_manyConcurrentPromises_exactlyOneWinnerPerVersion', async (t, store, ns) => {
    const key = `${ns}contended`
    for (let version = 0; version < 3; version++) {
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => store.compareAndSet(key, version, { writer: i, version })))
      t.is(results.filter(Boolean).length, 1, `one winner at version ${version}`)
      const winner = results.indexOf(true)
      t.deepEqual(await store.getRecord(key), { version: version + 1, value: { writer: winner, version } })
    }
  })

  // --- leases --------------------------------------------------------------------------------

  storeTest('lease_free_grantedWithTokenOwnerAndExpiry', async (t, store, ns) => {
    const before = Date.now()
    const lease = (await store.lease(`${ns}lease`, here('a'), 10_000))!
    t.truthy(lease)
    t.is(lease.name, `${ns}lease`)
    t.true(Number.isInteger(lease.token) && lease.token >= 1)
    t.deepEqual({ ...lease.owner }, here('a'))
    t.true(lease.expiresAt >= before + 10_000 && lease.expiresAt <= Date.now() + 10_000)
    const listed = (await store.leases()).filter((l) => l.name === lease.name)
    t.is(listed.length, 1)
    t.like(listed[0], { name: lease.name, token: lease.token, expiresAt: lease.expiresAt })
    t.deepEqual({ ...listed[0]!.owner }, here('a'))
    t.true(listed[0]!.acquiredAt >= before && listed[0]!.acquiredAt <= Date.now())
  })

  storeTest('lease_heldByLiveOwner_refusedToOthers', async (t, store, ns) => {
    const name = `${ns}lease`
    t.truthy(await store.lease(name, here('a'), 10_000))
    t.is(await store.lease(name, here('b'), 10_000), undefined, 'same host, live pid, other runner')
    t.is(await store.lease(name, elsewhere('c'), 10_000), undefined, 'another host')
    t.truthy(await store.lease(`${ns}other`, here('b'), 10_000), 'other names are independent')
  })

  storeTest('lease_heldOnAnotherHost_refusedUntilItsTtlPasses', async (t, store, ns) => {
    const name = `${ns}lease`
    const first = (await store.lease(name, elsewhere('far'), 3_000))! // long enough for the refusal below on a loaded machine (1 s was not)
    t.is(await store.lease(name, here('b'), 10_000), undefined)
    await sleep(first.expiresAt - Date.now() + 60)
    const second = await store.lease(name, here('b'), 10_000)
    t.truthy(second, 'granted once the TTL passed')
    t.true(second!.token > first.token)
  })

  storeTest('lease_expiredOwnLease_takenOverAndOldHandleCannotRenew', async (t, store, ns) => {
    const name = `${ns}lease`
    const first = (await store.lease(name, here('a'), 60))!
    await sleep(first.expiresAt - Date.now() + 60)
    const second = (await store.lease(name, here('b'), 10_000))!
    t.truthy(second)
    t.true(second.token > first.token)
    t.false(await first.renew())
    await first.release() // must not free the new holder's lease
    t.is(await store.lease(name, here('c'), 10_000), undefined)
  })

  storeTest('renew_heldLease_extendsExpiry', async (t, store, ns) => {
    const lease = (await store.lease(`${ns}lease`, here('a'), 10_000))!
    const before = lease.expiresAt
    await sleep(15)
    t.true(await lease.renew())
    t.true(lease.expiresAt > before)
    const listed = (await store.leases()).find((l) => l.name === lease.name)!
    t.is(listed.expiresAt, lease.expiresAt)
    t.is(listed.token, lease.token, 'renewing keeps the token')
  })

  storeTest('release_heldLease_freesItAndNextGrantHasLargerToken', async (t, store, ns) => {
    const name = `${ns}lease`
    const first = (await store.lease(name, here('a'), 10_000))!
    await first.release()
    await first.release() // twice is fine
    t.false(await first.renew())
    t.false((await store.leases()).some((l) => l.name === name), 'a released lease is not listed')
    const second = (await store.lease(name, here('b'), 10_000))!
    t.true(second.token > first.token)
  })

  storeTest('lease_sameOwnerAsksAgain_newGrantWithNewToken', async (t, store, ns) => {
    const name = `${ns}lease`
    const first = (await store.lease(name, here('a'), 10_000))!
    const again = (await store.lease(name, here('a'), 10_000))!
    t.truthy(again)
    t.true(again.token > first.token)
    t.false(await first.renew(), 'the older handle is superseded')
    t.true(await again.renew())
  })

  storeTest('lease_tokens_strictlyIncreaseAcrossEveryGrant', async (t, store, ns) => {
    const name = `${ns}lease`
    const tokens: number[] = []
    let lease: Lease | undefined
    for (let i = 0; i < 6; i++) {
      lease = await store.lease(name, here(`r${i % 2}`), 10_000)
      t.truthy(lease)
      tokens.push(lease!.token)
      if (i % 2 === 0) await lease!.release()
      else await store.lease(name, here(`r${i % 2}`), 10_000).then((l) => { tokens.push(l!.token); return l!.release() })
    }
    t.true(tokens.every((tok, i) => i === 0 || tok > tokens[i - 1]!), `tokens ${tokens.join(', ')}`)
  })

  storeTest('lease_heldByDeadPidOnThisHost_takenOverAtOnce', async (t, store, ns) => {
    const name = `${ns}lease`
    const dead = (await store.lease(name, { runner: 'killed', host: hostname(), pid: await deadPid() }, 60_000))!
    t.truthy(dead)
    const next = await store.lease(name, here('restarted'), 10_000)
    t.truthy(next, 'no wait for the 60 s TTL')
    t.true(next!.token > dead.token)
  })

  storeTest('lease_invalidRequest_refusedWithExactMessage', async (t, store, ns) => {
    const name = `${ns}lease`
    await t.throwsAsync(store.lease(name, here('a'), 0), { message: `lease('${name}'): ttlMs must be a positive number of milliseconds (got 0)` })
    await t.throwsAsync(store.lease(name, { runner: '', host: 'h', pid: 1 }, 1000), { message: `lease('${name}'): owner.runner must be a non-empty string (got "")` })
    await t.throwsAsync(store.lease(name, { runner: 'r', host: 'h', pid: 1.5 }, 1000), { message: `lease('${name}'): owner.pid must be a positive integer (got 1.5)` })
  })

  // --- fencing -------------------------------------------------------------------------------

  storeTest('put_fencedWithOldToken_refusedAfterNewerGrant', async (t, store, ns) => {
    const name = `${ns}lease`
    const key = `${ns}checkpoints/1/manifest.json`
    const old = (await store.lease(name, here('a'), 10_000))!
    await store.put(key, new Uint8Array([1]), { fence: { lease: name, token: old.token } })
    await old.release()
    const newer = (await store.lease(name, here('b'), 10_000))!
    const error = await t.throwsAsync(store.put(key, new Uint8Array([2]), { fence: { lease: name, token: old.token } }))
    t.true(isStaleFenceError(error))
    t.is(error!.message, `write to '${key}' refused: fenced by token ${old.token} of lease '${name}', which is now at token ${newer.token} — ` +
      'another runner took this pipeline over; stop this one')
    t.deepEqual(bytesOf((await store.get(key))!), new Uint8Array([1]), 'the refused write left nothing')
    t.deepEqual(await store.list(`${ns}checkpoints/`), [key])
    await store.put(key, new Uint8Array([3]), { fence: { lease: name, token: newer.token } })
    t.deepEqual(bytesOf((await store.get(key))!), new Uint8Array([3]), 'the current token is accepted')
  })

  storeTest('put_fencedByNeverGrantedLease_accepted', async (t, store, ns) => {
    await store.put(`${ns}k`, new Uint8Array([1]), { fence: { lease: `${ns}no-lease`, token: 0 } })
    t.deepEqual(bytesOf((await store.get(`${ns}k`))!), new Uint8Array([1]))
  })

  storeTest('put_fenceWithInvalidToken_refusedWithExactMessage', async (t, store, ns) => {
    await t.throwsAsync(store.put(`${ns}k`, new Uint8Array([1]), { fence: { lease: `${ns}l`, token: Number.NaN } }),
      { message: `lease('${ns}l'): a fence's token must be a non-negative integer (got NaN)` })
    t.is(await store.get(`${ns}k`), undefined)
  })

  // --- keys ----------------------------------------------------------------------------------

  storeTest('keys_invalid_refusedByEveryOperationWithExactMessage', async (t, store) => {
    const rule = "use '/'-separated segments of [A-Za-z0-9._~-], none empty, '.' or '..' (e.g. 'pipelines/clicks/run')"
    const cases: Array<[string, string]> = [
      ['', 'segment 1 is empty'],
      ['a//b', 'segment 2 is empty'],
      ['/a', 'segment 1 is empty'],
      ['a/', 'segment 2 is empty'],
      ['a/../b', "segment 2 is '..'"],
      ['.', "segment 1 is '.'"],
      ['a b', `segment 1 'a b' contains " "`],
      ['ok/ünïcode', `segment 2 'ünïcode' contains "ü"`],
      ['a\\b', `segment 1 'a\\b' contains "\\\\"`],
    ]
    for (const [key, problem] of cases) {
      const message = `store key '${key}' is invalid: ${problem}; ${rule}`
      await t.throwsAsync(store.put(key, new Uint8Array([1])), { message, name: 'InvalidStoreKeyError' }, `put ${key}`)
      await t.throwsAsync(store.get(key), { message }, `get ${key}`)
      await t.throwsAsync(store.delete(key), { message }, `delete ${key}`)
      await t.throwsAsync(store.getRecord(key), { message }, `getRecord ${key}`)
      await t.throwsAsync(store.compareAndSet(key, 0, 1), { message }, `compareAndSet ${key}`)
      await t.throwsAsync(store.lease(key, here('a'), 1000), { message: `store lease name '${key}' is invalid: ${problem}; ${rule}` }, `lease ${key}`)
    }
    await t.throwsAsync(store.list('a//'), { message: `store prefix 'a//' is invalid: segment 2 is empty; ${rule}` })
    await t.throwsAsync(store.list('../'), { message: `store prefix '../' is invalid: segment 1 is '..'; ${rule}` })
  })

  storeTest('describe_isATextWithoutCredentials', async (t, store) => {
    const text = store.describe()
    t.is(typeof text, 'string')
    t.true(text.length > 0)
    t.false(/:\/\/[^/@\s]*:[^/@\s]*@/.test(text), 'no user:password@ in the description')
  })

  storeTest('leases_listing_sortedByName', async (t, store, ns) => {
    for (const n of ['c', 'a', 'b/x', 'b']) t.truthy(await store.lease(`${ns}${n}`, here('a'), 10_000))
    t.deepEqual((await store.leases()).map((l) => l.name).filter((n) => n.startsWith(ns)), ['a', 'b', 'b/x', 'c'].map((n) => ns + n))
  })

  // --- added by the second helper: properties, JSON records, tokens across expiry and takeover --

  storeTest('put_everyByteValue_roundTrips', async (t, store, ns) => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256) // 0x00…0xff twice: no text encoding may touch them
    await store.put(`${ns}all`, all)
    t.deepEqual(bytesOf((await store.get(`${ns}all`))!), all)
  })

  storeTest('putDelete_randomKeysAndBytes_matchAMapModel', async (t, store, ns) => {
    // Keys from a few shared segments, so they nest ('a', 'a/b') and share string prefixes ('a', 'a.b').
    const segment = fc.oneof(
      fc.constantFrom('a', 'b', 'a.b', 'ab', '0', '~x', '-', '...'),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== '.' && s !== '..'),
    )
    const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'))
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
    )
    let run = 0
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), fc.nat({ max: 3 }), async (ops, cut) => {
      const base = `${ns}run-${run++}/`
      const model = new Map<string, Uint8Array>()
      for (const o of ops) {
        if (o.kind === 'put') { await store.put(base + o.key, o.value); model.set(o.key, o.value) } else { await store.delete(base + o.key); model.delete(o.key) }
      }
      for (const o of ops) {
        const found = await store.get(base + o.key)
        const expected = model.get(o.key)
        if (expected === undefined ? found !== undefined : found === undefined || Buffer.compare(found, expected) !== 0) return false
      }
      if (!isDeepStrictEqual(await store.list(base), [...model.keys()].sort().map((k) => base + k))) return false
      // A prefix cut inside a key (mid-segment or at a '/'); a last segment of '.' or '..' is refused, so not cut there.
      const someKey = ops[cut % ops.length]!.key
      const sliced = someKey.slice(0, Math.max(1, someKey.length - cut))
      const prefix = /(^|\/)\.\.?$/.test(sliced) ? someKey : sliced
      return isDeepStrictEqual(await store.list(base + prefix), [...model.keys()].filter((k) => k.startsWith(prefix)).sort().map((k) => base + k))
    }), { numRuns: 30 })
    t.pass()
  })

  storeTest('compareAndSet_randomJsonValues_readBackEqual', async (t, store, ns) => {
    let run = 0
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => {
      const key = `${ns}v${run++}`
      return (await store.compareAndSet(key, 0, value)) && isDeepStrictEqual(await store.getRecord(key), { version: 1, value: JSON.parse(JSON.stringify(value)) })
    }), { numRuns: 40 })
    t.pass()
  })

  storeTest('compareAndSet_nonJsonValues_readBackAsTheirJson', async (t, store, ns) => {
    // Records are JSON in every store: what a caller reads back must not depend on the store.
    const value = { when: new Date(0), gone: undefined, nan: Number.NaN, negZero: -0, map: new Map([[1, 2]]), list: [undefined, 1] }
    t.true(await store.compareAndSet(`${ns}r`, 0, value))
    t.deepEqual((await store.getRecord(`${ns}r`))?.value, { when: '1970-01-01T00:00:00.000Z', nan: null, negZero: 0, map: {}, list: [null, 1] })
    const read = (await store.getRecord<{ when: string }>(`${ns}r`))!
    read.value.when = 'mutated'
    t.is((await store.getRecord<{ when: string }>(`${ns}r`))?.value.when, '1970-01-01T00:00:00.000Z', 'a record read back is a copy')
  })

  storeTest('lease_tokens_increaseAcrossReleaseExpiryAndDeadHolderTakeover', async (t, store, ns) => {
    const name = `${ns}lease`
    const tokens: number[] = []
    tokens.push((await store.lease(name, here('a'), 60_000))!.token)
    const again = (await store.lease(name, here('a'), 60_000))! // the same owner again
    tokens.push(again.token)
    await again.release()
    const short = (await store.lease(name, here('b'), 200))! // after a release
    tokens.push(short.token)
    await sleep(short.expiresAt - Date.now() + 60)
    const c = (await store.lease(name, here('c'), 60_000))! // after expiry
    t.truthy(c, 'granted once the 200 ms TTL passed')
    tokens.push(c.token)
    await c.release()
    tokens.push((await store.lease(name, { runner: 'crashed', host: hostname(), pid: await deadPid() }, 3_600_000))!.token)
    tokens.push((await store.lease(name, here('e'), 60_000))!.token) // the dead holder taken over at once
    t.true(tokens.every((tok, i) => i === 0 || tok > tokens[i - 1]!), `tokens ${tokens.join(', ')}`)
  })

  storeTest('put_fencedByDeadHolderAfterTakeover_refused', async (t, store, ns) => {
    const name = `${ns}lease`
    const crashed = (await store.lease(name, { runner: 'crashed', host: hostname(), pid: await deadPid() }, 3_600_000))!
    const next = (await store.lease(name, here('b'), 60_000))!
    const error = await t.throwsAsync(store.put(`${ns}k`, new Uint8Array([1]), { fence: { lease: name, token: crashed.token } }))
    t.true(isStaleFenceError(error))
    t.like(error, { key: `${ns}k`, lease: name, token: crashed.token, current: next.token })
    t.is(await store.get(`${ns}k`), undefined)
  })
}

/** A plain Uint8Array copy, so deepEqual compares contents whatever view class a store returns. */
function bytesOf(b: Uint8Array): Uint8Array {
  return new Uint8Array(b)
}

/**
 * A live owner on this host: this test process.
 *
 * @example
 * await store.lease('l', owner('a'), 10_000)
 */
export function owner(runner: string): LeaseOwner {
  return { runner, host: hostname(), pid: process.pid }
}

/**
 * The pid of a child process that has exited: surely dead (pids are not reused at once).
 *
 * @example
 * const pid = await deadPid()
 */
export function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve(child.pid!))
  })
}
