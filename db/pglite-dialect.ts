import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely over embedded PGlite. PGlite has one connection, so the driver hands it out
 * to one transaction at a time through a FIFO queue, one per turn of the event loop.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() { return new PostgresAdapter(); }
  createDriver(): Driver { return new PGliteDriver(this.pglite); }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db); }
  createQueryCompiler() { return new PostgresQueryCompiler(); }
}

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private queue: Array<(c: DatabaseConnection) => void> = [];
  private busy = false;

  constructor(pglite: PGlite) { this.connection = new PGliteConnection(pglite); }
  async init() {}

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.busy) { this.busy = true; return Promise.resolve(this.connection); }
    return new Promise((resolve) => this.queue.push(resolve));
  }
  async releaseConnection() {
    const next = this.queue.shift();
    if (!next) { this.busy = false; return; }
    // PGlite runs each statement synchronously on the event loop. Handing the connection over at once
    // (a microtask) let queued transactions run back to back without ever yielding: under load nothing
    // else ran (no page render, no socket write, no timer) and every request timed out. The next
    // transaction starts on the next turn of the event loop instead.
    setImmediate(() => next(this.connection));
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    await c.executeQuery(CompiledQuery.raw(settings.isolationLevel ? `begin isolation level ${settings.isolationLevel}` : 'begin'));
  }
  async commitTransaction(c: DatabaseConnection) { await c.executeQuery(CompiledQuery.raw('commit')); }
  async rollbackTransaction(c: DatabaseConnection) { await c.executeQuery(CompiledQuery.raw('rollback')); }
  async destroy() {}
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    // Statements without parameters go through exec, which also runs multi-statement SQL (migrations).
    const res = q.parameters.length === 0
      ? ((await this.pglite.exec(q.sql)).at(-1) as Awaited<ReturnType<PGlite['query']>> & { rows: R[] })
      : await this.pglite.query<R>(q.sql, q.parameters as any[]);
    const affected = res.affectedRows ?? 0;
    return {
      rows: res.rows,
      ...(res.fields.length === 0 || q.query.kind !== 'SelectQueryNode' ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite');
  }
}
