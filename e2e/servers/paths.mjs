// Where the served files live. Both test servers serve the same URL layout, so the
// test page and the adapters are at the same paths whichever API is behind them:
//   /                 the assembled site (target/site: dist/, styles/, demo/, …)
//   /adapters/…       the repo's adapters/
//   /fixtures/…       e2e/fixtures/ (the adapter test page)
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ADAPTERS_DIR = path.join(REPO_ROOT, "adapters");
export const FIXTURES_DIR = path.join(REPO_ROOT, "e2e/fixtures");

/// `cargo xtask test` passes the assembled site in YKIEN_SITE_DIR; by hand, the
/// last assembled one is used.
export function siteDirFromEnv() {
  return path.resolve(process.env.YKIEN_SITE_DIR ?? path.join(REPO_ROOT, "target/site"));
}

/// Fails early, with the fix, when the widget has not been built into the site.
export function checkSiteDir(siteDir) {
  const loader = path.join(siteDir, "dist/ykien.js");
  if (!fs.existsSync(loader)) {
    throw new Error(
      `${loader} is missing: run \`cargo xtask test\` (or \`cargo xtask demo\` once) to build and assemble the site, ` +
        "or point YKIEN_SITE_DIR at an assembled site",
    );
  }
}

/// The URL prefix → directory table both servers use.
export function mounts(siteDir) {
  return [
    ["/adapters/", ADAPTERS_DIR],
    ["/fixtures/", FIXTURES_DIR],
    ["/", siteDir],
  ];
}

/// The strict policy the reference server sends with HTML (server/src/config.rs,
/// DEFAULT_CSP), so the widget is tested under what a careful site deploys.
export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'";
