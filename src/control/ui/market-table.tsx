/**
 * The markets table: filter by ticker and state, sort by any column, and only the rows on
 * screen (plus a few either side) in the DOM, so a thousand markets updating twice a second
 * cost what forty do. Rows have one fixed height; spacer rows above and below keep the
 * scroll bar true to the full list.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { MarketState } from '../engine-state.js';
import { ActionButtons } from './actions.js';
import type { Perform } from './actions.js';
import { Money } from './panels.js';
import { STATE_RANK, selectRows, shortDecimal, visibleWindow } from './table-model.js';
import type { MarketFilter, SortKey, SortOrder } from './table-model.js';

/** Must match `tr.market` height in app.css. */
export const ROW_HEIGHT = 28;

interface Column {
  readonly key: SortKey | undefined;
  readonly title: string;
  readonly width: number;
  readonly numeric?: boolean;
}

const COLUMNS: readonly Column[] = [
  { key: 'ticker', title: 'ticker', width: 230 },
  { key: 'state', title: 'state', width: 84 },
  { key: 'yesBid', title: 'yes bid × size', width: 118, numeric: true },
  { key: 'yesAsk', title: 'yes ask', width: 64, numeric: true },
  { key: 'noBid', title: 'no bid × size', width: 118, numeric: true },
  { key: 'noAsk', title: 'no ask', width: 64, numeric: true },
  { key: 'orders', title: 'our orders', width: 230 },
  { key: 'position', title: 'position', width: 76, numeric: true },
  { key: 'realizedPnl', title: 'realized', width: 92, numeric: true },
  { key: 'markedPnl', title: 'marked', width: 92, numeric: true },
  { key: 'fees', title: 'fees', width: 80, numeric: true },
  { key: 'fills', title: 'fills', width: 56, numeric: true },
  { key: 'rejects', title: 'rej.', width: 50, numeric: true },
  { key: undefined, title: 'control', width: 236 },
];

/** Fixed layout at a known width: the browser lays a row out without measuring its text. */
const TABLE_WIDTH = COLUMNS.reduce((sum, column) => sum + column.width, 0);

const STATES = Object.keys(STATE_RANK) as Array<MarketState['state']>;

function bookSide(price: string | undefined, size: string | undefined): string {
  if (price === undefined || price === '') return '–';
  return size === undefined || size === '' ? shortDecimal(price) : `${shortDecimal(price)} × ${shortDecimal(size, 0)}`;
}

function orderText(order: MarketState['orders'][number]): string {
  return `${order.action} ${order.side} ${shortDecimal(order.price)}×${shortDecimal(order.size, 0)}${order.status === 'resting' ? '' : ` (${order.status})`}`;
}

function MarketRow(props: { market: MarketState; perform: Perform; busy: boolean }) {
  const { market } = props;
  const orders = market.orders.map(orderText);
  return (
    <tr class={`market state-${market.state}`} data-ticker={market.ticker}>
      <td class="ticker" title={market.ticker}>
        {market.ticker}
      </td>
      <td>
        <span class={`state state-${market.state}`}>{market.state}</span>
      </td>
      <td class="num" data-col="yesBid">
        {bookSide(market.yesBid, market.yesBidSize)}
      </td>
      <td class="num" data-col="yesAsk">
        {shortDecimal(market.yesAsk) || '–'}
      </td>
      <td class="num" data-col="noBid">
        {bookSide(market.noBid, market.noBidSize)}
      </td>
      <td class="num" data-col="noAsk">
        {shortDecimal(market.noAsk) || '–'}
      </td>
      <td class="orders" title={orders.join('\n')}>
        {orders.length === 0 ? '–' : `${orders.length}: ${orders.join(' · ')}`}
      </td>
      <td class="num" data-col="position">
        <Money value={market.position} decimals={0} />
      </td>
      <td class="num" data-col="realizedPnl">
        <Money value={market.realizedPnl} />
      </td>
      <td class="num" data-col="markedPnl">
        <Money value={market.markedPnl} />
      </td>
      <td class="num" data-col="fees">
        {shortDecimal(market.fees)}
      </td>
      <td class="num" data-col="fills">
        {market.fills}
      </td>
      <td class="num" data-col="rejects">
        {market.rejects}
      </td>
      <td>
        <ActionButtons compact ticker={market.ticker} perform={props.perform} busy={props.busy} />
      </td>
    </tr>
  );
}

