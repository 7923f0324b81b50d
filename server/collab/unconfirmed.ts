/**
 * Updates this process applied from another process that their sender has not yet said it stored.
 *
 * Only the process whose client sent an update stores it; the others apply it in memory. If the
 * sender dies (kill -9, a crash, the machine) with updates still in its write buffer (up to
 * `flushMs`, plus a write in flight), those updates survive only in the memory of the processes
 * that received them, and of the clients: but a client that reconnects to a survivor sends nothing
 * again, since the survivor already has it. So a receiver keeps each such update until its sender
 * says it is stored (a `stored` control message after each write), and stores it itself if that word
 * has not come within `storeAfterMs`, or when the document unloads here first. Storing an update
 * twice is harmless (applying it again changes nothing); losing it is not: the stored log would
 * lack it, and every later update of the same client would wait on it forever when read back.
 */
export interface UnconfirmedRoom {
  readonly draftId: string;
  readonly unloading: boolean;
}

interface Entry<R> { seq: number; room: R; update: Uint8Array; at: number }

export class UnconfirmedUpdates<R extends UnconfirmedRoom> {
  /** Per sending process, in the order received (a sender's messages arrive in its order). */
  private bySender = new Map<string, Array<Entry<R>>>();
  private timer: NodeJS.Timeout;

  constructor(private readonly storeAfterMs: number, private readonly store: (room: R, updates: Uint8Array[]) => void) {
    this.timer = setInterval(() => this.sweep(), Math.max(100, storeAfterMs / 4));
    this.timer.unref();
  }

  /** An update from `origin` (its sequence number `seq`) was applied to `room`. */
  received(origin: string, seq: number, room: R, update: Uint8Array) {
    let list = this.bySender.get(origin);
    if (!list) this.bySender.set(origin, (list = []));
    list.push({ seq, room, update, at: Date.now() });
  }

  /** `origin` stored everything it published up to `upTo`. */
  confirmed(origin: string, upTo: number) {
    const list = this.bySender.get(origin);
    if (!list) return;
    let n = 0;
    while (n < list.length && list[n].seq <= upTo) n++;
    list.splice(0, n);
    if (list.length === 0) this.bySender.delete(origin);
  }

  /** Hands over the room's unconfirmed updates (it is unloading: store them with its last writes). */
  take(room: R): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const [origin, list] of this.bySender) {
      const keep = list.filter((e) => (e.room === room ? (out.push(e.update), false) : true));
      if (keep.length === 0) this.bySender.delete(origin);
      else this.bySender.set(origin, keep);
    }
    return out;
  }

  /** How many updates wait for their sender's word (tests). */
  get size() {
    let n = 0;
    for (const list of this.bySender.values()) n += list.length;
    return n;
  }

  /** Stores the updates whose sender has been silent too long, grouped by room, in the order received. */
  private sweep() {
    const due = Date.now() - this.storeAfterMs;
    const byRoom = new Map<R, Uint8Array[]>();
    for (const [origin, list] of this.bySender) {
      let n = 0;
      while (n < list.length && list[n].at <= due) n++;
      if (n === 0) continue;
      for (const e of list.splice(0, n)) {
        if (e.room.unloading) continue; // take() gave them to its last writes
        const updates = byRoom.get(e.room);
        if (updates) updates.push(e.update);
        else byRoom.set(e.room, [e.update]);
      }
      if (list.length === 0) this.bySender.delete(origin);
    }
    for (const [room, updates] of byRoom) this.store(room, updates);
  }

  close() {
    clearInterval(this.timer);
  }
}
