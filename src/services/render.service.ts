import { z } from "zod";
import type { ChatMessage } from "../domain/chat.js";
import type { Config } from "../domain/content.js";
import type { ResponseFormat, Tool } from "../domain/contract.js";
import { DomainError } from "../domain/errors.js";
import { render } from "../domain/render.js";
import type { Stage } from "../domain/stage.js";
import type { Version } from "../model/version.model.js";
import { requireVersion, type ServiceDeps } from "./context.js";
import { parseInput } from "./parse.js";
import { rowToVersion } from "./rows.js";
import type { RuntimeService } from "./runtime.service.js";

/** What a render answers (docs/contract.md, "Rendering"): the filled prompt and what goes with it. */
export type Rendering = {
  prompt: string;
  version: string;
  stage: Stage;
  config: Config;
  tools: Tool[];
  responseFormat: ResponseFormat | null;
} & ({ type: "text"; body: string } | { type: "chat"; messages: ChatMessage[] });

const renderInput = z.strictObject({
  variables: z.record(z.string(), z.unknown(), "Give the variables as an object of name → value").default({}),
});

/** A version rendered strictly (or not) with the variables of `input`; 422 with one issue per bad variable. */
export function renderVersion(v: Version, input: unknown, strict: boolean): Rendering {
  const { variables } = parseInput(renderInput, input);
  const outcome = render(v, v.contract, variables, { strict });
  if (!outcome.ok) {
    const [first] = outcome.issues;
    const message = first ? `${first.path.join(".")}: ${first.message}` : "The variables do not fit this prompt";
    const plain = outcome.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new DomainError("validation_failed", message, plain, undefined, outcome.issues);
  }
  const { tools, responseFormat } = v.contract;
  const base = { prompt: v.prompt, version: v.version, stage: v.stage, config: v.config, tools, responseFormat };
  return { ...base, ...outcome.rendered };
}

/** Renders by version (`…/versions/:v/render`) and by stage (`…/stages/:stage/render`, the runtime read's version). */
export function createRenderService(deps: ServiceDeps, runtime: Pick<RuntimeService, "current">) {
  return {
    async version(name: string, version: string, input: unknown, strict = true): Promise<Rendering> {
      const { prompt, row } = await requireVersion(deps.db, name, version);
      return renderVersion(rowToVersion(prompt, row), input, strict);
    },
    async stage(name: string, stage: string, input: unknown, strict = true): Promise<Rendering> {
      return renderVersion(await runtime.current(name, stage), input, strict);
    },
  };
}
