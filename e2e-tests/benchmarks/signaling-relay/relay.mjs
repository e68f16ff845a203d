// A minimal signaling relay on Node's `ws`, the yardstick for Conclave's signaling server
// in `cargo xtask bench` (BENCHMARKS.md, issue 16): the same routing with the same wire
// messages the load generator (`conclave-signaling-load`) uses, and nothing more.
//
//   POST /api/rooms   -> 201 {"room_id": 22 base64url characters}
//   GET  /ws/{room}   -> WebSocket; {"type":"join"} -> "joined" (and "participant_joined"
//                        to the others); {"type":"signal","to":ID,"payload":P} ->
//                        {"type":"signal","from":ID,"payload":P} to that participant;
//                        "participant_left" to the others on close.
//
// Like Conclave it parses every message and writes a new one, and refuses messages over
// 64 KiB. No TLS, no limits, no MLS delivery service: a yardstick, not a server.
//
// Usage: node relay.mjs [--listen 127.0.0.1:0]; prints "relay is serving on http://ADDR/".

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const MAX_MESSAGE_BYTES = 64 * 1024;
const UNKNOWN_ROOM = 4404;
const PROTOCOL_VIOLATION = 4400;

const listenArg = process.argv.indexOf('--listen');
const [host, port] = (listenArg > 0 ? process.argv[listenArg + 1] : '127.0.0.1:0').split(':');

/** room id -> Map(participant id -> WebSocket) */
const rooms = new Map();
let nextParticipant = 1;

const http = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/api/rooms') {
    const roomId = randomBytes(16).toString('base64url');
    rooms.set(roomId, new Map());
    const body = JSON.stringify({ room_id: roomId });
    response.writeHead(201, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
    return;
  }
  response.writeHead(404).end();
});

const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

http.on('upgrade', (request, socket, head) => {
  const match = /^\/ws\/([A-Za-z0-9_-]{22})$/.exec(request.url ?? '');
  sockets.handleUpgrade(request, socket, head, (ws) => {
    const room = match ? rooms.get(match[1]) : undefined;
    if (!room) {
      ws.close(UNKNOWN_ROOM, 'unknown room');
      return;
    }
    serve(ws, room);
  });
});

function send(ws, message) {
  ws.send(JSON.stringify(message));
}

function serve(ws, room) {
  let me = null;
  ws.on('message', (data, isBinary) => {
    let message;
    try {
      message = isBinary ? null : JSON.parse(data.toString());
    } catch {
      message = null;
    }
    if (message === null || typeof message !== 'object') {
      ws.close(PROTOCOL_VIOLATION, 'malformed message');
      return;
    }
    if (message.type === 'join' && me === null) {
      me = nextParticipant++;
      const participants = [...room.keys()].map((id) => ({ id }));
      send(ws, {
        type: 'joined',
        you: me,
        participants,
        media_mode: 'mesh',
        group: { epoch: null, members: [] },
        ice_servers: [],
      });
      for (const other of room.values()) {
        send(other, { type: 'participant_joined', participant: { id: me } });
      }
      room.set(me, ws);
    } else if (message.type === 'signal' && me !== null) {
      const target = room.get(message.to);
      if (target) {
        send(target, { type: 'signal', from: me, payload: message.payload });
      } else {
        send(ws, { type: 'error', code: 'unknown_participant', message: 'not in this room' });
      }
    } else {
      ws.close(PROTOCOL_VIOLATION, 'unexpected message');
    }
  });
  ws.on('close', () => {
    if (me === null) return;
    room.delete(me);
    for (const other of room.values()) {
      send(other, { type: 'participant_left', id: me });
    }
  });
}

http.listen(Number(port), host, () => {
  const address = http.address();
  console.log(`relay is serving on http://${address.address}:${address.port}/`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
