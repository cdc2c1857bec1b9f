import type { VNode } from 'preact';
import { ORDER_STATUSES_SHOWN } from '../services/figures';

/*
 * Pictures drawn on the server as SVG: no script, no style attribute (the CSP allows neither),
 * only SVG's own presentation attributes; each beside a text table of the same figures, so that
 * a screen reader and a copy-paste get what the picture shows.
 */

const W = 640;
const H = 200;
const PAD = { left: 80, right: 12, top: 12, bottom: 28 };

const scaleY = (v: number, max: number, min: number) =>
  PAD.top + (H - PAD.top - PAD.bottom) * (1 - (v - min) / (max - min || 1));

function ticks(min: number, max: number, format: (n: number) => string) {
  return [min, (min + max) / 2, max].map((v) => ({ y: scaleY(v, max, min), label: format(v) }));
}

/** The horizontal lines at the bottom, middle and top of the scale, with their values. */
const Grid = (props: { min: number; max: number; format: (n: number) => string }) => (
  <>
    {ticks(props.min, props.max, props.format).map((t) => (
      <g key={t.label}>
        <line x1={PAD.left} x2={W - PAD.right} y1={t.y} y2={t.y} stroke="#d0d5dd" stroke-width="1" />
        <text x={PAD.left - 6} y={t.y + 4} text-anchor="end" font-size="13" fill="#555">
          {t.label}
        </text>
      </g>
    ))}
  </>
);

/** The first and the last day under the picture. */
const DayAxis = (props: { days: string[] }) =>
  props.days.length === 0 ? null : (
    <>
      <text x={PAD.left} y={H - 8} font-size="13" fill="#555">
        {props.days[0]}
      </text>
      <text x={W - PAD.right} y={H - 8} font-size="13" fill="#555" text-anchor="end">
        {props.days.at(-1)}
      </text>
    </>
  );

/**
 * The picture's figures as a table, one row a day, beside the picture (below it on a narrow
 * screen), in a region that scrolls by itself and takes keyboard focus.
 */
