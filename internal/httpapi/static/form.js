// Jianyan public pages' script. The form: keeps the draft in localStorage
// so a dropped connection or a closed tab loses nothing, sends it with one
// idempotency key per draft (so retries can never store it twice), retries
// on network failure, and counts characters. The receipt page's rating:
// checks that a dissatisfied rating has a reason and sends it as JSON.
// Without this script both still work as plain HTML form posts.
(function () {
  "use strict";
  var rating = document.getElementById("rating");
  if (rating && rating.tagName === "FORM" && window.fetch && window.JSON) {
    var rErr = document.getElementById("rating-error");
    var rStatus = document.getElementById("rating-status");
    var rButton = document.getElementById("rate");
    var rComment = rating.elements.comment;
    var rFail = function (field, msg) {
      rErr.textContent = msg;
      var el = field && document.getElementById("f-" + field);
      if (el) { el.setAttribute("aria-invalid", "true"); }
      rErr.focus();
    };
    rating.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var choice = "", radios = rating.elements.rating;
      for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { choice = radios[i].value; } }
      if (!choice) { rFail("rating", "请选择满意、基本满意或不满意。"); return; }
      if (choice === "dissatisfied" && !rComment.value.trim()) { rFail("comment", "选择不满意时,请写明不满意的原因,以便重新办理。"); return; }
      rErr.textContent = "";
      rButton.disabled = true;
      rStatus.textContent = "正在提交…";
      fetch(rating.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ rating: choice, comment: rComment.value })
      }).then(function (res) {
        return res.json().then(function (data) { return { res: res, data: data }; }, function () { return { res: res, data: null }; });
      }).then(function (r) {
        if (r.res.status === 201) { rStatus.textContent = "评价已提交。"; window.location.reload(); return; }
        var err = (r.data && r.data.error) || {};
        rButton.disabled = false; rStatus.textContent = "";
        rFail(err.field, err.message || "提交未成功,请稍后再试。");
      }, function () {
        rButton.disabled = false; rStatus.textContent = "";
        rFail("", "网络不稳定,评价未提交,请稍后再试。");
      });
    });
  }
  var form = document.getElementById("suggestion-form");
  if (!form || !window.fetch || !window.JSON) { return; }
  var code = form.getAttribute("data-code");
  var min = parseInt(form.getAttribute("data-min"), 10) || 5;
  var max = parseInt(form.getAttribute("data-max"), 10) || 5000;
  var storeKey = "jianyan-draft-" + code;
  var fields = ["participant_kind", "kind", "topic", "content", "name", "organization", "contact", "notify"];
  var content = form.elements.content;
  var counter = document.getElementById("content-count");
  var statusEl = document.getElementById("send-status");
  var errorEl = document.getElementById("form-error");
  var button = document.getElementById("send");
  var photoInput = form.elements.photos;
  var photoStatus = document.getElementById("photo-status");
  // The file input is hidden (its words are the browser's): name the photos.
  function showChosen() {
    var n = [], f = (photoInput && photoInput.files) || [];
    for (var i = 0; i < f.length; i++) { n.push(f[i].name); }
    photoStatus.textContent = n.length ? "已选择 " + n.length + " 张照片:" + n.join("、") : "未选择照片";
  }
  if (photoInput) { photoInput.addEventListener("change", showChosen); }
  showChosen();
  // Photos already uploaded, by file, so a retry does not send them twice.
  var uploaded = [];
  var storage = null;
  try { storage = window.localStorage; storage.getItem(storeKey); } catch (e) { storage = null; }

  function newKey() {
    var a = new Uint8Array(16), s = "";
    (window.crypto || window.msCrypto).getRandomValues(a);
    for (var i = 0; i < a.length; i++) { s += (a[i] + 256).toString(16).slice(1); }
    return "f-" + s;
  }
  function runes(s) { return Array.from ? Array.from(s).length : s.length; }
  function value(name) {
    var el = form.elements[name];
    if (!el) { return ""; }
    if (el.length !== undefined && el.tagName === undefined) {
      for (var i = 0; i < el.length; i++) { if (el[i].checked) { return el[i].value; } }
      return "";
    }
    if (el.type === "radio" || el.type === "checkbox") { return el.checked ? el.value : ""; }
    return el.value;
  }
  function setValue(name, v) {
    var el = form.elements[name];
    if (!el || v === undefined || v === null) { return; }
    if (el.length !== undefined && el.tagName === undefined) {
      for (var i = 0; i < el.length; i++) { el[i].checked = el[i].value === v; }
    } else if (el.type === "radio" || el.type === "checkbox") { el.checked = el.value === v; } else { el.value = v; }
  }

  var draft = null;
  if (storage) { try { draft = JSON.parse(storage.getItem(storeKey) || "null"); } catch (e) { draft = null; } }
  if (!draft || typeof draft.key !== "string" || typeof draft.values !== "object" || !draft.values) { draft = { key: newKey(), values: {} }; }
  else {
    for (var i = 0; i < fields.length; i++) { if (draft.values[fields[i]]) { setValue(fields[i], draft.values[fields[i]]); } }
    if (draft.values.content) { say("已恢复您上次未提交的草稿。"); }
  }
  form.elements.idempotency_key.value = draft.key;

  function save() {
    for (var i = 0; i < fields.length; i++) { draft.values[fields[i]] = value(fields[i]); }
    if (storage) { try { storage.setItem(storeKey, JSON.stringify(draft)); } catch (e) { /* storage full: keep going */ } }
  }
  function count() {
    var n = runes(content.value);
    counter.textContent = "已输入 " + n + " / " + max + " 字" + (n < min ? "(至少 " + min + " 字)" : "");
    counter.className = n > max ? "count over" : "count";
  }
  function say(msg) { statusEl.textContent = msg; }
  function showError(field, msg) {
    var prev = form.querySelectorAll("[aria-invalid=true]");
    for (var i = 0; i < prev.length; i++) { prev[i].removeAttribute("aria-invalid"); }
    errorEl.textContent = msg;
    var el = field && document.getElementById("f-" + field);
    if (el) { el.setAttribute("aria-invalid", "true"); }
    errorEl.focus();
  }
  var saveTimer = 0;
  form.addEventListener("input", function () { count(); clearTimeout(saveTimer); saveTimer = setTimeout(save, 300); });
  form.addEventListener("change", save);
  window.addEventListener("pagehide", save);
  count();

  var sending = false, attempt = 0, retryTimer = 0;
  // uploadPhotos uploads the chosen photos one by one (ask the form's
  // symposium for an upload form, then post the file to it) and calls done
  // with their IDs, or fail with the field error or null (network).
  function uploadPhotos(done, fail) {
    var files = photoInput && photoInput.files ? Array.prototype.slice.call(photoInput.files) : [];
    var ids = [];
    function next(i) {
      if (i === files.length) { photoStatus.textContent = files.length ? "照片已上传。" : ""; done(ids); return; }
      var f = files[i];
      for (var j = 0; j < uploaded.length; j++) {
        if (uploaded[j].file === f) { ids.push(uploaded[j].id); next(i + 1); return; }
      }
      photoStatus.textContent = "正在上传照片 " + (i + 1) + "/" + files.length + "…";
      fetch("/api/v1/symposia/" + encodeURIComponent(code) + "/uploads", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ filename: f.name, content_type: f.type, size: f.size })
      }).then(function (res) {
        return res.json().then(function (d) { return { res: res, data: d }; });
      }).then(function (r) {
        if (r.res.status !== 201) { throw { field: "photo_file_ids", message: (r.data && r.data.error && r.data.error.message) || "照片上传未成功。" }; }
        var fd = new FormData(), fields = r.data.fields || {};
        for (var k in fields) { if (Object.prototype.hasOwnProperty.call(fields, k)) { fd.append(k, fields[k]); } }
        fd.append("file", f);
        var id = r.data.id;
        return fetch(r.data.url, { method: "POST", body: fd }).then(function (res) {
          if (res.status >= 300) {
            return res.json().then(function (d) { throw { field: "photo_file_ids", message: "照片「" + f.name + "」:" + ((d && d.error && d.error.message) || "上传未成功。") }; },
              function () { throw { field: "photo_file_ids", message: "照片「" + f.name + "」上传未成功。" }; });
          }
          uploaded.push({ file: f, id: id });
          ids.push(id);
          next(i + 1);
        });
      }).catch(function (e) { photoStatus.textContent = ""; fail(e && e.field ? e : null); });
    }
    if (files.length > 3) { fail({ field: "photo_file_ids", message: "最多附 3 张照片。" }); return; }
    next(0);
  }
  function send() {
    clearTimeout(retryTimer);
    save();
    sending = true; button.disabled = true;
    uploadPhotos(post, function (e) {
      if (!e) { retry(0); return; }
      sending = false; button.disabled = false; attempt = 0; say("");
      showError(e.field, e.message);
    });
  }
  function post(photoIDs) {
    var body = { idempotency_key: draft.key, website: form.elements.website.value };
    for (var i = 0; i < fields.length; i++) { body[fields[i]] = value(fields[i]); }
    body.notify = body.notify === "1";
    if (photoIDs.length) { body.photo_file_ids = photoIDs; }
    say(attempt === 0 ? "正在提交…" : "正在重新提交(第 " + (attempt + 1) + " 次)…");
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": draft.key },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().then(function (data) { return { res: res, data: data }; }, function () { return { res: res, data: null }; });
    }).then(function (r) {
      if (r.res.status === 201 || r.res.status === 200) {
        if (storage) { try { storage.removeItem(storeKey); } catch (e) { /* ignore */ } }
        // Coming back to this page (back button) starts a new draft with a
        // new key: a second suggestion must not replay the first receipt.
        form.reset();
        uploaded = [];
        draft = { key: newKey(), values: {} };
        form.elements.idempotency_key.value = draft.key;
        count();
        sending = false; button.disabled = false;
        say("提交成功,正在打开回执…");
        window.location.assign("/r/" + encodeURIComponent(r.data.receipt));
        return;
      }
      var err = (r.data && r.data.error) || {};
      if (r.res.status === 429 || r.res.status === 503 || r.res.status >= 500) {
        var after = parseInt(r.res.headers.get("Retry-After"), 10);
        retry(isNaN(after) ? 0 : after * 1000);
        return;
      }
      sending = false; button.disabled = false; attempt = 0;
      say("");
      showError(err.field, err.message || "提交未成功,请检查后重试。");
    }, function () { retry(0); });
  }
  function retry(wait) {
    attempt++;
    var delay = Math.max(wait, Math.min(30000, 1000 * Math.pow(2, attempt)));
    say("网络不稳定,草稿已保存在本机," + Math.round(delay / 1000) + " 秒后自动重试。");
    retryTimer = setTimeout(send, delay);
  }
  window.addEventListener("online", function () { if (sending && attempt > 0) { send(); } });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (sending) { return; }
    var n = runes(content.value.trim());
    if (n < min) { showError("content", "内容至少 " + min + " 个字。"); return; }
    if (n > max) { showError("content", "内容最多 " + max + " 个字。"); return; }
    if (!value("participant_kind")) { showError("participant_kind", "请选择参会身份。"); return; }
    if (value("notify") && !value("contact").trim()) { showError("contact", "您选择了“有办理结果时通知我”,请填写手机号码或电子邮箱。"); return; }
    errorEl.textContent = "";
    attempt = 0;
    send();
  });
})();
