/*
 * 打卡 on a phone (fupin/fieldwork/templates/fieldwork/checkin.html) and the queue of check-ins
 * not yet sent (also shown on 我的打卡).
 *
 * At the tap the page fixes what the check-in is: a fresh idempotency key, the phone's local date
 * and time and the instant, the place, the position and the (shrunk) photo. It keeps that in the
 * browser first (IndexedDB, or localStorage when there is none) and then sends it. A check-in whose
 * send failed stays queued as 待发送 and is sent again when the page loads, when the phone comes
 * back online, and every minute while something waits; it leaves the queue only on the server's
 * 200/201 answer. The server answers a key it has seen with the first check-in, so a resend after
 * a lost answer never makes a second one.
 */
(function () {
  "use strict";

  var DB_NAME = "fupin-checkin";
  var STORE = "queue";
  var LS_KEY = "fupin-checkin-queue";
  var MAX_SIDE = 1600;
  var JPEG_QUALITY = 0.85;
  var RETRY_MS = 60000;
  var FIX_TIMEOUT_MS = 10000;
  var LAST_FIX_MAX_AGE_MS = 5 * 60000;
  var FIELDS = [
    "idempotency_key", "date", "time", "recorded_at", "kind", "household", "village", "town",
    "notes", "longitude", "latitude", "accuracy_m"
  ];

  var form = document.getElementById("checkin-form");
  var queueBox = document.getElementById("checkin-queue");
  if (!form && !queueBox) return;
  var source = form || queueBox;
  var USER = source.dataset.user;
  var SUBMIT_URL = source.dataset.submitUrl;

  // -- keeping check-ins in the browser ---------------------------------------------------------
  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var req = window.indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
        req.onblocked = function () { reject(new Error("IndexedDB blocked")); };
      });
    }
    return dbPromise;
  }

  async function idbDo(mode, work) {
    var db = await openDb();
    var tx = db.transaction(STORE, mode);
    var result = await request(work(tx.objectStore(STORE)));
    await new Promise(function (resolve, reject) {
      tx.oncomplete = resolve;
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
    return result;
  }

  var idbStore = {
    all: function () { return idbDo("readonly", function (s) { return s.getAll(); }); },
    put: function (entry) { return idbDo("readwrite", function (s) { return s.put(entry); }); },
    remove: function (key) { return idbDo("readwrite", function (s) { return s.delete(key); }); }
  };

  function blobToDataUrl(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }

  function dataUrlToBlob(url) {
    var parts = url.split(",");
    var type = (parts[0].match(/data:([^;]+)/) || [])[1] || "image/jpeg";
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: type });
  }

  function lsRead() {
    try { return JSON.parse(window.localStorage.getItem(LS_KEY) || "[]"); } catch (e) { return []; }
  }

  var lsStore = {
    all: async function () {
      return lsRead().map(function (e) {
        var copy = Object.assign({}, e);
        copy.photo = e.photo ? dataUrlToBlob(e.photo) : null;
        return copy;
      });
    },
    put: async function (entry) {
      var stored = Object.assign({}, entry);
      stored.photo = entry.photo ? await blobToDataUrl(entry.photo) : null;
      var list = lsRead().filter(function (e) { return e.key !== entry.key; });
      list.push(stored);
      window.localStorage.setItem(LS_KEY, JSON.stringify(list)); // throws when the phone is full
    },
    remove: async function (key) {
      var list = lsRead().filter(function (e) { return e.key !== key; });
      window.localStorage.setItem(LS_KEY, JSON.stringify(list));
    }
  };

  var storePromise = null;
  function store() {
    if (!storePromise) {
      storePromise = openDb().then(function () { return idbStore; }, function () { return lsStore; });
    }
    return storePromise;
  }

  // -- what the phone knows at the tap ----------------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function localDate(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function localTime(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()); }

  function newKey() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var bytes = new Uint8Array(16);
    if (c && c.getRandomValues) {
      c.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("")
      + "-" + Date.now().toString(36);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : (queueBox ? queueBox.dataset.csrf : "");
  }

  // -- sending ----------------------------------------------------------------------------------
  // The outcome of one send: "done" (answered with the check-in), "failed" (refused for good, with
  // the reason) or "retry" (no answer, or one that may change: keep it queued).
  async function send(entry) {
    var body = new FormData();
    FIELDS.forEach(function (name) {
      if (entry[name] !== undefined && entry[name] !== null && entry[name] !== "") body.append(name, entry[name]);
    });
    if (entry.photo) body.append("photo", entry.photo, entry.photo_name || "photo.jpg");
    var response;
    try {
      response = await fetch(SUBMIT_URL, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      });
    } catch (e) {
      return { outcome: "retry", message: "网络不通，已保存在本机" };
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if ((response.status === 200 || response.status === 201) && data && data.code) {
      return { outcome: "done", data: data };
    }
    if (response.status === 400 && data && data.error) return { outcome: "failed", message: data.error };
    if (response.status === 401 || response.status === 403) {
      return {
        outcome: "retry",
        message: (data && data.error) || "登录已过期或页面已失效，请刷新页面或重新登录后再发送"
      };
    }
    return { outcome: "retry", message: "服务器暂时无法处理（" + response.status + "），稍后自动重试" };
  }

  var outcomes = {};  // key → the last outcome, for the tap that is waiting for its own
  var tapping = {};   // keys of check-ins whose tap is still waiting (it shows its own verdict)
  var flushing = null;
  var again = false;

  async function flushOnce() {
    var s = await store();
    var sent = 0;
    var entries = (await s.all()).filter(function (e) { return e.user === USER && e.status === "pending"; });
    entries.sort(function (a, b) { return a.recorded_at < b.recorded_at ? -1 : 1; });
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i];
      if (navigator.onLine === false) break;
      var result = await send(entry);
      outcomes[entry.key] = result;
      if (result.outcome === "done") {
        await s.remove(entry.key);
        sent++;
        if (!tapping[entry.key]) showSent(entry, result.data);
      } else {
        entry.error = result.message;
        if (result.outcome === "failed") entry.status = "failed";
        await s.put(entry);
        if (result.outcome === "retry") break;  // the network or the session is down: wait
      }
    }
    return sent;
  }

  function flush() {
    if (flushing) { again = true; return flushing; }
    flushing = (async function () {
      var sent = 0;
      try {
        do { again = false; sent += await flushOnce(); } while (again);
      } catch (e) {
        // storage failed; nothing to resend from
      } finally {
        flushing = null;
      }
      await renderQueue();
      if (sent && !form && queueBox) window.location.reload();  // 我的打卡: show what arrived
      return sent;
    })();
    return flushing;
  }

  // -- the queue on the page --------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function when(entry) { return entry.date + " " + (entry.time || "").slice(0, 5); }

  async function renderQueue() {
    if (!queueBox) return;
    var list = queueBox.querySelector("[data-queue-items]");
    var entries;
    try { entries = await (await store()).all(); } catch (e) { entries = []; }
    var mine = entries.filter(function (e) { return e.user === USER; });
    var others = entries.length - mine.length;
    list.textContent = "";
    mine.sort(function (a, b) { return a.recorded_at < b.recorded_at ? -1 : 1; });
    mine.forEach(function (entry) {
      var item = el("li", "checkin-queue-item");
      item.dataset.queued = entry.key;
      item.dataset.status = entry.status;
      var failed = entry.status === "failed";
      item.appendChild(el("span", "badge me-1 " + (failed ? "text-bg-danger" : "text-bg-warning"), failed ? "发送失败" : "待发送"));
      item.appendChild(el("span", "", when(entry) + " " + (entry.label || "")));
      if (entry.error) item.appendChild(el("div", "small " + (failed ? "text-danger" : "text-muted"), entry.error));
      if (failed) {
        var drop = el("button", "btn btn-sm btn-link text-danger p-0", "删除");
        drop.type = "button";
        drop.addEventListener("click", async function () {
          if (!window.confirm("删除这条未能发送的打卡？")) return;
          await (await store()).remove(entry.key);
          renderQueue();
        });
        item.appendChild(drop);
      }
      list.appendChild(item);
    });
    if (others) list.appendChild(el("li", "small text-muted", "本机还有其他账号的 " + others + " 条打卡未发送，请用该账号登录后发送。"));
    queueBox.hidden = entries.length === 0;
    var button = queueBox.querySelector("[data-flush]");
    if (button) button.hidden = !mine.some(function (e) { return e.status === "pending"; });
  }

  // -- the verdict ------------------------------------------------------------------------------
  var resultBox = document.getElementById("checkin-result");

  function verdictNode(data, heading) {
    var box = el("div", "alert " + (data.valid ? "alert-success" : "alert-danger") + " mb-2");
    box.dataset.verdict = data.valid ? "valid" : "invalid";
    box.dataset.code = data.code;
    if (heading) box.appendChild(el("div", "small", heading));
    var line = el("div");
    line.appendChild(el("strong", "fs-5 me-2", data.valid ? "有效" : "无效"));
    line.appendChild(el("span", "", data.date + (data.time ? " " + data.time : "") + " " + data.kind_label + " · " + data.place));
    box.appendChild(line);
    if (!data.valid && data.invalid_reason) box.appendChild(el("div", "", "原因：" + data.invalid_reason));
    var extra = [];
    if (data.distance_m !== null && data.distance_m !== undefined) extra.push("距参照点 " + data.distance_m + " 米");
    if (!data.created) extra.push("此前已发送过，未重复记录");
    if (extra.length) box.appendChild(el("div", "small", extra.join("；")));
    return box;
  }

  function showResult(node) {
    if (!resultBox) return;
    resultBox.textContent = "";
    resultBox.appendChild(node);
    if (node.scrollIntoView) node.scrollIntoView({ block: "nearest" });
  }

  function showSent(entry, data) {
    if (!resultBox) return;
    resultBox.appendChild(verdictNode(data, "已发送离线打卡（" + when(entry) + "）"));
  }

  function showPending(entry, message) {
    var box = el("div", "alert alert-warning mb-2");
    box.dataset.verdict = "pending";
    var line = el("div");
    line.appendChild(el("strong", "fs-5 me-2", "待发送"));
    line.appendChild(el("span", "", when(entry) + " " + entry.label));
    box.appendChild(line);
    box.appendChild(el("div", "small", (message ? message + "。" : "") + "网络恢复后自动发送，打卡日期按点击时的日期 " + entry.date + " 记录。"));
    showResult(box);
  }

  // -- the form: kind and place -----------------------------------------------------------------
  function chosenKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "";
  }

  function showPlaces() {
    var kind = chosenKind();
    form.querySelectorAll("[data-place]").forEach(function (group) {
      group.hidden = group.dataset.place !== kind;
    });
  }

  // -- position ---------------------------------------------------------------------------------
  var lastFix = null;
  var locationBox = form && form.querySelector("#checkin-location");

  function showLocation(fix, status) {
    if (!locationBox) return;
    locationBox.querySelector("[data-location-status]").textContent = status;
    var coords = locationBox.querySelector("[data-location-coords]");
    coords.hidden = !fix;
    if (fix) {
      coords.querySelector("[data-longitude]").textContent = fix.longitude.toFixed(6);
      coords.querySelector("[data-latitude]").textContent = fix.latitude.toFixed(6);
      coords.querySelector("[data-accuracy]").textContent = String(Math.round(fix.accuracy * 10) / 10);
    }
  }

  function locate(timeout) {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) {
        showLocation(null, "此浏览器不能定位：仍可打卡，但没有位置的打卡会被判为无效。");
        resolve(null);
        return;
      }
      showLocation(lastFix, "正在获取定位…");
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        lastFix = { longitude: c.longitude, latitude: c.latitude, accuracy: c.accuracy, at: Date.now() };
        var note = c.accuracy === 0 ? "已定位（精度为0，可能是虚拟定位，打卡将无效）" : "已定位";
        showLocation(lastFix, note);
        resolve(lastFix);
      }, function (error) {
        if (error.code === 1) {
          lastFix = null;
          showLocation(null, "未获得定位权限：仍可打卡，但没有位置的打卡会被判为无效。请在浏览器设置中允许本网站使用位置信息后点“重新定位”。");
          resolve(null);
          return;
        }
        var recent = lastFix && Date.now() - lastFix.at < LAST_FIX_MAX_AGE_MS ? lastFix : null;
        var reason = error.code === 3 ? "定位超时" : "暂时无法定位";
        showLocation(recent, reason + (recent ? "，将使用刚才的位置。" : "：请到开阔处点“重新定位”；没有位置的打卡会被判为无效。"));
        resolve(recent);
      }, { enableHighAccuracy: true, timeout: timeout, maximumAge: 0 });
    });
  }

  // -- the photo --------------------------------------------------------------------------------
  var photo = null;  // {blob, name}
  var photoReady = Promise.resolve();

  function decode(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file).then(function (bitmap) {
        return { source: bitmap, width: bitmap.width, height: bitmap.height };
      });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve({ source: img, width: img.naturalWidth, height: img.naturalHeight }); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  // The photo drawn again at most MAX_SIDE pixels on its longer side, as JPEG; the file itself when
  // the browser cannot read it (the server then judges it) or when drawing would not make it smaller.
  async function shrink(file) {
    var image;
    try { image = await decode(file); } catch (e) { return { blob: file, name: file.name || "photo.jpg" }; }
    var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.width * scale));
    canvas.height = Math.max(1, Math.round(image.height * scale));
    canvas.getContext("2d").drawImage(image.source, 0, 0, canvas.width, canvas.height);
    var blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY); });
    if (!blob || (scale === 1 && blob.size >= file.size)) return { blob: file, name: file.name || "photo.jpg" };
    return { blob: blob, name: "photo.jpg" };
  }

  function setupPhoto() {
    var input = form.querySelector("input[name=photo]");
    var preview = form.querySelector("#checkin-preview");
    var note = form.querySelector("#checkin-photo-note");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      photo = null;
      preview.hidden = true;
      if (!file) return;
      note.textContent = "正在处理照片…";
      photoReady = shrink(file).then(function (result) {
        photo = result;
        if (preview.src) URL.revokeObjectURL(preview.src);
        preview.src = URL.createObjectURL(result.blob);
        preview.hidden = false;
        note.textContent = "照片 " + Math.max(1, Math.round(result.blob.size / 1024)) + " KB";
      });
    });
    return function reset() {
      input.value = "";
      photo = null;
      preview.hidden = true;
      note.textContent = "拍摄现场照片，上传前会压缩到1600像素以内";
    };
  }

  // -- the tap ----------------------------------------------------------------------------------
  function setupForm() {
    var errorBox = form.querySelector("#checkin-error");
    var button = form.querySelector("#checkin-submit");
    var resetPhoto = setupPhoto();
    var busy = false;

    function fail(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    form.querySelectorAll("input[name=kind]").forEach(function (radio) {
      radio.addEventListener("change", showPlaces);
    });
    showPlaces();
    form.querySelector("[data-relocate]").addEventListener("click", function () { locate(FIX_TIMEOUT_MS); });
    locate(FIX_TIMEOUT_MS);

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (busy) return;
      var now = new Date();
      var kind = chosenKind();
      var select = kind ? form.querySelector("[data-place='" + kind + "'] select") : null;
      fail("");
      if (!kind) { fail("请选择打卡类型"); return; }
      if (!select || !select.value) { fail("请选择打卡地点"); return; }
      busy = true;
      button.disabled = true;
      var entry = null;
      try {
        await photoReady.catch(function () {});
        if (!photo) { fail("请拍摄现场照片"); return; }
        var kindLabel = form.querySelector("label[for='kind-" + kind + "']").textContent.trim();
        entry = {
          key: newKey(),
          user: USER,
          status: "pending",
          error: "",
          date: localDate(now),
          time: localTime(now),
          recorded_at: now.toISOString(),
          kind: kind,
          notes: form.querySelector("[name=notes]").value,
          photo: photo.blob,
          photo_name: photo.name,
          label: kindLabel + " " + select.options[select.selectedIndex].text
        };
        entry.idempotency_key = entry.key;
        entry[kind] = select.value;
        button.textContent = "正在定位…";
        var fix = await locate(FIX_TIMEOUT_MS);
        if (fix) {
          entry.longitude = fix.longitude.toFixed(6);
          entry.latitude = fix.latitude.toFixed(6);
          entry.accuracy_m = String(Math.round(fix.accuracy * 10) / 10);
        }
        button.textContent = "正在发送…";
        tapping[entry.key] = true;
        await submit(entry);
      } finally {
        if (entry) delete tapping[entry.key];
        busy = false;
        button.disabled = false;
        button.textContent = "打卡";
      }
    });

    async function submit(entry) {
      var s = await store();
      try {
        await s.put(entry);
      } catch (e) {
        // Cannot keep it on this phone (storage full or refused): send it once, directly.
        var direct = await send(entry);
        if (direct.outcome === "done") { finished(direct.data); return; }
        fail(direct.outcome === "failed" ? direct.message : "发送失败，且手机存储空间不足，无法保存待发送的打卡：" + direct.message);
        return;
      }
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
      if (navigator.onLine === false) {
        showPending(entry, "当前没有网络");
        clear();
        await renderQueue();
        return;
      }
      await flush();
      var outcome = outcomes[entry.key];
      if (outcome && outcome.outcome === "done") {
        finished(outcome.data);
      } else if (outcome && outcome.outcome === "failed") {
        await s.remove(entry.key);  // refused for good: nothing to resend; the form shows why
        await renderQueue();
        fail("未能打卡：" + outcome.message);
        showResult(el("span"));
      } else {
        showPending(entry, outcome ? outcome.message : "");
        clear();
      }
    }

    function finished(data) {
      showResult(verdictNode(data, ""));
      clear();
    }

    // The check-in is taken (recorded, or kept to send): the form is ready for the next one.
    function clear() {
      resetPhoto();
      form.querySelector("[name=notes]").value = "";
    }
  }

  // -- start ------------------------------------------------------------------------------------
  if (form) setupForm();
  renderQueue().then(flush);
  window.addEventListener("online", function () { flush(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && navigator.onLine !== false) flush();
  });
  if (queueBox) {
    var flushButton = queueBox.querySelector("[data-flush]");
    if (flushButton) flushButton.addEventListener("click", function () { flush(); });
  }
  window.setInterval(function () {
    if (navigator.onLine !== false && !flushing) flush();
  }, RETRY_MS);
})();
