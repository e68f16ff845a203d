/**
 * The SFU operator's view: a page with no Conclave code at all, which speaks only the
 * Janus WebSocket API, subscribes to every feed of a VideoRoom, and keeps a copy of the
 * first encoded frames it receives (before its own decoder, which gets them unchanged).
 */
import type { Page } from '@playwright/test';

/** How to reach a Janus room, as the signaling server hands it out. */
export interface JanusRoomAccess {
  url: string;
  room: number;
  pin: string;
}

/** What the plain subscriber saw. */
export interface OperatorView {
  feeds: number;
  packetsReceived: number;
  framesDecoded: number;
  frames: { kind: string; data: Buffer }[];
}

/** Subscribes `page` (a blank page) to every feed of the room and watches for `watchMs`. */
export async function watchAsOperator(page: Page, access: JanusRoomAccess, watchMs: number): Promise<OperatorView> {
  await page.goto('about:blank');
  const seen = await page.evaluate(
    async ({ access, watchMs }) => {
      const socket = new WebSocket(access.url, 'janus-protocol');
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error('Janus WebSocket failed'));
      });
      let next = 0;
      const pending = new Map<string, (message: any) => void>();
      let connection: RTCPeerConnection | null = null;
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.janus === 'ack') return;
        if (message.janus === 'trickle' && connection && message.candidate && !message.candidate.completed) {
          connection.addIceCandidate(message.candidate).catch(() => {});
          return;
        }
        const waiter = pending.get(message.transaction);
        if (waiter) {
          pending.delete(message.transaction);
          waiter(message);
        }
      };
      const request = (body: object): Promise<any> =>
        new Promise((resolve) => {
          const transaction = `operator-${++next}`;
          pending.set(transaction, resolve);
          socket.send(JSON.stringify({ ...body, transaction }));
        });
      const session = (await request({ janus: 'create' })).data.id;
      const keepalive = setInterval(
        () => socket.send(JSON.stringify({ janus: 'keepalive', session_id: session, transaction: `k-${++next}` })),
        20_000,
      );
      const handle = (await request({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom' })).data.id;
      const message = (body: object, jsep?: object) =>
        request({ janus: 'message', session_id: session, handle_id: handle, body, ...(jsep ? { jsep } : {}) });
      const listed = await message({ request: 'listparticipants', room: access.room });
      const feeds = (listed.plugindata?.data?.participants ?? [])
        .filter((p: any) => p.publisher)
        .map((p: any) => ({ feed: p.id }));
      if (feeds.length === 0) throw new Error(`no published feed in the room: ${JSON.stringify(listed)}`);
      const attached = await message({ request: 'join', ptype: 'subscriber', room: access.room, pin: access.pin, streams: feeds });
      if (!attached.jsep) throw new Error(`no offer from Janus: ${JSON.stringify(attached)}`);

      // Chromium's own decoder gets every frame unchanged; a copy of the first ones is kept.
      connection = new RTCPeerConnection({ encodedInsertableStreams: true } as RTCConfiguration);
      const frames: { kind: string; data: number[] }[] = [];
      connection.ontrack = (event) => {
        const kind = event.track.kind;
        const { readable, writable } = (event.receiver as any).createEncodedStreams();
        readable
          .pipeThrough(
            new TransformStream({
              transform(frame: any, controller) {
                if (frames.length < 600) frames.push({ kind, data: Array.from(new Uint8Array(frame.data)) });
                controller.enqueue(frame);
              },
            }),
          )
          .pipeTo(writable)
          .catch(() => {});
      };
      connection.onicecandidate = (event) =>
        socket.send(
          JSON.stringify({
            janus: 'trickle',
            session_id: session,
            handle_id: handle,
            transaction: `t-${++next}`,
            candidate: event.candidate ? event.candidate.toJSON() : { completed: true },
          }),
        );
      await connection.setRemoteDescription(attached.jsep);
      const answer = await connection.createAnswer();
      await connection.setLocalDescription(answer);
      await message({ request: 'start' }, { type: 'answer', sdp: answer.sdp });

      await new Promise((resolve) => setTimeout(resolve, watchMs));
      let packetsReceived = 0;
      let framesDecoded = 0;
      (await connection.getStats()).forEach((report: any) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') {
          packetsReceived += report.packetsReceived ?? 0;
          framesDecoded += report.framesDecoded ?? 0;
        }
      });
      clearInterval(keepalive);
      connection.close();
      socket.close();
      return { feeds: feeds.length, packetsReceived, framesDecoded, frames };
    },
    { access, watchMs },
  );
  return { ...seen, frames: seen.frames.map((frame) => ({ kind: frame.kind, data: Buffer.from(frame.data) })) };
}
