import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { SessionUser } from '../auth/sessions';

/**
 * Awareness (carets, presence) with the identity set by the server: a client's `user` field is
 * overwritten with who its session says it is, so nobody can appear as someone else, and a
 * connection may only speak for its own Yjs client ids.
 */

export interface AwarenessIdentity { id: string; name: string; org: string; region: string; color: string }

const REGION_COLORS: Record<string, string> = { chongqing: '#b3300b', sichuan: '#1d39c4', guizhou: '#237804' };

export const identityOf = (user: Pick<SessionUser, 'id' | 'displayName' | 'orgName' | 'region'>): AwarenessIdentity => ({
  id: user.id,
  name: user.displayName,
  org: user.orgName,
  region: user.region,
  color: REGION_COLORS[user.region] ?? '#555',
});

export class AwarenessRefused extends Error {}

interface Entry { clientId: number; clock: number; state: unknown }

/** Decodes an awareness update (count, then client id, clock and JSON state each); throws on garbage. */
export function decodeAwarenessUpdate(update: Uint8Array): Entry[] {
  const decoder = decoding.createDecoder(update);
  const entries: Entry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      entries.push({ clientId, clock, state: JSON.parse(json) });
    }
  } catch (err) {
    throw new AwarenessRefused(`malformed awareness update: ${(err as Error).message}`);
  }
  if (decoding.hasContent(decoder)) throw new AwarenessRefused('trailing bytes after an awareness update');
  return entries;
}

export function encodeAwarenessEntries(entries: Entry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * The part of a client's awareness update it may send: entries for client ids `mayUse` accepts,
 * states that are objects (or null: gone) no bigger than `maxChars`, with `user` replaced by the
 * session identity. Returns null when nothing is left.
 */
export function sanitizeAwarenessUpdate(
  update: Uint8Array,
  opts: { identity: AwarenessIdentity; mayUse: (clientId: number) => boolean; maxChars: number },
): Uint8Array | null {
  const kept: Entry[] = [];
  for (const e of decodeAwarenessUpdate(update)) {
    if (!opts.mayUse(e.clientId)) continue;
    if (e.state === null) { kept.push(e); continue; }
    if (typeof e.state !== 'object' || Array.isArray(e.state)) throw new AwarenessRefused('an awareness state must be an object');
    const state = { ...(e.state as Record<string, unknown>), user: opts.identity };
    if (JSON.stringify(state).length > opts.maxChars) throw new AwarenessRefused('awareness state too large');
    kept.push({ ...e, state });
  }
  return kept.length > 0 ? encodeAwarenessEntries(kept) : null;
}