const FiguresTable = (props: {
  id: string;
  title: string;
  head: string[];
  rows: Array<[string, ...Array<string | number>]>;
}) => (
  <div class="figures-table" tabindex={0} role="region" aria-labelledby={`${props.id}-c`}>
    <table>
      <caption id={`${props.id}-c`}>{props.title}: the figures</caption>
      <thead>
        <tr>
          {['Day', ...props.head].map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map(([day, ...cells]) => (
          <tr key={day}>
            <td>{day}</td>
            {cells.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

/** The series' colours and names under a picture. */
const Legend = (props: { series: Array<{ name: string; color: string }> }) => (
  <p class="legend">
    {props.series.map((s) => (
      <span key={s.name}>
        <svg width="10" height="10" aria-hidden="true">
          <rect width="10" height="10" fill={s.color} />
        </svg>{' '}
        {s.name}{' '}
      </span>
    ))}
  </p>
);

export interface LineSeries {
  name: string;
  color: string;
  /** One value a day; null where the day has none (the line breaks there). */
  values: Array<number | null>;
}

/** Runs of consecutive days that have a value, as polyline points. */
function segments(values: Array<number | null>, x: (i: number) => number, y: (v: number) => number) {
  const runs: Array<Array<[string, string]>> = [];
  let run: Array<[string, string]> = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([x(i).toFixed(1), y(v).toFixed(1)]);
  });
  if (run.length) runs.push(run);
  return runs;
}

/**
 * Lines over days (a wallet balance; revenue and margin; a success rate), with its table. The
 * scale always includes zero unless `range` fixes it (e.g. 0–100 for a percentage).
 */
export function LineChart(props: {
  id: string;
  title: string;
  days: string[];
  series: LineSeries[];
  format: (n: number) => string;
  range?: { min: number; max: number };
  /** Further columns of the table only (e.g. the counts a rate is made of). */
  more?: Array<{ head: string; values: Array<string | number> }>;
}): VNode {
  const values = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = props.range?.max ?? Math.max(0, ...values);
  const min = props.range?.min ?? Math.min(0, ...values);
  const step = (W - PAD.left - PAD.right) / Math.max(1, props.days.length - 1);
  const x = (i: number) => PAD.left + i * step;
  const y = (v: number) => scaleY(v, max, min);
  return (
    <figure class="chart" data-chart={props.id}>
      <div class="picture">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t`} width="100%">
          <title id={`${props.id}-t`}>{props.title}</title>
          <Grid min={min} max={max} format={props.format} />
          {props.series.map((s) => (
            <g key={s.name} data-series={s.name} data-points={s.values.filter((v) => v !== null).length}>
              {segments(s.values, x, y).map((run, i) =>
                run.length === 1 ? (
                  <circle key={i} cx={run[0]![0]} cy={run[0]![1]} r="3" fill={s.color} />
                ) : (
                  <polyline
                    key={i}
                    points={run.map((p) => p.join(',')).join(' ')}
                    fill="none"
                    stroke={s.color}
                    stroke-width="2"
                  />
                ),
              )}
            </g>
          ))}
          <DayAxis days={props.days} />
        </svg>
        {props.series.length > 1 && <Legend series={props.series} />}
      </div>
      <FiguresTable
        id={props.id}
        title={props.title}
        head={[...props.series.map((s) => s.name), ...(props.more ?? []).map((m) => m.head)]}
        rows={props.days.map((day, i) => [
          day,
          ...props.series.map((s) => {
            const v = s.values[i] ?? null;
            return v === null ? '—' : props.format(v);
          }),
          ...(props.more ?? []).map((m) => m.values[i] ?? ''),
        ])}
      />
    </figure>
  );
}

export interface BarSeries {
  name: string;
  color: string;
  values: number[];
}

/** Stacked bars per day (e.g. orders by status), with a legend and its table. */
export function StackedBars(props: {
  id: string;
  title: string;
  days: string[];
  series: BarSeries[];
}): VNode {
  const totals = props.days.map((_, i) => props.series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (W - PAD.left - PAD.right) / Math.max(1, props.days.length);
  const bar = Math.max(2, slot * 0.7);
  return (
    <figure class="chart" data-chart={props.id}>
      <div class="picture">
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t`} width="100%">
          <title id={`${props.id}-t`}>{props.title}</title>
          <Grid min={0} max={max} format={(n) => String(Math.round(n))} />
          {props.days.map((day, i) => {
            let base = 0;
            return (
              <g key={day} data-day={day}>
                {props.series.map((s) => {
                  const v = s.values[i] ?? 0;
                  if (v === 0) return null;
                  const y0 = scaleY(base, max, 0);
                  base += v;
                  const y1 = scaleY(base, max, 0);
                  return (
                    <rect
                      key={s.name}
                      x={(PAD.left + i * slot + (slot - bar) / 2).toFixed(1)}
                      y={y1.toFixed(1)}
                      width={bar.toFixed(1)}
                      height={(y0 - y1).toFixed(1)}
                      fill={s.color}
                      data-series={s.name}
                      data-value={v}
                    />
                  );
                })}
              </g>
            );
          })}
          <DayAxis days={props.days} />
        </svg>
        <Legend series={props.series} />
      </div>
      <FiguresTable
        id={props.id}
        title={props.title}
        head={props.series.map((x) => x.name)}
        rows={props.days.map((day, i) => [day, ...props.series.map((x) => x.values[i] ?? 0)])}
      />
    </figure>
  );
}

const STATUS_COLORS: Record<(typeof ORDER_STATUSES_SHOWN)[number], string> = {
  completed: '#2e7d32',
  processing: '#1d70b8',
  awaiting_payment: '#b58100',
  failed: '#b42318',
  cancelled: '#667085',
};

/** Orders placed per day, stacked by the status they have now (a reseller's, or everyone's). */
export const OrdersPerDayChart = (props: {
  title: string;
  perDay: { days: string[]; counts: Record<string, number[]> };
}) => (
  <StackedBars
    id="orders-per-day"
    title={props.title}
    days={props.perDay.days}
    series={ORDER_STATUSES_SHOWN.map((status) => ({
      name: status.replace('_', ' '),
      color: STATUS_COLORS[status],
      values: props.perDay.counts[status] ?? props.perDay.days.map(() => 0),
    }))}
  />
);
