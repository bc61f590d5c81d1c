// Every word the app shows, one dictionary per language (zh-CN first, the default). The words
// of the screens every visitor may see first are here from the start (`words/common.js`); the
// modules of each other area add their area's file under `words/` when they load (main.js loads
// them when first opened), so the first load stays small. Both languages have the same keys, and no key is in two files (tests in
// src/http/pages.rs check both). `{name}` is filled in by `t`.
import common from "./words/common.js";

export const WORDS = {
  "zh-CN": { ...common["zh-CN"] },
  en: { ...common.en },
};

// Adds an area's dictionaries (the default export of a file under `words/`).
export function addWords(area) {
  Object.assign(WORDS["zh-CN"], area["zh-CN"]);
  Object.assign(WORDS.en, area.en);
}
