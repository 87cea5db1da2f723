/**
 * The layering of src/, written once: each folder may import only the folders before it
 * in LAYERS (and itself). `npm test` runs this check (npm run check:layers); a forbidden
 * import fails the suite. test/layering.test.ts proves that the rules bite.
 */
const LAYERS = [
  'protocol', // the wire: types, exact conversions, decoding, the frame scan, signing
  'clock', // the one clock abstraction
  'config', // schema, loading, validation
  'fees', // Kalshi's fee model
  'book', // the order book
  'strategy', // the dual-sided maker and the intents it emits
  'matching', // the pure matching engine
  'portfolio', // positions, PnL, the fills journal record
  'risk', // limits and the kill switch (pure; the execution actor runs it)
  'log', // the logger actor and the records it writes
  'adapters', // the Kalshi client side: socket, handshake, subscriptions, REST
  'selection', // markets chosen by rules, resolved over REST
  'execution', // orders with a life cycle, the write budget, venues
  'actors', // shard actors and their supervisor
  'gateway', // routing frames to actors
  'sim', // the exchange simulator (a venue)
  'replay', // recording and serving recordings
  'backtest', // recordings run through the makers and a sandbox venue
  'control', // metrics, status page, control API
  'engine', // the composition root
  'cli', // the command line
];

/** Folders a venue or a recording tool must never reach into, whatever the order says. */
const ENGINE_PARTS = ['gateway', 'actors', 'engine', 'execution', 'risk', 'control', 'log', 'config', 'cli'];

const above = (index) => LAYERS.slice(index + 1);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in src/.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...LAYERS.map((layer, index) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer}/ may import only the layers before it: ${LAYERS.slice(0, index).join(', ') || '(none)'}.`,
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${above(index).join('|')})/` },
    })).filter((rule) => LAYERS.indexOf(rule.name.slice('layer-'.length)) < LAYERS.length - 1),
    {
      name: 'sim-is-a-venue',
      severity: 'error',
      comment: 'The simulator imports protocol/, clock/, fees/ and matching/ and nothing of the engine.',
      from: { path: '^src/sim/' },
      to: { path: `^src/(${ENGINE_PARTS.filter((part) => part !== 'sim').join('|')}|replay|book|strategy|portfolio|adapters)/` },
    },
    {
      name: 'replay-imports-no-engine',
      severity: 'error',
      comment: 'Recording and replay import nothing of the gateway, the actors or the composition root.',
      from: { path: '^src/replay/' },
      to: { path: '^src/(gateway|actors|engine|execution|risk|control|cli)/' },
    },
    {
      name: 'src-not-from-tests',
      severity: 'error',
      comment: 'Sources never import tests or benchmarks.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
