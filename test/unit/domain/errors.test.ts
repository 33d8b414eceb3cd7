import { describe, expect, test } from "vitest";
import { DomainError, ERROR_STATUS } from "../../../src/domain/errors.js";

describe("DomainError", () => {
  test("carries the docs/api.md status of its code", () => {
    expect(new DomainError("validation_failed", "x").status).toBe(422);
    expect(new DomainError("not_found", "x").status).toBe(404);
    expect(new DomainError("stale_revision", "x").status).toBe(409);
    expect(new DomainError("payload_too_large", "x").status).toBe(413);
  });

  test("every docs/api.md code is there with its status, and docs/limits.md's 405", () => {
    expect(ERROR_STATUS).toEqual({
      bad_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      method_not_allowed: 405,
      not_acceptable: 406,
      name_taken: 409,
      version_immutable: 409,
      invalid_transition: 409,
      delete_forbidden: 409,
      stale_revision: 409,
      tests_required: 409,
      payload_too_large: 413,
      validation_failed: 422,
      rate_limited: 429,
    });
  });

  test("serializes as {error:{code,message}}, with issues only when it has some", () => {
    expect(JSON.parse(JSON.stringify(new DomainError("name_taken", "taken")))).toEqual({
      error: { code: "name_taken", message: "taken" },
    });
    const issues = [{ path: "name", message: "bad" }];
    expect(new DomainError("validation_failed", "bad", issues).toJSON()).toEqual({
      error: { code: "validation_failed", message: "bad", issues },
    });
  });
});
