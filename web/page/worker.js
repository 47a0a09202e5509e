// The worker that checks files: one instance of the compiled daicho module. A file that makes
// the module panic or run out of memory ends this worker; the page then starts a fresh one.
"use strict";
self.daichoPanic = (message) => self.postMessage({ type: "panic", message: String(message) });
let ready = false;
self.onmessage = (event) => {
  const m = event.data;
  if (m.type === "init") {
    const t0 = performance.now();
    wasm_bindgen.initSync({ module: m.module });
    const t1 = performance.now();
    wasm_bindgen.install_panic_hook();
    // The first check of an instance is slower (functions compiled on first use, tables built):
    // warm it on a two-device ledger, checked and annotated as a user's file would be.
    const ledger = "管理番号,機器名,OS,IPアドレス,設置場所,導入日\nPC-1,受付PC,Windows 7,192.168.1.300,受付,2015/4/1\nPC-1,,Windows 11,DHCP,,\n";
    wasm_bindgen.check("warm.csv", new TextEncoder().encode(ledger), "2026-01-01", "ja", undefined, true).free();
    ready = true;
    self.postMessage({ type: "ready", instance: Math.round(t1 - t0), warm: Math.round(performance.now() - t1) });
    return;
  }
  if (m.type === "check" && ready) {
    const checked = wasm_bindgen.check(m.name, new Uint8Array(m.bytes), m.asOf, m.lang, m.config, true);
    const annotated = checked.annotated();
    const reply = {
      type: "done",
      id: m.id,
      json: checked.json(),
      annotated: annotated ? annotated.buffer : null,
      annotatedName: checked.annotated_name(),
      annotateError: checked.annotate_error() || null,
      configError: checked.config_error() || null,
    };
    checked.free();
    self.postMessage(reply, annotated ? [annotated.buffer] : []);
  }
};
