/*
 * The script of report.html: reads the data embedded in the page and draws the charts with
 * uPlot (inlined beside it) and the tables. Plain browser JavaScript, no network.
 */
/* global uPlot */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('backtest-data').textContent);
  var charts = [];
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) if (Object.prototype.hasOwnProperty.call(attrs, key)) node.setAttribute(key, attrs[key]);
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function dollars(value) {
    var number = Number(value);
    return (number < 0 ? '-$' : '$') + Math.abs(number).toFixed(2);
  }
  function show(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  function setLabel(set) {
    var keys = Object.keys(set.parameters);
    if (keys.length === 0) return 'the run';
    return keys
      .map(function (key) {
        return key.replace(/^strategy\./, '') + '=' + show(set.parameters[key]);
      })
      .join(', ');
  }
  function chartWidth(container) {
    return Math.max(360, Math.min(1200, (container.clientWidth || 960) - 8));
  }
  function chart(container, title, x, series, ys, yLabel) {
    var box = el('div', { class: 'chart' });
    container.appendChild(box);
    var options = {
      title: title,
      width: chartWidth(container),
      height: 260,
      scales: { x: { time: true } },
      series: [{}].concat(series),
      axes: [{}, { label: yLabel, size: 70 }],
      legend: { live: true },
    };
    charts.push(new uPlot(options, [x].concat(ys), box));
  }

  function renderTables(set, container) {
    var head = [
      'market',
      'fills',
      'volume',
      'position',
      'realized',
      'unrealized (mid)',
      'fees',
      'net (marked)',
      'max inventory',
      'max drawdown',
      'quoted',
      'two-sided s',
      'orders',
      'tokens',
    ];
    var rows = set.markets.map(function (m) {
      return [
        m.ticker,
        String(m.fills),
        m.volume,
        m.position,
        dollars(m.realized),
        dollars(m.unrealized_mid),
        dollars(m.fees),
        dollars(m.net),
        m.max_inventory,
        dollars(m.max_drawdown),
        (Number(m.quoted_share) * 100).toFixed(1) + '%',
        m.time_two_sided_s,
        String(m.orders_sent.total),
        String(m.tokens_spent),
      ];
    });
    var t = set.total;
    rows.push([
      'total',
      String(t.fills),
      t.volume,
      '',
      dollars(t.realized),
      dollars(t.unrealized_mid),
      dollars(t.fees),
      dollars(t.net),
      t.max_inventory,
      dollars(t.max_drawdown),
      '',
      t.time_two_sided_s,
      String(t.orders_sent.total),
      String(t.tokens_spent),
    ]);
    var table = el('table', { class: 'markets', id: 'market-table' }, [
      el('thead', null, [
        el(
          'tr',
          null,
          head.map(function (h) {
            return el('th', null, [h]);
          }),
        ),
      ]),
      el(
        'tbody',
        null,
        rows.map(function (row, index) {
          return el(
            'tr',
            index === rows.length - 1 ? { class: 'total' } : null,
            row.map(function (cell) {
              return el('td', null, [cell]);
            }),
          );
        }),
      ),
    ]);
    container.appendChild(el('h3', null, ['Per market']));
    container.appendChild(table);
  }

  function renderSet(index) {
    charts.forEach(function (c) {
      c.destroy();
    });
    charts = [];
    var container = document.getElementById('set');
    container.textContent = '';
    var set = data.sets[index];
    var series = data.series[String(index)];
    container.appendChild(el('h2', null, ['Parameter set ' + index + ': ' + setLabel(set)]));
    if (!series || series.t.length === 0) {
      container.appendChild(el('p', null, ['No samples: the recording had no timed frames for these markets.']));
      renderTables(set, container);
      return;
    }
    var x = series.t.map(function (ms) {
      return ms / 1000;
    });
    var tickers = Object.keys(series.markets);
    chart(
      container,
      'PnL over time (estimate)',
      x,
      [
        { label: 'net (marked to mid, after fees) $', stroke: COLORS[0], width: 2 },
        { label: 'realized $', stroke: COLORS[2], width: 1 },
      ],
      [series.net, series.realized],
      '$',
    );
    chart(
      container,
      'Inventory over time (contracts, + YES / - NO)',
      x,
      tickers.map(function (ticker, i) {
        return { label: ticker, stroke: COLORS[i % COLORS.length], width: 1.5 };
      }),
      tickers.map(function (ticker) {
        return series.markets[ticker].position;
      }),
      'contracts',
    );
    tickers.forEach(function (ticker) {
      var market = series.markets[ticker];
      var fills = series.fills[ticker] || [];
      // one x axis for the book samples and the fills
      var times = {};
      x.forEach(function (t) {
        times[t] = true;
      });
      fills.forEach(function (f) {
        times[f[0] / 1000] = true;
      });
      var xs = Object.keys(times)
        .map(Number)
        .sort(function (a, b) {
          return a - b;
        });
      var position = {};
      xs.forEach(function (t, i) {
        position[t] = i;
      });
      var bid = xs.map(function () {
        return null;
      });
      var ask = xs.map(function () {
        return null;
      });
      var buys = xs.map(function () {
        return null;
      });
      var sells = xs.map(function () {
        return null;
      });
      x.forEach(function (t, i) {
        bid[position[t]] = market.yesBid[i];
        ask[position[t]] = market.yesAsk[i];
      });
      fills.forEach(function (f) {
        (f[2] > 0 ? buys : sells)[position[f[0] / 1000]] = f[1];
      });
      chart(
        container,
        ticker + ': fills on the YES price (' + fills.length + ' fills)',
        xs,
        [
          { label: 'YES bid', stroke: '#888', width: 1, spanGaps: true },
          { label: 'YES ask', stroke: '#bbb', width: 1, spanGaps: true },
          {
            label: 'fill: long YES',
            stroke: '#2ca02c',
            fill: '#2ca02c',
            paths: function () {
              return null;
            },
            points: { show: true, size: 7, fill: '#2ca02c' },
          },
          {
            label: 'fill: long NO',
            stroke: '#d62728',
            fill: '#d62728',
            paths: function () {
              return null;
            },
            points: { show: true, size: 7, fill: '#d62728' },
          },
        ],
        [bid, ask, buys, sells],
        'YES price ¢',
      );
    });
    renderTables(set, container);
  }

  function heatColor(value, max) {
    if (max === 0 || value === null) return '#f4f4f4';
    var share = Math.min(1, Math.abs(value) / max);
    var light = Math.round(95 - share * 50);
    return value >= 0 ? 'hsl(130, 55%, ' + light + '%)' : 'hsl(0, 65%, ' + light + '%)';
  }

  function renderSweep() {
    var container = document.getElementById('sweep');
    if (data.swept.length === 0) return;
    container.appendChild(el('h2', null, ['Sweep: ' + data.sets.length + ' parameter sets']));
    // heat map of net PnL over the first two swept keys (the best set where more keys are swept)
    var rowKey = data.swept[0];
    var colKey = data.swept.length > 1 ? data.swept[1] : undefined;
    var rowValues = [];
    var colValues = [];
    data.sets.forEach(function (set) {
      var r = show(set.parameters[rowKey]);
      if (rowValues.indexOf(r) < 0) rowValues.push(r);
      var c = colKey === undefined ? '' : show(set.parameters[colKey]);
      if (colValues.indexOf(c) < 0) colValues.push(c);
    });
    var cells = {};
    var max = 0;
    data.sets.forEach(function (set) {
      var id = show(set.parameters[rowKey]) + '|' + (colKey === undefined ? '' : show(set.parameters[colKey]));
      var net = Number(set.total.net);
      if (!(id in cells) || net > cells[id].net) cells[id] = { net: net, index: set.index };
      max = Math.max(max, Math.abs(net));
    });
    var heat = el('table', { class: 'heat', id: 'heat-map' }, [
      el('thead', null, [
        el(
          'tr',
          null,
          [el('th', null, [rowKey + (colKey ? ' \\ ' + colKey : '')])].concat(
            colValues.map(function (c) {
              return el('th', null, [c === '' ? 'net' : c]);
            }),
          ),
        ),
      ]),
      el(
        'tbody',
        null,
        rowValues.map(function (r) {
          return el(
            'tr',
            null,
            [el('th', null, [r])].concat(
              colValues.map(function (c) {
                var cell = cells[r + '|' + c];
                var td = el('td', { style: 'background:' + heatColor(cell ? cell.net : null, max), title: cell ? 'set ' + cell.index : '' }, [
                  cell ? dollars(cell.net) : '',
                ]);
                if (cell)
                  td.addEventListener('click', function () {
                    renderSet(cell.index);
                  });
                return td;
              }),
            ),
          );
        }),
      ),
    ]);
    container.appendChild(
      el('h3', null, ['Net PnL heat map' + (data.swept.length > 2 ? ' (best over the other swept keys)' : '') + '; click a cell for its charts']),
    );
    container.appendChild(heat);
    var head = ['set'].concat(data.swept, ['net', 'realized', 'fees', 'fills', 'volume', 'max drawdown', 'max inventory']);
    var table = el('table', { class: 'sweep', id: 'sweep-table' }, [
      el('thead', null, [
        el(
          'tr',
          null,
          head.map(function (h) {
            return el('th', null, [h]);
          }),
        ),
      ]),
      el(
        'tbody',
        null,
        data.sets.map(function (set) {
          var t = set.total;
          var row = el(
            'tr',
            { class: set.index === data.best ? 'best' : '' },
            [String(set.index)]
              .concat(
                data.swept.map(function (key) {
                  return show(set.parameters[key]);
                }),
                [dollars(t.net), dollars(t.realized), dollars(t.fees), String(t.fills), t.volume, dollars(t.max_drawdown), t.max_inventory],
              )
              .map(function (cell) {
                return el('td', null, [cell]);
              }),
          );
          row.addEventListener('click', function () {
            renderSet(set.index);
          });
          return row;
        }),
      ),
    ]);
    container.appendChild(el('h3', null, ['All sets; click a row for its charts']));
    container.appendChild(table);
  }

  renderSweep();
  renderSet(data.best);
  document.body.setAttribute('data-rendered', 'true');
})();
