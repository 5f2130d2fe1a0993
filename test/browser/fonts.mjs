#!/usr/bin/env node
// Browser check of the exported HTML's Korean font: a lesson exported with the offline template must show
// its Korean text from the embedded Noto Sans KR subset (scripts/nbconvert/offline/korean-font.css) on a
// machine with NO Korean font. Chromium runs with FONTCONFIG_FILE pointing at a config that lists only
// /usr/share/fonts/truetype/dejavu (no CJK), and the check asserts:
//   - that fontconfig config really has no font for Korean (fc-list :lang=ko is empty);
//   - the page has "Noto Sans KR" font faces, the ones its Korean text needs are loaded, and every Hangul
//     character of the page (prose, outputs, plot titles) lies in their unicode-range;
//   - Korean text in the page's own font stack is drawn with the embedded font: same width as the text set
//     in "Noto Sans KR" alone, a different width from the same text in a stack without it (boxes);
//   - control: the same page with its @font-face rules removed draws the text like the stack without it,
//     so the embedded font (not some system font) is what makes the difference.
// Screenshots: build/browser/fonts-embedded.png and fonts-stripped.png.
//   node test/browser/fonts.mjs [EXPORTED.html]   (default: exports notebooks/01-연쇄법칙.ipynb first)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "./chromium.mjs";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const work = join(root, "build", "fonts-check");
const shots = join(root, "build", "browser");
const browserPath = process.env.MLP_CHROMIUM || "/usr/bin/chromium";
mkdirSync(work, { recursive: true });
mkdirSync(shots, { recursive: true });

const failures = [];
const check = (ok, msg) => {
  if (!ok) failures.push(msg);
  console.log(`${ok ? "  ok  " : "  FAIL"} ${msg}`);
};

let html = process.argv[2];
if (!html) {
  console.log("fonts check: exporting notebooks/01-연쇄법칙.ipynb …");
  const r = spawnSync(process.execPath, [join(root, "scripts", "notebooks.mjs"), "--out-dir", work, "--html", "notebooks/01-연쇄법칙.ipynb"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    console.error(r.stdout, r.stderr);
    console.error("fonts check: exporting the notebook failed");
    process.exit(1);
  }
  html = join(work, "01-연쇄법칙.html");
}

// A fontconfig configuration without any CJK font (DejaVu only), with its own cache.
const fontDir = "/usr/share/fonts/truetype/dejavu";
const conf = join(work, "fonts-no-cjk.conf");
writeFileSync(conf, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
  (existsSync(fontDir) ? `  <dir>${fontDir}</dir>\n` : "") + `  <cachedir>${join(work, "fc-cache")}</cachedir>\n</fontconfig>\n`);
const env = { ...process.env, FONTCONFIG_FILE: conf };
const fc = spawnSync("fc-list", [":lang=ko", "family"], { env, encoding: "utf8" });
if (fc.error) console.log("  (fc-list not found: the config cannot be inspected, the width checks below still hold)");
else check(fc.stdout.trim() === "", `the fontconfig given to Chromium has no Korean font (fc-list :lang=ko: ${JSON.stringify(fc.stdout.trim().slice(0, 80))})`);

// The same page with its embedded font removed: the control.
const source = readFileSync(html, "utf8");
const stripped = source.replace(/@font-face\{font-family:"Noto Sans KR"[^}]*\}/g, "");
check(stripped.length < source.length, `the exported page embeds @font-face rules (${((source.length - stripped.length) / 1024).toFixed(0)} KB)`);
const strippedPath = join(work, "stripped.html");
writeFileSync(strippedPath, stripped);

// A persistent context on a fresh, empty user-data-dir (playwright passes it as --user-data-dir).
rmSync(join(work, "profile"), { recursive: true, force: true });
const browser = await chromium.launchPersistentContext(join(work, "profile"), {
  executablePath: browserPath,
  headless: true,
  env,
  viewport: { width: 1100, height: 900 },
  args: CHROMIUM_ARGS,
});
const SAMPLE = "연쇄법칙 역전파 가중치";

