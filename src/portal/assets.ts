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
.chart { margin: 1rem 0 1.5rem; }
.chart svg { max-width: 100%; height: auto; }
.chart .scroll { overflow-x: auto; max-width: 100%; }
.chart { min-width: 0; max-width: 100%; }
.chart .legend { display: flex; flex-wrap: wrap; gap: .25rem .75rem; font-size: .875rem; }
.chart .legend span { white-space: nowrap; }
.review-event { border-bottom: 1px solid var(--pico-muted-border-color); padding: .5rem 0 1rem; }
.review-event .meta { font-size: .875rem; color: var(--pico-muted-color); }
.review-event details { margin-top: .75rem; }
button.danger, a.danger { background: var(--pico-del-color); border-color: var(--pico-del-color); color: #fff; width: auto; }
section.confirm { border: .15rem solid var(--pico-del-color); border-radius: .25rem; padding: 1rem; margin-bottom: 1.5rem; }
section.confirm form { display: inline-block; margin: 0 1rem .5rem 0; }
section.confirm > a { display: inline-block; white-space: nowrap; }
@media (max-width: 480px) { dl.figures { grid-template-columns: 1fr; } }
`;
