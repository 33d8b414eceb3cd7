import { afterEach } from "vitest";
import { runCleanups } from "./cleanups.js";

/** A setup file of the `sqlite`, `postgres` and `unit` projects: the support modules' cleanups after every test (test/support/cleanups.ts). */
afterEach(runCleanups);