/** Widths of SAMPLE in the page's content font stack, in "Noto Sans KR" alone and in a stack without it. */
async function measure(page) {
  return page.evaluate(async (sample) => {
    await document.fonts.ready;
    const span = (family) => {
      const s = document.createElement("span");
      s.textContent = sample;
      s.style.cssText = `font-size:40px;white-space:nowrap;position:absolute;left:0;top:0;font-family:${family}`;
      document.body.appendChild(s);
      return s;
    };
    const pageStack = getComputedStyle(document.querySelector(".jp-RenderedMarkdown, body") ?? document.body).fontFamily;
    const spans = [span(pageStack), span('"Noto Sans KR"'), span("Helvetica, Arial, sans-serif")];
    await Promise.all([...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Noto Sans KR").map((f) => f.status === "loading" ? f.loaded.catch(() => null) : null));
    await document.fonts.ready;
    const [page, noto, without] = spans.map((s) => s.getBoundingClientRect().width);
    spans.forEach((s) => s.remove());
    const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Noto Sans KR");
    const inRange = (cp) => faces.some((f) => f.unicodeRange.split(",").some((r) => {
      const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
      return cp >= parseInt(a, 16) && cp <= parseInt(b ?? a, 16);
    }));
    const text = document.body.innerText + [...document.querySelectorAll("svg text")].map((t) => t.textContent).join(" ");
    const hangul = [...new Set([...text].filter((ch) => /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/.test(ch)))];
    return {
      pageStack, page, noto, without,
      faces: faces.length, loaded: faces.filter((f) => f.status === "loaded").length,
      hangul: hangul.length, missing: hangul.filter((ch) => !inRange(ch.codePointAt(0))).join(""),
      plotFont: ((t) => (t ? getComputedStyle(t).fontFamily : null))(document.querySelector("svg text.gtitle")),
    };
  }, SAMPLE);
}

try {
  const page = await browser.newPage();
  await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
  await page.waitForTimeout(500);
  const m = await measure(page);
  console.log(`  page font stack: ${m.pageStack}`);
  console.log(`  width of "${SAMPLE}" at 40px: page stack ${m.page.toFixed(1)}, "Noto Sans KR" ${m.noto.toFixed(1)}, without it ${m.without.toFixed(1)}`);
  check(m.faces > 0 && m.loaded > 0, `the page has ${m.faces} "Noto Sans KR" font faces, ${m.loaded} loaded for its text`);
  check(m.hangul > 100 && m.missing === "", `all ${m.hangul} Hangul characters on the page are in the embedded font's ranges${m.missing ? ` (missing: ${m.missing})` : ""}`);
  check(Math.abs(m.page - m.noto) < 0.5, "Korean text in the page's font stack is drawn with the embedded Noto Sans KR");
  check(Math.abs(m.noto - m.without) > 2, "and not as the boxes of a stack without it (the widths differ)");
  check(m.plotFont === null || m.plotFont.includes("Noto Sans KR"), `plot titles ask for "Noto Sans KR" (${m.plotFont})`);
  await page.screenshot({ path: join(shots, "fonts-embedded.png") });

  const control = await browser.newPage();
  await control.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  await control.goto(pathToFileURL(strippedPath).href, { waitUntil: "load" });
  await control.waitForTimeout(500);
  const c = await measure(control);
  console.log(`  control (font removed): page stack ${c.page.toFixed(1)}, without ${c.without.toFixed(1)}`);
  check(c.faces === 0, "control: the stripped page has no embedded font faces");
  check(Math.abs(c.page - c.without) < 0.5 && Math.abs(c.page - m.noto) > 2,
    "control: without the embedded font the same text falls back to boxes, so no system Korean font is visible to Chromium");
  await control.screenshot({ path: join(shots, "fonts-stripped.png") });
} finally {
  await browser.close();
}
console.log(`fonts: ${failures.length === 0 ? "passed" : `${failures.length} check(s) FAILED`} (screenshots in build/browser/fonts-*.png)`);
process.exit(failures.length ? 1 : 0);
