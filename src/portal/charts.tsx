import type { VNode } from 'preact';

/*
 * Pictures drawn on the server as SVG: no script, no style attribute (the CSP allows neither),
 * only SVG's own presentation attributes; each beside a text table of the same figures, so that
 * a screen reader and a copy-paste get what the picture shows.
 */

const W = 640;
const H = 200;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

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
        <text x={PAD.left - 6} y={t.y + 4} text-anchor="end" font-size="11" fill="#555">
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
      <text x={PAD.left} y={H - 8} font-size="11" fill="#555">
        {props.days[0]}
      </text>
      <text x={W - PAD.right} y={H - 8} font-size="11" fill="#555" text-anchor="end">
        {props.days.at(-1)}
      </text>
    </>
  );

/** The picture's figures as a table, one row a day, behind a disclosure. */
const FiguresTable = (props: {
  title: string;
  head: string[];
  rows: Array<[string, ...Array<string | number>]>;
}) => (
  <details>
    <summary>{props.title}: the figures</summary>
    <div class="scroll">
      <table>
        <caption>{props.title}</caption>
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
  </details>
);

export interface LinePoint {
  label: string;
  value: number;
}

/** A line over days (e.g. a wallet balance), with its table. */
export function LineChart(props: {
  id: string;
  title: string;
  points: LinePoint[];
  format: (n: number) => string;
  valueHead: string;
}): VNode {
  const { points } = props;
  const values = points.map((p) => p.value);
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const step = (W - PAD.left - PAD.right) / Math.max(1, points.length - 1);
  const xy = points.map(
    (p, i) => `${(PAD.left + i * step).toFixed(1)},${scaleY(p.value, max, min).toFixed(1)}`,
  );
  return (
    <figure class="chart" data-chart={props.id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${props.id}-t`} width="100%">
        <title id={`${props.id}-t`}>{props.title}</title>
        <Grid min={min} max={max} format={props.format} />
        <polyline
          points={xy.join(' ')}
          fill="none"
          stroke="#1d70b8"
          stroke-width="2"
          data-points={points.length}
        />
        <DayAxis days={points.map((p) => p.label)} />
      </svg>
      <FiguresTable
        title={props.title}
        head={[props.valueHead]}
        rows={points.map((p) => [p.label, props.format(p.value)])}
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
      <FiguresTable
        title={props.title}
        head={props.series.map((x) => x.name)}
        rows={props.days.map((day, i) => [day, ...props.series.map((x) => x.values[i] ?? 0)])}
      />
    </figure>
  );
}
