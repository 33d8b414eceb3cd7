import { z } from "zod";
import { MAX_PASSWORD, MAX_TOKEN_LABEL, MIN_PASSWORD, USER_NAME } from "../domain/accounts.js";
import { ROLES } from "../domain/roles.js";

/** One zod schema per accounts input (docs/accounts.md), shared by the pages, the JSON API and the CLI. */
export const userName = z.string().regex(USER_NAME, "Use 1–64 characters of a-z 0-9 . _ -");
export const role = z.enum(ROLES, "Use viewer, editor, releaser or admin");
export const password = z
  .string()
  .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters`)
  .max(MAX_PASSWORD, `Use at most ${MAX_PASSWORD} characters`);

export const addUserInput = z.strictObject({ name: userName, role, password });
export const setRoleInput = z.strictObject({ role });
export const setPasswordInput = z.strictObject({ password });

/** Changing one's own password proves the current one first. */
export const changePasswordInput = z.strictObject({ current: z.string().max(MAX_PASSWORD), password });

export const createTokenInput = z.strictObject({
  label: z
    .string()
    .trim()
    .min(1, "Give the token a label (what uses it)")
    .max(MAX_TOKEN_LABEL, `Keep the label under ${MAX_TOKEN_LABEL} characters`),
  readOnly: z.boolean().default(false),
  /** Whose token: one's own by default; an admin may name another user. */
  user: userName.optional(),
});

/** Sign-in input: anything a person may type is allowed through to the same "wrong" answer. */
export const signInInput = z.object({
  name: z.string().max(200, "Wrong name or password"),
  password: z.string().max(MAX_PASSWORD, "Wrong name or password"),
});
