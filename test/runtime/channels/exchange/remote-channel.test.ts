import test from 'ava'
import { MessageChannel } from 'node:worker_threads'
import type { Message } from '../../../../runtime/messages.ts'
import { RemoteReceiver } from '../../../../runtime/channels/remote-receiver.ts'
import { RemoteSender } from '../../../../runtime/channels/remote-sender.ts'

// RemoteSender and RemoteReceiver over a MessageChannel, as two hosts wire a channel; here
// because what is checked is the channel's string table across their ends.

const events = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${tag}-${i % 40}`, value: i }))

test('a remote channel delivers batches and control messages in order, and recovers its string table after a batch clone refuses', async (t) => {
  const { port1, port2 } = new MessageChannel()
  const sender = new RemoteSender(port1, 4)
  const receiver = new RemoteReceiver(port2)
  const got: Message[] = []
  const done = new Promise<void>((resolve) => {
    receiver.messages.subscribe((message) => {
      got.push(message)
      receiver.ack(message)
      if (message.kind === 'end') resolve()
    })
  })
  try {
    const sent: Message[] = [
      { kind: 'batch', records: events('a', 100), seq: 0 },
      { kind: 'watermark', time: 5 },
      { kind: 'batch', records: events('a', 100), seq: 1 },
    ]
    for (const message of sent) await sender.send(message)
    // Strings 'b-…' enter the table before the function stops the columnar attempt; then
    // postMessage refuses the clone, so they never reach the receiver.
    const refused = [...events('b', 50), { key: 'b-x', value: () => 1 }]
    // A DOMException, which t.throws does not take for an error.
    let refusal: unknown
    try { await sender.send({ kind: 'batch', records: refused }) } catch (error) { refusal = error }
    t.is((refusal as Error | undefined)?.name, 'DataCloneError')
    const after: Message[] = [
      { kind: 'batch', records: events('b', 100), seq: 2 },
      { kind: 'batch', records: events('a', 100), seq: 3 },
      { kind: 'end', final: true },
    ]
    for (const message of after) await sender.send(message)
    await done
    t.deepEqual(got, [...sent, ...after])
  } finally {
    sender.close()
    receiver.close()
  }
})
