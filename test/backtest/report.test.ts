/**
 * report.html in a real browser: Debian's chromium driven by playwright-core (no browser is
 * downloaded), the page opened from disk with every network request refused and recorded.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { writeBacktest } from '../../src/backtest/output.js';
import { parseAssignment, parseSweep } from '../../src/backtest/settings.js';
import type { SetResult } from '../../src/backtest/summary.js';
import { executePlan, planBacktest } from '../../src/backtest/sweep.js';
import { tempDirectory, type TempDirectory } from '../replay/temp-directory.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FIXTURE = fileURLToPath(new URL('../fixtures/recordings/sim-current.jsonl.gz', import.meta.url));

/** Pixels of each chart's canvas close to an RGB colour, in chart order (the page has no DOM types here: plain script). */
function pixelsOf(page: Page, rgb: readonly [number, number, number]): Promise<number[]> {
  return page.evaluate(`(() => [...document.querySelectorAll('.chart canvas')].map((canvas) => {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] > 200 && Math.abs(pixels[i] - ${rgb[0]}) < 24 && Math.abs(pixels[i + 1] - ${rgb[1]}) < 24 && Math.abs(pixels[i + 2] - ${rgb[2]}) < 24) count++;
    }
    return count;
  }))()`);
}

describe('backtest report.html in chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let temp: TempDirectory;
  let sets: SetResult[];
  let swept: readonly string[];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
    temp = tempDirectory();
    const plan = planBacktest(
      [FIXTURE],
      {},
      [parseAssignment('execution.min_order_life_ms=500')],
      [parseSweep('min_spread=2,4'), parseSweep('take_profit=2,3')],
    );
    swept = plan.swept;
    sets = await executePlan(plan, { threads: 2 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
  });
  after(async () => {
    await browser?.close();
    temp?.remove();
  });

  /** `errors`: console errors and uncaught exceptions; `warnings`: console warnings while the page rendered (before the test reads pixels back) */
  async function open(path: string): Promise<{ page: Page; errors: string[]; warnings: string[]; requests: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    const seen: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
      if (message.type() === 'warning') seen.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 10_000 });
    return { page, errors, warnings: [...seen], requests };
  }

  it('a sweep: the heat map and the table of every set, the charts of the best set drawn, nothing fetched, no error', async () => {
    const written = writeBacktest(temp.file('sweep'), sets, swept);
    const { page, errors, warnings, requests } = await open(temp.file('sweep/report.html'));
    expect(warnings).to.deep.equal([]);
    expect(await page.textContent('#estimate')).to.match(/^Estimate\..*estimate.*upper bound/s);
    expect(await page.locator('#heat-map tbody tr').count()).to.equal(2);
    expect(await page.locator('#heat-map tbody td').count()).to.equal(4);
    const heat = await page.$$eval('#heat-map tbody td', (cells) => cells.map((cell) => cell.textContent));
    const nets = written.summary.sets.map((set) => `${Number(set.total.net) < 0 ? '-$' : '$'}${Math.abs(Number(set.total.net)).toFixed(2)}`);
    expect(heat).to.deep.equal(nets);
    expect(await page.locator('#sweep-table tbody tr').count()).to.equal(4);

    // PnL, inventory and one fills chart per market, each with its data drawn
    const tickers = written.summary.sets[0]!.markets.map((market) => market.ticker);
    expect(await page.locator('.chart canvas').count()).to.equal(2 + tickers.length);
    const netLine = await pixelsOf(page, [0x1f, 0x77, 0xb4]);
    expect(netLine[0], 'the net PnL line').to.be.greaterThan(200);
    const longYes = await pixelsOf(page, [0x2c, 0xa0, 0x2c]);
    const longNo = await pixelsOf(page, [0xd6, 0x27, 0x28]);
    const fillCharts = longYes.slice(2).map((count, index) => count + longNo[index + 2]!);
    const best = written.summary.sets.reduce((a, b) => (Number(b.total.net) > Number(a.total.net) ? b : a));
    best.markets.forEach((market, index) => {
      if (market.fills > 0) expect(fillCharts[index], `fill points of ${market.ticker}`).to.be.greaterThan(20);
    });
    expect(await page.locator('#market-table tbody tr').count()).to.equal(tickers.length + 1);

    // another set's charts on a click of its heat map cell
    const other = written.summary.sets.find((set) => set.index !== best.index)!;
    await page.locator('#heat-map tbody td').nth(other.index).click();
    expect(await page.textContent('#set h2')).to.equal(
      `Parameter set ${other.index}: ${Object.entries(other.parameters)
        .map(([key, value]) => `${key.replace(/^strategy\./, '')}=${JSON.stringify(value)}`)
        .join(', ')}`,
    );
    expect(await page.locator('.chart canvas').count()).to.equal(2 + tickers.length);
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
  });

  it('a single run: no sweep section, the charts and the table', async () => {
    writeBacktest(temp.file('single'), [{ ...sets[0]!, index: 0, parameters: [] }], []);
    const { page, errors, warnings, requests } = await open(temp.file('single/report.html'));
    expect(warnings).to.deep.equal([]);
    expect(await page.locator('#sweep *').count()).to.equal(0);
    expect(await page.textContent('#set h2')).to.equal('Parameter set 0: the run');
    const netLine = await pixelsOf(page, [0x1f, 0x77, 0xb4]);
    expect(netLine[0]).to.be.greaterThan(200);
    expect(errors).to.deep.equal([]);
    expect(requests).to.deep.equal([]);
  });
});
