import type { VNode } from 'preact';
import { groupMinor } from '../../money';
import type { listPrices } from '../../services/catalog-admin';
import type { ordersByStatusPerDay, revenuePerDay, webhookDeliveriesPerDay } from '../../services/figures';
import type { listResellers } from '../../services/resellers';
import type { reviewQueue } from '../../services/reviews';
import { LineChart, OrdersPerDayChart } from '../charts';

/* The console overview's markup; overview.tsx loads its figures. */

/** 3 of 4 → `75%`; nothing to count → null (the day has no point on the line). */
const percent = (part: number, whole: number) => (whole === 0 ? null : (100 * part) / whole);

/**
 * What waits for an operator, then the business in pictures over the last `days` days: orders by
 * status, revenue and margin per reseller currency, and how webhook deliveries fared.
 */
export function Overview(props: {
  data: {
    queue: Awaited<ReturnType<typeof reviewQueue>>;
    resellers: Awaited<ReturnType<typeof listResellers>>;
    prices: Awaited<ReturnType<typeof listPrices>>;
    orders: Awaited<ReturnType<typeof ordersByStatusPerDay>>;
    revenue: Awaited<ReturnType<typeof revenuePerDay>>;
    deliveries: Awaited<ReturnType<typeof webhookDeliveriesPerDay>>;
  };
  days: number;
}): VNode {
  const { queue, resellers, prices, orders, revenue, deliveries } = props.data;
  const { days } = props;
  const attempts = deliveries.attempts.reduce((a, b) => a + b, 0);
  const delivered = deliveries.delivered.reduce((a, b) => a + b, 0);
  return (
    <>
      <dl class="figures">
        <dt>Resellers</dt>
        <dd>
          <a href="/console/resellers">
            {resellers.items.length}
            {resellers.more ? '+' : ''}
          </a>{' '}
          ({resellers.items.filter((r) => r.status === 'suspended').length} suspended)
        </dd>
        <dt>Waiting for review</dt>
        <dd data-figure="review">
          <a href="/console/review">
            {queue.orders.length} orders, {queue.events.length} events
          </a>
        </dd>
        <dt>Active prices</dt>
        <dd>
          <a href="/console/catalog">{prices.length}</a>
          {prices.length === 0 && ' — nothing can be sold until some are set'}
        </dd>
        <dt>Webhook deliveries, last {days} days</dt>
        <dd data-figure="deliveries">
          {attempts === 0
            ? 'none attempted'
            : `${delivered} of ${attempts} attempts accepted (${percent(delivered, attempts)!.toFixed(1)}%)`}
        </dd>
      </dl>
      <section aria-labelledby="orders-h">
        <h2 id="orders-h">Orders per day</h2>
        <OrdersPerDayChart
          perDay={orders}
          title={`Orders placed by every reseller each of the last ${days} days, by status`}
        />
      </section>
      <section aria-labelledby="revenue-h">
        <h2 id="revenue-h">Revenue and margin per day</h2>
        <p>
          Orders completed each day, in each reseller currency (amounts in different currencies are never
          added up). The margin is the revenue less the registrar's cost at the order's recorded rate; orders
          whose cost is unknown are counted in the revenue only.
        </p>
        {revenue.currencies.length === 0 && <p>No orders completed in the last {days} days.</p>}
        {revenue.currencies.map((c) => (
          <LineChart
            key={c.currency}
            id={`revenue-${c.currency}`}
            title={`Revenue and margin per day (${c.currency})`}
            days={revenue.days}
            series={[
              { name: `Revenue (${c.currency})`, color: '#1d70b8', values: c.revenue.map(Number) },
              { name: `Margin (${c.currency})`, color: '#2e7d32', values: c.margin.map(Number) },
            ]}
            format={(minor) => groupMinor(BigInt(Math.round(minor)), c.currency)}
            more={[
              { head: 'Without cost', values: c.withoutCost },
              { head: 'Below cost', values: c.belowCost },
            ]}
          />
        ))}
        {revenue.currencies
          .filter((c) => c.belowCost.some((n) => n > 0))
          .map((c) => (
            <p
              role="alert"
              class="notice"
              key={`below-${c.currency}`}
              data-figure={`below-cost-${c.currency}`}
            >
              {c.belowCost.reduce((a, b) => a + b, 0)} {c.currency} order(s) in these days were sold below
              their registrar cost: the margin line nets them in; the report (report:margin) lists the loss.
            </p>
          ))}
      </section>
      <section aria-labelledby="deliveries-h">
        <h2 id="deliveries-h">Webhook delivery success rate</h2>
        <LineChart
          id="webhook-success"
          title={`Share of webhook delivery attempts the receiver accepted, each of the last ${days} days`}
          days={deliveries.days}
          series={[
            {
              name: 'Accepted (%)',
              color: '#1d70b8',
              values: deliveries.days.map((_, i) =>
                percent(deliveries.delivered[i]!, deliveries.attempts[i]!),
              ),
            },
          ]}
          range={{ min: 0, max: 100 }}
          format={(n) => `${n.toFixed(n % 1 === 0 ? 0 : 1)}%`}
          more={[
            { head: 'Attempts', values: deliveries.attempts },
            { head: 'Accepted', values: deliveries.delivered },
          ]}
        />
      </section>
    </>
  );
}
