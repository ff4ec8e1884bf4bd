// A SIGKILLed runner whose parent has not reaped it yet is a zombie: its pid still answers
// kill(pid, 0), but it holds nothing. Its lease is taken over at once, like a dead holder's
// (it was refused until the TTL ran out, ~14 s).
import test from 'ava'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { pidAlive } from '../../persistence/stores/pid-alive.ts'
import { stores } from '../../index.ts'

/** A zombie: `sleep 0.3` backgrounded by a shell that then becomes `sleep 30`, which never reaps it. */
async function zombie(t: { teardown(f: () => void): void }): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => { parent.kill('SIGKILL') })
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))))
  for (let i = 0; i < 500; i++) {
    const state = (() => { try { return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0] } catch { return undefined } })()
    if (state === 'Z') return pid
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`process ${pid} did not become a zombie`)
}

test('pidAlive: a zombie is dead, a live process and this one are alive', async (t) => {
  t.timeout(10_000)
  const pid = await zombie(t)
  t.notThrows(() => process.kill(pid, 0), 'the zombie still answers signal 0')
  t.false(pidAlive(pid))
  t.true(pidAlive(process.pid))
})

test('lease_zombieHolder: a lease held by a zombie runner of this host is taken over at once', async (t) => {
  t.timeout(10_000)
  const pid = await zombie(t)
  const store = stores.memory()
  const name = 'pipelines/zombie/lease'
  const dead = await store.lease(name, { runner: `${hostname()}:${pid}`, host: hostname(), pid }, 60_000)
  t.truthy(dead)
  const mine = await store.lease(name, { runner: `${hostname()}:${process.pid}`, host: hostname(), pid: process.pid }, 60_000)
  t.truthy(mine, 'taken over without waiting for the 60 s TTL')
  t.true(mine!.token > dead!.token)
})
