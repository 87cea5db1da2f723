/** The totals cards and the recent fills and rejects of the status page. */
import type { ComponentChildren } from 'preact';
import type { EngineState } from '../engine-state.js';
import { latencyQuantileMs, newestFirst, shortDecimal, signOf, totalOf } from './table-model.js';

const RECENT_ROWS = 50;

/** A decimal string, shortened; gains green and losses red unless `plain`. */
export function Money(props: { value: string | undefined; decimals?: number; plain?: boolean }) {
  const sign = props.plain === true ? 0 : signOf(props.value);
  return <span class={sign < 0 ? 'num neg' : sign > 0 ? 'num pos' : 'num'}>{shortDecimal(props.value, props.decimals ?? 2)}</span>;
}

function Card(props: { title: string; field: string; children: ComponentChildren; tone?: string }) {
  return (
    <div class={`card ${props.tone ?? ''}`} data-field={props.field}>
      <div class="card-title">{props.title}</div>
      <div class="card-value">{props.children}</div>
    </div>
  );
}

function latencyText(latency: EngineState['decisionLatency'], q: number): string {
  const ms = latencyQuantileMs(latency, q);
  if (ms === undefined) return '–';
  return Number.isFinite(ms) ? `≤ ${ms} ms` : `> ${latency.boundsMs[latency.boundsMs.length - 1] ?? 0} ms`;
}

export function Totals(props: { state: EngineState }) {
  const { state } = props;
  const { connection, orders, totals } = state;
  const spent = orders.tokensSpent;
  const left = orders.tokensLeft;
  return (
    <section class="totals" id="totals">
      <Card title="realized PnL" field="realizedPnl">
        <Money value={totals.realizedPnl} />
      </Card>
      <Card title="marked PnL" field="markedPnl">
        <Money value={totals.markedPnl} />
      </Card>
      <Card title="fees" field="fees">
        <Money value={totals.fees} plain />
      </Card>
      <Card title="exposure" field="exposure">
        <Money value={totals.exposure} plain />
      </Card>
      <Card title="position" field="position">
        <Money value={totals.position} decimals={0} plain />
      </Card>
      <Card title="risk" field="risk" tone={`risk-${state.risk}`}>
        {state.risk}
      </Card>
      <Card title="write budget" field="writeBudget" tone={orders.rateLimited > 0 ? 'warn' : ''}>
        <span class="num">{left}</span> left · <span class="num">{spent}</span> spent
        <div class="sub">
          429s <span class="num">{orders.rateLimited}</span>
        </div>
      </Card>
      <Card title="orders" field="orders">
        <span class="num">{totalOf(orders.sent)}</span> sent · <span class="num">{totalOf(orders.rejects)}</span> rejected
        <div class="sub">
          fills{' '}
          <span class="num" data-field="fills">
            {orders.fills}
          </span>
        </div>
      </Card>
      <Card title="feed" field="feed" tone={connection.connected ? '' : 'bad'}>
        {connection.connected ? 'connected' : 'disconnected'}
        <div class="sub">
          reconnects {connection.reconnects} · gaps {connection.sequenceGaps} · resyncs {connection.resyncs} · stale {connection.staleBooks}
        </div>
      </Card>
      <Card title="decision latency" field="latency">
        p50 {latencyText(state.decisionLatency, 0.5)}
        <div class="sub">
          p99 {latencyText(state.decisionLatency, 0.99)} · actor restarts {state.actorRestarts}
        </div>
      </Card>
    </section>
  );
}

export function Recent(props: { state: EngineState }) {
  const fills = newestFirst(props.state.recentFills, RECENT_ROWS);
  const rejects = newestFirst(props.state.recentRejects, RECENT_ROWS);
  return (
    <section class="recent">
      <div class="recent-block">
        <h2>recent fills</h2>
        <table class="small" id="recent-fills">
          <thead>
            <tr>
              <th>time</th>
              <th>ticker</th>
              <th>side</th>
              <th>action</th>
              <th>price</th>
              <th>count</th>
              <th>fee</th>
              <th>role</th>
            </tr>
          </thead>
          <tbody>
            {fills.length === 0 && (
              <tr>
                <td colSpan={8} class="empty">
                  none yet
                </td>
              </tr>
            )}
            {fills.map((fill, index) => (
              <tr key={`${fill.ts}-${fill.ticker}-${index}`}>
                <td class="time">{fill.ts.replace('T', ' ').replace(/Z$/, '')}</td>
                <td>{fill.ticker}</td>
                <td>{fill.side}</td>
                <td>{fill.action}</td>
                <td class="num">{shortDecimal(fill.price)}</td>
                <td class="num">{shortDecimal(fill.count, 0)}</td>
                <td class="num">{shortDecimal(fill.fee)}</td>
                <td>{fill.is_taker ? 'taker' : 'maker'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="recent-block">
        <h2>recent rejects</h2>
        <table class="small" id="recent-rejects">
          <thead>
            <tr>
              <th>time</th>
              <th>ticker</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>
            {rejects.length === 0 && (
              <tr>
                <td colSpan={3} class="empty">
                  none
                </td>
              </tr>
            )}
            {rejects.map((reject, index) => (
              <tr key={`${reject.ts}-${reject.ticker}-${index}`}>
                <td class="time">{reject.ts.replace('T', ' ').replace(/Z$/, '')}</td>
                <td>{reject.ticker}</td>
                <td>{reject.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
