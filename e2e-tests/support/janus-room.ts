/**
 * Whether the real Janus still has a VideoRoom: asked over its WebSocket API (the
 * VideoRoom plugin's `exists` request), as the end-for-all spec checks that ending a
 * meeting destroyed its Janus room.
 */
import WebSocket from 'ws';

/** Asks Janus at `url` whether VideoRoom `room` exists. */
export async function janusRoomExists(url: string, room: number, timeoutMs = 5_000): Promise<boolean> {
  const socket = new WebSocket(url, 'janus-protocol');
  const answers = new Map<string, (message: any) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.janus !== 'ack') answers.get(message.transaction)?.(message);
  });
  let next = 0;
  const request = (body: object): Promise<any> =>
    new Promise((resolve) => {
      const transaction = `exists-${++next}`;
      answers.set(transaction, resolve);
      socket.send(JSON.stringify({ ...body, transaction }));
    });
  const ask = async (): Promise<boolean> => {
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const session = (await request({ janus: 'create' })).data.id;
    const handle = (await request({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom' })).data.id;
    const reply = await request({ janus: 'message', session_id: session, handle_id: handle, body: { request: 'exists', room } });
    await request({ janus: 'destroy', session_id: session });
    const exists = reply?.plugindata?.data?.exists;
    if (typeof exists !== 'boolean') throw new Error(`Janus answered 'exists' with ${JSON.stringify(reply)}`);
    return exists;
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Janus did not say within ${timeoutMs} ms whether room ${room} exists`)), timeoutMs);
  });
  try {
    return await Promise.race([ask(), deadline]);
  } finally {
    clearTimeout(timer);
    socket.terminate();
  }
}
