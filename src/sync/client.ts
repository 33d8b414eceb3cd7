import type { Config } from "../domain/content.js";
import type { Contract } from "../domain/contract.js";
import type { Content } from "../domain/prompt-content.js";
import { compareVersions, parseVersion } from "../domain/version-number.js";
import type { RegistryPrompt, RegistryVersion } from "./layout.js";
import { isPromptName, isVersionNumber } from "./paths.js";

/** A refusal or failure the server answered, with its docs/api.md code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Page<T> {
  next: string | null;
  items: T[];
}

/** How many requests are in flight at once while reading the registry. */
const PARALLEL = 8;

/**
 * The registry over its JSON API (docs/api.md), as `promptrail pull|diff|push|check` use it: the
 * same routes a person's curl uses, with `Authorization: Bearer <PROMPTRAIL_TOKEN>` when set.
 */
export class RegistryClient {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
  ) {}

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.base);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: "manual",
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Error(`cannot reach Promptrail at ${this.base} (${cause}): is it running? Pass --url`);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: described below
    }
    if (res.ok && json !== null) return json as T;
    const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401)
      throw new ApiError(401, "unauthorized", "Promptrail wants a token: set PROMPTRAIL_TOKEN to an API token");
    throw new ApiError(
      res.status,
      error?.code ?? "unexpected",
      error?.message ?? `${method} ${path} answered ${res.status}`,
    );
  }

  /** Every page of a paginated list, following `next`. */
  private async all<T>(first: string, read: (json: Record<string, unknown>) => Page<T>): Promise<T[]> {
    const items: T[] = [];
    for (let path: string | null = first; path; ) {
      const page = read(await this.call<Record<string, unknown>>("GET", path));
      items.push(...page.items);
      path = page.next;
    }
    return items;
  }

  /** The whole registry: every prompt (archived ones too) with every version's content. */
  async registry(): Promise<RegistryPrompt[]> {
    const list = (json: Record<string, unknown>) => ({
      next: json.next as string | null,
      items: (json.prompts as Array<{ name: string; description: string }>) ?? [],
    });
    const prompts = [
      ...(await this.all("/prompts?limit=200", list)),
      ...(await this.all("/prompts?limit=200&archived=1", list)),
    ];
    for (const p of prompts)
      if (!isPromptName(p.name)) throw this.refuse(`a prompt name that is not one (${JSON.stringify(p.name)})`);
    return inBatches(prompts, async (p) => {
      const path = `/prompts/${encodeURIComponent(p.name)}`;
      const numbers = await this.all(`${path}?limit=200`, (json) => ({
        next: json.next as string | null,
        items: (json.versions as Array<{ version: string }>).map((v) => v.version),
      }));
      for (const v of numbers)
        if (!isVersionNumber(v))
          throw this.refuse(`a version number that is not one (${JSON.stringify(v)}) for ${p.name}`);
      const versions = await inBatches(numbers, (v) => this.version(p.name, v));
      // A prompt's type is fixed when it is created (docs/rules.md, chat prompts): every version carries it.
      const type = versions[0]?.type ?? "text";
      return { name: p.name, description: p.description, type, versions: versions.sort(byNumber) };
    });
  }

  /**
   * Every prompt's current version in `stage`, as the runtime read answers it (archived prompts
   * too). A prompt whose stage lost its current version since the list was read is left out.
   */
  async currentIn(stage: string): Promise<Array<Record<string, unknown>>> {
    const list = (json: Record<string, unknown>) => ({
      next: json.next as string | null,
      items: ((json.prompts as Array<{ name: string; current: Record<string, string | null> }>) ?? [])
        .filter((p) => p.current[stage])
        .map((p) => p.name),
    });
    const names = [
      ...(await this.all("/prompts?limit=200", list)),
      ...(await this.all("/prompts?limit=200&archived=1", list)),
    ];
    const read = (name: string) =>
      this.call<Record<string, unknown>>("GET", `/prompts/${encodeURIComponent(name)}/stages/${stage}`).catch(
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        },
      );
    return (await inBatches(names, read)).filter((v) => v !== null);
  }

  async version(prompt: string, version: string): Promise<RegistryVersion> {
    const v = pick(await this.call<ApiVersion>("GET", `/prompts/${encodeURIComponent(prompt)}/versions/${version}`));
    if (v.version !== version)
      throw this.refuse(`v${JSON.stringify(v.version)} when asked for v${version} of ${prompt}`);
    return v;
  }

  /**
   * Names and numbers become folders and files: one the server's own rules would never give
   * (`../x`, `1.0/../y`) means this is not a Promptrail server to trust with the folder.
   */
  private refuse(what: string): Error {
    return new Error(`the server at ${this.base} answered ${what}: nothing was written. Is --url a Promptrail server?`);
  }

  /** A new prompt of the content's type (docs/rules.md, chat prompts: `body` for text, `messages` for chat). */
  async createPrompt(input: { name: string; description: string; content: Content; config?: Config }) {
    const { content, ...rest } = input;
    return pick(await this.call<ApiVersion>("POST", "/prompts", { ...rest, type: content.type, ...fields(content) }));
  }

  async describe(prompt: string, description: string): Promise<void> {
    await this.call("POST", `/prompts/${encodeURIComponent(prompt)}/save`, { description });
  }

  async newVersion(prompt: string, from: string, major: boolean) {
    return pick(
      await this.call<RegistryVersion>("POST", `/prompts/${encodeURIComponent(prompt)}/versions/${from}/new`, {
        major,
      }),
    );
  }

  async save(
    prompt: string,
    version: string,
    edit: { content: Content; config?: Config; contract?: Contract; revision: number },
  ) {
    const { content, contract, ...rest } = edit;
    return pick(
      await this.call<ApiVersion>("POST", `/prompts/${encodeURIComponent(prompt)}/versions/${version}/save`, {
        ...rest,
        ...fields(content),
        ...(contract ?? {}),
      }),
    );
  }
}

