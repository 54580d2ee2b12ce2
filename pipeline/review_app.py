"""`reportocr review OUT`: a local web app over a finished batch, for the keyboard.

Enter accepts the value read (or the value typed), Tab skips, typing replaces. Every text from
a report reaches the page through textContent, never as HTML, so OCR text cannot inject markup.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from .review import ReviewStore

PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>reportocr review</title>
<style>
 body{font-family:sans-serif;margin:2em;max-width:56em} #crop{max-width:100%;border:1px solid #ccc;min-height:2em}
 .labels{font-size:1.2em;margin:.5em 0} .muted{color:#666} input#value{font-size:1.6em;width:10em}
 #status{margin-top:1em} kbd{border:1px solid #999;border-radius:3px;padding:0 .3em}
</style></head><body>
<h1>Review <span id="remaining" class="muted"></span></h1>
<p class="muted">Reviewer <input id="reviewer" size="12"> · <kbd>Enter</kbd> accept (or save what you typed) ·
 <kbd>Tab</kbd> skip</p>
<div id="item">
 <div class="muted"><span id="source"></span> · <span id="cellid"></span></div>
 <div class="labels"><b id="row"></b> × <b id="column"></b></div>
 <img id="crop" alt="cell image">
 <p>Read: <b id="read"></b> <span class="muted">(text <span id="text"></span>,
    confidence <span id="confidence"></span>)</span></p>
 <p>Alternatives: <span id="alternatives"></span></p>
 <p>Flagged because: <span id="reason"></span></p>
 <input id="value" autocomplete="off" placeholder="type to replace">
</div>
<div id="status"></div>
<script>
let queue = [], pos = 0;
const $ = id => document.getElementById(id);
$("reviewer").value = localStorage.getItem("reviewer") || "__REVIEWER__";
async function load() {
  queue = await (await fetch("api/queue")).json(); pos = 0; show();
}
function show() {
  $("remaining").textContent = "(" + (queue.length - pos) + " to go)";
  if (pos >= queue.length) { $("item").hidden = true; $("status").textContent = "Queue empty."; return; }
  const it = queue[pos];
  $("item").hidden = false;
  $("source").textContent = it.source; $("cellid").textContent = it.cell_id;
  $("row").textContent = it.row_label; $("column").textContent = it.column_label;
  $("read").textContent = it.value === null ? "(blank)" : String(it.value);
  $("text").textContent = JSON.stringify(it.text);
  $("confidence").textContent = it.confidence.toFixed(2);
  $("alternatives").textContent = it.alternatives.length ? it.alternatives.join(", ") : "none";
  $("reason").textContent = it.reason;
  $("crop").src = it.has_image ? "api/crop/" + encodeURIComponent(it.report) + "/" + it.cell_id : "";
  $("value").value = ""; $("value").focus();
}
async function submit() {
  const it = queue[pos], typed = $("value").value.trim();
  localStorage.setItem("reviewer", $("reviewer").value);
  const r = await fetch("api/correct", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({report: it.report, cell_id: it.cell_id, value: typed === "" ? null : typed,
                          reviewer: $("reviewer").value || "anonymous"})});
  if (!r.ok) { $("status").textContent = (await r.json()).detail; return; }
  $("status").textContent = "Saved " + it.cell_id; pos += 1; show();
}
$("value").addEventListener("keydown", e => {
  if (e.key === "Enter") { e.preventDefault(); submit(); }
  else if (e.key === "Tab") { e.preventDefault(); pos += 1; show(); }
});
load();
</script></body></html>"""


class Correction(BaseModel):
    report: str
    cell_id: str
    value: str | None = None
    reviewer: str


def create_app(out_dir: Path, db_url: str | None = None, reviewer: str = "") -> FastAPI:
    store = ReviewStore(out_dir, db_url)
    app = FastAPI(title="reportocr review")

    @app.get("/", response_class=HTMLResponse)
    def index():
        return PAGE.replace("__REVIEWER__", "".join(ch for ch in reviewer if ch.isalnum() or ch in "_-. "))

    @app.get("/api/queue")
    def queue():
        return store.queue()

    @app.get("/api/crop/{report}/{cell_id:path}")
    def crop(report: str, cell_id: str):
        try:
            png = store.crop_png(report, cell_id)
        except KeyError:
            raise HTTPException(404, "no such report or cell")
        if png is None:
            raise HTTPException(404, "this cell has no image")
        return Response(png, media_type="image/png")

    @app.post("/api/correct")
    def correct(c: Correction):
        try:
            return store.correct(c.report, c.cell_id, c.value, c.reviewer)
        except KeyError:
            raise HTTPException(404, "no such report or cell")
        except ValueError as e:
            raise HTTPException(422, str(e))

    @app.get("/api/history")
    def history():
        return store.history()

    return app


def serve(out_dir: Path, host: str, port: int, db_url: str | None, reviewer: str):
    import uvicorn

    uvicorn.run(create_app(out_dir, db_url, reviewer), host=host, port=port, log_level="warning")
