// Registering, confirming the e-mail address, signing in, and resetting a forgotten password.
import { useState } from "../vendor/hooks.mjs";
import { api, signIn } from "./api.js";
import { takeNext } from "./account.js";
import { currentLanguage, t } from "./i18n.js";
import { navigate, useLinkToken } from "./router.js";
import { Field, Form, Link, Notice, Page, Problem, html, useSubmit } from "./ui.js";

export function SignIn({ onSignedIn }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      await signIn(email.trim(), password);
      await onSignedIn();
      navigate(takeNext(), { replace: true });
    });
  return html`<${Page} title=${t("sign_in_title")}>
    <p>${t("sign_in_intro")}</p>
    <${Problem} error=${send.error} fields=${["email", "password"]} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("sign_in_submit")}>
      <${Field} name="email" type="email" label=${t("email")} value=${email} onInput=${setEmail}
        error=${send.error} autocomplete="username" />
      <${Field} name="password" type="password" label=${t("password")} value=${password}
        onInput=${setPassword} error=${send.error} autocomplete="current-password" />
    <//>
    <p class="aside"><${Link} to="/forgot-password">${t("forgot_password_link")}<//></p>
    <p class="aside">${t("no_account")} <${Link} to="/register">${t("register")}<//></p>
  <//>`;
}

export function Register() {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(null);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      const body = { email: email.trim(), display_name: name.trim(), password, locale: currentLanguage() };
      const user = await api("POST", "auth/register", { body });
      setDone(user.email);
    });
  if (done) {
    return html`<${Page} title=${t("register_done_title")}>
      <${Notice}>${t("register_done", { email: done })}<//>
      <p><${Link} to="/sign-in">${t("go_sign_in")}<//></p>
    <//>`;
  }
  return html`<${Page} title=${t("register_title")}>
    <p>${t("register_intro")}</p>
    <${Problem} error=${send.error} fields=${["email", "display_name", "password"]} />
    <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("register_submit")}>
      <${Field} name="email" type="email" label=${t("email")} value=${email} onInput=${setEmail}
        error=${send.error} autocomplete="email" />
      <${Field} name="display_name" label=${t("display_name")} value=${name} onInput=${setName}
        error=${send.error} autocomplete="name" />
      <${Field} name="password" type="password" label=${t("password")} hint=${t("password_hint")}
        value=${password} onInput=${setPassword} error=${send.error} autocomplete="new-password" />
    <//>
    <p class="aside">${t("have_account")} <${Link} to="/sign-in">${t("sign_in")}<//></p>
  <//>`;
}

// The e-mailed link. Opening it spends nothing (mail scanners open links): the button does.
export function VerifyEmail({ query }) {
  const token = useLinkToken(query);
  const [done, setDone] = useState(false);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      await api("POST", "auth/verify-email", { body: { token } });
      setDone(true);
    });
  return html`<${Page} title=${t("verify_title")}>
    ${!token && html`<${Notice}>${t("verify_no_token")}<//>`}
    ${token && done &&
    html`<${Notice}>${t("verify_done")}<//>
      <p><${Link} to="/sign-in">${t("go_sign_in")}<//></p>`}
    ${token && !done &&
    html`<p>${t("verify_intro")}</p>
      <${Problem} error=${send.error} />
      <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("verify_submit")} />`}
  <//>`;
}

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [done, setDone] = useState(false);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      await api("POST", "auth/password-reset", { body: { email: email.trim() } });
      setDone(true);
    });
  return html`<${Page} title=${t("forgot_title")}>
    ${done
      ? html`<${Notice}>${t("forgot_done")}<//>`
      : html`<p>${t("forgot_intro")}</p>
          <${Problem} error=${send.error} fields=${["email"]} />
          <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("forgot_submit")}>
            <${Field} name="email" type="email" label=${t("email")} value=${email} onInput=${setEmail}
              error=${send.error} autocomplete="username" />
          <//>`}
  <//>`;
}

// The e-mailed link (also the one that invites new staff: `invited=1` greets them).
export function ResetPassword({ query }) {
  const token = useLinkToken(query);
  const invited = query.get("invited") === "1";
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      await api("POST", "auth/password-reset/confirm", { body: { token, new_password: password } });
      setDone(true);
    });
  return html`<${Page} title=${invited ? t("reset_title_invited") : t("reset_title")}>
    ${!token && html`<${Notice}>${t("reset_no_token")}<//>`}
    ${token && done &&
    html`<${Notice}>${t("reset_done")}<//>
      <p><${Link} to="/sign-in">${t("go_sign_in")}<//></p>`}
    ${token && !done &&
    html`<p>${t("reset_intro")}</p>
      <${Problem} error=${send.error} fields=${["new_password"]} />
      <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("reset_submit")}>
        <${Field} name="new_password" type="password" label=${t("new_password")}
          hint=${t("password_hint")} value=${password} onInput=${setPassword} error=${send.error}
          autocomplete="new-password" />
      <//>`}
  <//>`;
}
