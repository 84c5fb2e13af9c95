// The GraphiQL page (issue 16): GraphiQL 3 (vendored UMD build, with React 18; see vendor.sh)
// and a sign-in panel. The token lives in sessionStorage (this tab only, gone when it closes)
// and goes on GraphiQL's requests as "Authorization: Bearer …"; a 401 from /graphql (expired,
// revoked or malformed token) drops it and brings the panel back. Text goes in with textContent.
"use strict";

const TOKEN_KEY = "mic.graphiql.token";
const USER_KEY = "mic.graphiql.username";
const EXPIRED =
  "登录已过期或令牌无效,请重新登录 / Your session has ended or the token is not valid: please sign in again.";
const SIGN_IN_FIRST = "请先登录 / Please sign in first.";

const STARTER_QUERY = `# 欢迎使用 mic 的 GraphiQL / Welcome to mic's GraphiQL.
#
# 先登录(右上角):之后每个请求都带上您的令牌,您看到的正是您的角色可见的数据——
# 例如市工信局只看到本市的创新中心。
# Sign in first (top right): every request then carries your token, and you see exactly what
# your role may see (a city's bureau sees its own city's centres only).
#
# 运行 / Run: Ctrl-Enter or ▶.  文档 / Docs: the book icon on the left.
query Starter {
  # 当前用户及其角色(市局角色绑定到一个城市)/ Who I am, and my roles
  # (a bureau's role is bound to a city)
  me {
    username
    displayName
    roleBindings { role revokedAt city { nameZh } }
  }
  # 我可见的前 5 个创新中心及总数 / The first 5 centres I may see, and how many in all;
  # for the next page give pageInfo.endCursor as \`after\`.
  centres(first: 5) {
    totalCount
    edges { node { id name status city { nameZh nameEn } } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

const $ = (id) => document.getElementById(id);
let root = null;

// GraphiQL's dialogs add a <style> element when they open (react-remove-scroll), stamped with
// the bundler's nonce global when one is set: the page's CSP admits styles with this response's
// nonce, and nothing else inline.
window.__webpack_nonce__ = document.querySelector('meta[name="mic-style-nonce"]').content;

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function showSignIn(message) {
  $("sign-in").hidden = false;
  $("sign-in-message").textContent = message || "";
  $("username").focus();
}

function showSession() {
  const signedIn = Boolean(token());
  $("who").hidden = !signedIn;
  $("anonymous").hidden = signedIn;
  $("who-name").textContent = signedIn ? sessionStorage.getItem(USER_KEY) || "" : "";
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  showSession();
  render();
  showSignIn(message);
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return { errors: [{ message: "服务无应答 / The service did not answer (HTTP " + response.status + ")" }] };
  }
}

// A new fetcher per session: GraphiQL fetches the schema again whenever its fetcher changes.
function makeFetcher() {
  const sent = token();
  return async function fetcher(params, options) {
    const headers = { "content-type": "application/json", accept: "application/json" };
    if (sent) headers.authorization = "Bearer " + sent;
    // Headers typed into GraphiQL's header editor win (e.g. another user's token).
    for (const [name, value] of Object.entries((options && options.headers) || {})) {
      headers[name.toLowerCase()] = value;
    }
    const response = await fetch("/graphql", {
      method: "POST", headers, body: JSON.stringify(params), credentials: "same-origin",
    });
    const body = await readJson(response);
    // 401: the middleware refused the token (expired, malformed, another secret). A revoked
    // token (signed out everywhere, password reset) passes it and is refused by the API instead.
    const refused = response.status === 401 ||
      (body.errors || []).some((e) => (e.extensions || {}).code === "UNAUTHENTICATED");
    const ours = headers.authorization === (sent ? "Bearer " + sent : undefined);
    if (refused && ours && token() === sent) {
      if (sent) signOut(EXPIRED);
      else showSignIn(SIGN_IN_FIRST);
    }
    return body;
  };
}

function render() {
  if (typeof GraphiQL === "undefined" || typeof ReactDOM === "undefined") {
    $("graphiql").textContent = "GraphiQL 未能加载 / GraphiQL did not load.";
    return;
  }
  if (!root) root = ReactDOM.createRoot($("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: makeFetcher(),
    defaultQuery: STARTER_QUERY,
    // The token travels in our fetcher, never in the header editor's persisted storage.
    shouldPersistHeaders: false,
    isHeadersEditorEnabled: true,
    inputValueDeprecation: true,
  }));
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-message").textContent = "";
  const username = $("username").value;
  let body;
  try {
    // Without any Authorization header: a stale token would make even the login a 401.
    const response = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        query: "mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        variables: { u: username, p: $("password").value },
      }),
      credentials: "same-origin",
    });
    body = await readJson(response);
  } catch (error) {
    $("sign-in-message").textContent = "登录失败 / Sign-in failed: " + error.message;
    return;
  }
  if (!body.data || !body.data.login) {
    $("sign-in-message").textContent = "登录失败 / Sign-in failed: " +
      (body.errors || []).map((e) => e.message).join("; ");
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.data.login.token);
  sessionStorage.setItem(USER_KEY, username);
  $("password").value = "";
  $("sign-in").hidden = true;
  showSession();
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  $("graphiql").textContent = "";
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-in-later").addEventListener("click", () => { $("sign-in").hidden = true; });
  $("show-sign-in").addEventListener("click", () => showSignIn(""));
  $("sign-out").addEventListener("click", () => signOut(""));
  showSession();
  render();
  if (!token()) showSignIn("");
  document.body.dataset.ready = "true";
});
