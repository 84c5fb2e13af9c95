// The dashboard (issue 15, R-CTR-6). Reads only POST /graphql with the signed-in user's token,
// so it shows exactly what that role may see. Charts: the vendored Chart.js (chart.umd.js, v4.6.1,
// MIT, from the npm registry). Text goes in with textContent only, never as HTML.
"use strict";

const TOKEN_KEY = "mic.dashboard.token";

const STATUS = {
  DRAFT: "申报草稿 / Draft", SUBMITTED: "已提交 / Submitted", RETURNED: "退回修改 / Returned",
  RECOMMENDED: "市局推荐 / Recommended", FORMAL_REVIEW_PASSED: "形式审查通过 / Formal review passed",
  EXPERT_REVIEW: "专家评审中 / Expert review", REJECTED: "未通过 / Rejected",
  CULTIVATING: "培育中 / Cultivating", CULTIVATION_FAILED: "培育未通过 / Cultivation failed",
  ESTABLISHED: "已建成 / Established", RECTIFYING: "整改中 / Rectifying", REVOKED: "摘牌撤销 / Revoked",
};
const COVERAGE = {
  ESTABLISHED: "已有认定中心 / Established", CULTIVATING: "仅有培育中心 / Cultivating only",
  NONE: "尚无中心 / None",
};
const CALENDAR_KIND = {
  ANNUAL_REPORT_DUE: "年度报告截止 / Annual report due",
  REPORT_VERIFICATION_PENDING: "年度报告待市级审核 / Report awaiting the bureau",
  PERIODIC_ASSESSMENT_DUE: "定期考核到期 / Periodic assessment due",
  CULTIVATION_ENDS: "培育期届满 / Cultivation ends",
  RECTIFICATION_ENDS: "整改期届满 / Rectification ends",
};
const IP_KIND = {
  INVENTION_PATENT: "发明专利 / Invention patent", UTILITY_MODEL: "实用新型 / Utility model",
  DESIGN_PATENT: "外观设计 / Design", SOFTWARE_COPYRIGHT: "软件著作权 / Software copyright",
  STANDARD: "标准 / Standard", TECHNICAL_SECRET: "技术秘密 / Technical secret", OTHER: "其他 / Other",
};
const ROLE = {
  PROVINCIAL_ADMIN: "自治区管理员 / Provincial administrator",
  PROVINCIAL_STAFF: "自治区工信厅 / Provincial staff",
  MUNICIPAL_BUREAU: "市工信局 / Municipal bureau", ENTERPRISE: "企业 / Enterprise",
  EXPERT: "专家 / Expert",
};

const ME_QUERY = `{ me { username displayName roleBindings { role revokedAt city { nameZh } } } }`;
const STATISTICS_QUERY = `{ statistics {
  target { target targetYear running rectifying shortfall currentYear yearsLeft paceNeeded met }
  byStatus: centres(groupBy: [STATUS]) { status count }
  byCity: centres(groupBy: [CITY, STATUS]) { city { code nameZh nameEn } status count }
  industryCoverage { industry { nameZh nameEn } coverage designated cultivating }
  funding { committed paid outstanding }
  fundingPerYear { year committed paid }
  ipAssetsByKind { kind count }
  ipTransfersPerYear { year amount transfers } } }`;
const CALENDAR_QUERY = `{ regulatoryCalendar(first: 20) { totalCount edges { node {
  kind dueOn daysLeft overdue year centre { name city { nameZh } } } } } }`;

const $ = (id) => document.getElementById(id);
const charts = {};

class Unauthenticated extends Error {}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el("td", cell));
  return tr;
}

// Decimal strings ("30000000.00") shown exactly, with thousands separators.
function money(value) {
  const [whole, fraction] = String(value).split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return sign + digits + (fraction ? "." + fraction : "");
}

