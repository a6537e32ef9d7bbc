// yusuan web: batches. The form sends a ZIP, many files or a folder (dropped or chosen) to
// POST /api/batches in one request and opens the batch's page; the batch's page follows its
// progress by polling GET /api/batches/{id} until every file has ended.
// No inline script (the Content Security Policy forbids it); text is set with textContent only.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  // --- the form --------------------------------------------------------------------------------
  var form = document.getElementById("batch-form");
  if (form) setUpForm(form);

  function setUpForm(form) {
    var zone = document.getElementById("batch-drop");
    var pick = document.getElementById("batch-files");
    var folder = document.getElementById("batch-folder");
    var status = document.getElementById("batch-status");
    var bar = document.getElementById("batch-upload");
    var button = document.getElementById("batch-submit");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    var chosen = []; // [{file, path}]

    function choose(list) {
      chosen = list;
      var total = list.reduce(function (sum, item) { return sum + item.file.size; }, 0);
      status.className = "batch-status";
      status.textContent = list.length ? "已选择 " + list.length + " 个文件，共 " + size(total) + "。点“上传”开始。" : "";
      if (total > maxBytes) {
        status.className = "batch-status error";
        status.textContent = "所选文件共 " + size(total) + "，超过每批上限 " + size(maxBytes) + "，请分批上传。";
      }
    }

    function fromInput(input) {
      return Array.prototype.map.call(input.files, function (file) {
        return { file: file, path: file.webkitRelativePath || file.name };
      });
    }

    pick.addEventListener("change", function () { folder.value = ""; choose(fromInput(pick)); });
    folder.addEventListener("change", function () { pick.value = ""; choose(fromInput(folder)); });

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var items = event.dataTransfer.items;
      var entries = [];
      if (items) {
        for (var i = 0; i < items.length; i++) {
          var entry = items[i].webkitGetAsEntry ? items[i].webkitGetAsEntry() : null;
          if (entry) entries.push(entry);
        }
      }
      if (!entries.length) {
        choose(Array.prototype.map.call(event.dataTransfer.files, function (f) { return { file: f, path: f.name }; }));
        return;
      }
      status.textContent = "正在读取拖入的文件夹……";
      walk(entries).then(choose);
    });

    // The files of dropped folders, with their paths inside them.
    function walk(entries) {
      var found = [];
      function visit(entry) {
        if (entry.isFile) {
          return new Promise(function (resolve) {
            entry.file(function (file) {
              found.push({ file: file, path: entry.fullPath.replace(/^\//, "") });
              resolve();
            }, function () { resolve(); });
          });
        }
        var reader = entry.createReader();
        return new Promise(function (resolve) {
          var all = [];
          (function more() {
            reader.readEntries(function (batch) {
              if (!batch.length) { Promise.all(all.map(visit)).then(resolve); return; }
              all = all.concat(Array.prototype.slice.call(batch));
              more();
            }, function () { resolve(); });
          })();
        });
      }
      return Promise.all(entries.map(visit)).then(function () { return found; });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!chosen.length) {
        status.className = "batch-status error";
        status.textContent = "请先选择 ZIP 压缩包、多个文件或一个文件夹。";
        return;
      }
      var data = new FormData();
      chosen.forEach(function (item) { data.append("files", item.file, item.path); });
      var name = form.querySelector('input[name="name"]').value.trim();
      if (name) data.append("name", name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("data-api"));
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      button.disabled = true;
      status.className = "batch-status";
      status.textContent = "上传中……";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          status.textContent = "上传中：" + size(e.loaded) + " / " + size(e.total);
        }
      });
      xhr.upload.addEventListener("load", function () { status.textContent = "已上传，正在解压并排队……"; });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 202 && body) {
          status.textContent = "已收到 " + body.files + " 个文件，正在打开批次页面……";
          window.location.assign(body.page);
          return;
        }
        button.disabled = false;
        bar.hidden = true;
        status.className = "batch-status error";
        var detail = body && typeof body.detail === "string" ? body.detail : "上传失败（" + xhr.status + "）";
        status.textContent = detail;
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        status.className = "batch-status error";
        status.textContent = "网络错误，上传未完成，请重试。";
      });
      xhr.send(data);
    });
  }

  // --- the batch's page ------------------------------------------------------------------------
  var section = document.getElementById("batch");
  if (section) setUpBatch(section);

  function setUpBatch(section) {
    var table = document.getElementById("batch-docs");
    var chips = document.getElementById("batch-chips");
    var filter = "";

    function apply() {
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.hidden = filter !== "" && tr.getAttribute("data-state") !== filter;
      });
    }

    chips.addEventListener("click", function (event) {
      var chip = event.target.closest("button.chip");
      if (!chip) return;
      filter = chip.getAttribute("data-filter");
      chips.querySelectorAll("button.chip").forEach(function (b) { b.classList.toggle("active", b === chip); });
      apply();
    });

    function link(href, text) {
      var a = el("a", null, text);
      a.href = href;
      return a;
    }

    function cell(tr, cls, content) {
      var td = el("td", cls);
      if (content instanceof Node) td.appendChild(content);
      else if (content !== undefined && content !== null) td.textContent = String(content);
      tr.appendChild(td);
      return td;
    }

    function fill(tr, d, number) {
      tr.textContent = "";
      tr.setAttribute("data-state", d.state);
      var stored = d.disclosure_id !== null;
      cell(tr, "num", number);
      cell(tr, "file", d.file_name);
      cell(tr, null, stored ? link("/documents/" + d.disclosure_id, d.unit_name || "（未识别单位名称）") : "—");
      cell(tr, null, stored ? (d.year ? d.year + "年" : "年度不详") : "—");
      var kind = cell(tr, null, d.kind || "—");
      if (d.scope) { kind.appendChild(document.createTextNode(" ")); kind.appendChild(el("span", "muted", d.scope)); }
      var state = d.job_id ? link("/jobs/" + d.job_id, d.state_label) : el("span", null, d.state_label);
      state.className = "state state-" + d.state;
      cell(tr, null, state);
      var detail = cell(tr, "detail");
      if (d.note) {
        detail.appendChild(el("span", "note-" + (d.version && d.version > 1 ? "version" : d.state), d.note));
        if (d.previous_id) { detail.appendChild(document.createTextNode(" ")); detail.appendChild(link("/documents/" + d.previous_id, "上一版")); }
      } else if (d.state !== "stored") {
        detail.textContent = d.progress_text;
        if (d.state === "running" && d.pages) {
          var p = el("progress");
          p.max = d.pages; p.value = d.page || 0;
          detail.appendChild(document.createTextNode(" "));
          detail.appendChild(p);
        }
      }
      cell(tr, "num" + (d.errors ? " sev-error" : ""), stored ? d.errors : "");
      cell(tr, "num" + (d.warnings ? " sev-warning" : ""), stored ? d.warnings : "");
      cell(tr, null, stored ? el("span", "status status-" + d.review_status, d.review_label) : "");
    }

    function show(batch) {
      document.getElementById("batch-bar").value = batch.percent;
      document.getElementById("batch-percent").textContent = batch.percent + "%";
      document.getElementById("batch-done").textContent = "已处理 " + batch.ended + " / " + batch.total;
      document.getElementById("batch-findings").textContent = "错误 " + batch.errors + " · 警告 " + batch.warnings;
      Object.keys(batch.counts).forEach(function (key) {
        var count = chips.querySelector('[data-count="' + key + '"]');
        if (count) count.textContent = batch.counts[key];
      });
      var body = table.querySelector("tbody");
      batch.documents.forEach(function (d, index) {
        var tr = body.querySelector('tr[data-job="' + d.job_id + '"]');
        if (!tr) { tr = el("tr"); tr.setAttribute("data-job", d.job_id); body.appendChild(tr); }
        fill(tr, d, index + 1);
      });
      section.setAttribute("data-complete", batch.complete ? "true" : "false");
      apply();
    }

    function poll() {
      fetch(section.getAttribute("data-api"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (batch) {
          if (batch) show(batch);
          if (!batch || !batch.complete) window.setTimeout(poll, 1500);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }

    if (section.getAttribute("data-complete") !== "true") window.setTimeout(poll, 1000);
  }
})();
