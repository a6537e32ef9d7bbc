// yusuan web: confirmations, drag-and-drop upload with progress, finding highlights and their
// boxes on the original's page images.
// No inline script anywhere (the Content Security Policy forbids it); all text is set with
// textContent, never innerHTML.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // --- forms that ask first -------------------------------------------------------------
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // --- one job's page: follow it until it ends, then show the page again with its outcome ---
  var followed = document.querySelector("[data-follow-job]");
  if (followed) followJob(followed);

  // A job polled until it ends: ``running(body)`` on each report of a job still going,
  // ``ended(body)`` once, ``lost()`` when the server has not answered for a minute.
  function watchJob(url, running, ended, lost) {
    var failures = 0;
    function poll() {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status !== 200 || !body) { retry(); return; }
        failures = 0;
        if (body.status === "done" || body.status === "failed") { ended(body); return; }
        running(body);
        window.setTimeout(poll, 1000);
      });
      xhr.addEventListener("error", retry);
      xhr.send();
    }
    function retry() {
      failures += 1;
      if (failures > 30) { lost(); return; }
      window.setTimeout(poll, 2000);
    }
    poll();
  }

  // the bar of a job's progress: 30 % once uploaded, the pages read fill the next 65 %
  function jobPercent(body) {
    return body.pages ? 30 + Math.round(65 * body.page / body.pages) : (body.status === "running" ? 35 : 30);
  }

  var LOST = "暂时无法获取处理进度，请稍后刷新页面";

  function followJob(section) {
    var bar = section.querySelector("progress");
    function field(name, text) {
      var node = section.querySelector('[data-field="' + name + '"]');
      if (node) node.textContent = text;
    }
    watchJob(section.getAttribute("data-follow-job"), function (body) {
      section.setAttribute("data-state", body.status);
      field("status_label", body.status_label);
      field("progress_text", body.progress_text);
      field("stage", body.stage || "—");
      field("pages", body.pages ? "第 " + (body.page || 0) + " / " + body.pages + " 页" : "—");
      field("eta", body.eta_seconds === null ? "—" : Math.max(0, Math.round(body.eta_seconds)) + " 秒");
      if (bar) bar.value = jobPercent(body);
    }, function () { window.location.reload(); }, function () { field("progress_text", LOST); });
  }

  // --- upload ------------------------------------------------------------------------------
  var uploadForm = document.getElementById("upload-form");
  if (uploadForm) setUpUpload(uploadForm);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setUpUpload(form) {
    var zone = document.getElementById("drop-zone");
    var input = document.getElementById("file-input");
    var list = document.getElementById("progress");
    var api = form.getAttribute("data-api");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(form.getAttribute("data-max-files"), 10);
    var queue = [];
    var running = 0;

    function start(files) {
      Array.prototype.slice.call(files, 0, maxFiles).forEach(function (file) {
        var item = el("li", "result result-waiting");
        item.appendChild(el("span", "file", file.name));
        var bar = el("progress");
        bar.max = 100; bar.value = 0;
        item.appendChild(bar);
        var state = el("span", "state", "等待上传");
        item.appendChild(state);
        list.appendChild(item);
        if (file.size > maxBytes) {
          item.className = "result result-rejected";
          state.textContent = "文件超过大小上限，未上传";
          bar.remove();
          return;
        }
        queue.push({ file: file, item: item, bar: bar, state: state });
      });
      if (files.length > maxFiles) {
        list.appendChild(el("li", "result result-rejected", "一次最多上传 " + maxFiles + " 个文件，其余文件未上传"));
      }
      pump();
    }

    function pump() {
      while (running < 2 && queue.length) send(queue.shift());
    }

    function send(job) {
      running += 1;
      var data = new FormData();
      data.append("files", job.file, job.file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", api);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      job.state.textContent = "上传中";
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) job.bar.value = Math.round((event.loaded / event.total) * 30);
      });
      xhr.upload.addEventListener("load", function () {
        job.bar.value = 30;
        job.state.textContent = "已上传，排队等待处理";
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.length && body[0].url) {
          job.item.setAttribute("data-job-id", body[0].job_id);
          var name = job.item.querySelector(".file");
          var details = el("a", "file", name.textContent);
          details.href = "/jobs/" + body[0].job_id;
          details.title = "任务详情";
          job.item.replaceChild(details, name);
          follow(body[0].url, job);
        } else {
          job.item.className = "result result-failed";
          job.state.textContent = (body && typeof body.detail === "string") ? body.detail : "上传失败（" + xhr.status + "）";
          job.bar.remove();
        }
        done();
      });
      xhr.addEventListener("error", function () {
        job.item.className = "result result-failed";
        job.state.textContent = "网络错误，上传失败";
        done();
      });
      xhr.send(data);
    }

    function show(job, result) {
      job.item.className = "result result-" + result.outcome;
      job.state.textContent = result.message;
      if (job.bar) job.bar.remove();
      if (result.disclosure_id) {
        var link = el("a", "", (result.unit_name || "查看") + " " + (result.year ? result.year + "年" : "") +
          " · 错误 " + result.errors + " · 警告 " + result.warnings);
        link.href = "/documents/" + result.disclosure_id;
        job.item.appendChild(link);
      }
    }

    // A job's progress, polled until it ends: its stage and, for OCR, 第 N / M 页 and the time left.
    function follow(url, job) {
      watchJob(url, function (body) {
        job.item.className = "result result-" + body.status;
        job.state.textContent = body.progress_text;
        if (job.bar) job.bar.value = jobPercent(body);
      }, function (body) { show(job, body); }, function () { job.state.textContent = LOST; });
    }

    // jobs the page lists that have not ended yet (the form sent without JavaScript, a reload)
    document.querySelectorAll("li[data-job-url]").forEach(function (item) {
      follow(item.getAttribute("data-job-url"), {
        item: item, bar: item.querySelector("progress"), state: item.querySelector(".state")
      });
    });

    function done() {
      running -= 1;
      pump();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.files.length) start(input.files);
    });
    input.addEventListener("change", function () {
      if (input.files.length) start(input.files);
      input.value = "";
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.remove("over");
      });
    });
    zone.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) start(event.dataTransfer.files);
    });
  }

  // --- findings: highlight the cells and source lines they cite ---------------------------------
  var findings = document.querySelectorAll(".finding[data-targets]");
  var tablesPane = document.querySelector(".tables-pane");
  var sourcePane = document.querySelector(".source-pane");

  function scrollWithin(pane, node) {
    if (!pane || !node) return;
    var offset = node.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    pane.scrollTop += offset - pane.clientHeight / 3;
    var left = node.getBoundingClientRect().left - pane.getBoundingClientRect().left;
    if (left < 0 || left > pane.clientWidth) pane.scrollLeft += left - 40;
  }

  function clear() {
    document.querySelectorAll(".hl, .hl-line, .finding.active").forEach(function (node) {
      node.classList.remove("hl", "hl-line", "active");
    });
    clearBoxes();
  }

  // --- the original's pages: the chosen finding's boxes over the page images -----------------
  // pages.json gives each finding's boxes as [page, x0, top, x1, bottom] in points from the
  // page's top-left corner; a box is placed in percent of its page, so it follows the image.
  var pagesPane = document.querySelector(".pages-pane[data-boxes]");
  var boxesLoaded = null;

  function loadBoxes() {
    if (!boxesLoaded) {
      boxesLoaded = fetch(pagesPane.getAttribute("data-boxes"), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () { return null; });
    }
    return boxesLoaded;
  }

  function clearBoxes() {
    document.querySelectorAll(".page-box").forEach(function (node) { node.remove(); });
    document.querySelectorAll(".page.cited").forEach(function (node) {
      node.classList.remove("cited");
    });
  }

  function percent(value, whole) {
    return (Math.max(0, Math.min(value / whole, 1)) * 100).toFixed(3) + "%";
  }

  function drawBoxes(finding) {
    if (!pagesPane) return;
    var id = finding.id.replace("finding-", "");
    loadBoxes().then(function (data) {
      if (!data || !data.findings || !finding.classList.contains("active")) return;
      var entry = data.findings[id];
      clearBoxes();
      if (!entry) return;
      var first = null, firstPage = null;
      entry.boxes.forEach(function (b) {
        var page = document.getElementById("page-" + b[0]);
        if (!page) return;
        var width = parseFloat(page.getAttribute("data-width"));
        var height = parseFloat(page.getAttribute("data-height"));
        var box = el("div", "page-box");
        box.setAttribute("data-finding", id);
        box.style.left = percent(b[1], width);
        box.style.top = percent(b[2], height);
        box.style.width = percent(b[3] - b[1], width);
        box.style.height = percent(b[4] - b[2], height);
        page.querySelector(".page-sheet").appendChild(box);
        first = first || box;
      });
      entry.pages.forEach(function (number) {
        var page = document.getElementById("page-" + number);
        if (page) {
          page.classList.add("cited");
          firstPage = firstPage || page;
        }
      });
      scrollWithin(pagesPane, first || firstPage);
    });
  }

  function select(finding) {
    clear();
    finding.classList.add("active");
    var firstCell = null, firstLine = null;
    (finding.getAttribute("data-targets") || "").split(" ").forEach(function (id) {
      var node = id && document.getElementById(id);
      if (node) {
        node.classList.add("hl");
        firstCell = firstCell || node;
      }
    });
    (finding.getAttribute("data-lines") || "").split(" ").forEach(function (number) {
      var node = number && document.getElementById("L" + number);
      if (node) {
        node.classList.add("hl-line");
        firstLine = firstLine || node;
      }
    });
    scrollWithin(tablesPane, firstCell);
    scrollWithin(sourcePane, firstLine);
    drawBoxes(finding);
  }

  findings.forEach(function (finding) {
    finding.addEventListener("click", function (event) {
      if (event.target.closest("form, details.decide, a, button")) return;
      select(finding);
    });
    finding.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && event.target === finding) {
        event.preventDefault();
        select(finding);
      }
    });
  });

  document.querySelectorAll("a.src-link[data-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var node = document.getElementById("L" + link.getAttribute("data-line"));
      if (!node) return;
      event.preventDefault();
      clear();
      node.classList.add("hl-line");
      scrollWithin(sourcePane, node);
    });
  });

  var wanted = new URLSearchParams(window.location.search).get("finding");
  if (wanted) {
    var chosen = document.getElementById("finding-" + wanted);
    if (chosen) {
      var group = chosen.closest("details");
      if (group) group.open = true;
      select(chosen);
      chosen.scrollIntoView({ block: "nearest" });
    }
  }
})();
