import { describe, expect, test } from "vitest";
import {
  actionsFor,
  effectiveRole,
  makeCurrentPermission,
  type Permission,
  promotePermission,
  ROLES,
  requirePermission,
  roleAllows,
} from "../../../src/domain/roles.js";
import { allowedActions, STAGES } from "../../../src/domain/stage.js";

describe("roleAllows: the role table of docs/accounts.md", () => {
  const table: Record<Permission, string[]> = {
    read: ["viewer", "editor", "releaser", "admin"],
    edit: ["editor", "releaser", "admin"],
    release: ["releaser", "admin"],
    admin: ["admin"],
    self: ["viewer", "editor", "releaser", "admin"],
  };

  test.each(Object.entries(table))("%s: %j", (permission, roles) => {
    for (const role of ROLES)
      expect(roleAllows(role, permission as Permission).allowed, `${role} ${permission}`).toBe(roles.includes(role));
  });

  test("open mode (no role) allows everything", () => {
    for (const permission of Object.keys(table) as Permission[])
      expect(roleAllows(null, permission).allowed).toBe(true);
  });

  test("a refusal names the role needed and the role held", () => {
    expect(roleAllows("editor", "release").reason).toBe(
      "Promoting to PROD and rolling PROD back needs the releaser role; you are an editor",
    );
    expect(roleAllows("viewer", "edit").reason).toMatch(/needs the editor role; you are a viewer$/);
    expect(() => requirePermission("releaser", "admin")).toThrow(/needs the admin role; you are a releaser/);
  });

  test("a read-only token acts as a viewer, whatever its user's role", () => {
    for (const role of ROLES) {
      expect(effectiveRole(role, true)).toBe("viewer");
      expect(effectiveRole(role, false)).toBe(role);
    }
  });
});

describe("actionsFor: the button table with the role table laid over it", () => {
  test("promoting into PROD and making a PROD version current are releases; the rest is editing", () => {
    expect(STAGES.map(promotePermission)).toEqual(["edit", "release", "edit"]);
    expect(STAGES.map(makeCurrentPermission)).toEqual(["edit", "edit", "release"]);
  });

  test("for admins and in open mode it is the button table, with promotion allowed", () => {
    for (const stage of STAGES)
      for (const current of [true, false])
        for (const role of ["admin", null] as const) {
          const { promoteBy, ...actions } = actionsFor({ stage, current }, role);
          expect(actions).toEqual(allowedActions({ stage, current }));
          expect(promoteBy.allowed).toBe(true);
        }
  });

  test("a viewer may press nothing, with the role as the reason where the stage allows it", () => {
    const dev = actionsFor({ stage: "DEV", current: false }, "viewer");
    for (const action of [dev.edit, dev.test, dev.createNew, dev.delete, dev.makeCurrent, dev.promoteBy])
      expect(action).toEqual({ allowed: false, reason: expect.stringMatching(/needs the editor role/) });
    // A stage rule holds for everyone and is the reason given first.
    expect(actionsFor({ stage: "PROD", current: true }, "viewer").edit.reason).toBe("Cannot edit production versions");
  });

  test("an editor promotes to TST but not to PROD, and makes current in DEV and TST but not in PROD", () => {
    expect(actionsFor({ stage: "DEV", current: true }, "editor").promoteBy.allowed).toBe(true);
    const tst = actionsFor({ stage: "TST", current: true }, "editor");
    expect(tst.promote).toBe("PROD");
    expect(tst.promoteBy.reason).toMatch(/needs the releaser role; you are an editor/);
    expect(actionsFor({ stage: "TST", current: false }, "editor").makeCurrent.allowed).toBe(true);
    expect(actionsFor({ stage: "PROD", current: false }, "editor").makeCurrent.reason).toMatch(/releaser/);
    expect(actionsFor({ stage: "PROD", current: false }, "releaser").makeCurrent.allowed).toBe(true);
  });
});
