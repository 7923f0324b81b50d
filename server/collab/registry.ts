import type { Connection } from './connection';
import { CollabRoom, type RoomServices } from './room';

/**
 * The open documents of this process. A document loads when its first connection arrives and
 * unloads when its last one leaves, after its updates are stored (and its log compacted). A
 * connection arriving while the same document unloads waits for that to finish, then loads it anew.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, CollabRoom>();
  private readonly unloading = new Map<string, Promise<void>>();

  constructor(private readonly services: RoomServices) {}

  private shuttingDown = false;

  /** The room of a draft once loaded, if this process has it open (or is opening it). */
  async current(draftId: string): Promise<CollabRoom | undefined> {
    const room = this.rooms.get(draftId);
    if (!room) return undefined;
    await room.ready?.catch(() => undefined);
    return room.loaded && !room.unloading ? room : undefined;
  }

  /** Documents open or still storing their last changes. */
  get size() {
    return this.rooms.size + this.unloading.size;
  }

  /** Puts a connection into its draft's room once the room is loaded (loading it if needed). */
  async enter(conn: Connection): Promise<void> {
    const { draftId } = conn;
    while (this.unloading.has(draftId)) await this.unloading.get(draftId);
    if (!conn.open) return;
    let room = this.rooms.get(draftId);
    if (!room) {
      const created = new CollabRoom(draftId, this.services);
      room = created;
      this.rooms.set(draftId, created);
      created.ready = created.load(conn.actor).catch((err) => {
        // Nobody may use a half-loaded document: refuse everyone waiting and forget it.
        if (this.rooms.get(draftId) === created) this.rooms.delete(draftId);
        created.unloading = true;
        created.destroy();
        throw err;
      });
    }
    room.connections.add(conn);
    try {
      await room.ready;
    } catch (err) {
      room.connections.delete(conn);
      throw err;
    }
    if (!conn.open || !room.connections.has(conn)) {
      // Closed while the document loaded: if everyone did, nobody else will unload it.
      room.connections.delete(conn);
      if (room.connections.size === 0 && !room.unloading) void this.unload(room, !this.shuttingDown);
      return;
    }
    conn.start(room);
  }

  /**
   * A connection closed: once what it sent before closing is handled, it leaves its room, and the
   * room unloads if it was the last one.
   */
  async leave(conn: Connection) {
    await conn.settled();
    const room = this.rooms.get(conn.draftId);
    if (!room || !room.connections.has(conn)) return;
    room.detach(conn);
    if (room.connections.size === 0 && room.loaded) void this.unload(room, !this.shuttingDown);
  }

  private unload(room: CollabRoom, compact: boolean): Promise<void> {
    const { draftId } = room;
    if (room.unloading) return this.unloading.get(draftId) ?? Promise.resolve();
    if (this.rooms.get(draftId) === room) this.rooms.delete(draftId);
    room.unloading = true;
    // What other processes sent and have not said they stored goes with this room's last writes.
    const unconfirmed = this.services.unconfirmed.take(room);
    if (room.lastActor) for (const update of unconfirmed) this.services.persistence.enqueue(room, update, room.lastActor);
    const done = this.services.persistence.finish(room, room.lastActor, compact)
      .catch((err) => this.services.log.error({ err, draftId }, 'collab could not finish storing a document'))
      .finally(() => {
        room.destroy();
        if (this.unloading.get(draftId) === done) this.unloading.delete(draftId);
      });
    this.unloading.set(draftId, done);
    return done;
  }

  /** Shutdown begins: documents that unload from now on skip compaction (be quick). */
  beginShutdown() {
    this.shuttingDown = true;
  }

  /** Shutdown: every document stores what it has, then unloads. */
  async closeAll() {
    this.shuttingDown = true;
    // Messages already received (e.g. waiting for an authorship check) are applied before the last flush.
    await Promise.all([...this.rooms.values()].flatMap((room) => [...room.connections].map((c) => c.settled())));
    await Promise.all([...this.rooms.values()].map((room) => (room.ready ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => (room.loaded ? this.unload(room, false) : undefined))));
    await Promise.all([...this.unloading.values()]);
  }
}
