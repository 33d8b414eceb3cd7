import fc from "fast-check";
import { expect, test } from "vitest";
import { sqliteOf } from "../../support/db.js";
import { runs } from "../../support/depth.js";
import { brokenRules } from "../../support/invariants.js";
import { type Client, freshApp, type Json } from "../http/support/http.js";

/**
 * a model-based test. fast-check drives random sequences of create / new / save /
 * promote / delete / make-current / test / gate commands through HTTP, and a small model of
 * R2–R10 and docs/rules.md, TEST's gate says what each must answer (status and code) and what the registry
 * looks like after it. After every step the app's view equals the model's and every rule of
 * the stored data holds. PROMPTRAIL_MODEL_RUNS sets the number of sequences (15, or 200 with
 * PROMPTRAIL_TEST_DEEP=1: test/support/depth.ts).
 */
const RUNS = runs("PROMPTRAIL_MODEL_RUNS", 15, 200);

type Stage = "DEV" | "TST" | "PROD";
const NEXT: Record<Stage, Stage | null> = { DEV: "TST", TST: "PROD", PROD: null };

interface MVersion {
  stage: Stage;
  current: boolean;
  revision: number;
  body: string;
}
interface MPrompt {
  versions: Map<string, MVersion>;
  max: [number, number];
}
interface Model {
  prompts: Map<string, MPrompt>;
  gates: Record<Stage, boolean>;
  /** Every stored run: which version, in which stage, of which text, and whether it passed. */
  runs: Array<{ prompt: string; version: string; stage: Stage; body: string; passed: boolean }>;
}
interface Real {
  client: Client;
}

const NAMES = ["a", "b"];
const BODIES = ["x", "Hi {{name}}", "y\r\nz", "y\nz"];
const normalize = (body: string) => body.replace(/\r\n?/g, "\n");
/** With no test cases and no variables, TEST runs the ad-hoc case: it passes unless a placeholder has no value. */
const passes = (body: string) => !body.includes("{{");

/** A version of the prompt by position among its versions (newest number first), or one that does not exist. */
function pick(model: Model, name: string, index: number): string {
  const numbers = [...(model.prompts.get(name)?.versions.keys() ?? [])].sort(byNumberDesc);
  if (index < 0 || numbers.length === 0) return "9.9";
  return numbers[index % numbers.length] as string;
}
function byNumberDesc(a: string, b: string): number {
  const [am, an] = a.split(".").map(Number) as [number, number];
  const [bm, bn] = b.split(".").map(Number) as [number, number];
  return bm - am || bn - an;
}

/** What the model expects: a status, an error code for refusals, and the change to make when it succeeds. */
type Expectation = { status: number; code?: string; apply?: () => void };

abstract class Step implements fc.AsyncCommand<Model, Real> {
  abstract label(): string;
  abstract expect(model: Model): Expectation;
  abstract send(client: Client, model: Model): Promise<{ status: number; body: Json }>;
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const expected = this.expect(model);
    const res = await this.send(real.client, model);
    expect({ step: this.label(), status: res.status, code: res.body?.error?.code }).toEqual({
      step: this.label(),
      status: expected.status,
      code: expected.code,
    });
    expected.apply?.();
    await compare(model, real.client);
  }
  toString(): string {
    return this.label();
  }
}

class Create extends Step {
  constructor(
    readonly name: string,
    readonly body: string,
  ) {
    super();
  }
  label = () => `create ${this.name} ${JSON.stringify(this.body)}`;
  expect(model: Model): Expectation {
    if (model.prompts.has(this.name)) return { status: 409, code: "name_taken" };
    const v: MVersion = { stage: "DEV", current: true, revision: 1, body: normalize(this.body) };
    return { status: 201, apply: () => model.prompts.set(this.name, { versions: new Map([["1.0", v]]), max: [1, 0] }) };
  }
  send = (client: Client) => client.api("POST", "/prompts", { name: this.name, body: this.body });
}

