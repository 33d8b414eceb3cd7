import { describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.js";
import { messageForPeople, placeOf } from "../../../src/http/for-people.js";

describe("where a refusal is, as a page says it", () => {
  test.each([
    ["messages.0.content", "Message 1"],
    ["messages.1.name", "Message 2"],
    ["messages.1", "Message 2"],
    ["assertions.2.value", "Assertion 3"],
    ["body", "Prompt"],
    ["config", "Config"],
    ["config.temperature", "Config"],
    ["variables.имя", "Variable имя"],
    ["types.0", "Types 1"],
    ["label", "Label"],
    ["(input)", null],
    ["(path)", "The address"],
    ["(query)", "The address's query"],
  ])("%s → %s", (path, place) => {
    expect(placeOf(path)).toBe(place);
  });

  test("the first issue in words, and how many more; the error itself keeps its 0-based paths", () => {
    const issues = [
      { path: "messages.1.name", message: "Name the placeholder" },
      { path: "config", message: "Not an object" },
    ];
    const error = new DomainError("validation_failed", "messages.1.name: Name the placeholder", issues);
    expect(messageForPeople(error)).toBe("Message 2: Name the placeholder (and 1 more problem)");
    expect(error.toJSON().error.issues?.[0]?.path).toBe("messages.1.name");
    expect(messageForPeople(new DomainError("not_found", "No prompt p"))).toBe("No prompt p");
  });
});
