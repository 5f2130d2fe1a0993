// The exported HTML embeds a subset of Noto Sans KR (scripts/nbconvert/offline/korean-font.css). Every Hangul
// character the lessons and the library's strings use must be in it, or a machine without a Korean font
// shows that character as a box. Rebuild with `node scripts/nbconvert/build-font.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..");
const css = readFileSync(join(root, "scripts", "nbconvert", "offline", "korean-font.css"), "utf8");
const isHangul = (cp: number): boolean => (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f);

function usedCharacters(): Map<string, string> {
  const where = new Map<string, string>();
  for (const dir of ["notebooks", "src"]) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (!name.endsWith(".ipynb") && !name.endsWith(".ts")) continue;
      for (const ch of readFileSync(join(root, dir, name), "utf8")) {
        if (isHangul(ch.codePointAt(0)!) && !where.has(ch)) where.set(ch, `${dir}/${name}`);
      }
    }
  }
  return where;
}

test("korean-font.css covers every Hangul character of notebooks/ and src/", () => {
  const listed = new Set(Array.from(css.match(/^\/\* chars: (.*) \*\/$/m)?.[1] ?? ""));
  const missing = [...usedCharacters()].filter(([ch]) => !listed.has(ch));
  assert.deepEqual(missing.map(([ch, file]) => `${ch} (${file})`), [],
    "characters missing from the embedded font: run `node scripts/nbconvert/build-font.mjs`");
});

test("korean-font.css: each listed character lies in the unicode-range of an inlined WOFF2 face", () => {
  const faces = [...css.matchAll(/@font-face\{([^}]*)\}/g)].map((m) => m[1]);
  assert.ok(faces.length > 0, "no @font-face rules");
  const ranges: [number, number][] = [];
  for (const f of faces) {
    assert.match(f, /font-family:"Noto Sans KR"/);
    assert.match(f, /src:url\(data:font\/woff2;base64,[A-Za-z0-9+/]+=*\) format\("woff2"\)/);
    for (const r of f.match(/unicode-range:([^;}]*)/)![1].split(",")) {
      const [a, b] = r.trim().replace(/^U\+/i, "").split("-");
      ranges.push([parseInt(a, 16), parseInt(b ?? a, 16)]);
    }
  }
  const listed = Array.from(css.match(/^\/\* chars: (.*) \*\/$/m)?.[1] ?? "");
  const outside = listed.filter((ch) => !ranges.some(([a, b]) => ch.codePointAt(0)! >= a && ch.codePointAt(0)! <= b));
  assert.deepEqual(outside, []);
});

test("the offline template includes the font and puts it in the page's font stacks", () => {
  const tpl = readFileSync(join(root, "scripts", "nbconvert", "offline", "index.html.j2"), "utf8");
  assert.match(tpl, /\{% include 'korean-font\.css' %\}/);
  for (const v of ["--jp-content-font-family", "--jp-ui-font-family", "--jp-code-font-family"]) {
    assert.match(tpl, new RegExp(`${v}:[^;]*"Noto Sans KR"`), v);
  }
});
