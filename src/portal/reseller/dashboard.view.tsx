import type { VNode } from 'preact';
import { formatMinor, moneyJson } from '../../money';
import type { expiringDomains } from '../../services/domains';
import type { dailyBalances, ordersByStatusPerDay } from '../../services/figures';
import type { latestOrders, unpaidInvoices } from '../../services/order-lists';
import type { getBalance } from '../../services/wallet';
import { presentOrder } from '../../views/orders';
import { LineChart, OrdersPerDayChart } from '../charts';
import { Action, Money, OrderStatus, Table, when } from '../components';

/* The dashboard's and an order's markup; dashboard.tsx loads their data. */

type PresentedOrder = ReturnType<typeof presentOrder>;

/** The columns of an order list: it leads with the domain, the order's id last. */
export const ORDER_HEAD = ['Domain', 'Action', 'Status', 'Amount', 'Placed', 'Order'];

export const orderRow = (o: PresentedOrder) => [
  <a href={`/portal/orders/${encodeURIComponent(o.id)}`}>{o.domain_name}</a>,
  o.action,
  <OrderStatus order={o} />,
  <Money value={o.amount} />,
  when(o.created_at),
  <code>{o.id}</code>,
];

/** The wallet with its balance over 30 days, orders per day, unpaid invoices, expiring domains, latest orders. */
export function Dashboard(props: {
  data: {
    balance: Awaited<ReturnType<typeof getBalance>>;
    expiring: Awaited<ReturnType<typeof expiringDomains>>;
    orders: Awaited<ReturnType<typeof latestOrders>>;
    unpaid: Awaited<ReturnType<typeof unpaidInvoices>>;
    balances: Awaited<ReturnType<typeof dailyBalances>>;
    perDay: Awaited<ReturnType<typeof ordersByStatusPerDay>>;
  };
  currency: string;
  csrf: string | undefined;
}): VNode {
  const { balance, expiring, orders, unpaid, balances, perDay } = props.data;
  const { currency, csrf } = props;
  return (
    <>
      <section aria-labelledby="wallet-h">
        <h2 id="wallet-h">Wallet</h2>
        <dl class="figures">
          <dt>Balance</dt>
          <dd data-figure="balance">
            <Money value={moneyJson(balance.posted, currency)} />
          </dd>
          <dt>Held for orders in progress</dt>
          <dd data-figure="held">
            <Money value={moneyJson(-balance.held, currency)} />
          </dd>
          <dt>Available</dt>
          <dd data-figure="available">
            <Money value={moneyJson(balance.available, currency)} />
          </dd>
        </dl>
        <LineChart
          id="balance"
          title={`Wallet balance at the end of each of the last 30 days (${currency})`}
          days={balances.map((b) => b.day)}
          series={[
            {
              name: `Balance (${currency})`,
              color: '#1d70b8',
              values: balances.map((b) => Number(b.balanceMinor)),
            },
          ]}
          format={(minor) => formatMinor(BigInt(Math.round(minor)), currency)}
        />
      </section>
      <section aria-labelledby="per-day-h">
        <h2 id="per-day-h">Orders per day</h2>
        <OrdersPerDayChart perDay={perDay} title="Orders placed each of the last 14 days, by status" />
      </section>
      <section aria-labelledby="unpaid-h">
        <h2 id="unpaid-h">Unpaid invoices</h2>
        <Table
          caption="Invoices waiting for payment"
          head={['Invoice', 'Order', 'Amount', 'Pay before', '']}
          empty="No unpaid invoices."
          rows={unpaid.map((o) => {
            const p = presentOrder(o);
            return [
              o.invoice.publicId,
              `${p.action} ${p.domain_name}`,
              <Money value={p.invoice!.amount} />,
              when(o.invoice.expiresAt),
              <Action
                action={`/portal/invoices/${encodeURIComponent(o.invoice.publicId)}/pay`}
                label="Pay from wallet"
                csrf={csrf}
              />,
            ];
          })}
        />
      </section>
      <section aria-labelledby="expiring-h">
        <h2 id="expiring-h">Domains expiring within 30 days</h2>
        <Table
          caption="Expiring domains"
          head={['Domain', 'Expires', 'Auto-renew']}
          empty="None expire in the next 30 days."
          rows={expiring.map((d) => [
            <a href={`/portal/domains/${d.id}`}>{d.name}</a>,
            when(d.expiresAt),
            d.autoRenew ? 'on' : 'off',
          ])}
        />
      </section>
      <section aria-labelledby="orders-h">
        <h2 id="orders-h">Latest orders</h2>
        <Table
          caption="Latest orders"
          head={ORDER_HEAD}
          empty="No orders yet."
          rows={orders.map((o) => orderRow(presentOrder(o)))}
        />
        <p>
          <a href="/portal/orders">All orders</a>
        </p>
      </section>
    </>
  );
}

/** One order: what, its status (the failure in words), amount, invoice, and paying it from the wallet. */
export function OrderPage(props: { order: PresentedOrder; csrf: string | undefined }): VNode {
  const { order: o, csrf } = props;
  return (
    <>
      <dl class="figures">
        <dt>Action</dt>
        <dd>{o.action}</dd>
        <dt>Domain</dt>
        <dd>{o.domain_name}</dd>
        <dt>Status</dt>
        <dd>
          <OrderStatus order={o} />
        </dd>
        <dt>Amount</dt>
        <dd>
          <Money value={o.amount} /> ({o.payment_method})
        </dd>
        <dt>Placed</dt>
        <dd>{when(o.created_at)}</dd>
        <dt>Completed</dt>
        <dd>{when(o.completed_at)}</dd>
        {o.failure && (
          <>
            <dt>Why</dt>
            <dd>{o.failure.message}</dd>
          </>
        )}
        {o.invoice && (
          <>
            <dt>Invoice</dt>
            <dd>
              {o.invoice.id} — {o.invoice.status}
              {o.invoice.payment_url && o.invoice.status === 'unpaid' && (
                <>
                  {' '}
                  (<a href={o.invoice.payment_url}>pay at the gateway</a>)
                </>
              )}
            </dd>
          </>
        )}
      </dl>
      {o.status === 'awaiting_payment' && o.invoice && (
        <Action
          action={`/portal/invoices/${encodeURIComponent(o.invoice.id)}/pay`}
          label="Pay from wallet"
          csrf={csrf}
        />
      )}
      {o.action === 'transfer' && (o.status === 'processing' || o.status === 'pending') && (
        <Action
          action={`/portal/orders/${encodeURIComponent(o.id)}/cancel-transfer`}
          label="Cancel the transfer"
          csrf={csrf}
        />
      )}
    </>
  );
}
