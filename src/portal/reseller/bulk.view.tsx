import type { VNode } from 'preact';
import type { BulkJobRow } from '../../services/bulk-jobs';
import { isBulkJobActive } from '../../services/bulk-progress';
import type { AppError } from '../../services/errors';
import type { BulkJobJson } from '../../views/bulk-jobs';
import { BULK_ACTIONS } from '../../../workflows/contracts';
import { Action, Csrf, Errors, Field, Table, when } from '../components';
import type { z } from 'zod';

/* The bulk job pages' markup; bulk.tsx loads their data and handles the forms. */

type Job = z.infer<typeof BulkJobJson>;

const ACTION_TEXT: Record<(typeof BULK_ACTIONS)[number], string> = {
  register: 'Register',
  renew: 'Renew',
  transfer: 'Transfer in',
  nameservers: 'Set nameservers',
  dns_replace: 'Replace DNS records',
  auto_renew: 'Auto-renew on/off',
  lock: 'Lock/unlock',
  privacy: 'Whois privacy',
};

const eta = (s: number | null) =>
  s === null
    ? '–'
    : s < 90
      ? `${s} s`
      : s < 5400
        ? `${Math.round(s / 60)} min`
        : `${(s / 3600).toFixed(1)} h`;

/** The upload form and the account's jobs. */
export function BulkList(props: {
  rows: Array<{ row: BulkJobRow; view: Job }>;
  error: AppError | undefined;
  csrf: string | undefined;
}): VNode {
  return (
    <>
      <p>
        One action over many domains (up to 10,000): upload a CSV with a header row naming its columns (
        <code>domain</code>, and as the action needs: <code>years</code>, <code>auth_code</code>,{' '}
        <code>nameservers</code>, <code>registrant_contact_id</code>, <code>enabled</code>,{' '}
        <code>locked</code>, <code>privacy</code>). Every line is checked and priced first; nothing runs until
        you confirm. Each item is charged once and refunded if it fails.
      </p>
      <form method="post" action="/portal/bulk" enctype="multipart/form-data" aria-labelledby="upload-h">
        <h2 id="upload-h">New job</h2>
        <Errors
          message={props.error?.message}
          errors={props.error?.errors}
          shown={['years', 'concurrency']}
        />
        <Csrf token={props.csrf} />
        <label for="f-action">
          Action
          <select id="f-action" name="action" required>
            {BULK_ACTIONS.map((a) => (
              <option value={a} key={a}>
                {ACTION_TEXT[a]}
              </option>
            ))}
          </select>
        </label>
        <label for="f-file">
          CSV file
          <input id="f-file" type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <Field
          name="years"
          label="Years (for lines that give none)"
          type="number"
          errors={props.error?.errors}
        />
        <Field
          name="value"
          label="Value (auto-renew, lock: true or false; privacy: full, partial or off)"
          errors={props.error?.errors}
        />
        <Field
          name="concurrency"
          label="At most this many at once (optional)"
          type="number"
          errors={props.error?.errors}
        />
        <button type="submit">Check and price</button>
      </form>
      <Table
        caption="Bulk jobs"
        head={['Job', 'Action', 'Status', 'Progress', 'Failed', 'Submitted']}
        rows={props.rows.map(({ row, view }) => [
          <a href={`/portal/bulk/${encodeURIComponent(row.publicId)}`}>{row.publicId}</a>,
          ACTION_TEXT[row.action],
          view.status,
          `${view.progress.finished} of ${view.progress.of}`,
          String(view.items.failed),
          when(row.createdAt),
        ])}
        empty="No bulk jobs yet."
      />
    </>
  );
}

/** One job: its progress bar (the page reloads itself while it runs), counts, controls and refusals. */
export function BulkJobPage(props: { row: BulkJobRow; view: Job; csrf: string | undefined }): VNode {
  const { view: v, csrf } = props;
  const path = `/portal/bulk/${encodeURIComponent(v.id)}`;
  const running = isBulkJobActive(v.status);
  return (
    <>
      <p>
        <strong>{ACTION_TEXT[v.action]}</strong> · {v.items.total} lines · status{' '}
        <strong data-job-status>{v.status}</strong>
        {running && ' (this page refreshes itself)'}
      </p>
      {v.status !== 'preflight' && (
        <label for="job-progress">
          {v.progress.finished} of {v.progress.of} done ({v.progress.percent}%) · ETA{' '}
          {eta(v.progress.eta_seconds)}
          <progress id="job-progress" value={v.progress.finished} max={v.progress.of} />
        </label>
      )}
      <Table
        caption="Items"
        head={['Succeeded', 'Failed', 'Running', 'Waiting', 'Cancelled', 'Invalid']}
        rows={[
          [
            v.items.succeeded,
            v.items.failed,
            v.items.running,
            v.items.pending,
            v.items.cancelled,
            v.items.invalid,
          ].map((n) => String(n)),
        ]}
      />
      <p>
        Total {v.total_price.amount} {v.total_price.currency}
        {v.status === 'preflight' && !v.wallet_covers && ' — the wallet does not cover it: top up first'} ·
        charged so far {v.charged.amount} {v.charged.currency}
        {v.progress.limit_per_minute !== null &&
          ` · the registrar account allows ${v.progress.limit_per_minute} a minute`}
      </p>
      <div class="actions">
        {v.status === 'preflight' && (
          <Action action={`${path}/confirm`} label="Confirm and run" csrf={csrf}>
            {v.items.invalid > 0 && (
              <label for="skip-invalid">
                <input id="skip-invalid" type="checkbox" name="skip_invalid" value="1" /> Leave out the{' '}
                {v.items.invalid} invalid lines
              </label>
            )}
          </Action>
        )}
        {v.status === 'running' && <Action action={`${path}/pause`} label="Pause" csrf={csrf} secondary />}
        {v.status === 'paused' && <Action action={`${path}/resume`} label="Resume" csrf={csrf} />}
        {['preflight', 'running', 'paused'].includes(v.status) && (
          <Action
            action={`${path}/cancel`}
            label={v.status === 'preflight' ? 'Discard' : 'Cancel'}
            csrf={csrf}
            secondary
          />
        )}
        <a href={`${path}/results.csv`}>Results (CSV)</a>
      </div>
      {v.errors.length > 0 && (
        <Table
          caption="Lines refused by the checks"
          head={['Line', 'Domain', 'Why']}
          rows={v.errors.map((e) => [String(e.line), e.domain, `${e.code}: ${e.message}`])}
        />
      )}
    </>
  );
}
