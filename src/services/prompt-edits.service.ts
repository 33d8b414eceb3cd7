import { DomainError } from "../domain/errors.js";
import { setArchivedAt, setDescription, touchPrompt } from "../store/prompts.store.js";
import { type Actor, isoNow, LOCAL, requirePrompt, requireRole, type ServiceDeps } from "./context.js";
import { describeInput } from "./inputs.js";
import { parseInput } from "./parse.js";
import { inTransaction } from "./transaction.js";

/**
 * What a prompt itself can change besides its versions: the description, and whether it is
 * archived. Neither is an event: the event log's types are the closed list of R11.
 */
export function createPromptEditsService(deps: ServiceDeps) {
  const { db } = deps;
  return {
    /** R1: a new description, up to 2,000 characters. */
    async describe(name: string, input: unknown, by: Actor = LOCAL): Promise<void> {
      requireRole(by, "edit");
      const { description } = parseInput(describeInput, input);
      await inTransaction(db, async (tx) => {
        const prompt = await requirePrompt(tx, name);
        await setDescription(tx, prompt.id, description, isoNow(deps));
      });
    },

    /**
     * Hides a prompt nobody uses from the list. Nothing is deleted and nothing else changes: its
     * versions, PROD history and events stay, and the runtime read still answers. 409
     * invalid_transition if it is archived already.
     */
    async archive(name: string, by: Actor = LOCAL): Promise<{ name: string; archivedAt: string }> {
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const prompt = await requirePrompt(tx, name);
        if (prompt.archived_at) throw new DomainError("invalid_transition", `${name} is archived already`);
        const now = isoNow(deps);
        await setArchivedAt(tx, prompt.id, now);
        await touchPrompt(tx, prompt.id, now);
        return { name, archivedAt: now };
      });
    },

    /** Brings an archived prompt back into the list; 409 invalid_transition if it is not archived. */
    async unarchive(name: string, by: Actor = LOCAL): Promise<{ name: string; archivedAt: null }> {
      requireRole(by, "edit");
      return inTransaction(db, async (tx) => {
        const prompt = await requirePrompt(tx, name);
        if (!prompt.archived_at) throw new DomainError("invalid_transition", `${name} is not archived`);
        await setArchivedAt(tx, prompt.id, null);
        await touchPrompt(tx, prompt.id, isoNow(deps));
        return { name, archivedAt: null };
      });
    },
  };
}
