/**
 * The HTML report's stylesheet and script, inlined into every report: the
 * file must work from file:// with no network. The script only ever writes
 * dump-derived text with textContent, never innerHTML.
 */

export const REPORT_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1c1917; --muted: #57534e; --line: #d6d3d1; --panel: #f5f5f4;
  --open: #fecaca; --open-fg: #7f1d1d; --partial: #fde68a; --partial-fg: #713f12; --closed: #bbf7d0; --closed-fg: #14532d;
  --depends: #e9d5ff; --depends-fg: #4c1d95; --error: #b91c1c; --warning: #a16207; --info: #1d4ed8; --focus: #2563eb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #1c1917; --fg: #f5f5f4; --muted: #a8a29e; --line: #44403c; --panel: #292524;
    --open: #7f1d1d; --open-fg: #fee2e2; --partial: #713f12; --partial-fg: #fef3c7; --closed: #14532d; --closed-fg: #dcfce7;
    --depends: #4c1d95; --depends-fg: #ede9fe; --error: #f87171; --warning: #facc15; --info: #93c5fd; --focus: #93c5fd; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 75rem; padding: 1rem 1.5rem 3rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin-top: 1.5rem; } h4 { font-size: 1rem; margin: 1rem 0 .25rem; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
pre { background: var(--panel); padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: .25rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; color: var(--muted); }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.summary dt { font-weight: 600; } dl.summary dd { margin: 0; }
.sev-error { color: var(--error); font-weight: 600; } .sev-warning { color: var(--warning); font-weight: 600; } .sev-info { color: var(--info); font-weight: 600; }
.finding { border-left: 3px solid var(--line); padding: .25rem .75rem; margin: .5rem 0; }
.finding p { margin: .2rem 0; }
table.matrix { width: auto; }
table.matrix td { padding: 0; text-align: center; }
table.matrix button { display: block; width: 100%; min-width: 6.5rem; padding: .35rem .5rem; border: 0; font: inherit; cursor: pointer; }
table.matrix button:focus-visible, table.matrix button[aria-pressed="true"] { outline: 3px solid var(--focus); outline-offset: -3px; }
.st-open { background: var(--open); color: var(--open-fg); } .st-partial { background: var(--partial); color: var(--partial-fg); }
.st-closed { background: var(--closed); color: var(--closed-fg); } .st-self { background: var(--panel); color: var(--fg); } .st-depends { background: var(--depends); color: var(--depends-fg); }
.witness { background: var(--panel); border: 1px solid var(--line); padding: .5rem 1rem; margin: .5rem 0 1rem; min-height: 3rem; }
.witness ol { margin: .25rem 0; padding-left: 1.5rem; }
.muted { color: var(--muted); }
.legend span { display: inline-block; padding: 0 .5rem; margin-right: .5rem; border-radius: 3px; }
@media print {
  :root { --bg: #fff; --fg: #000; --panel: #f3f3f3; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  table.matrix button { cursor: default; }
  .no-print { display: none; }
  section { break-inside: avoid-page; }
  .finding, tr { break-inside: avoid; }
}
`;

/** Fills the witness panel of a matrix when one of its cells is clicked. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function hops(title, list) {
    var box = document.createDocumentFragment();
    box.appendChild(el('h4', title));
    var ol = el('ol');
    list.forEach(function (hop) {
      var where = hop.table + (hop.chain ? ' ' + hop.chain : '');
      var text = where + ': ' + hop.action + (hop.ruleLine !== undefined ? ' (line ' + hop.ruleLine + ')' : '');
      var li = el('li', text);
      if (hop.ruleText) { li.appendChild(document.createElement('br')); li.appendChild(el('code', hop.ruleText)); }
      ol.appendChild(li);
    });
    box.appendChild(ol);
    return box;
  }
  function show(panel, cell) {
    panel.textContent = '';
    panel.appendChild(el('h4', cell.from + ' \\u2192 ' + cell.to + ' (' + cell.family + '): ' + cell.statusText));
    if (cell.open.length > 0) panel.appendChild(el('p', 'Opens: ' + cell.open.join('; ')));
    var w = cell.witness;
    if (!w) {
      panel.appendChild(el('p', 'No witness packet was traced for this pair: the packet model traces one for isolation gaps and other findings only.', 'muted'));
      return;
    }
    var p = w.packet;
    var packet = p.proto + ' ' + p.src + (p.sport !== undefined ? ':' + p.sport : '') + ' \\u2192 ' + p.dst + (p.dport !== undefined ? ':' + p.dport : '') + (p.in ? ' in ' + p.in : '');
    panel.appendChild(el('p', 'Witness packet: ' + packet + ' \\u2014 ' + w.result));
    if (w.summary) panel.appendChild(el('p', w.summary));
    if (w.why) panel.appendChild(el('p', 'Why: ' + w.why));
    if (w.decidedBy) {
      var decided = el('p', 'Decided by line ' + w.decidedBy.line + ' (' + w.decidedBy.table + ' ' + w.decidedBy.chain + ' rule ' + w.decidedBy.rule + '): ');
      decided.appendChild(el('code', w.decidedBy.text));
      panel.appendChild(decided);
    } else if (w.decidedByPolicy) {
      panel.appendChild(el('p', 'Decided by the policy of ' + w.decidedByPolicy.table + ' ' + w.decidedByPolicy.chain + ': ' + w.decidedByPolicy.policy));
    }
    panel.appendChild(hops('Rule path of the request', w.request || []));
    if (w.reply) panel.appendChild(hops('Rule path of the reply', w.reply));
  }
  document.querySelectorAll('script.reach-data').forEach(function (block) {
    var cells = JSON.parse(block.textContent);
    var section = block.closest('section');
    var panel = section.querySelector('.witness');
    section.querySelectorAll('table.matrix button[data-cell]').forEach(function (button) {
      button.addEventListener('click', function () {
        section.querySelectorAll('table.matrix button[aria-pressed="true"]').forEach(function (other) { other.setAttribute('aria-pressed', 'false'); });
        button.setAttribute('aria-pressed', 'true');
        show(panel, cells[Number(button.getAttribute('data-cell'))]);
      });
    });
  });
})();
`;
