import pkg from "../../package.json" with { type: "json" };

/** `promptrail --version`: the version of package.json, bundled into the build. */
export const VERSION: string = pkg.version;
