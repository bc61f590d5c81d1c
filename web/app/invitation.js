// The e-mailed invitation into a dealer group: accepted by the signed-in person it names;
// someone not signed in signs in (or registers) first and is brought back here.
import { useState } from "../vendor/hooks.mjs";
import { api } from "./api.js";
import { rememberNext } from "./account.js";
import { t } from "./i18n.js";
import { useLinkToken } from "./router.js";
import { Form, Link, Notice, Page, Problem, html, useSubmit } from "./ui.js";

export function AcceptInvitation({ query, account, onJoined }) {
  const token = useLinkToken(query);
  const [joined, setJoined] = useState(null);
  const send = useSubmit();
  const submit = () =>
    send.run(async () => {
      const membership = await api("POST", "invitations/accept", { body: { token }, auth: true });
      setJoined(membership);
      await onJoined();
    });
  if (!token) {
    return html`<${Page} title=${t("invitation_title")}><${Notice}>${t("invitation_no_token")}<//><//>`;
  }
  if (!account) {
    const back = () => rememberNext("/accept-invitation?token=" + encodeURIComponent(token));
    return html`<${Page} title=${t("invitation_title")}>
      <p>${t("invitation_intro")}</p>
      <p>${t("invitation_sign_in_first")}</p>
      <p class="actions">
        <${Link} to="/sign-in" class="button primary" onClickCapture=${back}>${t("sign_in")}<//>
        <${Link} to="/register" class="button secondary" onClickCapture=${back}>${t("register")}<//>
      </p>
    <//>`;
  }
  return html`<${Page} title=${t("invitation_title")}>
    ${joined
      ? html`<${Notice}>${t("invitation_done", { role: t("role_" + joined.role) })}<//>
          <p><${Link} to="/">${t("nav_my_applications")}<//></p>`
      : html`<p>${t("invitation_intro")}</p>
          <${Problem} error=${send.error} />
          <${Form} onSubmit=${submit} busy=${send.busy} submit=${t("invitation_submit")} />`}
  <//>`;
}