abstract class OnVersion extends Step {
  constructor(
    readonly name: string,
    readonly index: number,
  ) {
    super();
  }
  version(model: Model) {
    const number = pick(model, this.name, this.index);
    return { number, prompt: model.prompts.get(this.name), v: model.prompts.get(this.name)?.versions.get(number) };
  }
  path(model: Model, action: string) {
    return `/prompts/${this.name}/versions/${pick(model, this.name, this.index)}/${action}`;
  }
}

class NewVersion extends OnVersion {
  constructor(
    name: string,
    index: number,
    readonly major: boolean,
  ) {
    super(name, index);
  }
  label = () => `new ${this.name}#${this.index}${this.major ? " major" : ""}`;
  expect(model: Model): Expectation {
    const { prompt, v } = this.version(model);
    if (!prompt || !v) return { status: 404, code: "not_found" };
    const [m, n] = prompt.max;
    const next: [number, number] = this.major ? [m + 1, 0] : [m, n + 1];
    return {
      status: 201,
      apply: () => {
        prompt.max = next;
        prompt.versions.set(`${next[0]}.${next[1]}`, { stage: "DEV", current: false, revision: 1, body: v.body });
      },
    };
  }
  send = (client: Client, model: Model) => client.api("POST", this.path(model, "new"), { major: this.major });
}

class Save extends OnVersion {
  constructor(
    name: string,
    index: number,
    readonly body: string,
    readonly based: "current" | "stale" | "none",
  ) {
    super(name, index);
  }
  label = () => `save ${this.name}#${this.index} ${JSON.stringify(this.body)} (${this.based})`;
  expect(model: Model): Expectation {
    const { v } = this.version(model);
    if (!v) return { status: 404, code: "not_found" };
    if (v.stage === "PROD") return { status: 409, code: "version_immutable" };
    if (this.based === "stale") return { status: 409, code: "stale_revision" };
    const body = normalize(this.body);
    return {
      status: 200,
      apply: () => {
        if (body === v.body) return; // unchanged content stores nothing
        v.body = body;
        v.revision++;
      },
    };
  }
  send = (client: Client, model: Model) => {
    const v = this.version(model).v;
    const revision = this.based === "none" ? {} : { revision: (v?.revision ?? 1) + (this.based === "stale" ? 7 : 0) };
    return client.api("POST", this.path(model, "save"), { body: this.body, ...revision });
  };
}

/** A promote with `to` naming the next stage (as the button does), or a bare `{}` (as a script may send). */
class Promote extends OnVersion {
  constructor(
    name: string,
    index: number,
    readonly named: boolean,
  ) {
    super(name, index);
  }
  label = () => `promote ${this.name}#${this.index}${this.named ? " naming the stage" : " {}"}`;
  expect(model: Model): Expectation {
    const { number, prompt, v } = this.version(model);
    if (!prompt || !v) return { status: 404, code: "not_found" };
    const target = NEXT[v.stage];
    if (!target) return { status: 409, code: "invalid_transition" };
    // A move into PROD must be named.
    if (target === "PROD" && !this.named) return { status: 422, code: "validation_failed" };
    if (model.gates[target]) {
      const latest = model.runs
        .filter((r) => r.prompt === this.name && r.version === number && r.stage === v.stage && r.body === v.body)
        .at(-1);
      if (!latest?.passed) return { status: 409, code: "tests_required" };
    }
    return {
      status: 200,
      apply: () => {
        for (const other of prompt.versions.values()) if (other.stage === target) other.current = false;
        v.stage = target;
        v.current = true;
      },
    };
  }
  send = (client: Client, model: Model) => {
    const stage = this.version(model).v?.stage;
    const to = stage ? NEXT[stage] : undefined;
    return client.api("POST", this.path(model, "promote"), this.named && to ? { to } : {});
  };
}

class Delete extends OnVersion {
  label = () => `delete ${this.name}#${this.index}`;
  expect(model: Model): Expectation {
    const { number, prompt, v } = this.version(model);
    if (!prompt || !v) return { status: 404, code: "not_found" };
    if (v.stage !== "DEV" || v.current) return { status: 409, code: "delete_forbidden" };
    return { status: 200, apply: () => prompt.versions.delete(number) };
  }
  send = (client: Client, model: Model) => client.api("POST", this.path(model, "delete"), {});
}