async function graphql(query, variables) {
  const headers = { "content-type": "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = "Bearer " + token;
  const response = await fetch("/graphql", {
    method: "POST", headers, body: JSON.stringify({ query, variables: variables || {} }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error("服务暂不可用 / The service did not answer (HTTP " + response.status + ")");
  }
  const errors = body.errors || [];
  const codes = errors.map((e) => (e.extensions || {}).code);
  if (response.status === 401 || codes.includes("UNAUTHENTICATED")) throw new Unauthenticated();
  return { data: body.data, errors, codes };
}

function show(section) {
  for (const id of ["sign-in", "dashboard", "forbidden"]) $(id).hidden = id !== section;
  $("who").hidden = section === "sign-in";
}

function signInForm(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  for (const chart of Object.values(charts)) chart.destroy();
  show("sign-in");
  $("sign-in-message").textContent = message || "";
  $("username").focus();
}

function chart(id, type, labels, datasets, extra) {
  if (charts[id]) charts[id].destroy();
  if (typeof Chart === "undefined") return; // the table and cards still show the figures
  charts[id] = new Chart($(id), {
    type,
    data: { labels, datasets },
    options: Object.assign(
      { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1 } } },
      extra || {}),
  });
}

function cards(container, items) {
  container.replaceChildren();
  for (const [label, value] of items) {
    const card = el("div", null, "card");
    card.appendChild(el("div", value, "value"));
    card.appendChild(el("div", label, "label"));
    container.appendChild(card);
  }
}

function renderTarget(t) {
  cards($("target-cards"), [
    ["建成并稳定运行 / Established and running", t.running],
    ["整改中 / Rectifying", t.rectifying],
    [`${t.targetYear}年目标 / Target by ${t.targetYear}`, t.target],
    ["尚差 / Shortfall", t.shortfall],
    ["剩余年数 / Years left", t.yearsLeft],
    ["每年需新增 / Needed per year", t.paceNeeded],
  ]);
  $("target-progress").max = t.target;
  $("target-progress").value = Math.min(t.running, t.target);
  $("target-note").textContent = t.met
    ? "目标已达成 / Target met"
    : `截至${t.currentYear}年:${t.running} / ${t.target} — as of ${t.currentYear}`;
}

function renderStatus(rows) {
  const shown = rows.filter((r) => r.count > 0);
  chart("chart-status", "bar", shown.map((r) => STATUS[r.status] || r.status),
    [{ label: "数量 / Centres", data: shown.map((r) => r.count), backgroundColor: "#8b1a1a" }],
    { indexAxis: "y", scales: { x: { ticks: { precision: 0 } } } });
}

function renderCities(rows) {
  // A pivot of the (city, status) counts the API grouped: rows = cities, columns = states.
  const statuses = Object.keys(STATUS).filter((s) => rows.some((r) => r.status === s));
  const cities = new Map();
  for (const r of rows) {
    const key = r.city ? r.city.code : "";
    if (!cities.has(key)) cities.set(key, { city: r.city, counts: {}, total: 0 });
    const entry = cities.get(key);
    entry.counts[r.status] = (entry.counts[r.status] || 0) + r.count;
    entry.total += r.count;
  }
  const head = $("city-table").tHead;
  head.replaceChildren(row([el("th", "地市 / City"),
    ...statuses.map((s) => el("th", STATUS[s], "num")), el("th", "合计 / Total", "num")]));
  const body = $("city-table").tBodies[0];
  body.replaceChildren();
  for (const { city, counts, total } of [...cities.values()].sort((a, b) => b.total - a.total)) {
    const tr = row([el("td", city ? `${city.nameZh} / ${city.nameEn}` : "—")]);
    tr.dataset.city = city ? city.nameZh : "";
    for (const s of statuses) tr.appendChild(el("td", counts[s] || 0, "num"));
    tr.appendChild(el("td", total, "num"));
    body.appendChild(tr);
  }
  if (!cities.size) body.appendChild(row(["无 / None"]));
}

function renderIndustries(rows) {
  const body = $("industry-table").tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    body.appendChild(row([
      `${r.industry.nameZh} / ${r.industry.nameEn}`,
      el("td", COVERAGE[r.coverage] || r.coverage, "level-" + r.coverage),
      el("td", r.designated, "num"), el("td", r.cultivating, "num"),
    ]));
  }
}

function renderCalendar(calendar) {
  const body = $("calendar-table").tBodies[0];
  body.replaceChildren();
  for (const { node } of calendar.edges) {
    const days = el("td", node.overdue ? `${node.daysLeft}(已逾期 / overdue)` : node.daysLeft,
      node.overdue ? "num overdue" : "num");
    const kind = CALENDAR_KIND[node.kind] || node.kind;
    body.appendChild(row([node.dueOn, node.year ? `${kind} (${node.year})` : kind,
      node.centre.name, node.centre.city.nameZh, days]));
  }
  if (!calendar.edges.length) body.appendChild(row(["无到期事项 / Nothing due"]));
  $("calendar-note").textContent =
    `共 ${calendar.totalCount} 项,显示前 ${calendar.edges.length} 项 / ` +
    `${calendar.totalCount} in all, the first ${calendar.edges.length} shown`;
}

