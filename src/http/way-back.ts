import { promptUrl, versionUrl } from "../../views/components.js";
import type { ErrorCode } from "../domain/errors.js";
import { PROMPT_NAME } from "../domain/limits.js";
import { formatVersion, parseVersion } from "../domain/version-number.js";

export interface Link {
  href: string;
  label: string;
}

/**
 * Where an error page leads back to without JavaScript, nearest first: the version or the test
 * cases the refused request was about, its prompt, then the list. A missing version or prompt
 * (`not_found` on its own path or one of its actions) is left out rather than linked again.
 */
export function wayBack(path: string, code: ErrorCode): Link[] {
  const parts = path.split("/");
  const [, root, name, section, item] = parts;
  const links: Link[] = [];
  if (root === "prompts" && name && PROMPT_NAME.test(name)) {
    const number = section === "versions" && item ? parseVersion(item) : null;
    const missing = code === "not_found";
    // Below a version's own actions (…/revisions/3/restore) what is missing is not the version.
    if (number && !(missing && parts.length <= 6))
      links.push({ href: versionUrl(name, formatVersion(number)), label: `v${formatVersion(number)}` });
    if (section === "test-cases" && item)
      links.push({ href: `${promptUrl(name)}/test-cases`, label: `the test cases of ${name}` });
    if (!(missing && section === undefined)) links.push({ href: promptUrl(name), label: name });
  }
  const [nearest, ...rest] = links;
  return [
    ...(nearest ? [{ href: nearest.href, label: `Back to ${nearest.label}` }] : []),
    ...rest,
    { href: "/prompts", label: "All prompts" },
  ];
}
