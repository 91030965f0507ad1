/** The report page's CSS: system fonts, readable measure, AA contrast, no external assets. */
export const REPORT_STYLE = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--accent:#0b5cad;--line:#d0d7de}
body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);margin:0;background:#fff}
main{max-width:52rem;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
a{color:var(--accent)}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;
border-bottom:1px solid var(--line);vertical-align:top}
.status{display:inline-block;margin-left:.5rem;padding:0 .5rem;border-radius:1rem;
background:#eaeef2;font-size:.9rem}.status-completed{background:#dafbe1;color:#116329}
.status-errored{background:#ffebe9;color:#a40e26}.error{border-left:4px solid #a40e26;padding-left:1rem}
.cards{display:flex;gap:1rem;list-style:none;padding:0}.cards li{border:1px solid var(--line);
border-radius:.5rem;padding:.6rem 1rem}.big{font-size:1.6rem;font-weight:600;display:block}
.chart svg{width:100%;height:auto}.chart rect{fill:var(--accent)}.chart text{font-size:13px;fill:var(--fg)}
progress{width:100%;height:1.2rem}.tags{display:flex;flex-wrap:wrap;gap:.4rem 1rem;
list-style:none;padding:0}code{font-size:.85rem;word-break:break-all}
`;