class MakeCurrent extends OnVersion {
  label = () => `make-current ${this.name}#${this.index}`;
  expect(model: Model): Expectation {
    const { prompt, v } = this.version(model);
    if (!prompt || !v) return { status: 404, code: "not_found" };
    if (v.current) return { status: 409, code: "invalid_transition" };
    return {
      status: 200,
      apply: () => {
        for (const other of prompt.versions.values()) if (other.stage === v.stage) other.current = false;
        v.current = true;
      },
    };
  }
  send = (client: Client, model: Model) => client.api("POST", this.path(model, "make-current"), {});
}

class Test extends OnVersion {
  label = () => `test ${this.name}#${this.index}`;
  expect(model: Model): Expectation {
    const { number, v } = this.version(model);
    if (!v) return { status: 404, code: "not_found" };
    const run = { prompt: this.name, version: number, stage: v.stage, body: v.body, passed: passes(v.body) };
    return { status: 200, apply: () => void model.runs.push(run) };
  }
  send = (client: Client, model: Model) => client.api("POST", this.path(model, "test"), {});
}

class Gate extends Step {
  constructor(
    readonly stage: "TST" | "PROD",
    readonly on: boolean,
  ) {
    super();
  }
  label = () => `gate ${this.stage} ${this.on}`;
  expect(model: Model): Expectation {
    return {
      status: 200,
      apply: () => {
        model.gates[this.stage] = this.on;
      },
    };
  }
  send = (client: Client) => client.api("POST", `/settings/environments/${this.stage}`, { gate: this.on });
}

/** The app's view of every prompt equals the model's, and the stored data keeps every rule. */
async function compare(model: Model, client: Client): Promise<void> {
  for (const [name, prompt] of model.prompts) {
    const res = await client.api("GET", `/prompts/${name}`);
    const seen = (res.body.versions as Json[]).map(
      (v) => `${v.version} ${v.stage}${v.current ? " current" : ""} r${v.revision}`,
    );
    const wanted = [...prompt.versions.entries()]
      .sort(([a], [b]) => byNumberDesc(a, b))
      .map(([n, v]) => `${n} ${v.stage}${v.current ? " current" : ""} r${v.revision}`);
    expect(seen, name).toEqual(wanted);
  }
  expect(brokenRules(sqliteOf(client.db).sqlite)).toEqual([]);
}

const name = fc.constantFrom(...NAMES);
const index = fc.integer({ min: -1, max: 6 });
const commands = [
  fc.tuple(name, fc.constantFrom(...BODIES)).map(([n, b]) => new Create(n, b)),
  fc.tuple(name, index, fc.boolean()).map(([n, i, m]) => new NewVersion(n, i, m)),
  fc
    .tuple(
      name,
      index,
      fc.constantFrom(...BODIES),
      fc.constantFrom("current", "stale", "none") as fc.Arbitrary<"current" | "stale" | "none">,
    )
    .map(([n, i, b, r]) => new Save(n, i, b, r)),
  fc.tuple(name, index, fc.boolean()).map(([n, i, named]) => new Promote(n, i, named)),
  fc.tuple(name, index, fc.boolean()).map(([n, i, named]) => new Promote(n, i, named)),
  fc.tuple(name, index).map(([n, i]) => new Delete(n, i)),
  fc.tuple(name, index).map(([n, i]) => new MakeCurrent(n, i)),
  fc.tuple(name, index).map(([n, i]) => new Test(n, i)),
  fc
    .tuple(fc.constantFrom("TST", "PROD") as fc.Arbitrary<"TST" | "PROD">, fc.boolean())
    .map(([s, on]) => new Gate(s, on)),
];

test(`model-based: ${RUNS} random sequences through HTTP agree with a model of the rules`, async () => {
  let steps = 0;
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "max" }), async (cmds) => {
      const client = await freshApp();
      const model: Model = { prompts: new Map(), gates: { DEV: false, TST: false, PROD: false }, runs: [] };
      await fc.asyncModelRun(() => ({ model, real: { client } }), cmds);
      steps += [...cmds].length;
    }),
    { numRuns: RUNS },
  );
  console.info(`model-based: ${RUNS} sequences, ${steps} steps, every invariant checked after each`);
}, 600_000);
