// `npm run release`: builds the single executable (scripts/build-sea.mjs), runs it once to be
// sure it starts, writes dist/promptrail.sha256 (`sha256sum -c` format) and prints the size and
// sha256 to publish next to it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBinary } from "./build-sea.mjs";

export async function release() {
  const file = await buildBinary();
  const version = execFileSync(file, ["--version"], { encoding: "utf8", env: {} }).trim();
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  writeFileSync(`${file}.sha256`, `${sha256}  ${basename(file)}\n`);
  const { size } = statSync(file);
  console.log(
    [
      `${version} (${process.platform}-${process.arch}, Node ${process.version})`,
      `file    ${file}`,
      `size    ${size} bytes (${(size / 1024 / 1024).toFixed(1)} MiB)`,
      `sha256  ${sha256}`,
    ].join("\n"),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await release();
  } catch (error) {
    console.error(`release failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
