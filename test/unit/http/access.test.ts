import { describe, expect, test } from "vitest";
import { routePermission } from "../../../src/http/access.js";

/** The permission a route asks for before its handler runs (docs/rules.md, "The role table"). */
describe("the permission /mcp asks for", () => {
  test("every MCP call is a read, though a POST", () => {
    expect(routePermission("POST", "/mcp")).toBe("read");
    expect(routePermission("POST", "/prompts")).toBe("edit");
  });
});
