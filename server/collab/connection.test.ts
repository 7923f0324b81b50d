import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { binaryFrame } from './connection';

describe('binaryFrame', () => {
  let wss: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((resolve) => wss.once('listening', resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => wss.close(resolve)));

  // Each length form of the header (7-bit, 16-bit, 64-bit), at its edges, read by ws's own client.
  it.each([0, 1, 125, 126, 65_535, 65_536, 200_000])('a %i-byte message arrives whole, between ws frames', async (length) => {
    const message = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
    wss.once('connection', (ws) => {
      ws.send(Buffer.from('before'));
      (ws as unknown as { _socket: Duplex })._socket.write(binaryFrame(message));
      ws.send(Buffer.from('after'));
    });
    const client = new WebSocket(url);
    const received: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer) => { if (received.push(data) === 3) resolve(); });
      client.on('error', reject);
    });
    client.close();
    expect(received[0].toString()).toBe('before');
    expect(new Uint8Array(received[1])).toEqual(message);
    expect(received[2].toString()).toBe('after');
  });
});
