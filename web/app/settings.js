// One's own account: the name others see, the language of the portal and of its e-mails
// (`locale`, saved on the account, so this browser switches too), staff's daily digest, and
// for an address not confirmed yet, the confirmation e-mail sent again.
import { useEffect, useState } from "../vendor/hooks.mjs";
import { api, patch } from "./api.js";
import { isStaff } from "./account.js";
import { setLanguage, t } from "./i18n.js";
import { Checkbox, Field, Form, Notice, Page, Problem, Select, html, useSubmit } from "./ui.js";
import { addWords } from "./words.js";
import words from "./words/reports.js";

addWords(words);

const LANGUAGE_OPTIONS = [
  { value: "zh-CN", label: "简体中文" },
  { value: "en", label: "English" },
];

// A save that switches the language opens this screen again in the new one (the app renders
// its screens afresh); the confirmation is kept here so that it is still shown then.
let savedJustNow = false;

// What the form changes of the account: a merge patch sends only those.
function changesOf(form, account) {
  const changes = {};
  if (form.display_name !== account.display_name) changes.display_name = form.display_name;
  if (form.locale !== account.locale) changes.locale = form.locale;
  if (isStaff(account) && form.daily_digest !== account.daily_digest) changes.daily_digest = form.daily_digest;
  return changes;
}

export function Settings({ account, onAccount }) {
  const [form, setForm] = useState({
    display_name: account.display_name,
    locale: account.locale,
    daily_digest: Boolean(account.daily_digest),
  });
  const [saved, setSaved] = useState(savedJustNow);
  useEffect(() => {
    savedJustNow = false;
  }, []);
  const send = useSubmit();
  const set = (name) => (value) => {
    setSaved(false);
    setForm({ ...form, [name]: value });
  };
  const save = () =>
    send.run(async () => {
      const changes = changesOf(form, account);
      if (Object.keys(changes).length > 0) {
        try {
          await patch("me", changes, account.version);
        } catch (failure) {
          // Changed elsewhere since: show the account as it is now, then the person decides.
          if (failure.status === 412) await onAccount();
          throw failure;
        }
      }
      await onAccount();
      savedJustNow = Boolean(changes.locale);
      setSaved(true);
      if (changes.locale) setLanguage(changes.locale);
    });
  return html`<${Page} title=${t("settings_title")}>
    <dl class="facts">
      <div class="row"><dt>${t("email")}</dt><dd>${account.email}</dd></div>
      <div class="row"><dt>${t("settings_address")}</dt>
        <dd>${account.email_verified ? t("settings_verified") : t("settings_unverified")}</dd></div>
    </dl>
    ${!account.email_verified && html`<${Resend} account=${account} />`}
    <h2>${t("settings_profile")}</h2>
    ${saved && html`<${Notice}>${t("settings_saved")}<//>`}
    ${send.error && send.error.status === 412
      ? html`<p class="warning" role="alert">${t("settings_stale")}</p>`
      : html`<${Problem} error=${send.error} fields=${["display_name", "locale", "daily_digest"]} />`}
    <${Form} onSubmit=${save} busy=${send.busy} submit=${t("settings_save")}>
      <${Field} name="display_name" label=${t("display_name")} value=${form.display_name}
        onInput=${set("display_name")} error=${send.error} autocomplete="name" maxlength="100" />
      <${Select} name="locale" label=${t("settings_language")} value=${form.locale} options=${LANGUAGE_OPTIONS}
        onChange=${set("locale")} error=${send.error} hint=${t("settings_language_hint")} />
      ${isStaff(account) &&
      html`<${Checkbox} name="daily_digest" label=${t("settings_digest")} hint=${t("settings_digest_hint")}
        checked=${form.daily_digest} onChange=${set("daily_digest")} error=${send.error} />`}
    <//>
  <//>`;
}

// The confirmation e-mail again (only the newest link works); too many asks are refused (429).
function Resend({ account }) {
  const [sent, setSent] = useState(false);
  const send = useSubmit();
  const resend = () =>
    send.run(async () => {
      setSent(false);
      await api("POST", "auth/verify-email/resend", { auth: true });
      setSent(true);
    });
  return html`<section class="panel" aria-labelledby="resend-heading">
    <h2 id="resend-heading">${t("settings_resend_title")}</h2>
    <p>${t("settings_resend_intro", { email: account.email })}</p>
    ${sent && html`<${Notice}>${t("settings_resend_done", { email: account.email })}<//>`}
    ${send.error && send.error.status === 429
      ? html`<p class="warning" role="alert">${t("settings_resend_wait")}</p>`
      : html`<${Problem} error=${send.error} />`}
    <button type="button" class="secondary" onClick=${resend} disabled=${send.busy}
      aria-busy=${send.busy ? "true" : undefined}>${t("settings_resend")}</button>
  </section>`;
}
