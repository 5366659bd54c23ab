// The exam page: each answer is kept on the phone (localStorage) and sent to the server as it is
// given; what could not be sent (no network) is sent again when the network returns, and 交卷
// waits until every answer is on the server. The server's clock decides the time limit; the
// countdown here only shows it. The service worker keeps the page once opened, so a reload with no
// network shows it again, with the answers kept on the phone.
(function () {
  "use strict";
  const root = document.getElementById("exam");
  if (!root) return;
  const key = "fupin-exam:" + root.dataset.exam + "/" + root.dataset.number;
  const csrf = (JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]) || "";
  // The page may come from the phone's cache (a reload offline): its server time is then old, so
  // the difference of the clocks measured when the page was first opened is kept and used.
  const skewKey = key + ":skew";
  let skew = Date.parse(root.dataset.now) - Date.now();
  const keptSkew = Number(localStorage.getItem(skewKey + "@" + root.dataset.now));
  if (localStorage.getItem(skewKey + "@" + root.dataset.now) !== null && Number.isFinite(keptSkew)) {
    skew = keptSkew;
  } else {
    try { localStorage.setItem(skewKey + "@" + root.dataset.now, String(skew)); } catch (e) { /* full */ }
  }
  const deadline = Date.parse(root.dataset.deadline);
  const status = document.getElementById("exam-status");
  const offline = document.getElementById("exam-offline");
  const errorBox = document.getElementById("exam-error");
  const submitButton = document.getElementById("exam-submit");
  let store = load();
  let sending = false;
  let submitWanted = false;
  let finished = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function save() { localStorage.setItem(key, JSON.stringify(store)); }
  function fieldsets() { return Array.from(root.querySelectorAll("fieldset[data-question]")); }
  function choiceOf(fs) {
    return Array.from(fs.querySelectorAll("input:checked")).map((i) => i.value).sort().join("");
  }
  function mark(code, state, note) {
    const fs = root.querySelector('fieldset[data-question="' + code + '"]');
    if (!fs) return;
    fs.dataset.state = state;
    fs.querySelector("[data-note]").textContent = note || "";
  }
  function refresh() {
    const states = fieldsets().map((fs) => fs.dataset.state);
    const saved = states.filter((s) => s === "saved").length;
    const pending = states.filter((s) => s === "pending").length;
    status.textContent = "已保存 " + saved + " 题" + (pending ? "，待发送 " + pending + " 题" : "");
    status.dataset.saved = String(saved);
    status.dataset.pending = String(pending);
    offline.classList.toggle("d-none", navigator.onLine);
  }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.classList.toggle("d-none", !message);
  }

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  async function flush() {
    if (sending) return;
    sending = true;
    try {
      for (const code of Object.keys(store)) {
        const item = store[code];
        if (item.sent) continue;
        let response;
        try {
          response = await post(root.dataset.answerUrl, { question: code, choice: item.choice, answered_at: item.at });
        } catch (e) {
          mark(code, "pending", "待发送（网络恢复后自动发送）");
          break; // no network: the rest waits too
        }
        if (response.ok) {
          if (store[code] && store[code].at === item.at) store[code].sent = true;
          save();
          mark(code, store[code].sent ? "saved" : "pending", store[code].sent ? "已保存" : "待发送");
        } else {
          const body = await response.json().catch(() => ({ error: "保存失败" }));
          mark(code, "refused", body.error || "保存失败");
          showError(body.error || "保存失败");
          store[code].sent = true; // refused for good (time is up, paper closed): do not retry
          store[code].refused = body.error || "保存失败";
          save();
        }
      }
    } finally {
      sending = false;
      refresh();
    }
    if (submitWanted && !Object.values(store).some((i) => !i.sent)) submit();
  }

  async function submit() {
    if (finished) return;
    submitWanted = true;
    if (Object.values(store).some((i) => !i.sent)) {
      showError("还有答案未发送：网络恢复后将自动发送并交卷，请勿关闭页面。");
      flush();
      return;
    }
    let response;
    try {
      response = await post(root.dataset.submitUrl, {});
    } catch (e) {
      showError("网络未连接：答案已保存，网络恢复后将自动交卷。");
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { showError(body.error || "交卷失败"); return; }
    finished = true;
    localStorage.removeItem(key);
    Object.keys(localStorage).filter((k) => k.startsWith(skewKey)).forEach((k) => localStorage.removeItem(k));
    window.location.href = body.result_url || root.dataset.resultUrl;
  }

  function tick() {
    const left = Math.max(0, deadline - (Date.now() + skew));
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    document.getElementById("exam-timer").textContent =
      String(minutes).padStart(2, "0") + ":" + String(seconds).padStart(2, "0");
    if (left === 0 && !submitWanted) submit();
  }

  // What the phone kept wins over the page: an answer the server has not yet got (a reload while
  // offline), and one it got after the page was kept in the phone's cache.
  fieldsets().forEach((fs) => {
    const code = fs.dataset.question;
    const kept = store[code];
    if (kept) {
      fs.querySelectorAll("input").forEach((i) => { i.checked = kept.choice.includes(i.value); });
      if (kept.refused) mark(code, "refused", kept.refused);
      else mark(code, kept.sent ? "saved" : "pending", kept.sent ? "" : "待发送");
    }
    fs.addEventListener("change", () => {
      store[code] = { choice: choiceOf(fs), at: new Date(Date.now() + skew).toISOString(), sent: false };
      save();
      mark(code, "pending", "保存中…");
      refresh();
      flush();
    });
  });
  submitButton.addEventListener("click", () => {
    if (window.confirm("确定交卷吗？交卷后不能修改答案。")) submit();
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  setInterval(flush, 5000);
  setInterval(tick, 1000);
  tick();
  refresh();
  flush();
  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (registration.active) registration.active.postMessage({ keep: window.location.pathname });
      })
      .catch(() => { /* no offline copy: the page still works online */ });
  }
})();
