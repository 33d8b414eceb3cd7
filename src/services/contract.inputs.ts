import { type Contract, type ContractIssue, checkContract, EMPTY_CONTRACT } from "../domain/contract.js";
import { DomainError, type ErrorIssue } from "../domain/errors.js";
import type { Content } from "../domain/prompt-content.js";
import { schemaProblem } from "./json-schema.js";

/** The contract fields a create or a save may carry; a field left out keeps what the version has. */
export interface ContractFields {
  variables?: unknown;
  tools?: unknown;
  responseFormat?: unknown;
}

/**
 * The contract a save stores: the fields sent over the version's own, checked whole — shape,
 * names, types and defaults (src/domain/contract.ts), every JSON Schema as draft 2020-12 (the
 * path inside the schema in the issue), and against the content: a chat placeholder is filled
 * with messages, so a variable of its name must be declared as `messages`. Refused as
 * validation_failed with every issue, nothing saved.
 */
export function resolveContract(fields: ContractFields, content: Content, base: Contract = EMPTY_CONTRACT): Contract {
  const checked = checkContract({
    variables: fields.variables === undefined ? base.variables : fields.variables,
    tools: fields.tools === undefined ? base.tools : fields.tools,
    responseFormat: fields.responseFormat === undefined ? base.responseFormat : fields.responseFormat,
  });
  if (!checked.ok) throw refusal(checked.issues);
  const { contract } = checked;
  const issues: ContractIssue[] = [];
  contract.tools.forEach((tool, i) => {
    const problem = schemaProblem(tool.function.parameters);
    if (problem)
      issues.push({ path: ["tools", i, "function", "parameters", ...problem.path], message: problem.message });
  });
  if (contract.responseFormat?.type === "json_schema") {
    const problem = schemaProblem(contract.responseFormat.json_schema.schema);
    if (problem)
      issues.push({ path: ["responseFormat", "json_schema", "schema", ...problem.path], message: problem.message });
  }
  issues.push(...placeholderIssues(content, contract));
  if (issues.length > 0) throw refusal(issues);
  return contract;
}

function placeholderIssues(content: Content, contract: Contract): ContractIssue[] {
  if (content.type !== "chat") return [];
  const slots = new Set(content.messages.flatMap((m) => ("type" in m ? [m.name] : [])));
  return contract.variables.flatMap((v, i) =>
    slots.has(v.name) && v.type !== "messages"
      ? [{ path: ["variables", i, "type"], message: `${v.name} fills a placeholder: declare it as messages` }]
      : [],
  );
}

function refusal(issues: ContractIssue[]): DomainError {
  const plain: ErrorIssue[] = issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = plain[0] as ErrorIssue;
  return new DomainError("validation_failed", `${first.path}: ${first.message}`, plain);
}
