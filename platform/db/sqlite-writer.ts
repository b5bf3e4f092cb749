/**
 * One writer for an SQLite file. Sequelize's sqlite dialect opens a fresh
 * connection per transaction, so concurrent transactions fought for SQLite's
 * single write lock in busy-wait loops that blocked libuv's thread pool and
 * ended in SQLITE_BUSY. Here every write (transactions and plain
 * INSERT/UPDATE/DELETE alike) takes its turn in one in-process FIFO queue and
 * runs on one long-lived writer connection; reads stay on the shared default
 * connection and, under WAL, never wait for the writer.
 */
import type { QueryOptions, Sequelize, Transaction, TransactionOptions } from "sequelize";
import { QueryTypes } from "sequelize";
import type { WriterHold } from "./writer-queue";
import { WriterQueue } from "./writer-queue";

export interface SqliteWriterOptions {
  /** How long a connection waits for a lock held by another process (seed script, sqlite3 shell). */
  busyTimeoutMs?: number;
}

/** The slice of node-sqlite3's Database this module uses. */
interface SqliteConnection {
  uuid?: string;
  configure(option: "busyTimeout", value: number): void;
  run(sql: string, callback: (err: Error | null) => void): void;
  close(callback: (err: Error | null) => void): void;
}

interface ConnectionOptions {
  uuid?: string;
  type?: string;
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteConnection | undefined>;
  getConnection(options?: ConnectionOptions): Promise<SqliteConnection>;
  releaseConnection(connection: SqliteConnection, force?: boolean): void;
  destroyConnection(connection: SqliteConnection): Promise<void>;
}

type TransactionFn = (
  options?: TransactionOptions | ((t: Transaction) => Promise<unknown>),
  autoCallback?: (t: Transaction) => Promise<unknown>,
) => Promise<unknown>;
type QueryFn = (sql: string | { query: string }, options?: QueryOptions) => Promise<unknown>;

/** The key the writer connection lives under in the connection manager's map. */
const WRITER_KEY = "writer";
const READ_TYPES = new Set<string>([
  QueryTypes.SELECT,
  QueryTypes.SHOWTABLES,
  QueryTypes.SHOWINDEXES,
  QueryTypes.DESCRIBE,
  QueryTypes.FOREIGNKEYS,
]);

/** True when the statement cannot take SQLite's write lock. */
export function isReadOnlyStatement(sql: string, type: string | undefined): boolean {
  if (type !== undefined && READ_TYPES.has(type)) return true;
  return /^\s*(SELECT|EXPLAIN)\b/i.test(sql);
}

/**
 * Installs the single-writer discipline on an sqlite Sequelize instance.
 * Callers change nothing: `sequelize.transaction(...)`, `Model.create`,
 * `queryInterface.bulkInsert` and `sequelize.query("UPDATE ...")` queue
 * themselves. A transaction or write started from inside a running
 * transaction's callback without `{ transaction }` joins it (a savepoint,
 * or a statement of that transaction) instead of waiting for a lock its own
 * caller holds.
 */
export function installSqliteWriter(sequelize: Sequelize, options: SqliteWriterOptions = {}): WriterQueue {
  const queue = new WriterQueue();
  tuneConnections(sequelize, options.busyTimeoutMs ?? 5000);
  const target = sequelize as unknown as { transaction: TransactionFn; query: QueryFn };
  const transaction = target.transaction.bind(sequelize);
  const query = target.query.bind(sequelize);
  const joinable = (hold: WriterHold | undefined) =>
    hold?.transaction && !(hold.transaction as unknown as { finished?: string }).finished
      ? hold.transaction
      : undefined;

  target.transaction = (txOptions, autoCallback) => {
    if (typeof txOptions === "function") return target.transaction(undefined, txOptions);
    if (txOptions?.transaction) return transaction(txOptions, autoCallback);
    const outer = joinable(queue.current());
    if (outer) return transaction({ ...txOptions, transaction: outer }, autoCallback);
    if (!autoCallback) return unmanaged(queue, () => transaction(txOptions) as Promise<Transaction>);
    return queue.run((hold) =>
      transaction(txOptions, (t) => {
        hold.transaction = t;
        return autoCallback(t);
      }),
    );
  };

  target.query = (sql, queryOptions) => {
    const text = typeof sql === "string" ? sql : sql.query;
    if (queryOptions?.transaction || isReadOnlyStatement(text, queryOptions?.type)) {
      return query(sql, queryOptions);
    }
    const hold = queue.current();
    const outer = joinable(hold);
    if (outer) return query(sql, { ...queryOptions, transaction: outer });
    if (hold) return query(sql, queryOptions);
    return queue.run(() => query(sql, queryOptions));
  };
  return queue;
}

/** `sequelize.transaction()` without a callback: the lock is held until commit or rollback. */
async function unmanaged(queue: WriterQueue, begin: () => Promise<Transaction>): Promise<Transaction> {
  const release = await queue.acquire();
  let t: Transaction;
  try {
    t = await begin();
  } catch (err) {
    release();
    throw err;
  }
  const commit = t.commit.bind(t);
  const rollback = t.rollback.bind(t);
  t.commit = async () => {
    try {
      await commit();
    } finally {
      release();
    }
  };
  t.rollback = async () => {
    try {
      await rollback();
    } finally {
      release();
    }
  };
  return t;
}

/**
 * Every connection gets the busy timeout and synchronous mode (both are
 * per-connection in SQLite; WAL is per-file), and transactions reuse one
 * writer connection instead of opening and closing a file handle each.
 */
function tuneConnections(sequelize: Sequelize, busyTimeoutMs: number): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const destroyConnection = manager.destroyConnection.bind(manager);
  const tuned = new WeakSet<SqliteConnection>();
  const isWriter = (c: SqliteConnection) => c === manager.connections[WRITER_KEY];

  manager.getConnection = async (connectionOptions = {}) => {
    const uuid = connectionOptions.uuid && connectionOptions.uuid !== "default" ? WRITER_KEY : undefined;
    const connection = await getConnection({ ...connectionOptions, uuid });
    if (!tuned.has(connection)) {
      tuned.add(connection);
      connection.configure("busyTimeout", busyTimeoutMs);
      await run(connection, "PRAGMA synchronous = NORMAL");
    }
    return connection;
  };
  manager.releaseConnection = (connection, force) => {
    if (!isWriter(connection)) releaseConnection(connection, force);
  };
  // A commit or rollback that failed leaves the writer in an unknown state: close it, the next transaction opens a new one.
  manager.destroyConnection = async (connection) => {
    if (!isWriter(connection)) return destroyConnection(connection);
    delete manager.connections[WRITER_KEY];
    await new Promise<void>((resolve) => connection.close(() => resolve()));
  };
}

function run(connection: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.run(sql, (err) => (err ? reject(err) : resolve())));
}
