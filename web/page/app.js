// daicho.html: reads the files the user chooses, checks each in a Web Worker running the daicho
// WebAssembly module, and shows the findings with the downloads. Nothing is sent anywhere: the
// page's Content-Security-Policy forbids every network connection.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  // How long one file may take (`#time-limit=MS` in the address changes it: the browser test).
  const TIME_LIMIT_MS = Number(new URLSearchParams(location.hash.slice(1)).get("time-limit")) || 120000;
  const EXTENSIONS = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv"];
  const T = {
    ja: {
      loading: "準備しています…", ready: "準備ができました。ファイルを選んでください。",
      checking: (n, m) => `チェック中… (${n}/${m})`, finished: (m) => `${m} 件のファイルをチェックしました。`,
      version: (v, d) => `daicho ${v}・サポート期限データの確認日 ${d}`,
      unreadable: "読めませんでした", timeout: (s) => `${s} 秒たっても終わらないため中止しました`,
      crashed: "読み込み中にエラーが起きました(ファイルが壊れているか、大きすぎてメモリが足りない可能性があります)",
      notChecked: "この形式のファイルはチェックできません", config: (n) => `設定ファイル ${n} を使っています。`,
      configError: "daicho.toml を使えません", sev: { error: "エラー", warning: "警告", info: "情報" },
      counts: (e, w, i) => [`エラー ${e}`, `警告 ${w}`, `情報 ${i}`],
      noFindings: "指摘はありません。", all: "すべて", severity: "重大度", rule: "ルール",
      cols: ["重大度", "コード", "ルール", "シート", "セル", "値", "内容", "修正案"],
      suppressed: "(承認済み)", annotated: (n) => `チェック結果のブック ${n}`, json: (n) => `JSON レポート ${n}`,
      annotateError: "チェック結果のブックを作れませんでした", ms: (ms) => `${ms} ミリ秒`,
      shown: (n, m) => `${m} 件中 ${n} 件を表示`, sortHint: "列名を押すと並べ替えます。",
      unsupported: "このブラウザーでは動きません。WebAssembly と DecompressionStream に対応したブラウザー(Microsoft Edge / Google Chrome 96 以降、Firefox 113 以降、Safari 16.4 以降)で開いてください。",
      template: "空の台帳テンプレートをダウンロード", toggle: "English",
    },
    en: {
      loading: "Loading…", ready: "Ready. Choose files to check.",
      checking: (n, m) => `Checking… (${n}/${m})`, finished: (m) => `Checked ${m} file(s).`,
      version: (v, d) => `daicho ${v} · support data checked on ${d}`,
      unreadable: "Could not read", timeout: (s) => `stopped after ${s} seconds`,
      crashed: "an error occurred while reading it (the file may be damaged, or too large for the memory available)",
      notChecked: "this kind of file cannot be checked", config: (n) => `Using the settings in ${n}.`,
      configError: "Cannot use daicho.toml", sev: { error: "error", warning: "warning", info: "info" },
      counts: (e, w, i) => [`errors ${e}`, `warnings ${w}`, `infos ${i}`],
      noFindings: "No findings.", all: "all", severity: "Severity", rule: "Rule",
      cols: ["Severity", "Code", "Rule", "Sheet", "Cell", "Value", "Message", "Fix"],
      suppressed: "(acknowledged)", annotated: (n) => `Annotated workbook ${n}`, json: (n) => `JSON report ${n}`,
      annotateError: "Could not build the annotated workbook", ms: (ms) => `${ms} ms`,
      shown: (n, m) => `showing ${n} of ${m}`, sortHint: "Press a column name to sort.",
      unsupported: "This browser cannot run daicho. Open the page in a browser with WebAssembly and DecompressionStream (Microsoft Edge / Google Chrome 96 or later, Firefox 113 or later, Safari 16.4 or later).",
      template: "Download a blank ledger template", toggle: "日本語",
    },
  };
  let lang = /[?#&]lang=en\b/.test(location.href) ? "en" : "ja";
  const t = () => T[lang];
  const state = { module: null, worker: null, workerReady: null, queue: [], busy: false, results: [], started: 0,
    total: 0, readyAt: 0, timings: {}, version: null };
  window.daicho = state;

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
  const today = () => {
    const d = new Date();
    const p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  };
  const fromBase64 = (b64) => {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(b64);
    const text = atob(b64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  };
  const stem = (name) => (name.lastIndexOf(".") > 0 ? name.slice(0, name.lastIndexOf(".")) : name);
  const extension = (name) => (name.lastIndexOf(".") > 0 ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "");
  const status = (text) => { $("status").textContent = text; };

  function applyLang() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-ja]")) e.textContent = e.dataset[lang];
    $("lang").textContent = t().toggle;
    $("lang").setAttribute("lang", lang === "ja" ? "en" : "ja");
    if (state.version) $("version").textContent = t().version(state.version.version, state.version.support_data);
  }

  async function boot() {
    state.timings.script = Math.round(performance.now());
    const nav = performance.getEntriesByType("navigation")[0];
    if (nav) state.timings.loaded = Math.round(nav.responseEnd);
    applyLang();
    $("as-of").value = today();
    status(t().loading);
    if (typeof WebAssembly !== "object" || typeof DecompressionStream !== "function" || typeof Worker !== "function") {
      throw new Error("unsupported");
    }
    const mark = (what) => { state.timings[what] = Math.round(performance.now()); };
    // The worker starts while the page is still reading the module (it comes last in the file),
    // then while the module is unpacked and compiled (as it streams out of the decompressor); it
    // gets the module when that is done.
    state.workerSource = URL.createObjectURL(new Blob([$("glue").textContent, "\n", $("worker-src").textContent],
      { type: "text/javascript" }));
    const parsed = new Promise((resolve) => {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve, { once: true });
      else resolve();
    });
    state.modulePromise = parsed.then(() => {
      mark("parsed");
      const gz = fromBase64($("wasm-gz").textContent.trim());
      mark("decoded");
      const unpacked = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
      return WebAssembly.compileStreaming(new Response(unpacked, { headers: { "Content-Type": "application/wasm" } }));
    });
    const workerReady = startWorker();
    state.module = await state.modulePromise;
    mark("compiled");
    wasm_bindgen.initSync({ module: state.module });
    state.version = JSON.parse(wasm_bindgen.version());
    applyLang();
    mark("page-instance");
    await workerReady;
    mark("worker-ready");
    state.readyAt = performance.now();
    status(t().ready);
  }

  function startWorker() {
    if (state.worker) state.worker.terminate();
    const worker = new Worker(state.workerSource);
    state.worker = worker;
    state.workerReady = new Promise((resolve, reject) => {
      worker.onmessage = (e) => {
        if (e.data.type === "ready") {
          state.timings.workerInstance = e.data.instance;
          state.timings.workerWarm = e.data.warm;
          resolve();
        }
      };
      worker.onerror = (e) => { e.preventDefault(); reject(new Error(e.message)); };
    });
    state.modulePromise.then((module) => worker.postMessage({ type: "init", module }));
    return state.workerReady;
  }

  // One file in the current worker; a worker that dies or runs past the time limit is replaced.
  function checkInWorker(job) {
    return new Promise((resolve) => {
      const worker = state.worker;
      let panic = null;
      let finished = false;
      const finish = (result, restart) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (restart) startWorker().catch(() => {});
        resolve(result);
      };
      const timer = setTimeout(() => finish({ failed: t().timeout(TIME_LIMIT_MS / 1000) }, true), TIME_LIMIT_MS);
      worker.onmessage = (e) => {
        const m = e.data;
        if (m.type === "panic") panic = m.message;
        else if (m.type === "done" && m.id === job.id) finish({ done: m }, false);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        finish({ failed: t().crashed, detail: panic || e.message || "" }, true);
      };
      worker.postMessage({ type: "check", id: job.id, name: job.file.name, bytes: job.bytes, asOf: job.asOf,
        lang: job.lang, config: job.config }, [job.bytes]);
    });
  }

  async function pump() {
    if (state.busy) return;
    state.busy = true;
    while (state.queue.length) {
      const job = state.queue.shift();
      status(t().checking(job.index + 1, state.total));
      const started = performance.now();
      let result;
      try {
        await state.workerReady;
        job.bytes = await job.file.arrayBuffer();
        result = await checkInWorker(job);
      } catch (err) {
        result = { failed: t().crashed, detail: String(err && err.message || err) };
        await startWorker().catch(() => {});
      }
      result.ms = Math.round(performance.now() - started);
      if (result.failed) {
        // The report of a file whose reader crashed, as the exe gives it (the JSON download).
        result.json = wasm_bindgen.failed_json(job.file.name, job.asOf, job.lang,
          result.detail ? `${result.failed}: ${result.detail}` : result.failed);
      }
      job.result = result;
      renderFile(job);
    }
    state.busy = false;
    status(t().finished(state.total));
  }

  async function addFiles(fileList) {
    const files = Array.from(fileList);
    const toml = files.find((f) => f.name.toLowerCase() === "daicho.toml") || files.find((f) => extension(f.name) === "toml");
    const config = toml ? new Uint8Array(await toml.arrayBuffer()) : undefined;
    enqueue(files.filter((f) => f !== toml), config, toml ? toml.name : null);
  }

  function enqueue(files, config, configName) {
    const asOf = $("as-of").value || today();
    for (const file of files) {
      const job = { id: state.results.length, index: state.total, file, asOf, lang, config, configName };
      state.total += 1;
      state.results.push(job);
      job.section = el("section", { class: "file", "aria-busy": "true" }, el("h3", { text: file.name }));
      $("results").append(job.section);
      if (!EXTENSIONS.includes(extension(file.name))) {
        job.result = { failed: t().notChecked, ms: 0, json: null };
        renderFile(job);
        continue;
      }
      state.queue.push(job);
    }
    pump();
  }

  function download(bytes, name, type) {
    return el("a", { href: URL.createObjectURL(new Blob([bytes], { type })), download: name, text: name });
  }

  function renderFile(job) {
    const s = job.section;
    const r = job.result;
    s.replaceChildren(el("h3", { text: job.file.name }));
    s.removeAttribute("aria-busy");
    s.dataset.ms = String(r.ms);
    const report = r.done && r.done.json ? JSON.parse(r.done.json) : null;
    if (r.done && r.done.configError) {
      s.dataset.state = "failed";
      s.append(el("p", { class: "error", text: `${t().configError}: ` }), el("pre", { class: "rule", text: r.done.configError }));
      return;
    }
    if (job.configName) s.append(el("p", { class: "note", text: t().config(job.configName) }));
    const file = report ? report.files[0] : null;
    const error = r.failed ? (r.detail ? `${r.failed} (${r.detail})` : r.failed) : file && file.error ? file.error.message : null;
    const downloads = el("p", { class: "downloads" });
    if (error) {
      s.dataset.state = "failed";
      s.append(el("p", { class: "error", text: `${t().unreadable}: ${error}` }));
      if (r.json) downloads.append(download(r.json, `${stem(job.file.name)}.daicho.json`, "application/json"));
      s.append(downloads);
      return;
    }
    s.dataset.state = "done";
    const sum = report.summary;
    const [e, w, i] = t().counts(sum.errors, sum.warnings, sum.infos);
    s.append(el("p", { class: "counts" }, el("span", { class: "c-error", text: e }), el("span", { class: "c-warning", text: w }),
      el("span", { class: "c-info", text: i }), el("span", { class: "note", text: t().ms(r.ms) })));
    if (r.done.annotated) {
      const type = r.done.annotatedName.endsWith(".xlsm") ? "application/vnd.ms-excel.sheet.macroEnabled.12"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      downloads.append(download(r.done.annotated, r.done.annotatedName, type));
      downloads.lastChild.className = "annotated";
    }
    downloads.append(download(r.done.json, `${stem(job.file.name)}.daicho.json`, "application/json"));
    downloads.lastChild.className = "json";
    s.append(downloads);
    if (r.done.annotateError) s.append(el("p", { class: "error", text: `${t().annotateError}: ${r.done.annotateError}` }));
    renderFindings(s, file.diagnostics, job.lang);
  }

  function renderFindings(s, diagnostics, reportLang) {
    if (!diagnostics.length) { s.append(el("p", { text: t().noFindings })); return; }
    const rank = { error: 0, warning: 1, info: 2 };
    const rows = diagnostics.map((d) => ({ d, cells: [T[reportLang].sev[d.severity] + (d.suppressed ? ` ${T[reportLang].suppressed}` : ""),
      d.code, d.name, d.sheet || "", d.cell || "", d.value || "", d.message, d.fix ? d.fix.value : ""] }));
    const sevSelect = el("select", {}, el("option", { value: "", text: t().all }),
      ...["error", "warning", "info"].map((v) => el("option", { value: v, text: t().sev[v] })));
    const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
    const ruleSelect = el("select", {}, el("option", { value: "", text: t().all }), ...codes.map((c) => el("option", { value: c, text: c })));
    const shown = el("span", { class: "note" });
    const explain = el("pre", { class: "rule", hidden: true, tabindex: "-1" });
    const tbody = el("tbody");
    let sort = { col: -1, dir: 1 };
    const heads = t().cols.map((name, col) => {
      const th = el("th", { scope: "col", "aria-sort": "none" });
      th.append(el("button", { type: "button", text: name, onclick: () => {
        sort = { col, dir: sort.col === col ? -sort.dir : 1 };
        heads.forEach((h, k) => h.setAttribute("aria-sort", k === col ? (sort.dir > 0 ? "ascending" : "descending") : "none"));
        draw();
      } }));
      return th;
    });
    const draw = () => {
      let list = rows.filter((r) => (!sevSelect.value || r.d.severity === sevSelect.value) && (!ruleSelect.value || r.d.code === ruleSelect.value));
      if (sort.col >= 0) {
        const key = (r) => (sort.col === 0 ? rank[r.d.severity] : sort.col === 4 ? [r.d.sheet || "", r.d.row || 0, r.d.column || 0] : r.cells[sort.col]);
        list = list.slice().sort((a, b) => {
          const x = key(a), y = key(b);
          if (Array.isArray(x)) return sort.dir * (x[0].localeCompare(y[0]) || x[1] - y[1] || x[2] - y[2]);
          return sort.dir * (typeof x === "number" ? x - y : String(x).localeCompare(String(y), "ja"));
        });
      }
      tbody.replaceChildren(...list.map((r) => {
        const tr = el("tr", { class: r.d.suppressed ? "suppressed" : null });
        r.cells.forEach((text, k) => {
          const td = el("td", { class: k === 0 ? `sev-${r.d.severity}` : null });
          if (k === 1) td.append(el("button", { type: "button", class: "code", text, "aria-label": `${text}: ${t().rule}`, onclick: () => {
            explain.textContent = wasm_bindgen.rule_text(text, lang);
            explain.hidden = false;
            explain.focus();
          } }));
          else td.textContent = text;
          tr.append(td);
        });
        return tr;
      }));
      shown.textContent = t().shown(list.length, rows.length);
    };
    sevSelect.addEventListener("change", draw);
    ruleSelect.addEventListener("change", draw);
    s.append(el("div", { class: "filters" },
      el("label", {}, `${t().severity} `, sevSelect), el("label", {}, `${t().rule} `, ruleSelect), shown,
      el("span", { class: "note", text: t().sortHint })));
    s.append(explain);
    s.append(el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {}, ...heads)), tbody)));
    draw();
  }

  $("files").addEventListener("change", (e) => { addFiles(e.target.files); e.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); addFiles(e.dataTransfer.files); });
  // A file dropped anywhere else must not make the browser open it instead of the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
  $("lang").addEventListener("click", () => {
    lang = lang === "ja" ? "en" : "ja";
    applyLang();
    // Messages come from daicho in the language of the check: check the files again.
    const again = state.results;
    $("results").replaceChildren();
    state.results = []; state.total = 0; state.queue = [];
    for (const job of again) enqueue([job.file], job.config, job.configName);
  });
  $("template").addEventListener("click", () => {
    const link = $("template-link");
    const bytes = wasm_bindgen.template();
    link.href = URL.createObjectURL(new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }));
    link.download = wasm_bindgen.template_name();
    link.textContent = link.download;
    link.hidden = false;
    link.click();
  });

  state.ready = boot().catch((err) => {
    $("unsupported").textContent = t().unsupported + (err && err.message !== "unsupported" ? ` (${err.message})` : "");
    $("unsupported").hidden = false;
    status("");
    throw err;
  });
})();