/** The version object of docs/api.md and docs/rules.md, chat prompts: `type`, and `body` for text or `messages` for chat. */
type ApiVersion = Omit<RegistryVersion, "type" | "body" | "messages" | "contract"> & {
  variables?: Contract["variables"];
  tools?: Contract["tools"];
  responseFormat?: Contract["responseFormat"];
  type?: string;
  body?: unknown;
  messages?: unknown;
};

/** A content as the API takes it: `body` or `messages`. */
const fields = (content: Content) =>
  content.type === "text" ? { body: content.body } : { messages: content.messages };

/** The version object less what files do not keep (actions, times). */
function pick(v: ApiVersion): RegistryVersion {
  const { version, stage, current, revision, contentHash, createdFrom, config } = v;
  if (!isVersionNumber(version))
    throw new Error(
      `Promptrail answered a version number that is not one (${JSON.stringify(version)}): nothing was written for it`,
    );
  const contract = { variables: v.variables ?? [], tools: v.tools ?? [], responseFormat: v.responseFormat ?? null };
  const facts = { version, stage, current, revision, contentHash, createdFrom, config, contract };
  if (v.type === "chat" && Array.isArray(v.messages)) return { ...facts, type: "chat", messages: v.messages };
  if (v.type !== "chat" && typeof v.body === "string") return { ...facts, type: "text", body: v.body };
  throw new Error(
    `Promptrail answered v${version} with neither a text body nor chat messages: run the server and this command from one release`,
  );
}

function byNumber(a: { version: string }, b: { version: string }): number {
  const [x, y] = [parseVersion(a.version), parseVersion(b.version)];
  return x && y ? compareVersions(x, y) : a.version.localeCompare(b.version);
}

/** `work` over every item, at most PARALLEL at once, answers in the items' order. */
async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
  return results;
}
