// The app: the header (brand, navigation, language switch, sign out), the screen of the
// current route, and who is signed in. The first load is the shell and the screens a visitor
// may open signed out; every other screen loads when first opened, with its area's words.
import { h, render } from "../vendor/preact.mjs";
import { useEffect, useState } from "../vendor/hooks.mjs";
import { onSession, signOut, signedIn } from "./api.js";
import { isStaff, loadAccount, rememberNext } from "./account.js";
import { ForgotPassword, Register, ResetPassword, SignIn, VerifyEmail } from "./auth.js";
import { currentLanguage, onLanguage, setLanguage, t } from "./i18n.js";
import { AcceptInvitation } from "./invitation.js";
import { currentRoute, match, navigate, onRoute } from "./router.js";
import { Link, Loading, Page, html } from "./ui.js";

// A screen whose module loads when it is first shown (each module brings the words of its area,
// `words.js`); `name` is the component's export.
function lazy(load, name) {
  let loaded = null;
  return function Screen(props) {
    const [component, setComponent] = useState(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      load().then(
        (module) => {
          loaded = module[name];
          setComponent(() => loaded);
        },
        () => setFailed(true),
      );
    }, []);
    if (failed) return html`<div class="problem" role="alert"><strong>${t("network_error")}</strong></div>`;
    return component ? h(component, props) : html`<${Loading} />`;
  };
}

const ApplicationPage = lazy(() => import("./application.js"), "ApplicationPage");
const LetterPage = lazy(() => import("./letter.js"), "LetterPage");
const MyApplications = lazy(() => import("./applications.js"), "MyApplications");
const GroupProfile = lazy(() => import("./group.js"), "GroupProfile");
const StaffApplications = lazy(() => import("./staff.js"), "StaffApplications");
const Queue = lazy(() => import("./staff.js"), "Queue");
const Reports = lazy(() => import("./reports.js"), "Reports");
const Members = lazy(() => import("./members.js"), "Members");
const Settings = lazy(() => import("./settings.js"), "Settings");
const Admin = lazy(() => import("./admin.js"), "Admin");

// Screens anyone may open, signed in or not.
const PUBLIC = {
  "/sign-in": SignIn,
  "/register": Register,
  "/verify-email": VerifyEmail,
  "/forgot-password": ForgotPassword,
  "/reset-password": ResetPassword,
  "/accept-invitation": AcceptInvitation,
};

function NotFound() {
  return html`<${Page} title=${t("not_found_title")}>
    <p>${t("not_found")}</p>
    <p><${Link} to="/">${t("back_home")}<//></p>
  <//>`;
}

// The screen of a route that needs a session, with the data in the reader's language.
// `onAccount` asks for `/me` again (after the person's group or settings change).
function signedInScreen(route, account, onAccount) {
  const { path, query } = route;
  const props = { account, query, onAccount };
  const letter = match("/applications/:id/letter", path);
  if (letter) return html`<${LetterPage} id=${letter.id} ...${props} />`;
  const application = match("/applications/:id", path);
  if (application) return html`<${ApplicationPage} id=${application.id} ...${props} />`;
  if (path === "/account") return html`<${Settings} ...${props} />`;
  if (isStaff(account)) {
    if (path === "/") return html`<${StaffApplications} ...${props} />`;
    if (path === "/queue") return html`<${Queue} ...${props} />`;
    if (path === "/reports") return html`<${Reports} ...${props} />`;
    const admin = match("/admin/:section", path);
    if (account.role === "admin" && path === "/admin") return html`<${Admin} section="cities" ...${props} />`;
    if (account.role === "admin" && admin) return html`<${Admin} section=${admin.section} ...${props} />`;
  } else {
    if (path === "/") return html`<${MyApplications} ...${props} />`;
    if (path === "/group") return html`<${GroupProfile} ...${props} />`;
    if (path === "/group/members" && account.dealer_group_id) return html`<${Members} ...${props} />`;
  }
  return html`<${NotFound} />`;
}