export function MarketTable(props: { markets: readonly MarketState[]; perform: Perform; busy: boolean }) {
  const [filter, setFilter] = useState<MarketFilter>({ text: '', state: 'all' });
  const [sort, setSort] = useState<SortOrder>({ key: 'ticker', descending: false });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const viewport = useRef<HTMLDivElement | null>(null);
  const scrollFrame = useRef(0);

  const rows = useMemo(() => selectRows(props.markets, filter, sort), [props.markets, filter, sort]);

  useEffect(() => {
    const element = viewport.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    setViewportHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  useEffect(() => () => cancelAnimationFrame(scrollFrame.current), []);

  // a new filter starts at the top of its list
  useEffect(() => {
    if (viewport.current !== null) viewport.current.scrollTop = 0;
    setScrollTop(0);
  }, [filter]);

  const onScroll = (): void => {
    if (scrollFrame.current !== 0) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = 0;
      if (viewport.current !== null) setScrollTop(viewport.current.scrollTop);
    });
  };

  const rowWindow = visibleWindow(scrollTop, viewportHeight, ROW_HEIGHT, rows.length);
  const shown = rows.slice(rowWindow.start, rowWindow.end);
  const sortBy = (key: SortKey): void => setSort((current) => ({ key, descending: current.key === key ? !current.descending : false }));

  return (
    <section class="markets">
      <div class="table-tools">
        <h2>markets</h2>
        <input
          id="market-filter"
          type="search"
          placeholder="filter tickers"
          value={filter.text}
          onInput={(event) => setFilter((current) => ({ ...current, text: (event.target as HTMLInputElement).value }))}
        />
        <select
          id="state-filter"
          value={filter.state}
          onChange={(event) => setFilter((current) => ({ ...current, state: (event.target as HTMLSelectElement).value as MarketFilter['state'] }))}
        >
          <option value="all">every state</option>
          {STATES.map((state) => (
            <option key={state} value={state}>
              {state}
            </option>
          ))}
        </select>
        <span class="count" id="market-count">
          {rows.length === props.markets.length ? `${rows.length} markets` : `${rows.length} of ${props.markets.length} markets`}
        </span>
      </div>
      <div class="table-viewport" id="markets-viewport" ref={viewport} onScroll={onScroll}>
        <table class="market-table" id="markets" style={{ width: `${TABLE_WIDTH}px` }}>
          <colgroup>
            {COLUMNS.map((column) => (
              <col key={column.title} style={{ width: `${column.width}px` }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {COLUMNS.map((column) => {
                const active = column.key !== undefined && sort.key === column.key;
                return (
                  <th
                    key={column.title}
                    class={`${column.numeric === true ? 'num' : ''} ${column.key === undefined ? '' : 'sortable'}`}
                    data-sort={column.key}
                    aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                    onClick={column.key === undefined ? undefined : () => sortBy(column.key!)}
                  >
                    {column.title}
                    {active ? (sort.descending ? ' ▼' : ' ▲') : ''}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rowWindow.start > 0 && (
              <tr class="spacer" style={{ height: `${rowWindow.start * ROW_HEIGHT}px` }} aria-hidden="true">
                <td colSpan={COLUMNS.length} />
              </tr>
            )}
            {shown.map((market) => (
              <MarketRow key={market.ticker} market={market} perform={props.perform} busy={props.busy} />
            ))}
            {rowWindow.end < rows.length && (
              <tr class="spacer" style={{ height: `${(rows.length - rowWindow.end) * ROW_HEIGHT}px` }} aria-hidden="true">
                <td colSpan={COLUMNS.length} />
              </tr>
            )}
            {rows.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} class="empty">
                  no market matches
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
