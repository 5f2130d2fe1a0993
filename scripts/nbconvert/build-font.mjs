#!/usr/bin/env node
// Builds scripts/nbconvert/offline/korean-font.css: the Korean characters the lessons use, cut out of
// Noto Sans KR (SIL Open Font License 1.1, npm @fontsource/noto-sans-kr) and inlined as base64 WOFF2
// @font-face rules, so exported HTML shows Korean on a machine without a Korean font. The offline
// template includes the file; its first line lists the characters it covers, which
// test/font-subset.test.ts compares with the characters in notebooks/ and src/.
//
// Run after adding Korean text (the unit test says when):  node scripts/nbconvert/build-font.mjs
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const FONT_CSS = join(here, "offline", "korean-font.css");

/** Characters outside ASCII that the lessons and the library's strings (plot titles, tables) use. */
export function lessonCharacters() {
  const texts = [];
  for (const dir of ["notebooks", "src"]) {
    for (const name of readdirSync(join(root, dir))) {
      if (name.endsWith(".ipynb") || name.endsWith(".ts")) texts.push(readFileSync(join(root, dir, name), "utf8"));
    }
  }
  const chars = new Set();
  for (const text of texts) for (const ch of text) if (isHangul(ch.codePointAt(0))) chars.add(ch);
  return [...chars].sort();
}

/** Hangul syllables, jamo and compatibility jamo: what a Latin-only machine draws as boxes. */
export function isHangul(cp) {
  return (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f);
}

/** Parses "U+ac00-ac0f,U+ac11" into [[0xac00, 0xac0f], [0xac11, 0xac11]]. */
function ranges(spec) {
  return spec.split(",").map((r) => {
    const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
    return [parseInt(a, 16), parseInt(b ?? a, 16)];
  });
}

async function main() {
  const subsetFont = require("subset-font");
  const pkg = dirname(require.resolve("@fontsource/noto-sans-kr/package.json"));
  const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  const slices = JSON.parse(readFileSync(join(pkg, "unicode.json"), "utf8")); // "[n]" -> unicode-range
  const chars = lessonCharacters();
  const rules = [];
  let bytes = 0;
  for (const [key, spec] of Object.entries(slices)) {
    const rs = ranges(spec);
    const mine = chars.filter((ch) => rs.some(([a, b]) => ch.codePointAt(0) >= a && ch.codePointAt(0) <= b));
    if (mine.length === 0) continue;
    const n = key.replace(/[[\]]/g, "");
    const woff2 = readFileSync(join(pkg, "files", `noto-sans-kr-${n}-400-normal.woff2`));
    const cut = await subsetFont(woff2, mine.join(""), { targetFormat: "woff2" });
    bytes += cut.length;
    const range = mine.map((ch) => "U+" + ch.codePointAt(0).toString(16)).join(",");
    rules.push(
      `@font-face{font-family:"Noto Sans KR";font-style:normal;font-weight:400;font-display:block;` +
        `src:url(data:font/woff2;base64,${cut.toString("base64")}) format("woff2");unicode-range:${range}}`,
    );
  }
  const css =
    `/* chars: ${chars.join("")} */\n` +
    `/* Noto Sans KR ${version} (@fontsource/noto-sans-kr), SIL Open Font License 1.1; subset of ${chars.length} characters, ` +
    `built by scripts/nbconvert/build-font.mjs — do not edit */\n` +
    rules.join("\n") +
    "\n";
  writeFileSync(FONT_CSS, css);
  console.log(`korean-font.css: ${chars.length} characters in ${rules.length} slices, ${bytes} bytes of WOFF2 (${css.length} bytes of CSS)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
