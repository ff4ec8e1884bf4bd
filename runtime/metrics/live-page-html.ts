/**
 * The live page's markup: fixed, holding no data — the script fills every value in with
 * textContent, so nothing from the job (an error message, a source's description) is ever
 * parsed as HTML. Script and style come from this server (`/page.js`, `/page.css`), nothing
 * from elsewhere.
 *
 * @example
 * res.end(PAGE_HTML)
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>oxiflow · live</title>
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body>
<header>
  <h1>oxiflow <span id="pipeline" data-field="pipeline"></span></h1>
  <span id="status" data-field="status">connecting…</span>
  <span id="elapsed" data-field="elapsed"></span>
  <span id="link" data-field="link">connecting…</span>
</header>
<p id="stall" class="warning" hidden></p>
<p id="restore" class="note" hidden></p>
<section id="plan">
  <h2>Plan</h2>
  <p class="legend">Boxes are actors (fused steps, head first) with their instances' threads; each step shows records in per second,
    busy time, backpressure time, queue depth and failed records. Edges are exchanges, labelled by partitioning;
    <span class="cross-sample">dashed ⇄</span> edges cross threads, <span class="side-sample">dotted</span> ones carry dead letters or late records.</p>
  <div id="graph-scroll"><div id="graph"></div></div>
</section>
<div class="panels">
  <section id="checkpoints">
    <h2>Checkpoints</h2>
    <p id="checkpoint-counts" data-field="checkpoint-counts">none yet</p>
    <ol id="checkpoint-list" class="timeline"></ol>
  </section>
  <section id="restarts">
    <h2>Restarts</h2>
    <p id="restart-counts" data-field="restart-counts">none</p>
    <ol id="restart-list"></ol>
  </section>
  <section id="lease">
    <h2>Lease</h2>
    <dl id="lease-fields"><dt>lease</dt><dd>none (a job without a store holds none)</dd></dl>
  </section>
  <section id="errors">
    <h2>Newest errors</h2>
    <p id="errors-dropped" data-field="errors-dropped">none</p>
    <ol id="error-list"></ol>
  </section>
  <section id="run">
    <h2>Run record</h2>
    <p class="note" id="run-note">read from the store, the view <code>oxiflow state show &lt;pipeline&gt; --json</code> prints</p>
    <dl id="run-fields"></dl>
    <table id="run-steps"></table>
  </section>
</div>
</body>
</html>
`
