// Every word the app shows, one dictionary per language (zh-CN first, the default), put
// together from one file per area under `words/`. Both languages have the same keys, and no key
// is in two files (tests in src/http/pages.rs check both). `{name}` is filled in by `t`.
import common from "./words/common.js";
import applicant from "./words/applicant.js";
import review from "./words/review.js";
import admin from "./words/admin.js";
import reports from "./words/reports.js";

const AREAS = [common, applicant, review, admin, reports];

export const WORDS = {
  "zh-CN": Object.assign({}, ...AREAS.map((area) => area["zh-CN"])),
  en: Object.assign({}, ...AREAS.map((area) => area.en)),
};
