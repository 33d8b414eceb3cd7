import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { inTransaction as storeTransaction, type Tx } from "../store/transaction.js";
import { domainErrorOf } from "./refusals.js";

export type { Tx };

/**
 * A use case's one transaction (R13; the store's inTransaction), whose refusals by the database
 * leave as the DomainError a caller understands (R12): the web app and the command line both
 * see `name_taken` with its message, never the database's own wording.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await storeTransaction(db, work);
  } catch (error) {
    throw domainErrorOf(error) ?? error;
  }
}
