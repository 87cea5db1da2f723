import { expect } from 'chai';
import { BUCKETS, combineBuckets, LatencyHistogram, quantileMs, totalOf } from '../../src/actors/latency-histogram.js';

describe('latency histogram', () => {
  it('reports quantiles as the upper edge of their 10 µs bucket', () => {
    const histogram = new LatencyHistogram();
    for (let index = 1; index <= 100; index++) histogram.record(index * 0.01 - 0.005); // 0.005, 0.015 ... 0.995 ms
    const counts = combineBuckets([histogram.buckets()]);
    expect(totalOf(counts)).to.equal(100);
    expect(quantileMs(counts, 0.5)).to.equal(0.5);
    expect(quantileMs(counts, 0.99)).to.equal(0.99);
    expect(quantileMs(counts, 1)).to.equal(1);
  });

  it('puts everything from 20 ms up in one bucket, and anything negative in the first', () => {
    const histogram = new LatencyHistogram();
    histogram.record(-0.2);
    histogram.record(25);
    histogram.record(1_000);
    expect(histogram.buckets()).to.deep.equal([
      [0, 1],
      [BUCKETS, 2],
    ]);
    expect(quantileMs(combineBuckets([histogram.buckets()]), 0.99)).to.equal(Infinity);
  });

  it('counts several events of one latency at once', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0.015, 3);
    histogram.record(0.015);
    expect(histogram.buckets()).to.deep.equal([[1, 4]]);
  });

  it('adds the histograms of several actors and takes away one taken earlier (a warm-up)', () => {
    const first = new LatencyHistogram();
    const second = new LatencyHistogram();
    first.record(5);
    const warmUp = first.buckets();
    first.record(0.1);
    second.record(0.3);
    const counts = combineBuckets([first.buckets(), second.buckets()], [warmUp]);
    expect(totalOf(counts)).to.equal(2);
    expect(quantileMs(counts, 1)).to.equal(0.31);
    expect(quantileMs(combineBuckets([]), 0.5)).to.equal(undefined);
  });
});
