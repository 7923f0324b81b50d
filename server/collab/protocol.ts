import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';

/**
 * The y-websocket wire format (y-protocols): a varuint message type, then its body.
 * 0 sync (step 1: state vector; step 2: the missing update; 2: an update), 1 awareness update,
 * 2 auth (unused here: a client never sends it), 3 query awareness.
 */
export const MESSAGE = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3 } as const;
export const SYNC = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;

export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2' | 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' };

/** A message this server does not accept: the connection that sent it is closed (BAD_MESSAGE). */
export class ProtocolError extends Error {}

/** Decodes one client message completely (trailing bytes are an error); throws ProtocolError on anything else. */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
  let message: ClientMessage;
  const decoder = decoding.createDecoder(data);
  try {
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE.SYNC) {
      const step = decoding.readVarUint(decoder);
      const body = decoding.readVarUint8Array(decoder);
      if (step === SYNC.STEP1) message = { type: 'sync-step1', stateVector: body };
      else if (step === SYNC.STEP2) message = { type: 'sync-step2', update: body };
      else if (step === SYNC.UPDATE) message = { type: 'sync-update', update: body };
      else throw new ProtocolError(`unknown sync message ${step}`);
    } else if (type === MESSAGE.AWARENESS) {
      message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
    } else if (type === MESSAGE.QUERY_AWARENESS) {
      message = { type: 'query-awareness' };
    } else {
      throw new ProtocolError(`unknown message type ${type}`);
    }
  } catch (err) {
    throw err instanceof ProtocolError ? err : new ProtocolError(`malformed message: ${(err as Error).message}`);
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after a message');
  return message;
}

const framed = (write: (encoder: encoding.Encoder) => void): Uint8Array => {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
};

export const syncStep1Message = (doc: Y.Doc) => framed((e) => {
  encoding.writeVarUint(e, MESSAGE.SYNC);
  encoding.writeVarUint(e, SYNC.STEP1);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
});

/** Answer to a client's step 1: what the server has that the client's state vector lacks. */
export const syncStep2Message = (update: Uint8Array) => framed((e) => {
  encoding.writeVarUint(e, MESSAGE.SYNC);
  encoding.writeVarUint(e, SYNC.STEP2);
  encoding.writeVarUint8Array(e, update);
});

/** The state vector of a client that has nothing yet (a new browser without an offline copy). */
export const isEmptyStateVector = (stateVector: Uint8Array) => stateVector.length === 1 && stateVector[0] === 0;

export const updateMessage = (update: Uint8Array) => framed((e) => {
  encoding.writeVarUint(e, MESSAGE.SYNC);
  encoding.writeVarUint(e, SYNC.UPDATE);
  encoding.writeVarUint8Array(e, update);
});

export const awarenessMessage = (update: Uint8Array) => framed((e) => {
  encoding.writeVarUint(e, MESSAGE.AWARENESS);
  encoding.writeVarUint8Array(e, update);
});

/** Every awareness state the server knows, or null if there is none. */
export function awarenessStatesMessage(awareness: Awareness): Uint8Array | null {
  const clients = [...awareness.getStates().keys()];
  return clients.length > 0 ? awarenessMessage(encodeAwarenessUpdate(awareness, clients)) : null;
}

/**
 * The Yjs client ids whose content an update carries (deletions carry no author). A V1 update starts
 * with its number of clients, then each client's struct count, id and first clock before its structs:
 * a keystroke has one client, read from that header; only updates with several need a full parse.
 */
export function writersOf(update: Uint8Array): number[] {
  try {
    const decoder = decoding.createDecoder(update);
    const clients = decoding.readVarUint(decoder);
    if (clients === 0) return [];
    if (clients === 1) return decoding.readVarUint(decoder) === 0 ? [] : [decoding.readVarUint(decoder)];
    return [...Y.parseUpdateMeta(update).to.keys()];
  } catch (err) {
    throw new ProtocolError(`malformed update: ${(err as Error).message}`);
  }
}
