import { readFileSync } from 'node:fs';

/** Pico's classless stylesheet, from node_modules (the pages need nothing from the internet). */
export const PICO_CSS = readFileSync(require.resolve('@picocss/pico/css/pico.classless.min.css'), 'utf8');

/** The few rules of our own: narrow screens, secrets, statuses, inline action forms. */
export const PORTAL_CSS = `
body > header, body > main { padding-inline: 1rem; }
header nav ul { flex-wrap: wrap; }
header nav a[aria-current="page"] { font-weight: bold; text-decoration: underline; }
form.sign-out { display: flex; gap: .5rem; align-items: center; justify-content: flex-end; margin: 0; }
form.sign-out button { width: auto; padding: .25rem .75rem; margin: 0; }
form.inline { display: inline-block; margin: 0 .25rem .25rem 0; }
form.inline button { width: auto; margin: 0; padding: .3rem .8rem; }
form.inline label { margin-bottom: .25rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: end; }
form.filters label { flex: 1 1 10rem; }
form.filters button { width: auto; }
figure.table { overflow-x: auto; margin: 0 0 1.5rem; }
figure.table table { min-width: 36rem; }
dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.figures dt { font-weight: bold; }
dl.figures dd { margin: 0; }
article.secret pre { white-space: pre-wrap; word-break: break-all; }
.notice { border-left: .25rem solid var(--pico-primary); padding: .5rem 1rem; background: var(--pico-card-background-color); }
.error { border-left: .25rem solid var(--pico-del-color); padding: .5rem 1rem; }
.note strong { color: var(--pico-del-color); }
pre code { white-space: pre-wrap; word-break: break-word; }
.money { white-space: nowrap; }
.chart { margin: 1rem 0 1.5rem; display: grid; grid-template-columns: minmax(0, 1fr) fit-content(34rem); gap: 1rem; align-items: start; min-width: 0; max-width: 100%; }
.chart svg { max-width: 100%; height: auto; }
.chart .figures-table { max-height: 15rem; overflow: auto; font-size: .8125rem; }
.chart .figures-table table { margin: 0; }
.chart .figures-table caption { text-align: left; font-weight: bold; }
.chart .figures-table td, .chart .figures-table th { padding: .15rem .4rem; }
.chart .figures-table td { white-space: nowrap; }
.chart .figures-table th { vertical-align: bottom; }
.chart .legend { display: flex; flex-wrap: wrap; gap: .25rem .75rem; font-size: .875rem; }
.chart .legend span { white-space: nowrap; }
.event-card { border-bottom: 1px solid var(--pico-muted-border-color); padding: .5rem 0 1rem; }
.event-card .meta { font-size: .875rem; color: var(--pico-muted-color); }
.event-card details { margin-top: .75rem; }
button.danger, a.danger { background: var(--pico-del-color); border-color: var(--pico-del-color); color: #fff; width: auto; }
section.confirm { border: .15rem solid var(--pico-del-color); border-radius: .25rem; padding: 1rem; margin-bottom: 1.5rem; }
section.confirm form { display: inline-block; margin: 0 1rem .5rem 0; }
section.confirm > a { display: inline-block; white-space: nowrap; }
@media (max-width: 480px) { dl.figures { grid-template-columns: 1fr; } }
@media (max-width: 900px) { .chart { grid-template-columns: minmax(0, 1fr); } }
`;