// The header's links for who is signed in: `[route, word]`.
function navigation(account) {
  if (!account) return [["/sign-in", "sign_in"], ["/register", "register"]];
  if (isStaff(account)) {
    const links = [["/", "nav_applications"], ["/queue", "nav_queue"], ["/reports", "nav_reports"]];
    if (account.role === "admin") links.push(["/admin", "nav_admin"]);
    return links.concat([["/account", "nav_account"]]);
  }
  const links = [["/", "nav_my_applications"], ["/group", "nav_group"]];
  if (account.dealer_group_id) links.push(["/group/members", "nav_members"]);
  return links.concat([["/account", "nav_account"]]);
}

// The header link of the screen being shown: the longest that is the path or lies above it
// (`/` only for itself).
function currentLink(links, path) {
  const above = links
    .map(([to]) => to)
    .filter((to) => (to === "/" ? path === "/" : path === to || path.startsWith(to + "/")));
  return above.sort((a, b) => b.length - a.length)[0];
}

function Header({ account, path, onSignOut }) {
  const other = currentLanguage() === "en" ? "zh-CN" : "en";
  const links = navigation(account);
  const current = currentLink(links, path);
  return html`<header class="top">
    <a class="skip" href="#main">${t("skip_to_content")}</a>
    <${Link} to="/" class="brand">${t("brand")}<//>
    <nav aria-label=${t("main_navigation")}>
      <ul>
        ${links.map(
          ([to, word]) => html`<li key=${to}>
            <${Link} to=${to} aria-current=${to === current ? "page" : undefined}>${t(word)}<//>
          </li>`,
        )}
      </ul>
    </nav>
    <div class="tools">
      ${account && html`<span class="who">${t("signed_in_as", { name: account.display_name })}</span>`}
      <button type="button" class="link" id="language" lang=${other} title=${t("switch_language_label")}
        onClick=${() => setLanguage(other)}>${t("switch_language")}</button>
      ${account && html`<button type="button" class="link" onClick=${onSignOut}>${t("sign_out")}</button>`}
    </div>
  </header>`;
}

function App() {
  const [route, setRoute] = useState(currentRoute());
  const [language, setLang] = useState(currentLanguage());
  // undefined: not known yet; null: nobody signed in.
  const [account, setAccount] = useState(signedIn() ? undefined : null);

  const refreshAccount = () =>
    loadAccount().then(
      (me) => setAccount(me),
      () => setAccount(null),
    );

  useEffect(() => {
    const stops = [
      onRoute(() => setRoute(currentRoute())),
      onLanguage((next) => setLang(next)),
      onSession((now) => {
        if (!now) setAccount(null);
      }),
    ];
    // A screen may have moved before this ran (children's effects run first).
    setRoute(currentRoute());
    if (signedIn()) refreshAccount();
    return () => stops.forEach((stop) => stop());
  }, []);

  // Off the page first: signed out on it, the app would remember it for whoever signs in next.
  const leave = async () => {
    navigate("/sign-in");
    await signOut();
    setAccount(null);
  };

  const Public = PUBLIC[route.path];
  let screen;
  if (account === undefined) screen = html`<${Loading} />`;
  else if (Public)
    screen = html`<${Public} query=${route.query} account=${account} onSignedIn=${refreshAccount}
      onJoined=${refreshAccount} />`;
  else if (!account) screen = html`<${SignInFirst} route=${route} />`;
  // Data screens load again in the new language (status labels come from the API).
  else screen = html`<div key=${language}>${signedInScreen(route, account, refreshAccount)}</div>`;

  return html`<${Header} account=${account} path=${route.path} onSignOut=${leave} />
    <main id="main" tabindex="-1">${screen}</main>`;
}

// A route that needs a session, opened without one: sign in, then come back.
function SignInFirst({ route }) {
  useEffect(() => {
    const back = route.path + (route.query.toString() ? "?" + route.query.toString() : "");
    if (route.path !== "/") rememberNext(back);
    navigate("/sign-in", { replace: true });
  }, [route.path]);
  return html`<${Loading} />`;
}

const root = document.getElementById("app");
root.replaceChildren();
render(html`<${App} />`, root);
