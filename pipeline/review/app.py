"""`reportocr review OUT`: a local web app over a finished batch, for the keyboard.

One item per flagged row: the place on the page where it is printed, its flagged cells, and one
input. Enter accepts the values read or saves the values typed (a row's, separated by spaces or
Tab), n marks the row as not printed, Esc skips, z zooms. A correction that breaks an identity
is shown with its cells and saved only on a second Enter. When the queue is empty (or the app
stops) the batch's file exports are written again. Every text from a report reaches the page
through textContent, never as HTML, so OCR text cannot inject markup.
"""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from .store import BrokenChecks, ReviewStore

PAGE = r"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>reportocr review</title>
<style>
 body{font-family:sans-serif;margin:1.5em;max-width:70em} .muted{color:#666}
 #view{max-height:26em;overflow:auto;border:1px solid #ccc} #place{width:100%;display:block}
 #view.zoom #place{width:auto} .labels{font-size:1.3em;margin:.4em 0}
 table{border-collapse:collapse;margin:.5em 0} td,th{border-bottom:1px solid #ddd;padding:.2em .6em;text-align:left}
 input#value{font-size:1.6em;width:24em} #status{margin-top:.6em;min-height:1.2em} #status.bad{color:#b00}
 kbd{border:1px solid #999;border-radius:3px;padding:0 .3em}
</style></head><body>
<h1>Review <span id="remaining" class="muted"></span></h1>
<p class="muted">Reviewer <input id="reviewer" size="12"> · <kbd>Enter</kbd> save what you typed, or accept
 the values read · type a row's values separated by spaces or <kbd>Tab</kbd> (<kbd>=</kbd> keeps one) ·
 <kbd>n</kbd> not printed in this document · <kbd>Esc</kbd> skip · <kbd>z</kbd> zoom</p>
<div id="item">
 <div class="muted"><span id="source"></span> · report <span id="reportpos"></span> · item
  <span id="itempos"></span> · <span id="rowid"></span></div>
 <div class="labels"><b id="row"></b></div>
 <div id="view"><img id="place" alt="the place on the page"></div>
 <p id="noimage" class="muted" hidden>No page image: this report came as a Word or HTML document.</p>
 <table><thead><tr><th>column</th><th>read</th><th>alternatives</th><th>confidence</th><th>why</th></tr></thead>
  <tbody id="cells"></tbody></table>
 <input id="value" autocomplete="off" placeholder="type to replace">
</div>
<div id="status"></div>
<script>
let queue = [], pos = 0, confirming = false, band = [0, 0];
const $ = id => document.getElementById(id);
$("reviewer").value = localStorage.getItem("reviewer") || "__REVIEWER__";
async function load() {
  queue = await (await fetch("api/queue")).json(); pos = 0; show();
}
function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }
function status(text, bad) { $("status").textContent = text; $("status").className = bad ? "bad" : ""; }
async function show() {
  const left = queue.slice(pos).reduce((n, it) => n + it.cells.length, 0);
  $("remaining").textContent = "(" + left + " cells in " + (queue.length - pos) + " items to go)";
  confirming = false;
  if (pos >= queue.length) {
    $("item").hidden = true;
    const done = await (await fetch("api/finish", {method: "POST"})).json();
    if (done.problems.length) status("Queue empty. The exports are written, but: " + done.problems.join("; "), true);
    else status("Queue empty. The exports are written.");
    return;
  }
  const it = queue[pos];
  $("item").hidden = false;
  $("source").textContent = it.source;
  $("reportpos").textContent = it.report_number + " of " + it.reports;
  $("itempos").textContent = it.item_number + " of " + it.items;
  $("rowid").textContent = it.row; $("row").textContent = it.row_label;
  const body = $("cells"); body.replaceChildren();
  for (const c of it.cells) {
    const tr = document.createElement("tr");
    tr.append(cell(c.column_label), cell(c.found ? (c.value === null ? "(blank)" : String(c.value)) : "not found"),
              cell(c.alternatives.length ? c.alternatives.join(", ") : ""), cell(c.confidence.toFixed(2)),
              cell(c.reason));
    body.append(tr);
  }
  $("noimage").hidden = it.has_image; $("view").hidden = !it.has_image;
  $("view").classList.remove("zoom");
  $("value").value = ""; $("value").focus();  // before the image comes: typing may start at once
  if (it.has_image) {
    const url = "api/place/" + encodeURIComponent(it.report) + "?cells=" +
      encodeURIComponent(it.cells.map(c => c.cell_id).join(","));
    const r = await fetch(url);
    if (r.ok && queue[pos] === it) {
      band = r.headers.get("X-Row-Band").split(",").map(Number);
      $("place").src = URL.createObjectURL(await r.blob());
    }
  }
}
function zoom() {
  const view = $("view");
  view.classList.toggle("zoom");
  if (view.classList.contains("zoom")) view.scrollTop = band[0] - view.clientHeight / 2;
}
async function submit(notPrinted) {
  const it = queue[pos], typed = $("value").value.trim();
  const words = typed === "" ? [] : typed.split(/\s+/);
  if (words.length && words.length !== it.cells.length) {
    status("Type " + it.cells.length + " values (= keeps the value read), or Enter on nothing to accept.", true);
    return;
  }
  const values = {};
  it.cells.forEach((c, i) => { values[c.cell_id] = words.length && words[i] !== "=" ? words[i] : null; });
  localStorage.setItem("reviewer", $("reviewer").value);
  const r = await fetch("api/correct", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({report: it.report, values: values, not_printed: notPrinted, confirm: confirming,
                          reviewer: $("reviewer").value || "anonymous"})});
  if (r.status === 409) {
    confirming = true;
    status((await r.json()).detail + ". Enter again keeps it; change it, or Esc to skip.", true);
    return;
  }
  if (!r.ok) { status((await r.json()).detail, true); return; }
  status((notPrinted ? "Not printed: " : "Saved ") + it.row, false); pos += 1; show();
}
$("value").addEventListener("input", () => { confirming = false; });
$("value").addEventListener("keydown", e => {
  const empty = $("value").value === "";
  if (e.key === "Enter") { e.preventDefault(); submit(false); }
  else if (e.key === "Tab") { e.preventDefault(); if (!empty) $("value").value += " "; }
  else if (e.key === "Escape") { e.preventDefault(); pos += 1; show(); }
  else if (e.key === "n" && empty) { e.preventDefault(); submit(true); }
  else if (e.key === "z") { e.preventDefault(); zoom(); }
});
load();
</script></body></html>"""


class Correction(BaseModel):
    report: str
    values: dict[str, str | None]  # cell id → typed value, or null: accept the value read
    not_printed: bool = False
    confirm: bool = False
    reviewer: str


def allowed_hosts(bound: str) -> set[str]:
    """The names a request's Host header may give: the host the app was started on, and for a
    loopback or all-interfaces bind the names of this machine. A page on another site can reach
    the app only under a name of its own that resolves here (DNS rebinding); that name is not in
    the set, and IP literals are checked apart (`host_allowed`)."""
    names = {bound.lower(), "localhost"}
    if bound in ("0.0.0.0", "::"):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return names


def host_allowed(header: str, names: set[str]) -> bool:
    host = header[1:header.find("]")] if header.startswith("[") else header.rsplit(":", 1)[0]
    try:
        ipaddress.ip_address(host)
        return True  # an address, not a name: nothing for another site to rebind
    except ValueError:
        return host.lower() in names


def create_app(out_dir: Path, db_url: str | None = None, reviewer: str = "", host: str = "127.0.0.1") -> FastAPI:
    store = ReviewStore(out_dir, db_url)
    app = FastAPI(title="reportocr review")
    names = allowed_hosts(host)

    @app.middleware("http")
    async def only_our_host(request: Request, call_next):
        if not host_allowed(request.headers.get("host", ""), names):
            return PlainTextResponse("unknown host", status_code=421)
        return await call_next(request)

    @app.get("/", response_class=HTMLResponse)
    def index():
        return PAGE.replace("__REVIEWER__", "".join(ch for ch in reviewer if ch.isalnum() or ch in "_-. "))

    @app.get("/api/queue")
    def queue():
        return store.queue()

    @app.get("/api/place/{report}")
    def place(report: str, cells: str):
        try:
            found = store.place_image(report, cells.split(","))
        except KeyError:
            raise HTTPException(404, "no such report or cell")
        if found is None:
            raise HTTPException(404, "this report has no page images")
        image, band = found
        return Response(image, media_type="image/jpeg", headers={"X-Row-Band": f"{band[0]},{band[1]}"})

    @app.post("/api/correct")
    def correct(c: Correction):
        try:
            return store.correct(c.report, c.values, c.reviewer, c.not_printed, c.confirm)
        except KeyError:
            raise HTTPException(404, "no such report or cell")
        except ValueError as e:
            raise HTTPException(422, str(e))
        except BrokenChecks as e:
            raise HTTPException(409, str(e))

    @app.post("/api/finish")
    def finish():
        return {"exports": "written", "problems": store.finish()}

    @app.get("/api/history")
    def history():
        return store.history()

    return app


def serve(out_dir: Path, host: str, port: int, db_url: str | None, reviewer: str):
    import uvicorn

    app = create_app(out_dir, db_url, reviewer, host)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:  # corrections made since the queue was last emptied reach the file exports
        ReviewStore(out_dir, db_url).finish()