function renderFunding(total, perYear) {
  cards($("funding-cards"), [
    ["已承诺 / Committed", money(total.committed)],
    ["已拨付 / Paid", money(total.paid)],
    ["待拨付 / Outstanding", money(total.outstanding)],
  ]);
  // Per year the figures are that year's flows (a decision in its year, a payment in its
  // value date's): committed and paid side by side; "outstanding" is only meaningful in total.
  chart("chart-funding", "bar", perYear.map((r) => r.year), [
    { label: "当年承诺 / Committed in the year", data: perYear.map((r) => Number(r.committed)),
      backgroundColor: "#2f5d8a" },
    { label: "当年拨付 / Paid in the year", data: perYear.map((r) => Number(r.paid)),
      backgroundColor: "#1b7f3b" },
  ]);
}

function renderIp(kinds, transfers) {
  chart("chart-ip-kinds", "bar", kinds.map((r) => IP_KIND[r.kind] || r.kind),
    [{ label: "知识产权数量 / IP assets", data: kinds.map((r) => r.count), backgroundColor: "#2f5d8a" }],
    { plugins: { legend: { display: true } }, scales: { y: { ticks: { precision: 0 } } } });
  chart("chart-ip-transfers", "bar", transfers.map((r) => r.year),
    [{ label: "转化金额(元) / Transfer revenue, CNY", data: transfers.map((r) => Number(r.amount)),
      backgroundColor: "#6b4c9a" }],
    { plugins: { legend: { display: true } } });
}

async function loadDashboard() {
  $("error").hidden = true;
  try {
    const [me, statistics, calendar] = await Promise.all(
      [ME_QUERY, STATISTICS_QUERY, CALENDAR_QUERY].map((q) => graphql(q)));
    if (me.data) {
      const roles = me.data.me.roleBindings.filter((b) => !b.revokedAt)
        .map((b) => (ROLE[b.role] || b.role) + (b.city ? ` ${b.city.nameZh}` : ""));
      $("who-name").textContent = `${me.data.me.displayName}(${roles.join(", ")})`;
    }
    if (statistics.codes.includes("FORBIDDEN")) {
      show("forbidden");
      $("forbidden-message").textContent =
        "您的角色无权查看统计数据(专家仅能查看分配给自己的评审) / " +
        "Your role may not see the programme's statistics: experts see only the reviews assigned to them.";
      return;
    }
    if (!statistics.data) throw new Error(statistics.errors.map((e) => e.message).join("; "));
    const s = statistics.data.statistics;
    show("dashboard");
    renderTarget(s.target);
    renderStatus(s.byStatus);
    renderCities(s.byCity);
    renderIndustries(s.industryCoverage);
    renderFunding(s.funding, s.fundingPerYear);
    renderIp(s.ipAssetsByKind, s.ipTransfersPerYear);
    if (calendar.data) renderCalendar(calendar.data.regulatoryCalendar);
    document.body.dataset.loaded = "true";
  } catch (error) {
    if (error instanceof Unauthenticated) {
      signInForm("登录已过期,请重新登录 / Your session has ended: please sign in again.");
      return;
    }
    $("error").hidden = false;
    $("error").textContent = "加载失败 / Could not load: " + error.message;
  }
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in-message").textContent = "";
  try {
    const result = await graphql(
      "mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
      { u: $("username").value, p: $("password").value });
    if (!result.data || !result.data.login) {
      $("sign-in-message").textContent = "登录失败 / Sign-in failed: " +
        result.errors.map((e) => e.message).join("; ");
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, result.data.login.token);
    $("password").value = "";
    await loadDashboard();
  } catch (error) {
    $("sign-in-message").textContent = error instanceof Unauthenticated
      ? "用户名或密码错误 / Wrong username or password"
      : "登录失败 / Sign-in failed: " + error.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", () => signInForm(""));
  if (sessionStorage.getItem(TOKEN_KEY)) loadDashboard();
  else signInForm("");
});
